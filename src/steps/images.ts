// The images step: pull what the host lacks (several at once), then side-load what the nodes lack in one batch.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { FloeError, withContext } from '../errors.js';
import { parseCrictlImages, planLoad, type NodeImages } from '../images/refs.js';
import { architectureFix } from '../platform/architecture.js';
import { pushImages, type PushedImage } from '../registry/push.js';
import { describePush, type PushSummary } from '../registry/registry.js';
import type { DockerApi, KindNode } from '../tools/docker.js';
import { kindFor } from './cluster.js';
import type { Step, StepReporter } from './step.js';
import { targetOf } from '../target.js';

export interface ImagesResult {
  pulled: string[];
  loaded: string[];
  present: string[];
  /** Each image's ID on the host (what the node gets), by reference. */
  ids: Record<string, string>;
  /** Images pushed to the local registry instead of side-loaded (registry.enabled). */
  pushed: PushedImage[];
  /** What pods run for each pushed image: reference → localhost:<port>/...@sha256:... */
  refs: Record<string, string>;
}

/**
 * The `up` step: `images` computes the platform's image list from the context (the catalog's job); `toPush`
 * those of them that go to the local registry instead of the node (when it is on).
 */
export function imagesStep(images: (ctx: Context) => string[], toPush: (ctx: Context) => string[] = () => []): Step {
  return {
    title: 'Images',
    run: async (ctx, report) => {
      const target = targetOf(ctx);
      if (target.mode === 'existing') {
        // floe-dev never side-loads into a cluster it did not create: its nodes pull from the images' registries.
        const n = new Set(images(ctx)).size;
        report.done(`Images: the cluster pulls its ${n} images itself (existing cluster, context ${target.context}; nothing is side-loaded)`);
        return;
      }
      try {
        const result = await ensureImages(ctx, images(ctx), report, { push: toPush(ctx) });
        ctx.cache.set('images', result);
      } catch (error) {
        throw withContext('images', error);
      }
    },
  };
}

/**
 * Makes every image present on the host, then in every node of the cluster (unless `images.load` is off); the
 * images in `options.push` go to the local registry instead (registry.enabled), where only changed layers move.
 */
export async function ensureImages(ctx: Context, wanted: readonly string[], report: StepReporter, options: { push?: readonly string[] } = {}): Promise<ImagesResult> {
  const refs = [...new Set(wanted)];
  const docker = await ctx.tools.docker();
  const hostIds = await ensureOnHost(ctx, docker, refs, report);
  const pulled = refs.filter((r) => hostIds.pulled.has(r));
  await checkArchitectures(ctx, docker, refs);
  const toPush = ctx.config.registry.enabled ? refs.filter((r) => options.push?.includes(r)) : [];
  const pushed = toPush.length > 0 ? await pushImages(docker, toPush, ctx.config.registry.port, (t) => report.progress(t), ctx.signal) : [];
  const pushedRefs = Object.fromEntries(pushed.map((p) => [p.source, p.pinned]));
  const pushText = pushed.length > 0 ? `${pushed.length} pushed to the registry (${describePush(mergeSummaries(pushed))}), ` : '';
  if (!ctx.config.images.load) {
    report.done(`Images: ${pushText}${refs.length} on the host${pulled.length ? ` (${pulled.length} pulled)` : ''}; side-loading is off (images.load: false)`);
    return { pulled, loaded: [], present: [], ids: Object.fromEntries(hostIds.ids), pushed, refs: pushedRefs };
  }
  const loadIds = new Map([...hostIds.ids].filter(([r]) => !toPush.includes(r)));
  if (loadIds.size === 0) {
    report.done(`Images: ${pushText.replace(/, $/, '')}${pulled.length ? `, ${pulled.length} pulled` : ''}`);
    return { pulled, loaded: [], present: [], ids: Object.fromEntries(hostIds.ids), pushed, refs: pushedRefs };
  }

  report.progress('checking which images the node already holds');
  const nodes = await nodeImages(ctx, docker);
  const plan = planLoad(loadIds, nodes);
  if (plan.load.length > 0) {
    report.progress(`loading ${plan.load.length} image${plan.load.length === 1 ? '' : 's'} into the node: ${plan.load.join(', ')}`);
    await sideLoad(ctx, docker, plan.load);
  }
  report.done(
    `Images: ${pushText}${plan.load.length} loaded, ${plan.present.length} already in the node${pulled.length ? `, ${pulled.length} pulled` : ''}`,
  );
  return { pulled, loaded: plan.load, present: plan.present, ids: Object.fromEntries(hostIds.ids), pushed, refs: pushedRefs };
}

function mergeSummaries(pushed: readonly PushedImage[]): PushSummary {
  return {
    pushed: pushed.flatMap((p) => p.summary.pushed),
    existed: pushed.flatMap((p) => p.summary.existed),
    mounted: pushed.flatMap((p) => p.summary.mounted),
  };
}

