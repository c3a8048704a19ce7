// The recording fake runner other tests rely on: it must fail loudly and behave like ExecaRunner.
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../../src/errors.js';
import { CommandNotFoundError } from '../../../src/tools/runner.js';
import { FakeRunner, UnexpectedCommandError } from '../../helpers/fake-runner.js';

describe('FakeRunner', () => {
  it('answers a matching argv prefix and records argv, stdin and options', async () => {
    const runner = new FakeRunner();
    runner.expect(['kubectl', 'apply']).respond({ stdout: 'configured\n' });
    const r = await runner.run(['kubectl', 'apply', '-f', '-'], { input: 'kind: Secret', timeoutMs: 10 });
    expect(r).toEqual({ argv: ['kubectl', 'apply', '-f', '-'], exitCode: 0, stdout: 'configured\n', stderr: '' });
    expect(runner.calls).toHaveLength(1);
    expect(runner.calls[0]).toMatchObject({ argv: ['kubectl', 'apply', '-f', '-'], input: 'kind: Secret', options: { timeoutMs: 10 } });
    runner.verify();
  });

  it('rejects a command it was not told about, and verify() reports it even if the caller swallowed the error', async () => {
    const runner = new FakeRunner();
    runner.expect(['kind', 'version']).respond({ stdout: 'kind v0.30.0' });
    await expect(runner.run(['kind', 'delete', 'cluster'])).rejects.toBeInstanceOf(UnexpectedCommandError);
    await expect(runner.run(['kind', 'delete', 'cluster'])).rejects.toThrow(/expected one of:\n\s+\["kind","version"\]/);
    expect(() => runner.verify()).toThrow(/unexpected command: \["kind","delete","cluster"\]/);
  });

  it('verify() reports a required expectation that was never run, but not an optional one', () => {
    const runner = new FakeRunner();
    runner.expect(['kind', 'version']).respond();
    runner.expect(['kubectl']).respond().optional();
    expect(() => runner.verify()).toThrow(/expected but never run: \["kind","version"\]/);
    expect(() => runner.verify()).not.toThrow(/kubectl/);
  });

  it('scripts a sequence with once(): a failure, then success', async () => {
    const runner = new FakeRunner();
    runner.expect(['kind', 'get', 'clusters']).once().respond({ exitCode: 1, stderr: 'ERROR: transient\n' });
    runner.expect(['kind', 'get', 'clusters']).respond({ stdout: 'floe-dev\n' });
    const first = await runner.run(['kind', 'get', 'clusters']).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(CommandError);
    expect((first as CommandError).result).toMatchObject({ exitCode: 1, stderr: 'ERROR: transient\n' });
    expect((await runner.run(['kind', 'get', 'clusters'])).stdout).toBe('floe-dev\n');
    expect((await runner.run(['kind', 'get', 'clusters'])).stdout).toBe('floe-dev\n');
  });

  it('returns a non-zero exit as a result with allowFailure, like ExecaRunner', async () => {
    const runner = new FakeRunner();
    runner.expect(['lsof']).respond({ exitCode: 1 });
    expect((await runner.run(['lsof', '-i'], { allowFailure: true })).exitCode).toBe(1);
  });

  it('matches with a predicate and answers with a function of the call', async () => {
    const runner = new FakeRunner();
    runner.expect((argv) => argv.includes('--context'), 'any kubectl with --context').respond((call) => ({ stdout: String(call.input?.length) }));
    expect((await runner.run(['kubectl', '--context', 'kind-x', 'apply'], { input: 'abc' })).stdout).toBe('3');
  });

  it('scripts a missing executable, a timeout and an arbitrary error', async () => {
    const runner = new FakeRunner();
    runner.expect(['kind']).notFound();
    runner.expect(['kubectl', 'wait']).timeout();
    runner.expect(['kubectl']).fail(new Error('boom'));
    await expect(runner.run(['kind', 'version'])).rejects.toBeInstanceOf(CommandNotFoundError);
    const timedOut = await runner.run(['kubectl', 'wait']).catch((e: unknown) => e);
    expect((timedOut as CommandError).result.timedOut).toBe(true);
    await expect(runner.run(['kubectl', 'get'])).rejects.toThrow('boom');
  });

  it('hang(): ends with a timed-out CommandError after the call\'s timeoutMs', async () => {
    const runner = new FakeRunner();
    runner.expect(['kubectl']).hang();
    const error = await runner.run(['kubectl', 'port-forward'], { timeoutMs: 20 }).catch((e: unknown) => e);
    expect((error as CommandError).result.timedOut).toBe(true);
  });

  it('hang(): ends with an aborted CommandError when the signal fires', async () => {
    const runner = new FakeRunner();
    runner.expect(['kubectl']).hang();
    const controller = new AbortController();
    const pending = runner.run(['kubectl', 'port-forward'], { signal: controller.signal });
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect((error as CommandError).result.aborted).toBe(true);
  });

  it('delays an answer, and feeds onLine', async () => {
    const runner = new FakeRunner();
    runner.expect(['kind', 'create']).respond({ stdout: 'Creating cluster\nReady\n', stderr: 'warn\n', delayMs: 15 });
    const lines: string[] = [];
    const started = Date.now();
    await runner.run(['kind', 'create', 'cluster'], { onLine: (l, s) => lines.push(`${s}:${l}`) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(10);
    expect(lines).toEqual(['stdout:Creating cluster', 'stdout:Ready', 'stderr:warn']);
  });

  it('an expectation without a behaviour is a test bug, said so', async () => {
    const runner = new FakeRunner();
    runner.expect(['kind']);
    await expect(runner.run(['kind', 'version'])).rejects.toThrow(/given no behaviour/);
  });

  it('start(): a fake process prints its lines, runs until stopped, and verify() flags one never stopped', async () => {
    const runner = new FakeRunner();
    runner.expect(['kubectl', 'port-forward']).process({ lines: ['Forwarding from 127.0.0.1:5000 -> 9000'] });
    const lines: string[] = [];
    const a = await runner.start(['kubectl', 'port-forward', 'svc/minio', ':9000'], { onLine: (l) => lines.push(l) });
    const b = await runner.start(['kubectl', 'port-forward', 'svc/minio', ':9000']);
    await new Promise((r) => setTimeout(r, 5));
    expect(lines).toEqual(['Forwarding from 127.0.0.1:5000 -> 9000']);
    expect(a.pid).not.toBe(b.pid);
    expect((await a.stop()).signal).toBe('SIGTERM');
    expect(() => runner.verify()).toThrow(/still running \(never stopped\)/);
    await b.stop();
    runner.verify();
  });

  it('start(): exits by itself after exitAfterMs, and ends when the signal aborts', async () => {
    const runner = new FakeRunner();
    runner.expect(['kubectl']).once().process({ exitAfterMs: 1, exitCode: 1 });
    runner.expect(['kubectl']).process();
    expect(await (await runner.start(['kubectl', 'port-forward'])).exited).toEqual({ exitCode: 1, signal: undefined });
    const controller = new AbortController();
    const p = await runner.start(['kubectl', 'port-forward'], { signal: controller.signal });
    controller.abort();
    expect((await p.exited).signal).toBe('SIGTERM');
    runner.verify();
  });

  it('start() of an unexpected command or a run() behaviour fails loudly', async () => {
    const runner = new FakeRunner();
    runner.expect(['kind']).respond({});
    await expect(runner.start(['kubectl', 'port-forward'])).rejects.toThrow(/unexpected command/);
    await expect(runner.start(['kind', 'x'])).rejects.toThrow(/answers run\(\)/);
  });
});
