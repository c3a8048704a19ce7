// The supervisor's loop on a recording runner, a scripted probe and virtual time: states are asserted from
// what it publishes (events), never from elapsed time.
import { describe, expect, it } from 'vitest';
import type { ForwardPlan } from '../../../src/forward/plan.js';
import type { ForwardEntry, ForwardState } from '../../../src/forward/state.js';
import { superviseForwards, type ProbeResult, type SupervisorTiming } from '../../../src/forward/supervise.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { VirtualClock } from './helpers.js';

const plan = (keys: ('dagster' | 'cube')[] = ['dagster']): ForwardPlan => ({
  version: 1,
  cluster: 'floe-dev',
  namespace: 'floe-platform',
  kubectl: 'kubectl',
  kubeconfig: '/state/kubeconfig',
  context: 'kind-floe-dev',
  recordFile: '/state/forwards.json',
  forwards: keys.map((key) =>
    key === 'dagster'
      ? { key, service: 'dagster-webserver', port: 3000, wantedPort: 3000, localPort: 3000, probePath: '/server_info' }
      : { key, service: 'cube', port: 4000, wantedPort: 4000, localPort: 4100, probePath: '/readyz' },
  ),
});

const isForward = (service: string) => (argv: readonly string[]) => argv.includes('port-forward') && argv.includes(`service/${service}`);
const announce = (local: number, remote: number) => ({ lines: [`Forwarding from 127.0.0.1:${local} -> ${remote}`, `Forwarding from [::1]:${local} -> ${remote}`] });

interface Run {
  runner: FakeRunner;
  clock: VirtualClock;
  events: ForwardEntry[][];
  probes: string[];
  /** Resolves when a published record satisfies `predicate`. */
  until(predicate: (entries: readonly ForwardEntry[]) => boolean): Promise<readonly ForwardEntry[]>;
  stop(): Promise<void>;
  states(key: string): ForwardState[];
}

function start(p: ForwardPlan, runner: FakeRunner, probe: (url: string) => ProbeResult, timing: Partial<SupervisorTiming> = {}): Run {
  const clock = new VirtualClock();
  const events: ForwardEntry[][] = [];
  const probes: string[] = [];
  const waiters: { predicate: (e: readonly ForwardEntry[]) => boolean; resolve: (e: readonly ForwardEntry[]) => void }[] = [];
  const controller = new AbortController();
  const done = superviseForwards(
    p,
    {
      runner,
      clock,
      probe: async (url) => {
        probes.push(url);
        return probe(url);
      },
      publish: (entries) => {
        events.push(entries.map((e) => ({ ...e })));
        for (const w of [...waiters]) {
          if (w.predicate(entries)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(entries);
          }
        }
      },
      log: () => {},
      timing,
    },
    controller.signal,
  );
  return {
    runner,
    clock,
    events,
    probes,
    until: (predicate) => new Promise((resolve) => waiters.push({ predicate, resolve })),
    stop: async () => {
      controller.abort();
      await done;
    },
    states: (key) => {
      const seq: ForwardState[] = [];
      for (const e of events) {
        const s = e.find((x) => x.key === key)!.state;
        if (seq.at(-1) !== s) seq.push(s);
      }
      return seq;
    },
  };
}

const upAll = (entries: readonly ForwardEntry[]) => entries.every((e) => e.state === 'up');

