// The one seam for external commands (kind, kubectl): argv in, output out, typed errors on failure.
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

export interface Runner {
  run(argv: readonly [string, ...string[]], options?: RunOptions): Promise<RunResult>;
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
