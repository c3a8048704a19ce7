// FLOE_DEV_* environment variables: which configuration key each one sets, and how its text is read.
import { closest, distance } from 'fastest-levenshtein';
import { ConfigError } from '../errors.js';

type Parse = (text: string, name: string) => unknown;

const text: Parse = (t) => t;
const list: Parse = (t) => t.split(',').map((s) => s.trim()).filter(Boolean);
const number: Parse = (t, name) => {
  if (!/^\d+$/.test(t.trim())) throw new ConfigError(`${name}=${JSON.stringify(t)} is not a number`, name);
  return Number(t);
};
const bool: Parse = (t, name) => {
  const v = t.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  throw new ConfigError(`${name}=${JSON.stringify(t)} is not a boolean`, name, { hint: 'use true or false' });
};
/** A port number, or a boolean (optional forwards: on at their usual port, or off). */
const portOrBool: Parse = (t, name) => {
  if (/^\d+$/.test(t.trim())) return Number(t);
  try {
    return bool(t, name);
  } catch {
    throw new ConfigError(`${name}=${JSON.stringify(t)} is neither a port nor a boolean`, name, { hint: 'use a port number, true (its usual port) or false (off)' });
  }
};
const durationOrSeconds: Parse = (t) => (/^\d+$/.test(t.trim()) ? Number(t) : t.trim());

/** Variables that set configuration keys. */
export const ENV_VARS: Record<string, { path: string[]; parse: Parse }> = {
  FLOE_DEV_CLUSTER: { path: ['cluster', 'name'], parse: text },
  FLOE_DEV_NODE_IMAGE: { path: ['cluster', 'nodeImage'], parse: text },
  FLOE_DEV_MERGE_KUBECONFIG: { path: ['cluster', 'mergeKubeconfig'], parse: bool },
  FLOE_DEV_NAMESPACE: { path: ['namespace'], parse: text },
  FLOE_DEV_COMPONENTS: { path: ['components'], parse: list },
  FLOE_DEV_SEMANTIC_CACHE: { path: ['semantic', 'cache'], parse: text },
  FLOE_DEV_IMAGES_LOAD: { path: ['images', 'load'], parse: bool },
  FLOE_DEV_IMAGES_EXTRA: { path: ['images', 'extra'], parse: list },
  FLOE_DEV_PULL_CONCURRENCY: { path: ['images', 'pullConcurrency'], parse: number },
  FLOE_DEV_FORWARD_DAGSTER: { path: ['forwards', 'dagster'], parse: number },
  FLOE_DEV_FORWARD_POLARIS: { path: ['forwards', 'polaris'], parse: number },
  FLOE_DEV_FORWARD_POLARIS_MANAGEMENT: { path: ['forwards', 'polarisManagement'], parse: number },
  FLOE_DEV_FORWARD_CUBE: { path: ['forwards', 'cube'], parse: number },
  FLOE_DEV_FORWARD_MINIO: { path: ['forwards', 'minio'], parse: number },
  FLOE_DEV_FORWARD_GRAFANA: { path: ['forwards', 'grafana'], parse: portOrBool },
  FLOE_DEV_FORWARD_MINIO_CONSOLE: { path: ['forwards', 'minioConsole'], parse: portOrBool },
  FLOE_DEV_FORWARD_PROMETHEUS: { path: ['forwards', 'prometheus'], parse: portOrBool },
  FLOE_DEV_FORWARD_NEXT_FREE_PORT: { path: ['forwards', 'nextFreePort'], parse: bool },
  FLOE_DEV_TIMEOUT: { path: ['timeouts', 'up'], parse: durationOrSeconds },
  FLOE_DEV_READY_TIMEOUT: { path: ['timeouts', 'ready'], parse: durationOrSeconds },
  FLOE_DEV_SMOKE_TIMEOUT: { path: ['timeouts', 'smoke'], parse: durationOrSeconds },
};

/** Variables read elsewhere (not configuration keys), so they are not "unknown". */
export const OTHER_ENV_VARS = ['FLOE_DEV_HOME', 'FLOE_DEV_CONFIG', 'FLOE_DEV_KIND', 'FLOE_DEV_KUBECTL'];

/** The environment as a configuration layer; an unknown FLOE_DEV_* name is an error with a suggestion. */
export function envLayer(env: NodeJS.ProcessEnv): { data: Record<string, unknown>; describe(path: readonly PropertyKey[]): string } {
  const data: Record<string, unknown> = {};
  const varOf = new Map<string, string>();
  const known = [...Object.keys(ENV_VARS), ...OTHER_ENV_VARS];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('FLOE_DEV_') || value === undefined) continue;
    const spec = ENV_VARS[name];
    if (!spec) {
      if (OTHER_ENV_VARS.includes(name)) continue;
      const near = closest(name, known);
      throw new ConfigError(
        `unknown environment variable ${name}${distance(name, near) <= 3 ? `; did you mean ${near}?` : ''}`,
        name,
        { hint: `floe-dev reads: ${known.join(', ')}` },
      );
    }
    setAt(data, spec.path, spec.parse(value, name));
    varOf.set(spec.path.join('.'), `${name}=${value}`);
  }
  return {
    data,
    describe: (path) => {
      for (let n = path.length; n > 0; n--) {
        const v = varOf.get(path.slice(0, n).map(String).join('.'));
        if (v) return `from ${v.split('=')[0]}`;
      }
      return 'from the environment';
    },
  };
}

function setAt(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}
