// The steps of `down`: stop the forwards, then delete the cluster (or only the namespace).
import { existsSync } from 'node:fs';
import { FloeError } from '../errors.js';
import { stopForwards } from '../forward/state.js';
import { deleteClusterAndState, kindFor, kubectlFor, readClusterRecord } from './cluster.js';
import type { Step } from './step.js';

export const stopForwardsStep: Step = {
  title: 'Forwards',
  run: async (ctx, report) => {
    const stopped = await stopForwards(ctx.paths.forwards, ctx.clock);
    report.done(stopped ? 'Forwards stopped' : 'Forwards: none running');
  },
};

export const deleteClusterStep: Step = {
  title: 'Cluster',
  run: async (ctx, report) => {
    const name = ctx.config.cluster.name;
    if (!existsSync(ctx.paths.dir)) {
      // floe-dev keeps a state folder for every cluster it creates: without one there is nothing of ours.
      report.done(`Cluster ${name}: nothing to delete`);
      return;
    }
    const exists = (await kindFor(ctx).getClusters()).includes(name);
    const record = readClusterRecord(ctx);
    if (exists && !record) {
      throw new FloeError(`floe-dev did not create the kind cluster "${name}" (no record in ${ctx.paths.dir}), so it leaves it alone`, {
        hint: `if it is yours to remove: kind delete cluster --name ${name}`,
      });
    }
    report.progress(`deleting kind cluster ${name}`);
    await deleteClusterAndState(ctx, record);
    report.done(exists ? `Cluster ${name} deleted` : `Cluster ${name} was already gone; its state removed`);
  },
};

export const deleteNamespaceStep: Step = {
  title: 'Namespace',
  run: async (ctx, report) => {
    const { namespace, cluster } = ctx.config;
    if (!(await kindFor(ctx).getClusters()).includes(cluster.name) || !existsSync(ctx.paths.kubeconfig)) {
      report.done(`Namespace ${namespace}: nothing to delete (no cluster ${cluster.name})`);
      return;
    }
    report.progress(`deleting namespace ${namespace}`);
    const deleted = await kubectlFor(ctx).deleteNamespace(namespace, 180_000);
    report.done(deleted ? `Namespace ${namespace} deleted (cluster kept)` : `Namespace ${namespace}: nothing to delete`);
  },
};

export function downSteps(options: { keepCluster: boolean }): Step[] {
  return [
    // Stop the port-forwards first: they would otherwise log errors as their pods go away.
    stopForwardsStep,
    // The whole cluster, or with --keep-cluster only the platform's namespace.
    options.keepCluster ? deleteNamespaceStep : deleteClusterStep,
  ];
}

