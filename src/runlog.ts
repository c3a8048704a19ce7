// The log of one run in the state folder (logs/<command>-<time>.log): every message, every tool call with its exit
// code and duration, and every diagnosis. Never a secret: argv carries none and stdin is never written.
import { appendFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { quoteArgv } from './errors.js';
import type { Logger } from './log.js';
import type { Runner, RunOptions, RunResult, StartOptions, StartedProcess } from './tools/runner.js';

export interface RunLog {
  readonly path: string;
  write(text: string): void;
}

/** How many run logs a cluster's folder keeps. */
const KEEP = 20;

/** Opens a fresh log for this run (and drops the oldest beyond the last 20). A log that cannot be written is skipped. */
export function openRunLog(dir: string, command: string, now: Date = new Date()): RunLog {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const path = join(dir, `${command}-${stamp}.log`);
  let broken = false;
  const write = (text: string): void => {
    if (broken) return;
    try {
      appendFileSync(path, `${new Date().toISOString()} ${text.replaceAll('\n', '\n    ')}\n`, { mode: 0o600 });
    } catch {
      broken = true; // a full disk or a removed folder must not fail the run it describes
    }
  };
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const old = readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
    for (const f of old.slice(0, Math.max(0, old.length - KEEP + 1))) rmSync(join(dir, f), { force: true });
  } catch {
    broken = true;
  }
  return { path, write };
}

/** A logger that also writes everything, debug included, to the run log. */
export function teeLogger(log: Logger, runLog: RunLog): Logger {
  return {
    info: (m) => {
      runLog.write(m);
      log.info(m);
    },
    warn: (m) => {
      runLog.write(`warning: ${m}`);
      log.warn(m);
    },
    debug: (m) => {
      runLog.write(m);
      log.debug(m);
    },
  };
}

/** A runner that records each command (argv, exit code, duration) in the run log; stdin is never recorded. */
export function loggingRunner(runner: Runner, runLog: RunLog): Runner {
  return {
    run: async (argv: readonly [string, ...string[]], options?: RunOptions): Promise<RunResult> => {
      const started = Date.now();
      try {
        const r = await runner.run(argv, options);
        runLog.write(`$ ${quoteArgv(argv)}${options?.input !== undefined ? ' < (stdin)' : ''} → exit ${r.exitCode} in ${Date.now() - started} ms`);
        return r;
      } catch (error) {
        runLog.write(`$ ${quoteArgv(argv)} → ${(error as Error).message.split('\n')[0]} (${Date.now() - started} ms)`);
        throw error;
      }
    },
    start: async (argv: readonly [string, ...string[]], options?: StartOptions): Promise<StartedProcess> => {
      const p = await runner.start(argv, options);
      runLog.write(`$ ${quoteArgv(argv)} & (pid ${p.pid})`);
      void p.exited.then((s) => runLog.write(`pid ${p.pid} ended (${s.signal ?? `exit ${s.exitCode}`})`));
      return p;
    },
  };
}