/** Image IDs on the host; missing images are pulled, `pullConcurrency` at a time. */
async function ensureOnHost(
  ctx: Context,
  docker: DockerApi,
  refs: readonly string[],
  report: StepReporter,
): Promise<{ ids: Map<string, string>; pulled: Set<string> }> {
  const { default: pLimit } = await import('p-limit');
  const limit = pLimit(ctx.config.images.pullConcurrency);
  report.progress(`checking ${refs.length} image${refs.length === 1 ? '' : 's'} on the host`);
  const ids = new Map<string, string>();
  const pulled = new Set<string>();
  const failures: string[] = [];
  const progress = new Map<string, string>();
  const show = (): void => report.progress(`pulling ${[...progress].map(([r, p]) => `${r} ${p}`).join(', ')}`);

  await Promise.all(
    refs.map((ref) =>
      limit(async () => {
        let id = await docker.imageId(ref);
        if (!id) {
          progress.set(ref, 'starting');
          show();
          try {
            await docker.pullImage(ref, (p) => {
              progress.set(ref, p);
              show();
            }, ctx.signal);
            pulled.add(ref);
            id = await docker.imageId(ref);
          } catch (error) {
            if (ctx.signal.aborted) throw error;
            failures.push(`${ref}: ${(error as Error).message}${explainPullFailure((error as Error).message)}`);
          } finally {
            progress.delete(ref);
          }
        }
        if (id) ids.set(ref, id);
      }),
    ),
  );
  if (failures.length > 0) {
    throw new FloeError(`could not pull ${failures.length} image${failures.length === 1 ? '' : 's'}:\n  ${failures.join('\n  ')}`, {
      hint: 'check the network and registry access (`docker pull <image>`), or point the service at an image you have with services.<name>.image in floe-dev.yaml',
    });
  }
  // Keep the wanted order (pulls finish in any order) so the batched load argv is stable.
  return { ids: new Map(refs.filter((r) => ids.has(r)).map((r) => [r, ids.get(r)!])), pulled };
}

/** Adds what a registry error usually means for a first-day user. */
export function explainPullFailure(message: string): string {
  if (/no matching manifest|no match for platform/i.test(message)) return ' (the image is not published for this machine\'s architecture)';
  if (/not found|manifest unknown|does not exist/i.test(message)) return ' (no such image or tag in the registry)';
  if (/unauthorized|denied|authentication required/i.test(message)) return ' (the registry wants a login: docker login)';
  if (/timeout|ENOTFOUND|EAI_AGAIN|network|connection refused|dial tcp|i\/o timeout/i.test(message)) return ' (no network to the registry?)';
  return '';
}

/**
 * Kind nodes run on the engine's architecture: an image built for another one dies with `exec format error` in
 * the pod. Each image built for another architecture is named with the configuration key that fixes it.
 */
export async function checkArchitectures(ctx: Context, docker: DockerApi, refs: readonly string[]): Promise<void> {
  const engine = await docker.info(ctx.signal);
  const arch = engine.architecture;
  const found = await Promise.all(refs.map(async (ref) => ({ ref, built: await docker.imageArchitecture(ref, ctx.signal) })));
  const wrong = found.filter((f) => f.built && f.built !== arch);
  if (wrong.length === 0) return;
  throw new FloeError(
    `image${wrong.length === 1 ? '' : 's'} not built for the node's architecture (${arch}): ${wrong.map((w) => `${w.ref} is built for ${w.built}`).join(', ')}`,
    { hint: [...new Set(wrong.map((w) => architectureFix(ctx.config, w.ref, arch)))].join('; ') },
  );
}

/** What each running node of the cluster holds, read with crictl inside the node (as kind compares IDs). */
async function nodeImages(ctx: Context, docker: DockerApi): Promise<NodeImages[]> {
  const nodes = (await docker.kindNodes(ctx.config.cluster.name)).filter((n: KindNode) => n.running);
  return Promise.all(
    nodes.map(async (node) => {
      const r = await docker.exec(node.id, ['crictl', 'images', '-o', 'json']).catch((error: unknown) => ({
        exitCode: -1,
        stdout: '',
        stderr: (error as Error).message,
      }));
      if (r.exitCode !== 0) {
        ctx.log.debug(`could not list images in node ${node.name} (${r.stderr.trim()}): loading all`);
        return { node: node.name, images: new Map<string, string>() };
      }
      try {
        return { node: node.name, images: parseCrictlImages(r.stdout) };
      } catch {
        ctx.log.debug(`node ${node.name} printed unreadable crictl output: loading all`);
        return { node: node.name, images: new Map<string, string>() };
      }
    }),
  );
}

/**
 * One batched `kind load docker-image`. With Docker's containerd image store, multi-arch images must be
 * saved for the node's platform first (kind#3795), then loaded as an archive.
 */
async function sideLoad(ctx: Context, docker: DockerApi, refs: string[]): Promise<void> {
  const kind = kindFor(ctx);
  const timeoutMs = 600_000;
  const engine = await docker.info(ctx.signal);
  if (!engine.containerdImageStore) {
    await kind.loadDockerImages(ctx.config.cluster.name, refs, timeoutMs);
    return;
  }
  const dir = join(ctx.paths.dir, 'tmp');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const archive = join(dir, `images-${process.pid}.tar`);
  try {
    await docker.saveImages(refs, `linux/${engine.architecture}`, archive);
    await kind.loadImageArchive(ctx.config.cluster.name, archive, timeoutMs);
  } finally {
    rmSync(archive, { force: true });
  }
}
