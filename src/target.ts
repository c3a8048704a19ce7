// Which cluster floe-dev talks to, and through which kubeconfig and context: the one place that decides it.
// kind mode: floe-dev's own kubeconfig in the state folder and kind's `kind-<cluster>` context. Existing mode
// (`cluster.existing` or `--context`): the user's kubeconfig and context, named explicitly on every call, never
// written to, never switched, never copied.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { Config } from './config/schema.js';
import { clusterPaths, type ClusterPaths } from './state/paths.js';

export type ClusterTarget =
  | { mode: 'kind'; cluster: string; kubeconfig: string; context: string }
  | {
      mode: 'existing';
      kubeconfig: string;
      context: string;
      /** Where the kubeconfig path came from, for messages: the config key, or the default kubectl uses. */
      kubeconfigSource: 'cluster.existing.kubeconfig' | 'KUBECONFIG' | 'default';
    };

/** The kubeconfig context kind creates for a cluster. */
export function kindContext(cluster: string): string {
  return `kind-${cluster}`;
}

/** The kubeconfig plain `kubectl` uses: the first entry of $KUBECONFIG, else ~/.kube/config. */
export function userKubeconfig(env: NodeJS.ProcessEnv): string {
  const first = env.KUBECONFIG?.split(delimiter).find(Boolean);
  return first ?? join(env.HOME || homedir(), '.kube', 'config');
}

/** `~/x` and relative paths (from the working directory) as kubectl would open them. */
function expandPath(path: string, env: NodeJS.ProcessEnv, cwd: string): string {
  if (path === '~' || path.startsWith('~/')) return join(env.HOME || homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** The cluster this configuration points at (pure: the environment gives HOME and KUBECONFIG). */
export function clusterTarget(config: Pick<Config, 'cluster'>, paths: Pick<ClusterPaths, 'kubeconfig'>, env: NodeJS.ProcessEnv, cwd: string): ClusterTarget {
  const existing = config.cluster.existing;
  if (!existing) return { mode: 'kind', cluster: config.cluster.name, kubeconfig: paths.kubeconfig, context: kindContext(config.cluster.name) };
  if (existing.kubeconfig) return { mode: 'existing', kubeconfig: expandPath(existing.kubeconfig, env, cwd), context: existing.context, kubeconfigSource: 'cluster.existing.kubeconfig' };
  return { mode: 'existing', kubeconfig: userKubeconfig(env), context: existing.context, kubeconfigSource: env.KUBECONFIG?.split(delimiter).some(Boolean) ? 'KUBECONFIG' : 'default' };
}

/**
 * The state folder's name: the kind cluster's name, or for an existing cluster one folder per kubeconfig,
 * context and namespace (its credentials, forwards and logs), readable and never the name of a kind cluster's.
 */
export function stateKey(config: Pick<Config, 'cluster' | 'namespace'>, env: NodeJS.ProcessEnv, cwd: string): string {
  const existing = config.cluster.existing;
  if (!existing) return config.cluster.name;
  const target = clusterTarget(config, { kubeconfig: '' }, env, cwd);
  const slug = existing.context.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'context';
  const hash = createHash('sha256').update(`${target.kubeconfig}\0${existing.context}\0${config.namespace}`).digest('hex').slice(0, 8);
  // "@" is not in kind's cluster-name alphabet: no kind cluster's folder can have this name.
  return `@${slug}-${config.namespace}-${hash}`;
}

/** The state paths for this configuration (kind cluster or existing context). */
export function statePaths(config: Pick<Config, 'cluster' | 'namespace'>, env: NodeJS.ProcessEnv, cwd: string): ClusterPaths {
  return clusterPaths(env, stateKey(config, env, cwd));
}

/** How the target reads in one phrase: "kind cluster floe-dev" or "existing cluster, context prod". */
export function describeTarget(target: ClusterTarget): string {
  return target.mode === 'kind' ? `kind cluster ${target.cluster}` : `existing cluster, context ${target.context}`;
}

/** The run's target, from its context. */
export function targetOf(ctx: { config: Pick<Config, 'cluster'>; paths: Pick<ClusterPaths, 'kubeconfig'>; env: NodeJS.ProcessEnv; cwd: string }): ClusterTarget {
  return clusterTarget(ctx.config, ctx.paths, ctx.env, ctx.cwd);
}

/**
 * How to reach the platform with plain kubectl. kind: floe-dev's own kubeconfig, exported. An existing cluster:
 * the user's kubeconfig is theirs already, so no export (it would change which file their shell's kubectl
 * uses); only the flags that pick the context without switching it, and `--kubeconfig` when it is not the
 * file kubectl reads anyway.
 */
export function kubectlHint(target: ClusterTarget, namespace: string): string {
  if (target.mode === 'kind') return `export KUBECONFIG=${target.kubeconfig}`;
  const file = target.kubeconfigSource === 'cluster.existing.kubeconfig' ? ` --kubeconfig ${target.kubeconfig}` : '';
  return `kubectl${file} --context ${target.context} -n ${namespace} get pods`;
}
