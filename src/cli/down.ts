// `floe-dev down`: stop the forwards and delete the cluster (or only the namespace); idempotent.
import { acquireLock } from '../state/lock.js';
import { defineCommand } from './command.js';
import { createContext } from './context.js';

export const downCommand = defineCommand<{ keepCluster: boolean }>({
  command: 'down',
  describe: 'Stop the forwards and delete the cluster (or only the namespace with --keep-cluster)',
  builder: (y) =>
    y.option('keep-cluster', { type: 'boolean', default: false, describe: 'Delete only the platform namespace, keep the cluster' }) as never,
  examples: [
    ['$0 down', 'delete the cluster and its state'],
    ['$0 down --keep-cluster', 'remove the platform but keep the cluster (faster next up)'],
  ],
  run: async (args, io) => {
    const ctx = await createContext(args, io);
    const lock = acquireLock(ctx.paths.lock, 'down');
    try {
      const [{ runSteps }, { downSteps }] = await Promise.all([import('../steps/run-steps.js'), import('../steps/down.js')]);
      await runSteps(downSteps({ keepCluster: args.keepCluster }), ctx);
    } finally {
      lock.release();
    }
  },
});
