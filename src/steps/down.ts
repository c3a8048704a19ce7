// The steps of `down`: stop the forwards, then delete the cluster (or only the namespace). Each step records
// what it removed, for the summary and `down --json`.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import type { Context } from '../context.js';
import { FloeError, PrerequisiteError } from '../errors.js';
import { readForwardRecord, stopForwards } from '../forward/state.js';
import { deleteClusterAndState, kindFor, kubectlFor, readClusterRecord } from './cluster.js';
import { existingDownStep } from './existing.js';
import { removeRegistryStep, type RegistryRemoval } from './registry.js';
import type { Step } from './step.js';

/** What `down` did, step by step: printed as text, or as the `--json` document. */
export interface DownOutcome {
  cluster: string;
  /** The forward supervisor stopped, by pid; null when none was running. */
  forwards: { stopped: boolean; pid: number | null };
  /** `deleted`; `absent` (floe-dev had made none, or it was gone already); `kept` (--keep-cluster). */
  kindCluster: 'deleted' | 'absent' | 'kept' | null;
  /** --keep-cluster: whether the platform's namespace was deleted. */
  namespace: { name: string; deleted: boolean } | null;
  /** The user's kubeconfig the cluster's context was removed from (cluster.mergeKubeconfig). */
  kubeconfigEntries: string[];
  /** The cluster's state folder and the files it held, when it was removed. */
  stateFolder: { path: string; files: string[] } | null;
  /** The local registry container (`<cluster>-registry`): removed, kept (--keep-registry), absent, ... */
  registry: RegistryRemoval | null;
  /** An existing cluster (cluster.existing): the cluster is never deleted, only floe-dev's namespace or objects. */
  existing?: { context: string; namespaceDeleted: boolean; objectsDeleted: string[] };
}

export function emptyOutcome(cluster: string): DownOutcome {
  return { cluster, forwards: { stopped: false, pid: null }, kindCluster: null, namespace: null, kubeconfigEntries: [], stateFolder: null, registry: null };
}

export function stopForwardsStep(outcome: DownOutcome): Step {
  return {
    title: 'Forwards',
    run: async (ctx, report) => {
      const pid = readForwardRecord(ctx.paths.forwards)?.pid ?? null;
      const stopped = await stopForwards(ctx.paths.forwards, ctx.clock);
      outcome.forwards = { stopped, pid: stopped ? pid : null };
      report.done(stopped ? `Forwards stopped (supervisor pid ${pid})` : 'Forwards: none running');
    },
  };
}

export function deleteClusterStep(outcome: DownOutcome): Step {
  return {
    title: 'Cluster',
    run: async (ctx, report) => {
      const name = ctx.config.cluster.name;
      if (!existsSync(ctx.paths.dir)) {
        // floe-dev keeps a state folder for every cluster it creates: without one there is nothing of ours.
        outcome.kindCluster = 'absent';
        report.done(`Cluster ${name}: nothing of floe-dev's to delete`);
        return;
      }
      const record = readClusterRecord(ctx);
      if (!record) {
        // floe-dev never created this cluster (or it is gone): only its state is ours. kind is asked, when it
        // is there, so that a cluster someone else made under this name is mentioned, never touched.
        if (await someoneElsesCluster(ctx)) {
          throw new FloeError(`floe-dev did not create the kind cluster "${name}" (no record in ${ctx.paths.dir}), so it leaves it alone`, {
            hint: `if it is yours to remove: kind delete cluster --name ${name}`,
          });
        }
        outcome.kindCluster = 'absent';
        outcome.stateFolder = removeStateFolder(ctx);
        report.done(`Cluster ${name}: none of floe-dev's; removed its state (${describeFiles(outcome.stateFolder)})`);
        return;
      }
      const exists = (await kindFor(ctx).getClusters()).includes(name);
      const files = listFiles(ctx.paths.dir);
      report.progress(`deleting kind cluster ${name}`);
      await deleteClusterAndState(ctx, record);
      outcome.kindCluster = exists ? 'deleted' : 'absent';
      outcome.kubeconfigEntries = record.mergedKubeconfig ? [record.mergedKubeconfig] : [];
      outcome.stateFolder = { path: ctx.paths.dir, files };
      const merged = record.mergedKubeconfig ? `, its context in ${record.mergedKubeconfig}` : '';
      report.done(
        exists
          ? `Cluster ${name} deleted${merged} and its state (${describeFiles(outcome.stateFolder)})`
          : `Cluster ${name} was already gone; removed its state (${describeFiles(outcome.stateFolder)})`,
      );
    },
  };
}

