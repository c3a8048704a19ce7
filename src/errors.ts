// The error classes floe-dev raises, each carrying its exit code and, when the user can fix it, a "try" line;
// and the one formatter every error reaches the user through (text on stderr, or the JSON error document).
import { COMMAND_PREFIX } from './text.js';

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

/** One thing wrong with the configuration: the key (or variable) at fault, what is wrong, what to do. */
export interface ConfigProblem {
  key: string | undefined;
  message: string;
  hint?: string | undefined;
}

/**
 * Configuration that does not validate (exit 2); `key` is the dotted path at fault (the first one's when there
 * are several). Every problem found is kept, so one run reports them all.
 */
export class ConfigError extends UsageError {
  readonly problems: readonly ConfigProblem[];

  constructor(
    message: string,
    readonly key: string | undefined,
    options: FloeErrorOptions & { problems?: readonly ConfigProblem[] } = {},
  ) {
    super(message, options);
    this.problems = options.problems ?? [{ key, message, hint: options.hint }];
  }

  /** One error for all the problems: a single one as it is, several as a list under one line. */
  static of(problems: readonly ConfigProblem[], hint: string): ConfigError {
    const [first] = problems;
    if (!first) throw new Error('ConfigError.of needs at least one problem');
    if (problems.length === 1) return new ConfigError(first.message, first.key, { hint: first.hint ?? hint, problems });
    const lines = problems.map((p) => `- ${p.message}${p.hint ? `\n    ${p.hint}` : ''}`);
    return new ConfigError(`the configuration has ${problems.length} problems:\n${lines.join('\n')}`, first.key, { hint, problems });
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

/** What the user is told about an error, as text or as the `error` of the JSON document. */
export interface ErrorReport {
  message: string;
  hint?: string;
  exitCode: number;
  /** Configuration errors: every problem found, each with its key. */
  problems?: ConfigProblem[];
}

/** The report of any error: a FloeError as it says; anything else is a bug in floe-dev (exit 1). */
export function errorReport(error: unknown): ErrorReport {
  if (error instanceof FloeError) {
    const report: ErrorReport = { message: error.message, ...(error.hint ? { hint: error.hint } : {}), exitCode: error.exitCode };
    if (error instanceof ConfigError && error.problems.length > 1) report.problems = [...error.problems];
    return report;
  }
  const system = systemErrorReport(error);
  if (system) return system;
  const message = error instanceof Error ? error.message : String(error);
  return {
    message: `floe-dev hit an unexpected problem: ${message}`,
    hint: 'run again with --verbose for details, and please report it',
    exitCode: ExitCode.failed,
  };
}

/**
 * What the operating system's error codes mean, and what to do, where the machine is at fault rather than
 * floe-dev. `fix` gets the folder at fault and how to carry on ("run it again", or up's "continues" wording).
 */
const SYSTEM_ERRORS: Record<string, { reason: string; fix: (path: string, again: string) => string }> = {
  EMFILE: { reason: 'too many open files in this process', fix: (_, again) => `raise the open-file limit (ulimit -n 4096), then ${again}` },
  ENFILE: { reason: 'too many open files on this machine', fix: (_, again) => `close some programs (or raise fs.file-max), then ${again}` },
  ENOSPC: { reason: 'no space left on the device', fix: (path, again) => `free some space on the disk that holds ${path} (df -h ${path}), then ${again}` },
  EDQUOT: { reason: 'the disk quota is exhausted', fix: (path, again) => `free some of your disk quota (quota -s) for ${path}, then ${again}` },
  EROFS: { reason: 'the file system is read-only', fix: (path, again) => `point FLOE_DEV_HOME at a writable folder (${path} is read-only), then ${again}` },
  EACCES: { reason: 'permission denied', fix: (path) => `make ${path} yours and writable (ls -ld ${path}), or point FLOE_DEV_HOME elsewhere` },
  EPERM: { reason: 'operation not permitted', fix: (path) => `make ${path} yours and writable (ls -ld ${path}), or point FLOE_DEV_HOME elsewhere` },
  ENAMETOOLONG: { reason: 'the path is too long', fix: (_, again) => `point FLOE_DEV_HOME (or HOME) at a shorter path, then ${again}` },
  ELOOP: { reason: 'too many symbolic links (a link that points at itself?)', fix: (path, again) => `look at the links on the way to ${path} (ls -l), then ${again}` },
  EISDIR: { reason: 'it is a folder, not a file', fix: (path, again) => `move ${path} out of the way, then ${again}` },
  ENOTDIR: { reason: 'a part of the path is a file, not a folder', fix: (path, again) => `move the file on the way to ${path} out of the way, then ${again}` },
  EIO: { reason: 'an input/output error of the disk', fix: (_, again) => `check the disk (dmesg shows what the kernel saw), then ${again}` },
};

/** The fix for an operating-system error code on `path`, if it is one the machine is at fault for. */
export function systemErrorFix(code: string | undefined, path: string, again = 'run it again'): string | undefined {
  return code ? SYSTEM_ERRORS[code]?.fix(path, again) : undefined;
}

/**
 * A file-system or resource error the operating system raised on a path (too many open files, a full or
 * read-only disk, a path too long): the machine's to fix, said with the path and the fix, not "report it".
 */
function systemErrorReport(error: unknown): ErrorReport | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  const known = typeof e?.code === 'string' ? SYSTEM_ERRORS[e.code] : undefined;
  if (!known || typeof e?.syscall !== 'string') return undefined;
  const path = typeof e.path === 'string' ? e.path : undefined;
  return {
    message: `could not ${e.syscall}${path ? ` ${path}` : ''}: ${known.reason} (${e.code})`,
    hint: known.fix(path ?? 'the state folder', 'run it again'),
    exitCode: ExitCode.failed,
  };
}

/**
 * The error as text: `error: <message>`, continuation lines indented, then `  try: <hint>` with its command
 * lines on their own (see text.ts). The only way an error reaches stderr.
 */
export function formatError(report: Pick<ErrorReport, 'message' | 'hint'>): string {
  const [head = '', ...rest] = report.message.split('\n');
  const lines = [`error: ${head}`, ...rest.map((l) => `  ${l}`)];
  if (report.hint) {
    report.hint.split('\n').forEach((line, i) => {
      const text = line.startsWith(COMMAND_PREFIX) ? `  ${line.slice(COMMAND_PREFIX.length)}` : line;
      lines.push(i === 0 ? `  try: ${text.trimStart()}` : `       ${text}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

/** `--json`: the one document printed on failure. */
export function errorDocument(report: ErrorReport): string {
  return `${JSON.stringify({ ok: false, error: report }, null, 2)}\n`;
}
