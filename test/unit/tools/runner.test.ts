// ExecaRunner against real subprocesses (`node -e`): output, failures, timeouts, abort, stdin, missing commands.
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../../src/errors.js';
import { CommandNotFoundError, ExecaRunner } from '../../../src/tools/runner.js';

const runner = new ExecaRunner();
const node = (script: string): [string, ...string[]] => [process.execPath, '-e', script];

describe('ExecaRunner', () => {
  it('returns stdout, stderr and exit code 0', async () => {
    const r = await runner.run(node('process.stdout.write("out\\n"); process.stderr.write("err\\n")'));
    expect(r).toMatchObject({ exitCode: 0, stdout: 'out\n', stderr: 'err\n' });
    expect(r.argv[0]).toBe(process.execPath);
  });

  it('rejects a non-zero exit with a CommandError keeping argv, exit code and output', async () => {
    const argv = node('console.log("partial"); console.error("first"); console.error("the reason"); process.exit(3)');
    const error = await runner.run(argv).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    const e = error as CommandError;
    expect(e.argv).toEqual(argv);
    expect(e.result).toMatchObject({ exitCode: 3, stdout: 'partial\n' });
    expect(e.result.stderr).toContain('the reason');
    expect(e.reason).toBe('the reason');
    expect(e.message).toMatch(/failed with exit code 3: the reason$/);
    expect(e.message).toContain(process.execPath);
  });

  it('returns a non-zero exit as a result with allowFailure', async () => {
    const r = await runner.run(node('process.exit(7)'), { allowFailure: true });
    expect(r.exitCode).toBe(7);
  });

  it('kills a command that outlives timeoutMs and says it timed out', async () => {
    // It would run for a minute: that the call ends at all, and says it timed out, is the proof (no stopwatch).
    const error = await runner.run(node('setTimeout(() => {}, 60_000)'), { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).result.timedOut).toBe(true);
    expect((error as CommandError).message).toMatch(/timed out$/);
  });

  it('stops the command when the AbortSignal fires, and the process is gone', async () => {
    const controller = new AbortController();
    let pid = 0;
    const pending = runner.run(node('console.log(process.pid); setTimeout(() => {}, 60_000)'), {
      signal: controller.signal,
      onLine: (line) => {
        pid = Number(line);
        controller.abort();
      },
    });
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).result.aborted).toBe(true);
    expect((error as CommandError).message).toMatch(/was stopped/);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('delivers input on stdin', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\n';
    const r = await runner.run(node('process.stdin.pipe(process.stdout)'), { input: secret });
    expect(r.stdout).toBe(secret);
  });

  it('gives a command without input a closed stdin (it never waits for a terminal)', async () => {
    // The timeout only keeps a regression from hanging the suite; it is far beyond a slow start-up.
    const r = await runner.run(node('process.stdin.on("data", () => {}).on("end", () => console.log("eof"))'), { timeoutMs: 15_000 });
    expect(r.stdout).toBe('eof\n');
  });

  it('throws CommandNotFoundError for a missing executable', async () => {
    const error = await runner.run(['floe-dev-no-such-tool-4d1f', 'version']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandNotFoundError);
    expect((error as CommandNotFoundError).argv).toEqual(['floe-dev-no-such-tool-4d1f', 'version']);
    expect((error as CommandNotFoundError).reason).toMatch(/command not found/);
  });

  it('streams output lines to onLine as they arrive', async () => {
    const lines: string[] = [];
    await runner.run(node('console.log("a"); console.error("b"); process.stdout.write("c")'), {
      onLine: (line, stream) => lines.push(`${stream}:${line}`),
    });
    expect(lines.sort()).toEqual(['stderr:b', 'stdout:a', 'stdout:c']);
  });

  it('adds env variables on top of the environment', async () => {
    const r = await runner.run(node('console.log(process.env.FLOE_TEST_VAR, typeof process.env.PATH)'), { env: { FLOE_TEST_VAR: 'x1' } });
    expect(r.stdout).toBe('x1 string\n');
  });
});

describe('ExecaRunner.start (long-running commands)', () => {
  const pidAlive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('streams lines while it runs, and stop() ends it (SIGTERM) and reports how', async () => {
    const lines: string[] = [];
    let sawReady!: () => void;
    const ready = new Promise<void>((resolve) => (sawReady = resolve));
    const started = await runner.start(node('console.log("Forwarding from 127.0.0.1:1234 -> 80"); setInterval(() => {}, 1000)'), {
      onLine: (line, stream) => {
        lines.push(`${stream}: ${line}`);
        if (line.startsWith('Forwarding')) sawReady();
      },
    });
    expect(pidAlive(started.pid)).toBe(true);
    await ready;
    expect(lines).toEqual(['stdout: Forwarding from 127.0.0.1:1234 -> 80']);
    const status = await started.stop();
    expect(status.signal).toBe('SIGTERM');
    expect(pidAlive(started.pid)).toBe(false);
  });

  it('reports a process that exits by itself through `exited`', async () => {
    const started = await runner.start(node('process.exit(4)'));
    expect(await started.exited).toEqual({ exitCode: 4, signal: undefined });
  });

  it('kills what ignores SIGTERM after the grace period', async () => {
    let sawReady!: () => void;
    const ready = new Promise<void>((resolve) => (sawReady = resolve));
    const started = await runner.start(node('process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)'), { onLine: () => sawReady() });
    await ready;
    expect((await started.stop(100)).signal).toBe('SIGKILL');
  });

  it('stops the process when the signal aborts', async () => {
    const controller = new AbortController();
    const started = await runner.start(node('setInterval(() => {}, 1000)'), { signal: controller.signal });
    controller.abort();
    const status = await started.exited;
    expect(status.exitCode === undefined || status.signal !== undefined).toBe(true);
    expect(pidAlive(started.pid)).toBe(false);
  });

  it('rejects with CommandNotFoundError when the executable does not exist', async () => {
    const error = await runner.start(['/nonexistent/floe-dev-test-binary']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandNotFoundError);
    expect((error as CommandNotFoundError).message).toContain('command not found');
  });

  it('detaches: output goes to the log file and the process outlives the caller until stopped by pid', async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'floe-runner-'));
    const logFile = join(dir, 'out.log');
    try {
      const started = await runner.start(node('console.log("detached says hi"); setInterval(() => {}, 1000)'), { detached: { logFile } });
      for (let i = 0; i < 600 && !readFileSync(logFile, 'utf8').includes('hi'); i++) await new Promise((r) => setTimeout(r, 25));
      expect(readFileSync(logFile, 'utf8')).toContain('detached says hi');
      // Its own process group: a signal to our group would not reach it.
      expect(pidAlive(started.pid)).toBe(true);
      await started.stop();
      expect(pidAlive(started.pid)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
