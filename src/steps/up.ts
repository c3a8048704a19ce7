// The steps of `up`, top to bottom. Each is one module; later stages join this list.
import type { Context } from '../context.js';
import { NotImplementedError } from '../errors.js';
import { imagesFor, renderKindConfig, selectServices } from '../platform/index.js';
import { clusterStep } from './cluster.js';
import { imagesStep } from './images.js';
import { preflightStep } from './preflight.js';
import type { Step } from './step.js';

export interface UpOptions {
  recreate: boolean;
}

/** Every image the enabled services use (containers, init containers, Jobs) plus the configured extras. */
export function platformImages(ctx: Context): string[] {
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
    // Install → readiness → bootstrap → forwards → smoke: the next stage of floe-dev.
    {
      title: 'Platform services',
      run: async () => {
        throw new NotImplementedError('installing the platform services (install, readiness, bootstrap, forwards, smoke)');
      },
    },
  ];
}
