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
    const started = Date.now();
    const error = await runner.run(node('setTimeout(() => {}, 60_000)'), { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).result.timedOut).toBe(true);
    expect((error as CommandError).message).toMatch(/timed out$/);
    expect(Date.now() - started).toBeLessThan(5_000);
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
    const r = await runner.run(node('process.stdin.on("data", () => {}).on("end", () => console.log("eof"))'), { timeoutMs: 5_000 });
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
