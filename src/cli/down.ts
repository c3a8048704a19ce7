// `floe-dev down`: stop the forwards and delete the cluster (or only the namespace); idempotent. It needs only the
// cluster's name and the state folder, so a broken floe-dev.yaml is warned about, never in its way.
import { acquireLock } from '../state/lock.js';
import { defineCommand } from './command.js';
import { createContext } from './context.js';

export const downCommand = defineCommand<{ keepCluster: boolean; keepRegistry: boolean }>({
  command: 'down',
  describe: 'Stop the forwards and delete the cluster (or only the namespace with --keep-cluster)',
  builder: (y) =>
    y
      .option('keep-cluster', { type: 'boolean', default: false, describe: 'Delete only the platform namespace, keep the cluster' })
      .option('keep-registry', { type: 'boolean', default: false, describe: 'Keep the local registry container and the images pushed to it' }) as never,
  examples: [
    ['$0 down', 'delete the cluster and its state'],
    ['$0 down --keep-cluster', 'remove the platform but keep the cluster (faster next up)'],
    ['$0 down --keep-registry', 'delete the cluster but keep the local registry and its images'],
    ['$0 down --json', 'the same, and a JSON document of what was removed'],
  ],
  run: async (args, io) => {
    // A bad cluster name (or, with --keep-cluster, namespace) is refused: down deletes what they name. So is a bad
    // cluster.existing: carrying on without it would take down the kind cluster of that name instead.
    const fatal = ['cluster.name', 'cluster.existing', ...(args.keepCluster ? ['namespace'] : [])];
    const ctx = await createContext(args, io, {}, { tolerant: { command: 'down', fatal } });
    const lock = acquireLock(ctx.paths.lock, 'down');
    try {
      const [{ runSteps }, { downSteps, emptyOutcome, describeOutcome }] = await Promise.all([import('../steps/run-steps.js'), import('../steps/down.js')]);
      const { targetOf } = await import('../target.js');
      const target = targetOf(ctx);
      const outcome = emptyOutcome(target.mode === 'kind' ? ctx.config.cluster.name : target.context);
      await runSteps(downSteps({ keepCluster: args.keepCluster, keepRegistry: args.keepRegistry, existing: target.mode === 'existing' }, outcome), ctx);
      if (ctx.output === 'json') io.stdout(`${JSON.stringify({ ok: true, ...outcome }, null, 2)}\n`);
      else io.stdout(`${describeOutcome(outcome)}\n`);
    } finally {
      lock.release();
    }
  },
});
