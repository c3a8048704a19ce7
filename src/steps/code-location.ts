// `floe-dev code-location reload`: the steps after the image is in the node and the Deployment rolled — ask
// Dagster to reload the location, and report what it loaded or the Python error it met.
import type { Config } from '../config/schema.js';
import type { Context } from '../context.js';
import { FloeError, UsageError } from '../errors.js';
import { codeLocations, type CodeLocation } from '../platform/code-locations.js';
import { resolveImage } from '../platform/overrides.js';
import { WEBSERVER_PORT } from '../platform/services/dagster.js';
import { throughForward } from '../tools/through-forward.js';
import { nearName, shownValue } from '../text.js';
import { kubectlFor } from './cluster.js';
import type { Step } from './step.js';

/**
 * Dagster's GraphQL mutation (dagster-graphql schema/roots/mutation.py: GrapheneReloadRepositoryLocationMutation,
 * its result union WorkspaceLocationEntry | ReloadNotSupported | RepositoryLocationNotFound | UnauthorizedError |
 * PythonError).
 */
export const RELOAD_MUTATION = `mutation Reload($name: String!) {
  reloadRepositoryLocation(repositoryLocationName: $name) {
    __typename
    ... on WorkspaceLocationEntry {
      name
      loadStatus
      locationOrLoadError {
        __typename
        ... on RepositoryLocation { name repositories { name } }
        ... on PythonError { message stack }
      }
    }
    ... on PythonError { message stack }
    ... on ReloadNotSupported { message }
    ... on RepositoryLocationNotFound { message }
    ... on UnauthorizedError { message }
  }
}`;

export type ReloadOutcome = { loaded: true; repositories: string[] } | { loaded: false; reason: string; pythonError?: { message: string; stack: string[] } };

/** What Dagster answered to the reload, read (pure). */
export function parseReload(status: number, body: string): ReloadOutcome {
  let doc: { data?: { reloadRepositoryLocation?: Record<string, unknown> }; errors?: { message?: string }[] } | undefined;
  try {
    doc = JSON.parse(body) as typeof doc;
  } catch {
    return { loaded: false, reason: `Dagster answered ${status} with no JSON` };
  }
  if (doc?.errors?.length) return { loaded: false, reason: `Dagster's GraphQL refused the reload: ${doc.errors.map((e) => e.message).join('; ')}` };
  const r = doc?.data?.reloadRepositoryLocation as
    | { __typename?: string; message?: string; stack?: string[]; locationOrLoadError?: { __typename?: string; message?: string; stack?: string[]; repositories?: { name: string }[] } }
    | undefined;
  if (!r) return { loaded: false, reason: `Dagster answered ${status} without a reload result` };
  if (r.__typename === 'WorkspaceLocationEntry') {
    const l = r.locationOrLoadError;
    if (l?.__typename === 'RepositoryLocation') return { loaded: true, repositories: (l.repositories ?? []).map((x) => x.name) };
    if (l?.__typename === 'PythonError') return { loaded: false, reason: 'the code failed to load', pythonError: { message: l.message ?? '', stack: l.stack ?? [] } };
    return { loaded: false, reason: 'Dagster is still loading it' };
  }
  if (r.__typename === 'PythonError') return { loaded: false, reason: 'Dagster failed to reload it', pythonError: { message: r.message ?? '', stack: r.stack ?? [] } };
  return { loaded: false, reason: `${r.__typename}: ${r.message ?? ''}` };
}

/** The location named `name`, or a usage error listing the names there are (with the one meant). */
export function findCodeLocation(config: Config, name: string): CodeLocation {
  const all = codeLocations(config, resolveImage(config, 'dagster-code-location'));
  const found = all.find((l) => l.name === name);
  if (found) return found;
  const names = all.map((l) => l.name);
  const near = nearName(name, names);
  throw new UsageError(`there is no code location named ${shownValue(name)}${near ? `; did you mean "${near}"?` : ''}`, {
    hint: `the code locations are ${names.join(', ')} (orchestrator.codeLocations in floe-dev.yaml)`,
  });
}

/** The configuration with one code location running another image (its own, or the example's). */
export function withCodeLocationImage(config: Config, location: CodeLocation, image: string): Config {
  if (location.example) {
    const current = config.services['dagster-code-location'] ?? {};
    return { ...config, services: { ...config.services, 'dagster-code-location': { ...current, image } } };
  }
  const codeLocations = config.orchestrator.codeLocations.map((l) => (l.name === location.name ? { ...l, image } : l));
  return { ...config, orchestrator: { ...config.orchestrator, codeLocations } };
}

/** Asks Dagster to reload the location, through a short-lived forward to the webserver; fails with Dagster's own error. */
export function reloadStep(location: CodeLocation): Step {
  return {
    title: `Dagster reload of ${location.name}`,
    run: async (ctx: Context, report) => {
      const kubectl = kubectlFor(ctx);
      const outcome = await throughForward(
        kubectl,
        'dagster-webserver',
        WEBSERVER_PORT,
        async (base) => {
          report.progress(`reloadRepositoryLocation(${location.name})`);
          const r = await ctx.tools.http.request({
            url: `${base}/graphql`,
            method: 'POST',
            json: { query: RELOAD_MUTATION, variables: { name: location.name } },
            timeoutMs: 60_000,
            retries: 1,
            signal: ctx.signal,
          });
          return parseReload(r.status, r.body);
        },
        { namespace: ctx.config.namespace, signal: ctx.signal, progress: (t) => report.progress(t) },
      );
      ctx.cache.set('reload', outcome);
      if (!outcome.loaded) {
        // Dagster's own words, as it gives them: the error, then its stack.
        const python = outcome.pythonError ? `\n${[outcome.pythonError.message.trim(), ...outcome.pythonError.stack.map((l) => l.trimEnd())].join('\n')}` : '';
        throw new FloeError(`code location ${location.name}: ${outcome.reason}${python}`, {
          hint: outcome.pythonError
            ? 'fix the code, rebuild the image, then `floe-dev code-location reload ' + location.name + '` again'
            : '`floe-dev status` shows whether Dagster is healthy',
        });
      }
      report.done(`Dagster loaded ${location.name}${outcome.repositories.length ? ` (${outcome.repositories.join(', ')})` : ''}`);
    },
  };
}
