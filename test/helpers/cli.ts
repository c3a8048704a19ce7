// Running floe-dev in tests: in process through run(argv, io) (the single exit point), or the built CLI as a
// subprocess. Both get an isolated HOME and FLOE_DEV_HOME and no PATH of their own unless given one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import type { Io } from '../../src/cli/command.js';
import { run } from '../../src/main.js';

export const BIN = resolve(import.meta.dirname, '../../bin/floe-dev.js');

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  signal?: AbortSignal;
}

/** A fresh folder with its own HOME and state folder. */
export function sandbox(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'floe-cli-'));
  return { dir, env: { HOME: dir, FLOE_DEV_HOME: join(dir, 'state') } };
}

/** run(argv, io) with captured output. */
export async function runInProcess(argv: string[], options: CliOptions & { cwd: string }): Promise<CliResult> {
  const result = { out: '', err: '' };
  const io: Io = {
    env: options.env ?? {},
    cwd: options.cwd,
    isTTY: false,
    signal: options.signal ?? new AbortController().signal,
    stdout: (t) => void (result.out += t),
    stderr: (t) => void (result.err += t),
  };
  const code = await run(argv, io);
  return { code, ...result };
}

/** `node bin/floe-dev.js argv` with exactly the given environment (plus PATH to node when none is given). */
export async function runBuilt(argv: string[], options: CliOptions & { cwd: string; input?: string }): Promise<CliResult> {
  const r = await execa('node', [BIN, ...argv], {
    cwd: options.cwd,
    env: options.env ?? {},
    extendEnv: false,
    reject: false,
    timeout: 30_000,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  return { code: r.exitCode ?? -1, out: r.stdout, err: r.stderr };
}
