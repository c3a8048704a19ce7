// Builds the run's Context from parsed flags: configuration layers, state paths, tools, clock, logger. The
// configuration and the tools are imported here, when a command runs, not when `--help` reads the commands.
import { systemClock } from '../clock.js';
import type { ConfigFlags, LoadedConfig } from '../config/load.js';
import type { Context } from '../context.js';
import { ConfigError } from '../errors.js';
import { createLogger } from '../log.js';
import { statePaths } from '../target.js';
import type { GlobalArgs, Io } from './command.js';

export interface ContextOptions {
  /**
   * Carry on past configuration problems with what is valid (defaults for the rest), warning about each: for
   * `down` and `doctor`, which must work whatever state floe-dev.yaml is in. Problems with the `fatal` keys (and
   * their parents) still stop the command: `down` must not fall back to the default cluster (or namespace) when
   * the one the user named is not a valid name, for it would delete another one than they meant.
   */
  tolerant?: { command: string; fatal?: readonly string[] };
}

export async function createContext(
  args: GlobalArgs,
  io: Io,
  flags: Omit<ConfigFlags, 'cluster' | 'context' | 'namespace'> = {},
  options: ContextOptions = {},
): Promise<Context> {
  const [{ loadConfig, loadConfigTolerant }, { createTools }] = await Promise.all([import('../config/load.js'), import('../tools/index.js')]);
  const log = createLogger(args.verbose, (line) => io.stderr(`${line}\n`));
  const load = { cwd: io.cwd, env: io.env, configFile: args.config, flags: { ...flags, cluster: args.cluster, context: args.context, namespace: args.namespace } };
  let loaded: LoadedConfig;
  if (options.tolerant) {
    const { problems, ...rest } = loadConfigTolerant(load);
    const fatal = problems.filter((p) => p.key !== undefined && options.tolerant!.fatal?.some((key) => key === p.key || key.startsWith(`${p.key}.`) || p.key!.startsWith(`${key}.`)));
    if (fatal.length > 0) {
      throw ConfigError.of(fatal, `${options.tolerant.command} acts on what these name, so it does not guess: fix the name (\`floe-dev config\` shows the result)`);
    }
    loaded = rest;
    if (problems.length > 0) {
      const list = problems.map((p) => `\n  - ${p.message.replaceAll('\n', '\n    ')}`).join('');
      log.warn(`the configuration has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}; ${options.tolerant.command} leaves ${problems.length === 1 ? 'it' : 'them'} out and carries on (cluster ${rest.config.cluster.name}):${list}`);
    }
  } else {
    loaded = loadConfig(load);
  }
  for (const warning of loaded.warnings) log.warn(warning);
  const { config, file } = loaded;
  return {
    config,
    configFile: file,
    paths: statePaths(config, io.env, io.cwd),
    tools: await createTools(io.env),
    clock: systemClock,
    log,
    signal: io.signal,
    env: io.env,
    cwd: io.cwd,
    verbose: args.verbose,
    interactive: io.isTTY,
    output: args.json ? 'json' : args.output,
    cache: new Map(),
  };
}
