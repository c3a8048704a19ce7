// What reaches stdout, for every command: a reader that goes away early ends floe-dev quietly (exit 0, as
// `git log | head`), and `--json` is always exactly one JSON document, on success and on failure. The built
// CLI as a subprocess, with no kind or kubectl on PATH.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/commands.js';
import { BIN, runBuilt, sandbox } from '../../helpers/cli.js';

const box = sandbox();
afterAll(() => rmSync(box.dir, { recursive: true, force: true }));

/** Runs the CLI with its stdout closed before it writes anything; resolves with the exit code and stderr. */
function withClosedStdout(argv: string[], cwd: string): Promise<{ code: number | null; signal: string | null; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [BIN, ...argv], { cwd, env: box.env, stdio: ['ignore', 'pipe', 'pipe'] });
    // The read end goes away at once: every write floe-dev makes meets a closed pipe (EPIPE).
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, err }));
  });
}

describe('a closed stdout', () => {
  const cwd = join(box.dir, 'pipe');
  mkdirSync(cwd, { recursive: true });

  it.each([
    [['render', '--json']],
    [['render']],
    [['render', '--summary']],
    [['config']],
    [['config', '--defaults', '--json']],
    [['credentials']],
    [['completion', 'bash']],
    [['--help']],
    [['up', '--help']],
    [['down', '--json']],
  ])('%j ends quietly with exit 0', async (argv) => {
    if (argv[0] === 'credentials') await runBuilt(['render'], { cwd, env: box.env });
    const r = await withClosedStdout(argv, cwd);
    expect(r.signal).toBeNull();
    expect(r.err).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(r.code).toBe(0);
  });
});

/** A way to run each command; a new command must be added here (the first test says so). */
const INVOCATIONS: Record<string, string[][]> = {
  up: [['up']],
  down: [['down'], ['down', '--keep-cluster']],
  smoke: [['smoke']],
  status: [['status']],
  credentials: [['credentials']],
  doctor: [['doctor']],
  load: [['load', 'my-org/code:1.0']],
  render: [['render'], ['render', '--summary']],
  forward: [['forward', 'status']],
  'code-location': [['code-location', 'reload', 'example'], ['code-location', 'reload', 'nope']],
  config: [['config'], ['config', '--defaults']],
  completion: [['completion', 'bash']],
};

describe('--json: exactly one JSON document on stdout, whatever happens', () => {
  it('covers every command', () => {
    expect(Object.keys(INVOCATIONS).sort()).toEqual(COMMANDS.map((c) => [c.command].flat()[0]!.split(' ')[0]).sort());
  });

  const cases = Object.values(INVOCATIONS)
    .flat()
    .map((argv) => [argv.join(' '), argv] as const);
  it.each(cases)('%s --json', async (_name, argv) => {
    const cwd = join(box.dir, `json-${argv.join('-')}`);
    mkdirSync(cwd, { recursive: true });
    // A fresh state folder each: credentials then fails for want of a cluster, up and load for want of kind.
    const r = await runBuilt([...argv, '--json'], { cwd, env: { ...box.env, FLOE_DEV_HOME: join(cwd, 'state') } });
    let doc: { ok?: boolean; error?: { exitCode: number; message: string } };
    try {
      doc = JSON.parse(r.out) as typeof doc;
    } catch {
      throw new Error(`stdout of ${argv.join(' ')} --json (exit ${r.code}) is not one JSON document:\n${r.out}\nstderr:\n${r.err}`);
    }
    expect(typeof doc).toBe('object');
    if (r.code !== 0) {
      // Failure: the error document with the exit code, or the command's own report saying ok: false (doctor).
      expect(doc.error ? doc.error.exitCode : doc.ok, r.err).toBe(doc.error ? r.code : false);
    } else {
      expect(doc.ok).not.toBe(false);
    }
  });

  it('is the error document when the command line itself is wrong', async () => {
    const r = await runBuilt(['up', '--component', 'orchestrater', '--json'], { cwd: box.dir, env: box.env });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toEqual({
      ok: false,
      error: {
        message: '--component: value "orchestrater" is not allowed (did you mean "orchestrator"?); allowed: storage, catalog, observability, orchestrator, semantic',
        hint: '`floe-dev up --help` shows its options',
        exitCode: 2,
      },
    });
  });

  it('lists every configuration problem in the error document', async () => {
    const r = await runBuilt(['config', '--json'], { cwd: box.dir, env: { ...box.env, FLOE_DEV_TIMEOUT: '15', FLOE_DEV_IMAGES_LOAD: 'yes' } });
    const doc = JSON.parse(r.out) as { error: { problems: { key: string }[] } };
    expect(doc.error.problems.map((p) => p.key)).toEqual(['images.load', 'timeouts.up']);
  });
});
