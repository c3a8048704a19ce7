// `floe-dev code-location reload NAME [--image IMAGE]`: put a (rebuilt) image of one Dagster code location into the
// cluster, roll its server, wait for it as `up` waits, and have Dagster reload it.
import { FloeError, UsageError } from '../errors.js';
import { shownValue } from '../text.js';
import { acquireLock } from '../state/lock.js';
import { defineCommand } from './command.js';
import { createContext } from './context.js';

interface Args {
  action: 'reload';
  name: string;
  image?: string;
}

export const codeLocationCommand = defineCommand<Args>({
  command: 'code-location <action> <name>',
  describe: 'Reload one of your Dagster code locations: load its (rebuilt) image, roll it, reload it in Dagster',
  builder: (y) =>
    y
      .positional('action', { choices: ['reload'] as const, describe: 'what to do' })
      .positional('name', { type: 'string', describe: 'the code location (its name in orchestrator.codeLocations)' })
      .option('image', { type: 'string', requiresArg: true, describe: 'run this image instead of the configured one (until the next up)' }) as never,
  examples: [
    ['$0 code-location reload my-project', 'after rebuilding its image under the same tag'],
    ['$0 code-location reload my-project --image my-org/my-project:dev-2', 'try another build'],
  ],
  run: async (args, io) => {
    if (args.image !== undefined) {
      const { imageRef } = await import('../config/schema.js');
      const checked = imageRef.safeParse(args.image);
      if (!checked.success) {
        throw new UsageError(`--image ${shownValue(args.image)} ${checked.error.issues[0]?.message ?? 'is not valid'}`, {
          hint: 'name it as docker does, with its tag or digest: --image my-org/my-project:dev-2',
        });
      }
    }
    // Only the orchestrator: nothing of the other components is looked at or changed.
    const ctx = await createContext(args, io, { component: ['orchestrator'] });
    const [{ runSteps }, cl, { imagesStep }, { installStep }, { platformImages }, { kindFor, readClusterRecord }, { registryImages, registryStep }] = await Promise.all([
      import('../steps/run-steps.js'),
      import('../steps/code-location.js'),
      import('../steps/images.js'),
      import('../steps/install.js'),
      import('../steps/up.js'),
      import('../steps/cluster.js'),
      import('../steps/registry.js'),
    ]);
    const location = cl.findCodeLocation(ctx.config, args.name);
    if (args.image !== undefined) ctx.config = cl.withCodeLocationImage(ctx.config, location, args.image);
    const image = args.image ?? location.image;
    const lock = acquireLock(ctx.paths.lock, 'code-location reload');
    try {
      const cluster = ctx.config.cluster.name;
      const { targetOf } = await import('../target.js');
      const target = targetOf(ctx);
      // An existing cluster pulls the image itself (a rebuilt image needs a new tag there: --image); no kind to ask.
      if (target.mode === 'existing') {
        const { existsSync } = await import('node:fs');
        if (!existsSync(ctx.paths.credentials)) throw new FloeError(`floe-dev has not installed the platform in context ${target.context}`, { hint: 'install it first: floe-dev up' });
      } else if (!readClusterRecord(ctx) || !(await kindFor(ctx).getClusters()).includes(cluster)) {
        throw new FloeError(`there is no floe-dev cluster named "${cluster}"`, { hint: 'create it first: floe-dev up' });
      }
      await runSteps(
        [
          // registry.enabled: the registry running and wired (as up leaves it).
          registryStep,
          // The orchestrator's images, the reloaded one among them: a rebuilt image is loaded (or pushed to the
          // local registry, the Deployment then naming its new digest), the rest found in place.
          imagesStep(platformImages, (c) => [...registryImages(c), ...(c.config.registry.enabled && args.image ? [args.image] : [])]),
          // Its Deployment rolls when the image (or its ID) changed; waited for as up waits, with its diagnosis.
          installStep({ partial: true }),
          cl.reloadStep(location),
        ],
        ctx,
      );
      const configured = location.image; // found before --image was applied: what floe-dev.yaml names
      const note = image !== configured ? `\nfloe-dev.yaml still names ${configured}: the next \`floe-dev up\` runs that again (set it in orchestrator.codeLocations to keep ${image}).` : '';
      io.stdout(ctx.output === 'json' ? `${JSON.stringify({ ok: true, location: location.name, image, configuredImage: configured, reload: ctx.cache.get('reload') })}\n` : `Code location ${location.name} reloaded with ${image}.${note}\n`);
    } finally {
      lock.release();
    }
  },
});
