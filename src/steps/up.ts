// The steps of `up`, top to bottom. Each is one module; later stages join this list.
import type { Context } from '../context.js';
import { NotImplementedError } from '../errors.js';
import { imagesFor, renderKindConfig, selectServices } from '../platform/index.js';
import { clusterStep } from './cluster.js';
import { imagesStep } from './images.js';
import { installStep } from './install.js';
import { preflightStep } from './preflight.js';
import type { Step } from './step.js';

export interface UpOptions {
  recreate: boolean;
  /** `--component` was given: install only those (and their dependencies), leave the rest as it is. */
  partial: boolean;
  skipSmoke: boolean;
}

/** Every image the enabled services use (containers, init containers, Jobs) plus the configured extras. */
export function platformImages(ctx: Pick<Context, 'config'>): string[] {
  return [...imagesFor(selectServices(ctx.config), ctx.config), ...ctx.config.images.extra];
}

export function upSteps(options: UpOptions): Step[] {
  return [
    // Docker, memory, kind, kubectl, ports, disk: stop before touching anything when a prerequisite is missing.
    preflightStep(),
    // Create the kind cluster, or reuse a healthy one made from the same config; --recreate starts afresh.
    clusterStep({ recreate: options.recreate, wanted: (ctx) => renderKindConfig(ctx.config) }),
    // Pull what the host lacks, then side-load what the node lacks in one batch.
    imagesStep(platformImages),
    // Apply each service once its dependencies are ready, wait for it (failing fast), bootstrap, prune.
    installStep({ partial: options.partial }),
    // Port-forwards and smoke checks: the next stage of floe-dev.
    {
      title: 'Forwards',
      run: async () => {
        throw new NotImplementedError('port-forwarding the platform (Dagster, Polaris, Cube, MinIO) and smoke-checking it');
      },
    },
  ];
}
