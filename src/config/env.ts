// FLOE_DEV_* environment variables: which configuration key each one sets. Their text is read by the same
// schema (config/values.ts) as floe-dev.yaml's values, so `15`, `yes` or `0.5` mean the same in both.
import { cut, nearName } from '../text.js';

/** Variables that set configuration keys. */
export const ENV_VARS: Record<string, { path: string[] }> = {
  FLOE_DEV_CLUSTER: { path: ['cluster', 'name'] },
  FLOE_DEV_NODE_IMAGE: { path: ['cluster', 'nodeImage'] },
  FLOE_DEV_MERGE_KUBECONFIG: { path: ['cluster', 'mergeKubeconfig'] },
  FLOE_DEV_CONTEXT: { path: ['cluster', 'existing', 'context'] },
  FLOE_DEV_EXISTING_KUBECONFIG: { path: ['cluster', 'existing', 'kubeconfig'] },
  FLOE_DEV_NAMESPACE: { path: ['namespace'] },
  FLOE_DEV_COMPONENTS: { path: ['components'] },
  FLOE_DEV_SEMANTIC_CACHE: { path: ['semantic', 'cache'] },
  FLOE_DEV_IMAGES_LOAD: { path: ['images', 'load'] },
  FLOE_DEV_IMAGES_EXTRA: { path: ['images', 'extra'] },
  FLOE_DEV_PULL_CONCURRENCY: { path: ['images', 'pullConcurrency'] },
  FLOE_DEV_REGISTRY_ENABLED: { path: ['registry', 'enabled'] },
  FLOE_DEV_REGISTRY_PORT: { path: ['registry', 'port'] },
  FLOE_DEV_REGISTRY_IMAGE: { path: ['registry', 'image'] },
  FLOE_DEV_FORWARD_DAGSTER: { path: ['forwards', 'dagster'] },
  FLOE_DEV_FORWARD_POLARIS: { path: ['forwards', 'polaris'] },
  FLOE_DEV_FORWARD_POLARIS_MANAGEMENT: { path: ['forwards', 'polarisManagement'] },
  FLOE_DEV_FORWARD_CUBE: { path: ['forwards', 'cube'] },
  FLOE_DEV_FORWARD_MINIO: { path: ['forwards', 'minio'] },
  FLOE_DEV_FORWARD_GRAFANA: { path: ['forwards', 'grafana'] },
  FLOE_DEV_FORWARD_MINIO_CONSOLE: { path: ['forwards', 'minioConsole'] },
  FLOE_DEV_FORWARD_PROMETHEUS: { path: ['forwards', 'prometheus'] },
  FLOE_DEV_FORWARD_NEXT_FREE_PORT: { path: ['forwards', 'nextFreePort'] },
  FLOE_DEV_TIMEOUT: { path: ['timeouts', 'up'] },
  FLOE_DEV_READY_TIMEOUT: { path: ['timeouts', 'ready'] },
  FLOE_DEV_SMOKE_TIMEOUT: { path: ['timeouts', 'smoke'] },
};

/** Variables read elsewhere (not configuration keys), so they are not "unknown". */
export const OTHER_ENV_VARS = ['FLOE_DEV_HOME', 'FLOE_DEV_CONFIG', 'FLOE_DEV_KIND', 'FLOE_DEV_KUBECTL'];

export interface EnvProblem {
  key: string;
  message: string;
  hint: string;
}

export interface EnvLayer {
  data: Record<string, unknown>;
  describe(path: readonly PropertyKey[]): string;
  /** Unknown FLOE_DEV_* names, each with the closest known one when it is near. */
  problems: EnvProblem[];
}

/** The environment as a configuration layer: raw text at each key's path; the schema reads it. */
export function envLayer(env: NodeJS.ProcessEnv): EnvLayer {
  const data: Record<string, unknown> = {};
  const varOf = new Map<string, string>();
  const problems: EnvProblem[] = [];
  const known = [...Object.keys(ENV_VARS), ...OTHER_ENV_VARS];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('FLOE_DEV_') || value === undefined || OTHER_ENV_VARS.includes(name)) continue;
    const spec = ENV_VARS[name];
    if (!spec) {
      const near = nearName(name, known);
      problems.push({
        key: name,
        message: `unknown environment variable ${cut(name)}${near ? `; did you mean ${near}?` : ''}`,
        hint: near ? `unset it, or rename it to ${near}` : `floe-dev reads: ${known.join(', ')}`,
      });
      continue;
    }
    setAt(data, spec.path, value);
    varOf.set(spec.path.join('.'), name);
  }
  return {
    data,
    problems,
    describe: (path) => {
      for (let n = path.length; n > 0; n--) {
        const name = varOf.get(path.slice(0, n).map(String).join('.'));
        if (name) return `from ${name}`;
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
