// `floe-dev load IMAGE...`: side-load your own images into the cluster, skipping those the node already holds; with
// the local registry on, push them there instead (only changed layers move) and print where pods find them.
import { FloeError, UsageError } from '../errors.js';
import { shownValue } from '../text.js';
import { acquireLock } from '../state/lock.js';
import { defineCommand } from './command.js';
import { createContext } from './context.js';

export const loadCommand = defineCommand<{ images: string[] }>({
  command: 'load <images..>',
  describe: 'Load your own images (e.g. a Dagster code location) into the cluster, or push them to the local registry when it is on',
  builder: (y) => y.positional('images', { type: 'string', array: true, describe: 'image references, e.g. my-org/code:1.0' }) as never,
  examples: [['$0 load my-org/dagster-code:1.0', 'make your code location image available to the cluster']],
  run: async (args, io) => {
    const { imageRef } = await import('../config/schema.js');
    for (const image of args.images) {
      const checked = imageRef.safeParse(image);
      if (!checked.success) {
        throw new UsageError(`image ${shownValue(image)} ${checked.error.issues[0]?.message ?? 'is not valid'}`, {
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
      const [{ runSteps }, { ensureImages }, { kindFor, readClusterRecord }, { registryStep }] = await Promise.all([
        import('../steps/run-steps.js'),
        import('../steps/images.js'),
        import('../steps/cluster.js'),
        import('../steps/registry.js'),
      ]);
      const name = ctx.config.cluster.name;
      if (!(await kindFor(ctx).getClusters()).includes(name) || !readClusterRecord(ctx)) {
        throw new FloeError(`there is no floe-dev cluster named "${name}" to load images into`, { hint: 'create it first: floe-dev up' });
      }
      // With the registry on, every image named here is pushed there (the registry step makes sure it runs first).
      const push = ctx.config.registry.enabled ? args.images : [];
      await runSteps(
        [
          registryStep,
          { title: 'Images', run: async (c, report) => void c.cache.set('images', await ensureImages(c, args.images, report, { push })) },
        ],
        ctx,
      );
      const pushed = (ctx.cache.get('images') as import('../steps/images.js').ImagesResult | undefined)?.pushed ?? [];
      if (ctx.output === 'json') {
        io.stdout(`${JSON.stringify({ ok: true, pushed: pushed.map((p) => ({ image: p.source, tagged: p.tagged, pinned: p.pinned, layersPushed: p.summary.pushed.length, layersPresent: p.summary.existed.length + p.summary.mounted.length })) })}\n`);
      } else {
        for (const p of pushed) io.stdout(`${p.source} → ${p.tagged} (pods: ${p.pinned})\n`);
      }
    } finally {
      lock.release();
    }
  },
});
