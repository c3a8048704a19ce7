// What every command module provides: its yargs definition and a run function the single exit point calls.
// Command modules stay light at the top (no zod, yaml, listr2, catalog): `--help` reads them all.
import type { Argv, Options } from 'yargs';
import type { OutputFormat } from '../context.js';

/** Options every command accepts (design §1): yargs reads this table, and so does the fast top-level help. */
// requiresArg: `--output` alone (or before another option) is "--output needs a value", not silently the default.
export const GLOBAL_OPTIONS = {
  config: { type: 'string', requiresArg: true, describe: 'Configuration file (default: ./floe-dev.yaml if present)' },
  cluster: { type: 'string', requiresArg: true, describe: 'kind cluster name (default: floe-dev)' },
  context: { type: 'string', requiresArg: true, describe: 'Use this context of your kubeconfig (an existing cluster) instead of kind' },
  namespace: { type: 'string', requiresArg: true, describe: 'Namespace of the platform (default: floe-platform)' },
  verbose: { type: 'boolean', default: false, describe: 'Stream tool output; show stacks on errors' },
  output: { choices: ['text', 'json'], default: 'text', requiresArg: true, describe: 'Output format' },
  json: { type: 'boolean', default: false, describe: 'Shorthand for --output json' },
} as const satisfies Record<string, Options>;

/** Options every command accepts (design §1). */
export interface GlobalArgs {
  config?: string;
  cluster?: string;
  context?: string;
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
  /** A person is watching stderr (spinners allowed); false in CI and pipes. */
  isTTY: boolean;
  signal: AbortSignal;
  /** Whether stdout is a terminal, and its width: for wrapping and colour of results (doctor's report). */
  stdoutTTY?: boolean;
  columns?: number;
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
