// The one seam for external commands (kind, kubectl): argv in, output out, typed errors on failure.
import type { ResultPromise } from 'execa';
import { CommandError } from '../errors.js';

export interface RunOptions {
  /** Written to the command's stdin (manifests, secrets: never argv). */
  input?: string;
  timeoutMs?: number;
  /** Aborting kills the command (SIGTERM, then SIGKILL) and rejects with an aborted CommandError. */
  signal?: AbortSignal;
  /** Extra environment variables on top of ours. */
  env?: Record<string, string>;
  /** Return a non-zero exit as a result instead of throwing (the caller inspects `exitCode`). */
  allowFailure?: boolean;
  /** Receives output lines as they arrive (`--verbose`). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface RunResult {
  argv: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A long-running command (a port-forward, the forward supervisor). */
export interface StartOptions {
  /** Aborting stops the process (SIGTERM, then SIGKILL). Ignored for detached processes. */
  signal?: AbortSignal;
  env?: Record<string, string>;
  /** Receives output lines as they arrive. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /**
   * Run in its own process group and outlive us: output is appended to `logFile`, nothing is piped back,
   * and our exit does not stop it (only `stop()` or a signal by pid does).
   */
  detached?: { logFile: string };
}

export interface ExitStatus {
  exitCode: number | undefined;
  signal: string | undefined;
}

export interface StartedProcess {
  readonly pid: number;
  /** Settles (never rejects) when the process has ended. */
  readonly exited: Promise<ExitStatus>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has ended. */
  stop(graceMs?: number): Promise<ExitStatus>;
}

export interface Runner {
  run(argv: readonly [string, ...string[]], options?: RunOptions): Promise<RunResult>;
  /** Starts a command and resolves once it runs; rejects with CommandNotFoundError when it cannot start. */
  start(argv: readonly [string, ...string[]], options?: StartOptions): Promise<StartedProcess>;
}

/** Thrown when the executable itself cannot be found or started. */
export class CommandNotFoundError extends CommandError {}

/** The real runner, over execa. Imported lazily so `--help` stays fast. */
export class ExecaRunner implements Runner {
  async run(argv: readonly [string, ...string[]], options: RunOptions = {}): Promise<RunResult> {
    const { execa } = await import('execa');
    const [file, ...args] = argv;
    const child = execa(file, args, {
      input: options.input,
      timeout: options.timeoutMs,
      cancelSignal: options.signal,
      env: options.env,
      reject: false,
      stripFinalNewline: false,
      forceKillAfterDelay: 2_000,
      stdin: options.input === undefined ? 'ignore' : 'pipe',
    });
    if (options.onLine) forwardLines(child, options.onLine);
    const r = await child;
    const stdout = String(r.stdout ?? '');
    const stderr = String(r.stderr ?? '');
    if (r.code === 'ENOENT' || r.code === 'EACCES') {
      throw new CommandNotFoundError(argv, { exitCode: undefined, stdout, stderr: `${file}: ${r.code === 'ENOENT' ? 'command not found' : 'permission denied'}` });
    }
    if (r.isCanceled || r.timedOut || r.isTerminated && r.exitCode === undefined) {
      throw new CommandError(argv, { exitCode: r.exitCode, stdout, stderr, timedOut: r.timedOut, aborted: r.isCanceled || !r.timedOut });
    }
    const exitCode = r.exitCode ?? 1;
    if (exitCode !== 0 && !options.allowFailure) throw new CommandError(argv, { exitCode, stdout, stderr });
    return { argv, exitCode, stdout, stderr };
  }

  async start(argv: readonly [string, ...string[]], options: StartOptions = {}): Promise<StartedProcess> {
    const { execa } = await import('execa');
    const [file, ...args] = argv;
    let child: ResultPromise;
    if (options.detached) {
      // Created here, private. The child gets the descriptor itself: execa would otherwise copy its output
      // through us, and we could not exit before it (nor could it write after we did).
      const { closeSync, openSync } = await import('node:fs');
      const log = openSync(options.detached.logFile, 'a', 0o600);
      try {
        // execa's types list only descriptors 3-9; any open descriptor works (it is handed to spawn as is).
        const fd = log as 3;
        child = execa(file, args, { ...(options.env ? { env: options.env } : {}), detached: true, stdin: 'ignore', stdout: fd, stderr: fd, reject: false, cleanup: false });
      } finally {
        closeSync(log);
      }
    } else {
      child = execa(file, args, { env: options.env, cancelSignal: options.signal, stdin: 'ignore', reject: false, forceKillAfterDelay: 2_000 });
      if (options.onLine) forwardLines(child, options.onLine);
    }
    const spawned = await new Promise<{ ok: true } | { ok: false; code: string }>((resolve) => {
      child.once('spawn', () => resolve({ ok: true }));
      child.once('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, code: error.code ?? 'ERROR' }));
    });
    if (!spawned.ok || child.pid === undefined) {
      await child.catch(() => undefined);
      const why = spawned.ok ? 'could not be started' : spawned.code === 'EACCES' ? 'permission denied' : 'command not found';
      throw new CommandNotFoundError(argv, { exitCode: undefined, stdout: '', stderr: `${file}: ${why}` });
    }
    if (options.detached) child.unref();
    const pid = child.pid;
    const exited: Promise<ExitStatus> = child.then(
      (r) => ({ exitCode: r.exitCode, signal: r.signal }),
      () => ({ exitCode: undefined, signal: undefined }),
    );
    return {
      pid,
      exited,
      stop: async (graceMs = 2_000) => {
        let done = false;
        void exited.then(() => (done = true));
        signalPid(pid, 'SIGTERM');
        const timer = setTimeout(() => {
          if (!done) signalPid(pid, 'SIGKILL');
        }, graceMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      },
    };
  }
}

/** Signals one process by pid; a process that is already gone is not an error. */
export function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function forwardLines(
  child: { stdout: NodeJS.ReadableStream | null; stderr: NodeJS.ReadableStream | null },
  onLine: NonNullable<RunOptions['onLine']>,
): void {
  for (const stream of ['stdout', 'stderr'] as const) {
    let partial = '';
    child[stream]?.on('data', (chunk: Buffer | string) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line, stream);
    });
    child[stream]?.on('end', () => {
      if (partial) onLine(partial, stream);
    });
  }
}
