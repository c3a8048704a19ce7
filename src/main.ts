// The single exit point: parses, runs the command, maps every outcome to an exit code and a message.
import { readFileSync } from 'node:fs';
import { ExitCode, FloeError, InterruptedError, ReportedFailure } from './errors.js';
import type { Io } from './cli/command.js';

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

  const io: Io = {
    env: process.env,
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY) && !process.env.CI,
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
  try {
    const { parse } = await import('./cli/app.js');
    const work = await parse(argv, io, packageVersion());
    if (work) await work();
    if (io.signal.aborted) throw new InterruptedError();
    return ExitCode.ok;
  } catch (error) {
    const interrupted = io.signal.aborted;
    if (interrupted) {
      io.stderr('interrupted: everything floe-dev started was stopped; run the command again to finish\n');
      return ExitCode.interrupted;
    }
    return report(error, io, verbose);
  }
}

function report(error: unknown, io: Io, verbose: boolean): number {
  if (error instanceof ReportedFailure) return error.exitCode;
  if (error instanceof FloeError) {
    io.stderr(`error: ${error.message}\n`);
    if (error.hint) io.stderr(`  try: ${error.hint}\n`);
    if (verbose) io.stderr(`${error.stack ?? ''}\n${causeChain(error)}`);
    return error.exitCode;
  }
  // Anything else is a bug in floe-dev, not the user's doing.
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`error: floe-dev hit an unexpected problem: ${message}\n`);
  if (verbose) io.stderr(`${(error as Error)?.stack ?? ''}\n`);
  else io.stderr('  (run again with --verbose for details, and please report it)\n');
  return ExitCode.failed;
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
