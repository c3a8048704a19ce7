// Starting, reusing and reading the forwards from the CLI's side, on a recording runner.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureForwards, forwardFiles, formatForwardLines, viewOf, wantedPlan } from '../../../src/forward/control.js';
import type { ForwardPlan } from '../../../src/forward/plan.js';
import { bootTime } from '../../../src/forward/process.js';
import { writeForwardRecord, type ForwardEntry } from '../../../src/forward/state.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { testContext } from '../../helpers/context.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

const free = { tryBind: async () => ({ outcome: 'free' as const }), findPortHolder: async () => undefined };

function world() {
  const runner = new FakeRunner();
  const controller = new AbortController();
  const ctx = testContext({ tools: { runner }, signal: controller.signal });
  mkdirSync(dirname(ctx.paths.kubeconfig), { recursive: true });
  writeFileSync(ctx.paths.kubeconfig, 'apiVersion: v1\n');
  return { runner, ctx, controller, files: forwardFiles(ctx.paths) };
}

/** What the supervisor would write once every forward answers. */
function upRecord(pid: number, plan: ForwardPlan, planFile: string) {
  const forwards: ForwardEntry[] = plan.forwards.map((f) => ({
    key: f.key, service: f.service, port: f.port, localPort: f.localPort, url: `http://127.0.0.1:${f.localPort}`,
    state: 'up', since: new Date().toISOString(), restarts: 0, failedAttempts: 0,
  }));
  return { pid, ports: Object.fromEntries(plan.forwards.map((f) => [f.key, f.localPort])), bootTime: bootTime(), planFile, forwards };
}

