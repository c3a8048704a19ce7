// The registry step of `up` (and of `load` and `code-location reload`): the registry container on 127.0.0.1 and
// the kind network, each node's containerd pointed at it, and the KEP-1755 ConfigMap; and its removal by `down`.
import { stringify } from 'yaml';
import type { Context } from '../context.js';
import { FloeError, PrerequisiteError, withContext } from '../errors.js';
import { describeHolder, evaluatePort, type Finding } from '../preflight/evaluate.js';
import { findPortHolder } from '../preflight/ports.js';
import { ensureRegistryContainer, removeRegistryContainer, type RegistryOutcome } from '../registry/container.js';
import { ensureNodesHostsToml } from '../registry/nodes.js';
import { kindNetwork, LOCAL_REGISTRY_CONFIG_MAP, LOCAL_REGISTRY_NAMESPACE, REGISTRY_CONTAINER_PORT, REGISTRY_LABEL, localRegistryConfigMap, registryContainerName, registryHost } from '../registry/registry.js';
import { renderKindConfig } from '../platform/kind-config.js';
import { kubectlFor, readClusterRecord } from './cluster.js';
import type { PreflightCheck } from './preflight.js';
import type { Step } from './step.js';

/** The images that go to the registry rather than the node: the user's own code locations (Dagster's example is a platform image). */
export function registryImages(ctx: Pick<Context, 'config'>): string[] {
  return ctx.config.registry.enabled ? ctx.config.orchestrator.codeLocations.map((l) => l.image) : [];
}

export interface RegistryStepResult extends RegistryOutcome {
  name: string;
  url: string;
  nodes: { written: string[]; current: string[] };
}

export const registryStep: Step = {
  title: 'Registry',
  enabled: (ctx) => ctx.config.registry.enabled,
  run: async (ctx, report) => {
    try {
      const result = await ensureRegistry(ctx, (t) => report.progress(t));
      ctx.cache.set('registry', result);
      const what = { reused: 'running', started: 'started', created: 'created', recreated: `recreated (${result.why})`, connected: 'connected to the kind network' }[result.action];
      const nodes = result.nodes.written.length > 0 ? `containerd of ${result.nodes.written.join(', ')} pointed at it` : 'nodes already pointed at it';
      report.done(`Registry ${result.url} ${what}; ${nodes}`);
    } catch (error) {
      throw withContext('registry', error);
    }
  },
};

/** The container, every running node's hosts.toml, the ConfigMap; each skipped when already as wanted. */
export async function ensureRegistry(ctx: Context, progress: (text: string) => void): Promise<RegistryStepResult> {
  const { cluster, registry } = ctx.config;
  // load and reload come here without the cluster step: a cluster made without containerd's config_path
  // would never pull from the registry, so say so (and the fix) rather than push for nothing.
  const record = readClusterRecord(ctx);
  const drift = record && renderKindConfig(ctx.config).driftReasons?.[record.configHash];
  if (drift) {
    throw new FloeError(`cluster ${cluster.name} cannot pull from the local registry: ${drift}`, {
      hint: 'floe-dev up --recreate makes it anew with the setting (data inside the cluster is lost); or turn the registry off (registry.enabled: false)',
    });
  }
  const docker = await ctx.tools.docker();
  const name = registryContainerName(cluster.name);
  const outcome = await ensureRegistryContainer(
    {
      docker,
      http: ctx.tools.http,
      clock: ctx.clock,
      signal: ctx.signal,
      progress,
      portHolder: async (port) => {
        const holder = await findPortHolder(port, { platform: process.platform, runner: ctx.tools.runner, signal: ctx.signal });
        return holder ? describeHolder(holder) : undefined;
      },
    },
    { name, cluster: cluster.name, image: registry.image, port: registry.port, network: kindNetwork(ctx.env) },
  );
  const nodes = (await docker.kindNodes(cluster.name, ctx.signal)).filter((n) => n.running);
  if (nodes.length === 0) {
    throw new FloeError(`cluster ${cluster.name} has no running node to point at the registry`, { hint: `start its node (docker start ${cluster.name}-control-plane), or floe-dev up --recreate` });
  }
  progress(`pointing containerd of ${nodes.map((n) => n.name).join(', ')} at ${name}`);
  const wiring = await ensureNodesHostsToml(docker, nodes, registry.port, name, ctx.signal);
  progress('advertising it in kube-public/local-registry-hosting (KEP-1755)');
  await kubectlFor(ctx).apply(stringify(localRegistryConfigMap(registry.port)));
  return { ...outcome, name, url: `http://${registryHost(registry.port)}`, nodes: wiring };
}

/** What `down` did with the registry container. */
export type RegistryRemoval = 'removed' | 'absent' | 'kept' | 'not-ours' | 'unknown';

/**
 * `down`'s registry step: removes the cluster's registry container (found by name and floe-dev's labels, whatever
 * the configuration says now) unless `--keep-registry`. Without Docker there is nothing floe-dev could remove.
 */
