// The install scheduler: each node starts as soon as its dependencies finish, not in waves; the first failure stops the rest.
// Every node is a promise the test settles by hand, so the order of events is asserted, never timings.
import { describe, expect, it } from 'vitest';
import { runGraph, type GraphNode } from '../../../src/platform/graph.js';

const node = (name: string, ...dependsOn: string[]): GraphNode => ({ name, dependsOn });

/** A controllable run: records starts, lets the test finish or fail each node. */
function controlled() {
  const events: string[] = [];
  const handles = new Map<string, { resolve(): void; reject(e: Error): void; signal: AbortSignal }>();
  const waiters: (() => void)[] = [];
  const run = (n: GraphNode, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      events.push(`start ${n.name}`);
      handles.set(n.name, {
        resolve: () => {
          events.push(`done ${n.name}`);
          resolve();
        },
        reject,
        signal,
      });
      signal.addEventListener('abort', () => reject(new Error(`${n.name} aborted`)), { once: true });
      for (const w of waiters.splice(0)) w();
    });
  /** Resolves once `name` has started. */
  const started = async (name: string) => {
    while (!handles.has(name)) await new Promise<void>((r) => waiters.push(r));
    return handles.get(name)!;
  };
  return { events, run, started, handles };
}

describe('runGraph', () => {
  it('starts an independent node while an unrelated slow one is still running (no wave barrier)', async () => {
    // slow-db ← slow-app; fast-db ← fast-app: fast-app must not wait for slow-db.
    const c = controlled();
    const nodes = [node('slow-db'), node('fast-db'), node('slow-app', 'slow-db'), node('fast-app', 'fast-db')];
    const running = runGraph(nodes, c.run);
    (await c.started('fast-db')).resolve();
    (await c.started('fast-app')).resolve();
    expect(c.events).toEqual(['start slow-db', 'start fast-db', 'done fast-db', 'start fast-app', 'done fast-app']);
    (await c.started('slow-db')).resolve();
    (await c.started('slow-app')).resolve();
    expect(await running).toEqual({ done: ['fast-db', 'fast-app', 'slow-db', 'slow-app'], failed: [], skipped: [], stopped: [] });
  });

  it('never starts a node before every one of its dependencies is done', async () => {
    const c = controlled();
    const running = runGraph([node('a'), node('b'), node('c', 'a', 'b')], c.run);
    (await c.started('a')).resolve();
    await new Promise((r) => setImmediate(r));
    expect(c.handles.has('c')).toBe(false);
    (await c.started('b')).resolve();
    (await c.started('c')).resolve();
    await running;
    expect(c.events.indexOf('start c')).toBeGreaterThan(c.events.indexOf('done b'));
  });

  it('fails fast: the first failure aborts running nodes and skips the ones not started', async () => {
    const c = controlled();
    const nodes = [node('db'), node('slow'), node('app', 'db'), node('after-slow', 'slow')];
    const running = runGraph(nodes, c.run);
    const slow = await c.started('slow');
    (await c.started('db')).reject(new Error('db: CrashLoopBackOff'));
    const outcome = await running;
    expect(slow.signal.aborted).toBe(true);
    expect(outcome.failed.map((f) => [f.name, (f.error as Error).message])).toEqual([['db', 'db: CrashLoopBackOff']]);
    expect(outcome.stopped).toEqual(['slow']);
    expect(outcome.skipped.sort()).toEqual(['after-slow', 'app']);
    expect(outcome.done).toEqual([]);
  });

  it('reports what a node waits for, and why a node was skipped', async () => {
    const c = controlled();
    const waiting: string[] = [];
    const skipped: string[] = [];
    const running = runGraph([node('a'), node('b', 'a')], c.run, {
      onWaiting: (n, deps) => waiting.push(`${n.name} waits for ${deps.join(',')}`),
      onSkipped: (n, why) => skipped.push(`${n.name}: ${why}`),
    });
    (await c.started('a')).reject(new Error('boom'));
    await running;
    expect(waiting).toEqual(['b waits for a']);
    expect(skipped).toEqual(['b: a did not finish']);
  });

  it('an outside stop (Ctrl-C) aborts running nodes and starts nothing more', async () => {
    const c = controlled();
    const controller = new AbortController();
    const running = runGraph([node('a'), node('b', 'a')], c.run, { signal: controller.signal });
    const a = await c.started('a');
    controller.abort(new Error('interrupted'));
    const outcome = await running;
    expect(a.signal.aborted).toBe(true);
    expect(outcome).toMatchObject({ failed: [], stopped: ['a'], skipped: ['b'] });
  });

  it('runs a diamond once per node', async () => {
    let runs = 0;
    const outcome = await runGraph([node('d', 'b', 'c'), node('b', 'a'), node('c', 'a'), node('a')], async () => {
      runs += 1;
    });
    expect(runs).toBe(4);
    expect(outcome.done[0]).toBe('a');
    expect(outcome.done.at(-1)).toBe('d');
  });

  it('refuses a broken graph before running anything', async () => {
    let ran = false;
    await expect(runGraph([node('a', 'ghost')], async () => void (ran = true))).rejects.toThrow(/unknown service ghost/);
    expect(ran).toBe(false);
  });
});