describe('ensureForwards', () => {
  it('writes the plan, starts the supervisor detached with its log, and returns once every forward is up', async () => {
    const { runner, ctx, files } = world();
    runner.expect((argv) => argv[1]?.endsWith('supervisor.js') === true).process((call) => {
      const plan = JSON.parse(readFileSync(files.plan, 'utf8')) as ForwardPlan;
      writeForwardRecord(files.record, upRecord(call.pid!, plan, files.plan));
      return {};
    });
    const { record, started, notes } = await ensureForwards(ctx, { ports: free });
    expect(started).toBe(true);
    expect(notes).toEqual([]);
    const [call] = runner.calls;
    expect(call!.argv).toEqual([process.execPath, expect.stringMatching(/forward[/\\]supervisor\.js$/), files.plan]);
    expect(call!.options.detached).toEqual({ logFile: files.log });
    expect(record.forwards.map((f) => f.key)).toEqual(['minio', 'polaris', 'polarisManagement', 'dagster', 'cube']);
    const plan = JSON.parse(readFileSync(files.plan, 'utf8')) as ForwardPlan;
    expect(plan).toMatchObject({ kubeconfig: ctx.paths.kubeconfig, context: 'kind-floe-dev', namespace: 'floe-platform', recordFile: files.record });
  });

  it('is a no-op while a supervisor with the same plan runs', async () => {
    const { runner, ctx, files } = world();
    const plan: ForwardPlan = { ...wantedPlan(ctx), forwards: wantedPlan(ctx).forwards.map((f) => ({ ...f, localPort: f.wantedPort })) };
    writeFileSync(files.plan, JSON.stringify(plan));
    const supervisor = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', files.plan], { stdio: 'ignore' });
    children.push(supervisor);
    writeForwardRecord(files.record, upRecord(supervisor.pid!, plan, files.plan));
    const { started, record } = await ensureForwards(ctx, { ports: free });
    expect(started).toBe(false);
    expect(record.pid).toBe(supervisor.pid);
    expect(runner.calls).toEqual([]);
  });

  it('moves a busy port with nextFreePort and says so', async () => {
    const { runner, files } = world();
    const ctx = testContext({ tools: { runner }, config: { forwards: { nextFreePort: true } } });
    mkdirSync(dirname(ctx.paths.kubeconfig), { recursive: true });
    writeFileSync(ctx.paths.kubeconfig, '');
    const f2 = forwardFiles(ctx.paths);
    runner.expect((argv) => argv[1]?.endsWith('supervisor.js') === true).process((call) => {
      writeForwardRecord(f2.record, upRecord(call.pid!, JSON.parse(readFileSync(f2.plan, 'utf8')) as ForwardPlan, f2.plan));
      return {};
    });
    const ports = { tryBind: async (p: number) => ({ outcome: p === 4000 ? ('busy' as const) : ('free' as const) }), findPortHolder: async () => ({ pid: 7, command: 'nc' }) };
    const { record, notes } = await ensureForwards(ctx, { ports });
    expect(record.ports.cube).toBe(4001);
    expect(notes).toEqual(['forwards.cube: 4000 is in use by nc (pid 7); using 4001']);
    void files;
  });

  it('fails before starting anything when there is no cluster', async () => {
    const runner = new FakeRunner();
    const ctx = testContext({ tools: { runner } });
    await expect(ensureForwards(ctx, { ports: free })).rejects.toThrow(/no cluster floe-dev: run floe-dev up/);
    expect(runner.calls).toEqual([]);
  });

  it('on Ctrl-C while waiting, stops the supervisor it started and leaves no record', async () => {
    const { runner, ctx, controller, files } = world();
    runner.expect((argv) => argv[1]?.endsWith('supervisor.js') === true).process(() => {
      setTimeout(() => controller.abort(new Error('interrupted')), 0);
      return {};
    });
    await expect(ensureForwards(ctx, { ports: free })).rejects.toThrow(/interrupted/);
    runner.verify(); // nothing it started is still running
    expect(existsSync(files.record)).toBe(false);
  });

  it('fails naming each forward that is dead and why, leaving the supervisor to retry', async () => {
    const { runner, ctx, files } = world();
    runner.expect((argv) => argv[1]?.endsWith('supervisor.js') === true).process((call) => {
      const plan = JSON.parse(readFileSync(files.plan, 'utf8')) as ForwardPlan;
      const rec = upRecord(call.pid!, plan, files.plan);
      rec.forwards[4] = { ...rec.forwards[4]!, state: 'dead', lastError: 'kubectl exited with code 1: error: unable to forward port because pod is not running. Current status=Pending' };
      writeForwardRecord(files.record, rec);
      return {};
    });
    const error = (await ensureForwards(ctx, { ports: free }).catch((e: unknown) => e)) as Error & { hint?: string };
    expect(error.message).toMatch(/forwards failed: cube \(http:\/\/127\.0\.0\.1:4000\): dead: kubectl exited with code 1: error: unable to forward port because pod is not running/);
    expect(error.hint).toMatch(/floe-dev forward status/);
    expect(runner.running.size).toBe(1);
  });
});

describe('forward views', () => {
  const entry = { key: 'dagster' as const, url: 'http://127.0.0.1:3000', localPort: 3000 };

  it.each<[string, Parameters<typeof viewOf>[0], Parameters<typeof viewOf>[1], string, string | undefined]>([
    ['up and answering', { ...entry, state: 'up' }, { ok: true }, 'up', undefined],
    ['recorded up but not answering now', { ...entry, state: 'up' }, { ok: false, reason: 'connection refused' }, 'restarting', 'not answering: connection refused'],
    ['restarting, with why', { ...entry, state: 'restarting', lastError: 'kubectl exited with code 1: error: lost connection to pod' }, undefined, 'restarting', 'kubectl exited with code 1: error: lost connection to pod'],
    ['dead', { ...entry, state: 'dead', lastError: 'x' }, undefined, 'dead', 'x'],
  ])('%s', (_what, recorded, probe, state, reason) => {
    const view = viewOf(recorded, probe);
    expect(view.state).toBe(state);
    expect(view.reason).toBe(reason);
  });

  it('lines up key, URL and state', () => {
    expect(
      formatForwardLines([
        { key: 'dagster', url: 'http://127.0.0.1:3000', state: 'up' },
        { key: 'polarisManagement', url: 'http://127.0.0.1:18182', state: 'dead', reason: 'the forward supervisor is not running' },
      ]),
    ).toEqual([
      '  dagster            http://127.0.0.1:3000   (up)',
      '  polarisManagement  http://127.0.0.1:18182  (dead: the forward supervisor is not running)',
    ]);
  });
});