/**
 * `down` removes the registry container unless --keep-registry; with --keep-cluster the cluster stays, so its
 * KEP-1755 ConfigMap (if floe-dev's) goes too, or tools would find a registry that is gone.
 */
export function removeRegistryStep(options: { keep: boolean; keepCluster?: boolean }, record: (r: RegistryRemoval) => void): Step {
  return {
    title: 'Registry',
    run: async (ctx, report) => {
      const name = registryContainerName(ctx.config.cluster.name);
      if (options.keep) {
        record('kept');
        report.done(`Registry ${name}: kept (--keep-registry)`);
        return;
      }
      let result: Awaited<ReturnType<typeof removeRegistryContainer>>;
      try {
        const docker = await ctx.tools.docker();
        result = await removeRegistryContainer(docker, name, ctx.config.cluster.name, ctx.signal);
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        if (!ctx.config.registry.enabled) {
          // Never turned on here (or turned off since): no Docker, no registry of ours to speak of.
          record('unknown');
          report.done('Registry: not in use');
          return;
        }
        const why = error instanceof PrerequisiteError ? error.message : (error as Error).message;
        record('unknown');
        report.done(`Registry ${name}: not checked (Docker: ${why})`);
        return;
      }
      record(result);
      const advert = result === 'removed' && options.keepCluster ? await removeRegistryAdvert(ctx) : '';
      report.done(
        result === 'removed'
          ? `Registry ${name} removed${advert}`
          : result === 'not-ours'
            ? `Registry: a container named ${name} exists but floe-dev did not make it; left alone`
            : `Registry: none`,
      );
    },
  };
}

/** Deletes kube-public/local-registry-hosting when floe-dev wrote it; best effort (the cluster may be stopped). */
async function removeRegistryAdvert(ctx: Context): Promise<string> {
  try {
    const kubectl = kubectlFor(ctx);
    const r = await kubectl.run(['get', 'configmap', LOCAL_REGISTRY_CONFIG_MAP, '-n', LOCAL_REGISTRY_NAMESPACE, '-o', 'json', '--ignore-not-found']);
    if (!r.stdout.trim()) return '';
    const labels = (JSON.parse(r.stdout) as { metadata?: { labels?: Record<string, string> } }).metadata?.labels ?? {};
    if (labels['app.kubernetes.io/managed-by'] !== 'floe-dev') return '';
    await kubectl.delete([`configmap/${LOCAL_REGISTRY_CONFIG_MAP}`], LOCAL_REGISTRY_NAMESPACE, 30_000);
    return ` and its ${LOCAL_REGISTRY_NAMESPACE}/${LOCAL_REGISTRY_CONFIG_MAP} ConfigMap`;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return ` (its ${LOCAL_REGISTRY_NAMESPACE}/${LOCAL_REGISTRY_CONFIG_MAP} ConfigMap could not be removed: ${(error as Error).message.split('\n')[0]})`;
  }
}

/**
 * doctor's (and up's) check of the registry's port: free, or published by floe-dev's own registry container;
 * otherwise the process holding it is named, as for the forward ports.
 */
export function registryPortCheck(port: number): PreflightCheck {
  return {
    id: 'port-registry',
    title: `Port ${port} (local registry)`,
    timeoutMs: 5_000,
    timeoutFix: `check port ${port} yourself: \`lsof -nP -iTCP:${port} -sTCP:LISTEN\``,
    run: async ({ ctx, system, engine }, signal): Promise<Finding> => {
      const clash = Object.entries(ctx.config.forwards).find(([, p]) => p === port);
      if (clash) {
        return { status: 'fail', detail: `registry.port is the same port as forwards.${clash[0]}`, fix: `choose another port: registry.port: ${port + 1} in floe-dev.yaml (or FLOE_DEV_REGISTRY_PORT=${port + 1})` };
      }
      const bind = await system.tryBind(port);
      if (bind.outcome === 'busy') {
        const probe = await engine();
        if (probe.ok) {
          const name = registryContainerName(ctx.config.cluster.name);
          const ours = await probe.docker.inspectContainer(name, signal).catch(() => undefined);
          const publishes = ours?.running && (ours.bindings[`${REGISTRY_CONTAINER_PORT}/tcp`] ?? []).some((b) => b.hostPort === port);
          if (ours && publishes && ours.labels[REGISTRY_LABEL] === 'true') return { status: 'ok', detail: `floe-dev's registry (container ${name})` };
        }
      }
      const holder = bind.outcome === 'busy' ? await system.findPortHolder(port, ctx.tools.runner, signal) : undefined;
      const nextFree = bind.outcome === 'free' ? undefined : await system.nextFreePort(port);
      const finding = evaluatePort({ port, configKey: 'registry.port', envVar: 'FLOE_DEV_REGISTRY_PORT', bind, holder, supervisor: undefined, nextFreePort: false, nextFree });
      return finding.status === 'ok' ? { status: 'ok', detail: 'free on 127.0.0.1 (the registry will publish it)' } : finding;
    },
  };
}