describe('forward supervisor', () => {
  it('runs one loopback kubectl port-forward per forward and reports each up once its probe answers', async () => {
    const runner = new FakeRunner();
    runner.expect(isForward('dagster-webserver')).process(announce(3000, 3000));
    runner.expect(isForward('cube')).process(announce(4100, 4000));
    const run = start(plan(['dagster', 'cube']), runner, () => ({ ok: true }));
    const entries = await run.until(upAll);
    expect(entries.map((e) => [e.key, e.url, e.state])).toEqual([
      ['dagster', 'http://127.0.0.1:3000', 'up'],
      ['cube', 'http://127.0.0.1:4100', 'up'],
    ]);
    expect(runner.calls.map((c) => c.argv)).toEqual([
      ['kubectl', '--kubeconfig', '/state/kubeconfig', '--context', 'kind-floe-dev', '-n', 'floe-platform', 'port-forward', '--address', '127.0.0.1', 'service/dagster-webserver', '3000:3000'],
      ['kubectl', '--kubeconfig', '/state/kubeconfig', '--context', 'kind-floe-dev', '-n', 'floe-platform', 'port-forward', '--address', '127.0.0.1', 'service/cube', '4100:4000'],
    ]);
    // Each forward is proven over HTTP on its readiness path, not by the process being alive.
    expect(run.probes).toEqual(expect.arrayContaining(['http://127.0.0.1:3000/server_info', 'http://127.0.0.1:4100/readyz']));
    expect(entries.map((e) => e.pid)).toEqual(runner.calls.map((c) => c.pid));
    await run.stop();
    runner.verify(); // every kubectl it started was stopped
  });

  it('starts a forward that exits again after 200 ms (the first retry), and reports it up again', async () => {
    const runner = new FakeRunner();
    // The first kubectl exits once the supervisor has reported it up (the test decides when: no timer race).
    let exitFirst!: () => void;
    const firstExits = new Promise<void>((resolve) => (exitFirst = resolve));
    runner.expect(isForward('dagster-webserver')).once().process({ ...announce(3000, 3000), exitOn: firstExits, exitCode: 1 });
    runner.expect(isForward('dagster-webserver')).process(announce(3000, 3000));
    let answers = true;
    const run = start(plan(), runner, () => (answers ? { ok: true } : { ok: false, reason: 'connection refused' }));
    await run.until((e) => e[0]!.state === 'up');
    exitFirst();
    const entries = await run.until((e) => e[0]!.restarts === 1 && e[0]!.state === 'up');
    answers = false;
    expect(run.states('dagster')).toEqual(['starting', 'up', 'restarting', 'up']);
    const down = run.events.find((e) => e[0]!.state === 'restarting')![0]!;
    expect(down.lastError).toMatch(/kubectl exited with code 1/);
    // After a forward that had answered: the shortest delay (≤ 250 ms), not a grown one.
    expect(run.clock.sleeps).toContain(200);
    expect(entries[0]!.failedAttempts).toBe(0);
    await run.stop();
    runner.verify();
  });

  it('starts a forward again when it stays up but stops answering (kubectl#926), after 3 failed probes', async () => {
    const runner = new FakeRunner();
    runner.expect(isForward('dagster-webserver')).once().process(announce(3000, 3000));
    runner.expect(isForward('dagster-webserver')).process(announce(3000, 3000));
    let broken = false;
    const run = start(plan(), runner, () => (broken ? { ok: false, reason: 'connection reset' } : { ok: true }));
    await run.until(upAll);
    broken = true;
    const restarting = await run.until((e) => e[0]!.state === 'restarting');
    expect(restarting[0]!.lastError).toBe('stopped answering: connection reset');
    const failedProbes = run.probes.length;
    broken = false;
    await run.until((e) => e[0]!.state === 'up' && e[0]!.restarts === 1);
    expect(failedProbes).toBeGreaterThanOrEqual(4); // one that answered, then three that did not
    // The first kubectl was stopped (not left running) before the second started.
    expect(runner.running.size).toBe(1);
    await run.stop();
    runner.verify();
  });

  it('reports a forward that never answers dead after 5 attempts, backing off 200, 400, 800, 1600 ms, capped at 5 s, and keeps retrying', async () => {
    const r2 = new FakeRunner();
    r2.expect(isForward('dagster-webserver')).process({ lines: { stderr: ['error: unable to forward port because pod is not running. Current status=Pending'] }, exitAfterMs: 1, exitCode: 1 });
    const run = start(plan(), r2, () => ({ ok: true }));
    const dead = await run.until((e) => e[0]!.state === 'dead');
    expect(dead[0]!.failedAttempts).toBe(5);
    expect(dead[0]!.lastError).toMatch(/kubectl exited with code 1: error: unable to forward port because pod is not running/);
    await run.until((e) => e[0]!.failedAttempts === 8);
    const backoffs = run.clock.sleeps.filter((ms) => ms !== 30_000);
    expect(backoffs).toEqual([200, 400, 800, 1600, 3200, 5000, 5000, ...backoffs.slice(7)]);
    expect(run.states('dagster')).toEqual(['starting', 'restarting', 'dead']);
    await run.stop();
    r2.verify();
  });

  it('reports dead when kubectl cannot be started at all, naming why', async () => {
    const runner = new FakeRunner();
    runner.expect(['kubectl']).notFound();
    const run = start(plan(), runner, () => ({ ok: true }), { deadAfterAttempts: 2 });
    const dead = await run.until((e) => e[0]!.state === 'dead');
    expect(dead[0]!.lastError).toMatch(/kubectl: command not found/);
    await run.stop();
  });

  it('gives a starting forward its grace period before starting it again', async () => {
    const runner = new FakeRunner();
    runner.expect(isForward('dagster-webserver')).process(announce(3000, 3000));
    const run = start(plan(), runner, () => ({ ok: false, reason: 'connection reset' }), { startupGraceMs: 1_000, recheckMs: 250 });
    const restarting = await run.until((e) => e[0]!.state === 'restarting');
    expect(restarting[0]!.lastError).toBe('did not answer within 1 s: connection reset');
    // Probed every 250 ms for the second of grace: about four probes, not one.
    expect(run.probes.length).toBeGreaterThanOrEqual(4);
    await run.stop();
    runner.verify();
  });

  it('stops every kubectl it started when told to stop, and publishes nothing after', async () => {
    const runner = new FakeRunner();
    runner.expect(isForward('dagster-webserver')).process(announce(3000, 3000));
    runner.expect(isForward('cube')).process(announce(4100, 4000));
    const run = start(plan(['dagster', 'cube']), runner, () => ({ ok: true }));
    await run.until(upAll);
    expect(runner.running.size).toBe(2);
    await run.stop();
    const published = run.events.length;
    expect(runner.running.size).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(run.events.length).toBe(published);
  });
});
