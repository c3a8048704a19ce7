// The error classes floe-dev raises, each carrying its exit code and, when the user can fix it, a "try" line.

/** Exit codes of design §1. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  prerequisite: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface FloeErrorOptions {
  /** One line telling the user what to do about it. */
  hint?: string;
  cause?: unknown;
}

/** An error the user can understand and usually fix: printed without a stack. */
export class FloeError extends Error {
  readonly exitCode: ExitCode = ExitCode.failed;
  readonly hint: string | undefined;

  constructor(message: string, options: FloeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Bad flags, arguments or configuration (exit 2). */
export class UsageError extends FloeError {
  override readonly exitCode = ExitCode.usage;
}

/** Configuration that does not validate (exit 2); `key` is the dotted path at fault. */
export class ConfigError extends UsageError {
  constructor(
    message: string,
    readonly key: string | undefined,
    options: FloeErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** A prerequisite is missing: Docker down, kind or kubectl absent, too little memory (exit 3). */
export class PrerequisiteError extends FloeError {
  override readonly exitCode = ExitCode.prerequisite;
}

/** The user pressed Ctrl-C (or we got SIGTERM): exit 130. */
export class InterruptedError extends FloeError {
  override readonly exitCode = ExitCode.interrupted;
  constructor(message = 'interrupted') {
    super(message);
  }
}

/** A capability that a later stage of floe-dev brings: exit 1, never a fake success. */
export class NotImplementedError extends FloeError {
  constructor(what: string) {
    super(`${what} is not implemented yet in this version of floe-dev`, {
      hint: 'see README.md for what works today',
    });
  }
}

/**
 * A failure whose details were already printed (e.g. a doctor report with failing checks): the single exit
 * point prints nothing more and exits with the given code.
 */
export class ReportedFailure extends FloeError {
  constructor(
    override readonly exitCode: ExitCode,
    message = 'failed',
  ) {
    super(message);
  }
}

/** An external command that exited non-zero, timed out or was aborted. Keeps argv, exit code and output. */
export class CommandError extends FloeError {
  constructor(
    readonly argv: readonly string[],
    readonly result: {
      exitCode: number | undefined;
      stdout: string;
      stderr: string;
      timedOut?: boolean;
      aborted?: boolean;
    },
    options: FloeErrorOptions = {},
  ) {
    super(CommandError.describe(argv, result), options);
  }

  /** The command's own explanation: the last non-empty stderr line (or stdout when stderr is empty). */
  get reason(): string {
    return lastLine(this.result.stderr) || lastLine(this.result.stdout);
  }

  private static describe(argv: readonly string[], r: CommandError['result']): string {
    const cmd = quoteArgv(argv);
    if (r.aborted) return `${cmd} was stopped (interrupted)`;
    if (r.timedOut) return `${cmd} timed out`;
    const why = lastLine(r.stderr) || lastLine(r.stdout);
    return `${cmd} failed with exit code ${r.exitCode ?? 'unknown'}${why ? `: ${why}` : ''}`;
  }
}

/** Adds a short context to an error ("loading images: ...") without losing its class, exit code or hint. */
export function withContext<E>(context: string, error: E): E {
  if (error instanceof Error && !error.message.startsWith(`${context}: `)) {
    error.message = `${context}: ${error.message}`;
  }
  return error;
}

/** Shell-style quoting of an argv for messages (never used to run anything). */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ');
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? '';
}
