// Waiting for one workload: ready, failed fast with a reason, or still not ready at its deadline.
import type { Clock } from '../clock.js';
import { evaluateWorkload, type Readiness } from './evaluate.js';
import { pollDelay, type PlatformObserver, type Snapshot } from './observer.js';

export interface WorkloadRef {
  kind: 'Deployment' | 'StatefulSet' | 'Job';
  name: string;
  namespace: string;
}

/** Why waiting ended without the workload ready: the snapshot is kept for the diagnosis. */
export class NotReadyError extends Error {
  constructor(
    readonly ref: WorkloadRef,
    /** `failed` (fail fast) or the last `waiting` state at the deadline. */
    readonly readiness: Exclude<Readiness, { state: 'ready' }>,
    readonly snapshot: Snapshot,
    readonly timedOut: boolean,
  ) {
    super(`${ref.kind} ${ref.name}: ${readiness.state === 'failed' ? readiness.failure.reason : `not ready (${readiness.detail ?? readiness.summary})`}`);
    this.name = 'NotReadyError';
  }
}

export interface WaitOptions {
  /** Judge only snapshots taken after this clock time (when the manifests were applied). */
  since: number;
  /** Absolute clock time at which waiting gives up. */
  deadline: number;
  onProgress?(readiness: Readiness): void;
}

/** Resolves once the workload is ready; rejects with NotReadyError on a failure or at the deadline. */
export async function waitUntilReady(observer: PlatformObserver, clock: Clock, ref: WorkloadRef, options: WaitOptions): Promise<Readiness & { state: 'ready' }> {
  let since = options.since;
  let notBefore = Number.isFinite(since) ? since + pollDelay(0) : since;
  for (let attempt = 1; ; attempt++) {
    const snapshot = await observer.next(since, notBefore);
    const workload = snapshot.workloads.find((w) => w.kind === ref.kind && w.metadata?.name === ref.name && w.metadata?.namespace === ref.namespace);
    const readiness: Readiness = workload
      ? evaluateWorkload(workload, snapshot.pods)
      : { state: 'waiting', ready: 0, desired: 1, summary: `${ref.kind} not created yet` };
    options.onProgress?.(readiness);
    if (readiness.state === 'ready') return readiness;
    if (readiness.state === 'failed') throw new NotReadyError(ref, readiness, snapshot, false);
    if (clock.now() >= options.deadline) throw new NotReadyError(ref, readiness, snapshot, true);
    since = snapshot.takenAt + 1;
    notBefore = snapshot.takenAt + pollDelay(attempt);
  }
}
