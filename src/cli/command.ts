// What every command module provides: its yargs definition and a run function the single exit point calls.
import type { Argv } from 'yargs';
import type { OutputFormat } from '../context.js';

/** Options every command accepts (design §1). */
export interface GlobalArgs {
  config?: string;
  cluster?: string;
  namespace?: string;
  verbose: boolean;
  output: OutputFormat;
  json: boolean;
}

/** Where a command writes: results to stdout, progress and errors to stderr. */
export interface Io {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  signal: AbortSignal;
}

export interface CommandModule<A = object> {
  command: string | string[];
  describe: string;
  builder?: (y: Argv<GlobalArgs>) => Argv<GlobalArgs & A>;
  examples?: [string, string][];
  /** Does the work; throws a FloeError for anything but success. Never calls process.exit. */
  run(args: GlobalArgs & A, io: Io): Promise<void>;
}

/** Helps type a command module without repeating its argument type. */
export function defineCommand<A>(module: CommandModule<A>): CommandModule<A> {
  return module;
}
