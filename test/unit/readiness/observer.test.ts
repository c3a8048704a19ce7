// The shared namespace poller and waitUntilReady, on a virtual clock: sleeping advances time, nothing really waits.
import type { IPod } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import type { Workload } from '../../../src/readiness/evaluate.js';
import { PlatformObserver, pollDelay, type Snapshot } from '../../../src/readiness/observer.js';
import { NotReadyError, waitUntilReady } from '../../../src/readiness/wait.js';

function virtualClock(start = 1_000): Clock & { slept: number[] } {
  let t = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      slept.push(ms);
      t += ms;
    },
  };
}

const sts = (readyReplicas: number): Workload =>
  ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'ns', generation: 1, uid: 'u' }, spec: { replicas: 1, selector: { matchLabels: { app: 'db' } } }, status: { observedGeneration: 1, readyReplicas } }) as unknown as Workload;
const crashing: IPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'db-0', namespace: 'ns', labels: { app: 'db' } },
  spec: { containers: [] },
  status: { phase: 'Running', containerStatuses: [{ name: 'postgres', ready: false, restartCount: 2, image: 'x', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
};
const ref = { kind: 'StatefulSet' as const, name: 'db', namespace: 'ns' };

/** A fetch that hands out the scripted snapshots in turn (the last one repeats) and counts calls. */
function scripted(...snaps: Omit<Snapshot, 'takenAt'>[]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    fetch: async () => snaps[Math.min(calls++, snaps.length - 1)]!,
  };
}

describe('PlatformObserver', () => {
  it('serves every waiter due at the same time with one query', async () => {
    const clock = virtualClock();
    const f = scripted({ workloads: [sts(1)], pods: [] });
    const o = new PlatformObserver(f.fetch, clock, new AbortController().signal);
    const got = await Promise.all([o.next(0), o.next(0), o.next(0)]);
    expect(f.calls).toBe(1);
    expect(new Set(got).size).toBe(1);
  });

  it('never answers with a query that started before the waiter’s change (since)', async () => {
    const clock = virtualClock(5_000);
    const f = scripted({ workloads: [sts(0)], pods: [] }, { workloads: [sts(1)], pods: [] });
    const o = new PlatformObserver(f.fetch, clock, new AbortController().signal);
    const first = await o.next(0);
    const later = await o.next(first.takenAt + 1);
    expect(f.calls).toBe(2);
    expect(later.takenAt).toBeGreaterThan(first.takenAt);
    expect(later.workloads[0]?.status).toMatchObject({ readyReplicas: 1 });
  });

  it('keeps queries at least minGapMs apart and waits for notBefore', async () => {
    const clock = virtualClock(0);
    const f = scripted({ workloads: [], pods: [] });
    const o = new PlatformObserver(f.fetch, clock, new AbortController().signal, 200);
    const a = await o.next(0, 0);
    const b = await o.next(a.takenAt + 1, a.takenAt + 50);
    expect(b.takenAt - a.takenAt).toBe(200);
    const c = await o.next(b.takenAt + 1, b.takenAt + 700);
    expect(c.takenAt - b.takenAt).toBe(700);
  });

  it('retries a failing query, then fails every waiter with its error', async () => {
    const clock = virtualClock();
    let calls = 0;
    const o = new PlatformObserver(
      async () => {
        calls += 1;
        throw new Error('The connection to the server 127.0.0.1:6443 was refused');
      },
      clock,
      new AbortController().signal,
    );
    const results = await Promise.allSettled([o.next(0), o.next(0)]);
    expect(calls).toBe(4);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('a query that fails once and then answers is not an error', async () => {
    const clock = virtualClock();
    let calls = 0;
    const o = new PlatformObserver(
      async () => {
        if (calls++ === 0) throw new Error('timeout');
        return { workloads: [sts(1)], pods: [] };
      },
      clock,
      new AbortController().signal,
    );
    expect((await o.next(0)).workloads).toHaveLength(1);
  });
});

describe('waitUntilReady', () => {
  it('polls on its schedule until the workload is ready', async () => {
    const clock = virtualClock(0);
    const f = scripted({ workloads: [], pods: [] }, { workloads: [sts(0)], pods: [] }, { workloads: [sts(0)], pods: [] }, { workloads: [sts(1)], pods: [] });
    const o = new PlatformObserver(f.fetch, clock, new AbortController().signal, 0);
    const seen: string[] = [];
    const r = await waitUntilReady(o, clock, ref, { since: 0, deadline: 60_000, onProgress: (x) => seen.push(x.summary) });
    expect(r.summary).toBe('StatefulSet 1/1 ready');
    expect(seen).toEqual(['StatefulSet not created yet', 'StatefulSet 0/1 ready', 'StatefulSet 0/1 ready', 'StatefulSet 1/1 ready']);
    expect(clock.now()).toBe(pollDelay(0) + pollDelay(1) + pollDelay(2) + pollDelay(3));
  });

  it('fails fast, with the snapshot, on a pod that will not recover', async () => {
    const clock = virtualClock(0);
    const o = new PlatformObserver(scripted({ workloads: [sts(0)], pods: [crashing] }).fetch, clock, new AbortController().signal, 0);
    const error = await waitUntilReady(o, clock, ref, { since: 0, deadline: 600_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotReadyError);
    expect(error).toMatchObject({ timedOut: false, readiness: { state: 'failed', failure: { reason: 'CrashLoopBackOff', pod: 'db-0' } } });
    expect(clock.now()).toBeLessThan(1_000); // one look, not the deadline
  });

  it('gives up at the deadline with the last state', async () => {
    const clock = virtualClock(0);
    const o = new PlatformObserver(scripted({ workloads: [sts(0)], pods: [] }).fetch, clock, new AbortController().signal, 0);
    const error = (await waitUntilReady(o, clock, ref, { since: 0, deadline: 3_000 }).catch((e: unknown) => e)) as NotReadyError;
    expect(error).toBeInstanceOf(NotReadyError);
    expect(error.timedOut).toBe(true);
    expect(error.readiness.state).toBe('waiting');
    expect(clock.now()).toBeGreaterThanOrEqual(3_000);
  });

  it('stops when the signal aborts (Ctrl-C)', async () => {
    const clock = virtualClock(0);
    const controller = new AbortController();
    const o = new PlatformObserver(scripted({ workloads: [sts(0)], pods: [] }).fetch, clock, controller.signal, 0);
    controller.abort(new Error('interrupted'));
    await expect(waitUntilReady(o, clock, ref, { since: 0, deadline: 60_000 })).rejects.toThrow('interrupted');
  });
});
