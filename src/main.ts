// The single exit point: parses, runs the command, maps every outcome to an exit code and a message.
import { readFileSync } from 'node:fs';
import { ExitCode, InterruptedError, ReportedFailure, errorDocument, errorReport, formatError, type ErrorReport } from './errors.js';
import type { Io } from './cli/command.js';

/** stdout was closed by its reader (`floe-dev render | head`): stop, quietly, as `git log | head` does. */
class OutputClosed extends Error {}

/** Runs floe-dev and sets process.exitCode; the only place that does. */
export async function main(argv: string[]): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts += 1;
    if (interrupts > 1) {
      // A second Ctrl-C: the user means it. Children got SIGTERM already on the first.
      process.stderr.write('\nforced exit\n');
      process.exit(ExitCode.interrupted);
    }
    process.stderr.write(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping (press Ctrl-C again to force)...\n`);
    controller.abort(new InterruptedError());
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // A closed pipe arrives as an 'error' event after the write; unhandled it is a crash with a stack.
  let stdoutOpen = true;
  let stderrOpen = true;
  process.stdout.on('error', () => {
    stdoutOpen = false;
    if (!controller.signal.aborted) controller.abort(new OutputClosed());
  });
  process.stderr.on('error', () => {
    stderrOpen = false;
  });

  const io: Io = {
    env: process.env,
    cwd: process.cwd(),
    stdout: (text) => void (stdoutOpen && process.stdout.write(text)),
    stderr: (text) => void (stderrOpen && process.stderr.write(text)),
    isTTY: Boolean(process.stderr.isTTY) && !process.env.CI,
    stdoutTTY: Boolean(process.stdout.isTTY),
    columns: process.stdout.columns,
    signal: controller.signal,
  };
  try {
    process.exitCode = await run(argv, io);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Runs one invocation and returns its exit code (used directly by in-process tests). */
export async function run(argv: string[], io: Io): Promise<number> {
  const verbose = argv.includes('--verbose');
  const json = wantsJson(argv);
  // `--json` promises one document on stdout: the command's own, or the one written here.
  let wrote = false;
  const tracked: Io = { ...io, stdout: (text) => ((wrote = true), io.stdout(text)) };
  try {
    const work = await select(argv, tracked);
    if (work) await work();
    if (io.signal.aborted) throw new InterruptedError();
    if (json && work && !wrote) tracked.stdout(`${JSON.stringify({ ok: true }, null, 2)}\n`);
    return ExitCode.ok;
  } catch (error) {
    if (io.signal.reason instanceof OutputClosed) return ExitCode.ok;
    const report: ErrorReport = io.signal.aborted
      ? { message: 'interrupted: everything floe-dev started was stopped; run the command again to finish', exitCode: ExitCode.interrupted }
      : error instanceof ReportedFailure
        ? // Its details were printed already (a doctor report, say): nothing more on stderr.
          { message: error.message, exitCode: error.exitCode }
        : errorReport(error);
    if (!(error instanceof ReportedFailure) || io.signal.aborted) {
      io.stderr(io.signal.aborted ? `${report.message}\n` : formatError(report));
      if (verbose && error instanceof Error) io.stderr(`${error.stack ?? ''}\n${causeChain(error)}`);
    }
    if (json && !wrote) tracked.stdout(errorDocument(report));
    return report.exitCode;
  }
}

/** The work argv asks for; the top-level help is answered without loading yargs (design §9: --help is fast). */
async function select(argv: string[], io: Io): Promise<(() => Promise<void>) | undefined> {
  const help = await import('./cli/help.js');
  if (help.isTopLevelHelp(argv)) {
    const { COMMANDS } = await import('./cli/commands.js');
    io.stdout(help.topLevelHelp(COMMANDS, io.columns));
    return undefined;
  }
  const { parse } = await import('./cli/app.js');
  return parse(argv, io, packageVersion());
}

/** `--json` or `--output json` anywhere before `--` (also when yargs refuses the rest of the line). */
export function wantsJson(argv: readonly string[]): boolean {
  let flag = false;
  let output: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--json') flag = true;
    else if (arg === '--no-json') flag = false;
    else if (arg === '--output') output = argv[i + 1];
    else if (arg.startsWith('--output=')) output = arg.slice('--output='.length);
  }
  // As the commands read it: --json wins over --output.
  return flag || output === 'json';
}

function causeChain(error: Error): string {
  let out = '';
  let cause = error.cause;
  while (cause instanceof Error) {
    out += `caused by: ${cause.stack ?? cause.message}\n`;
    cause = cause.cause;
  }
  return out;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
