// The built CLI as a subprocess: exit codes of design §1 and messages without stacks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/main.js';
import type { Io } from '../../../src/cli/command.js';

const bin = resolve(import.meta.dirname, '../../../bin/floe-dev.js');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'floe-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}) {
  return execa('node', [bin, ...args], {
    cwd: dir,
    reject: false,
    env: { FLOE_DEV_HOME: join(dir, 'state'), HOME: dir, ...env },
    extendEnv: false,
    timeout: 15_000,
  });
}

describe('exit codes', () => {
  it('0 for --help, listing every command with examples', async () => {
    const r = await cli(['--help']);
    expect(r.exitCode).toBe(0);
    for (const command of ['up', 'down', 'smoke', 'status', 'doctor', 'load', 'render', 'forward', 'config', 'completion']) {
      expect(r.stdout).toMatch(new RegExp(`floe-dev ${command}\\b`));
    }
    expect(r.stdout).toContain('Examples:');
  });

  it('0 for --version, printing the package version', async () => {
    const r = await cli(['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('0 for the completion script', async () => {
    const r = await cli(['completion']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('floe-dev');
    expect(r.stdout).toMatch(/complete/);
  });

  it.each([
    [[], /^error: no command given$/m],
    [['bogus'], /^error: unknown command "bogus"/m],
    [['config', '--output', 'xml'], /^error: --output: value "xml" is not allowed; allowed: text, json$/m],
    [['forward', 'sideways'], /^error: <action>: value "sideways" is not allowed; allowed: start, stop, status$/m],
  ])('2 for bad usage: %j', async (args, message) => {
    const r = await cli(args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('2 for bad configuration, naming the key, without a stack', async () => {
    writeFileSync(join(dir, 'floe-dev.yaml'), 'forwards:\n  cube: 99999\n');
    try {
      const r = await cli(['config']);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/`forwards.cube`.*out of range: write a port number from 1 to 65535/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const verbose = await cli(['config', '--verbose']);
      expect(verbose.exitCode).toBe(2);
      expect(verbose.stderr).toMatch(/\n\s+at /);
    } finally {
      rmSync(join(dir, 'floe-dev.yaml'));
    }
  });

  it('2 for an unknown FLOE_DEV_ variable', async () => {
    const r = await cli(['config'], { FLOE_DEV_NAMESPAC: 'x' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/did you mean FLOE_DEV_NAMESPACE/);
  });

  it('0 for config, printing the effective configuration with overrides applied', async () => {
    const r = await cli(['config', '--json', '--cluster', 'other'], { FLOE_DEV_NAMESPACE: 'ns-from-env' });
    expect(r.exitCode).toBe(0);
    const config = JSON.parse(r.stdout);
    expect(config.cluster.name).toBe('other');
    expect(config.namespace).toBe('ns-from-env');
  });
});

describe('run() in process', () => {
  function io(signal: AbortSignal): Io & { out: string; err: string } {
    const self = {
      env: { FLOE_DEV_HOME: join(dir, 'state'), HOME: dir },
      cwd: dir,
      out: '',
      err: '',
      isTTY: false,
      signal,
      stdout: (t: string) => {
        self.out += t;
      },
      stderr: (t: string) => {
        self.err += t;
      },
    };
    return self;
  }

  it('returns 130 when interrupted', async () => {
    const controller = new AbortController();
    controller.abort();
    const stream = io(controller.signal);
    expect(await run(['config'], stream)).toBe(130);
    expect(stream.err).toMatch(/interrupted/);
  });

  it('reports an unexpected error as a bug with exit 1', async () => {
    const stream = io(new AbortController().signal);
    stream.stdout = () => {
      throw new TypeError('boom');
    };
    expect(await run(['config'], stream)).toBe(1);
    expect(stream.err).toMatch(/unexpected problem: boom/);
    expect(stream.err).toMatch(/--verbose/);
  });
});
