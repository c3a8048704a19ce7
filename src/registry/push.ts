// Pushing images to the local registry through the engine: tag as localhost:<port>/<path>:<tag>, push, and
// pin what pods run to the manifest digest. Only layers the registry lacks move.
import type { DockerApi } from '../tools/docker.js';
import { describePush, pinnedRef, registryTarget, summarizePush, type PushSummary } from './registry.js';

export interface PushedImage {
  /** The reference the user gave. */
  source: string;
  /** localhost:<port>/<path>:<tag> */
  tagged: string;
  /** localhost:<port>/<path>@sha256:...: what pods are told to run. */
  pinned: string;
  summary: PushSummary;
}

/** Pushes each image (one after another: the engine pushes a repository's layers in parallel itself). */
export async function pushImages(
  docker: DockerApi,
  refs: readonly string[],
  port: number,
  progress: (text: string) => void,
  signal?: AbortSignal,
): Promise<PushedImage[]> {
  const pushed: PushedImage[] = [];
  for (const source of refs) {
    const target = registryTarget(source, port);
    await docker.tagImage(source, target.repository, target.tag, signal);
    progress(`pushing ${target.ref}`);
    const events = await docker.pushImage(target.repository, target.tag, (e) => {
      if (e.id && e.status) progress(`pushing ${target.ref}: ${e.id} ${e.status}`);
    }, signal);
    let summary: PushSummary;
    try {
      summary = summarizePush(events);
    } catch (error) {
      throw new Error(`pushing ${source} to ${target.ref}: ${(error as Error).message}`);
    }
    if (!summary.digest) throw new Error(`pushing ${source} to ${target.ref}: the engine reported no digest`);
    progress(`pushed ${target.ref}: ${describePush(summary)}`);
    pushed.push({ source, tagged: target.ref, pinned: pinnedRef(target.repository, summary.digest), summary });
  }
  return pushed;
}
