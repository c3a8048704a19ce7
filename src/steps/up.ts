// The steps of `up`, top to bottom. Each is one module; later stages join this list.
import type { Context } from '../context.js';
import { imagesFor, renderKindConfig, selectServices } from '../platform/index.js';
import { clusterStep } from './cluster.js';
import { existingNamespaceStep } from './existing.js';
import { forwardsStep } from './forwards.js';
import { imagesStep } from './images.js';
import { installStep } from './install.js';
import { preflightStep } from './preflight.js';
import { registryImages, registryStep } from './registry.js';
import { smokeStep } from './smoke.js';
import type { Step } from './step.js';
import { targetOf } from '../target.js';

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
    // Docker, memory, kind, kubectl, ports, disk (an existing cluster: its API, rights, storage, nodes): stop
    // before touching anything when a prerequisite is missing.
    preflightStep(),
    // Create the kind cluster, or reuse a healthy one made from the same config; --recreate starts afresh.
    { ...clusterStep({ recreate: options.recreate, wanted: (ctx) => renderKindConfig(ctx.config) }), enabled: (ctx) => targetOf(ctx).mode === 'kind' },
    // An existing cluster: its namespace is floe-dev's to use (no objects of anyone else's), or up stops here.
    existingNamespaceStep(),
    // registry.enabled: the local registry container, each node's containerd pointed at it, its ConfigMap.
    registryStep,
    // Pull what the host lacks, then side-load what the node lacks in one batch (your code locations' images are
    // pushed to the local registry instead when it is on; an existing cluster pulls them itself).
    imagesStep(platformImages, registryImages),
    // Apply each service once its dependencies are ready, wait for it (failing fast), bootstrap, prune.
    installStep({ partial: options.partial }),
    // The detached forward supervisor: Dagster, Polaris, Cube and MinIO on 127.0.0.1 (kept running after up).
    forwardsStep,
    // Health and deep checks through the forwards; --skip-smoke leaves them out.
    { ...smokeStep, enabled: () => !options.skipSmoke },
  ];
}
