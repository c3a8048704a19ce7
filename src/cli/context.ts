// Builds the run's Context from parsed flags: configuration layers, state paths, tools, clock, logger.
import { systemClock } from '../clock.js';
import { loadConfig, type ConfigFlags } from '../config/load.js';
import type { Context } from '../context.js';
import { createLogger } from '../log.js';
import { clusterPaths } from '../state/paths.js';
import { createTools } from '../tools/index.js';
import type { GlobalArgs, Io } from './command.js';

export async function createContext(args: GlobalArgs, io: Io, flags: Omit<ConfigFlags, 'cluster' | 'namespace'> = {}): Promise<Context> {
  const { config, file } = loadConfig({
    cwd: io.cwd,
    env: io.env,
    configFile: args.config,
    flags: { ...flags, cluster: args.cluster, namespace: args.namespace },
  });
  return {
    config,
    configFile: file,
    paths: clusterPaths(io.env, config.cluster.name),
    tools: await createTools(io.env),
    clock: systemClock,
    log: createLogger(args.verbose, (line) => io.stderr(`${line}\n`)),
    signal: io.signal,
    env: io.env,
    cwd: io.cwd,
    verbose: args.verbose,
    interactive: io.isTTY,
    output: args.json ? 'json' : args.output,
    cache: new Map(),
  };
}
