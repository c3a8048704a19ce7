// `floe-dev load IMAGE...`: side-load your own images into the cluster, skipping those the node already holds.
import { FloeError, UsageError } from '../errors.js';
import { acquireLock } from '../state/lock.js';
import { defineCommand } from './command.js';
import { createContext } from './context.js';

export const loadCommand = defineCommand<{ images: string[] }>({
  command: 'load <images..>',
  describe: 'Load your own images (e.g. a Dagster code location) into the cluster',
  builder: (y) => y.positional('images', { type: 'string', array: true, describe: 'image references, e.g. my-org/code:1.0' }) as never,
  examples: [['$0 load my-org/dagster-code:1.0', 'make your code location image available to the cluster']],
  run: async (args, io) => {
    const { imageRef } = await import('../config/schema.js');
    for (const image of args.images) {
      const checked = imageRef.safeParse(image);
      if (!checked.success) {
        throw new UsageError(`image "${image}" ${checked.error.issues[0]?.message ?? 'is not valid'}`, {
          hint: 'name it as docker does, with its tag or digest: floe-dev load my-org/dagster-code:1.0',
        });
      }
    }
    const ctx = await createContext(args, io);
    const { targetOf } = await import('../target.js');
    const target = targetOf(ctx);
    if (target.mode === 'existing') {
      throw new UsageError(`floe-dev loads images only into kind clusters it created; context ${target.context} is an existing cluster, which pulls images itself`, {
        hint: 'push the image to a registry the cluster can reach (docker push), and name it in floe-dev.yaml',
      });
    }
    // Loading is what the user asked for, whatever images.load says for the platform's own images.
    ctx.config = { ...ctx.config, images: { ...ctx.config.images, load: true } };
    const lock = acquireLock(ctx.paths.lock, 'load');
    try {
      const [{ runSteps }, { ensureImages }, { kindFor, readClusterRecord }] = await Promise.all([
        import('../steps/run-steps.js'),
        import('../steps/images.js'),
        import('../steps/cluster.js'),
      ]);
      const name = ctx.config.cluster.name;
      if (!(await kindFor(ctx).getClusters()).includes(name) || !readClusterRecord(ctx)) {
        throw new FloeError(`there is no floe-dev cluster named "${name}" to load images into`, { hint: 'create it first: floe-dev up' });
      }
      await runSteps([{ title: 'Images', run: async (c, report) => void (await ensureImages(c, args.images, report)) }], ctx);
    } finally {
      lock.release();
    }
  },
});
