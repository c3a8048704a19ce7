// The one typed context carried through every step: configuration, tools, state paths, clock, cancellation.
import type { Clock } from './clock.js';
import type { Config } from './config/schema.js';
import type { Logger } from './log.js';
import type { RunLog } from './runlog.js';
import type { ClusterPaths } from './state/paths.js';
import type { Tools } from './tools/index.js';

export type OutputFormat = 'text' | 'json';

export interface Context {
  config: Config;
  /** The config file that was read, if any. */
  configFile: string | undefined;
  paths: ClusterPaths;
  tools: Tools;
  clock: Clock;
  log: Logger;
  /** Aborted on Ctrl-C / SIGTERM: every child process and wait loop listens to it. */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  cwd: string;
  verbose: boolean;
  /** A person is watching a terminal (spinners allowed); false in CI and pipes. */
  interactive: boolean;
  output: OutputFormat;
  /** Results of expensive lookups shared between steps (e.g. engine info). */
  cache: Map<string, unknown>;
  /** This run's log file in the state folder (up and down open one), for what only the log keeps. */
  runLog?: RunLog;
}