export function deleteNamespaceStep(outcome: DownOutcome): Step {
  return {
    title: 'Namespace',
    run: async (ctx, report) => {
      const { namespace, cluster } = ctx.config;
      outcome.kindCluster = 'kept';
      outcome.namespace = { name: namespace, deleted: false };
      if (!existsSync(ctx.paths.kubeconfig) || !(await kindFor(ctx).getClusters()).includes(cluster.name)) {
        report.done(`Namespace ${namespace}: nothing to delete (no cluster ${cluster.name})`);
        return;
      }
      report.progress(`deleting namespace ${namespace}`);
      const deleted = await kubectlFor(ctx).deleteNamespace(namespace, 180_000);
      outcome.namespace.deleted = deleted;
      report.done(deleted ? `Namespace ${namespace} deleted (cluster kept)` : `Namespace ${namespace}: nothing to delete`);
    },
  };
}

export function downSteps(options: { keepCluster: boolean; keepRegistry?: boolean; existing?: boolean }, outcome: DownOutcome): Step[] {
  if (options.existing) {
    // An existing cluster: floe-dev's namespace or objects only, never the cluster (and no local registry there).
    return [stopForwardsStep(outcome), existingDownStep(outcome)];
  }
  return [
    // Stop the port-forwards first: they would otherwise log errors as their pods go away.
    stopForwardsStep(outcome),
    // The whole cluster, or with --keep-cluster only the platform's namespace.
    options.keepCluster ? deleteNamespaceStep(outcome) : deleteClusterStep(outcome),
    // The local registry container, unless --keep-registry (its images then survive for the next cluster).
    removeRegistryStep({ keep: options.keepRegistry ?? false, keepCluster: options.keepCluster }, (r) => (outcome.registry = r)),
  ];
}

/** The text summary of an outcome: one line saying what is gone. */
export function describeOutcome(outcome: DownOutcome): string {
  const parts: string[] = [];
  if (outcome.forwards.stopped) parts.push(`the forwards (pid ${outcome.forwards.pid})`);
  if (outcome.kindCluster === 'deleted') parts.push(`kind cluster ${outcome.cluster}`);
  if (outcome.namespace?.deleted) parts.push(`namespace ${outcome.namespace.name}`);
  if (outcome.existing?.objectsDeleted.length) parts.push(`floe-dev's ${outcome.existing.objectsDeleted.length} objects in namespace ${outcome.namespace?.name ?? ''}`);
  for (const file of outcome.kubeconfigEntries) parts.push(`its context in ${file}`);
  if (outcome.stateFolder) parts.push(`its state folder ${outcome.stateFolder.path}`);
  if (outcome.registry === 'removed') parts.push(`the registry container ${outcome.cluster}-registry`);
  if (outcome.existing) {
    const removed = parts.length > 0 ? `Removed ${joinAnd(parts)}` : "Nothing of floe-dev's to remove";
    return `${removed} (existing cluster, context ${outcome.existing.context}: the cluster and your kubeconfig are untouched).`;
  }
  return parts.length > 0 ? `Removed ${joinAnd(parts)}.` : `Nothing of floe-dev's to remove for cluster ${outcome.cluster}.`;
}

/** kind knows a cluster of this name; false also when kind is not installed (there can be none of ours then). */
async function someoneElsesCluster(ctx: Context): Promise<boolean> {
  try {
    return (await kindFor(ctx).getClusters()).includes(ctx.config.cluster.name);
  } catch (error) {
    if (error instanceof PrerequisiteError) return false;
    throw error;
  }
}

function removeStateFolder(ctx: Context): { path: string; files: string[] } {
  const files = listFiles(ctx.paths.dir);
  rmSync(ctx.paths.dir, { recursive: true, force: true });
  return { path: ctx.paths.dir, files };
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function describeFiles(folder: { path: string; files: string[] }): string {
  return folder.files.length > 0 ? `${folder.path}: ${folder.files.join(', ')}` : `${folder.path}, empty`;
}

function joinAnd(parts: string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
