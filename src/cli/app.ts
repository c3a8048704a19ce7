// The yargs command line: global options, every command of design §1, help with examples, completion.
import yargs, { type Argv } from 'yargs';
import { UsageError } from '../errors.js';
import type { GlobalArgs, Io } from './command.js';
import { COMMANDS } from './commands.js';

/** Parses argv; returns the work to do (or undefined when yargs already answered, e.g. --help). */
export async function parse(argv: string[], io: Io, version: string): Promise<(() => Promise<void>) | undefined> {
  let selected: (() => Promise<void>) | undefined;
  const cli: Argv<GlobalArgs> = yargs(argv)
    .scriptName('floe-dev')
    .usage('$0 <command> [options]\n\nThe whole floe data platform on your laptop: one command up, one command down.')
    .option('config', { type: 'string', describe: 'Configuration file (default: ./floe-dev.yaml if present)', global: true })
    .option('cluster', { type: 'string', describe: 'kind cluster name (default: floe-dev)', global: true })
    .option('namespace', { type: 'string', describe: 'Namespace of the platform (default: floe-platform)', global: true })
    .option('verbose', { type: 'boolean', default: false, describe: 'Stream tool output; show stacks on errors', global: true })
    .option('output', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format', global: true })
    .option('json', { type: 'boolean', default: false, describe: 'Shorthand for --output json', global: true })
    .group(['config', 'cluster', 'namespace', 'verbose', 'output', 'json', 'help', 'version'], 'Global options:')
    .version(version)
    .help()
    .alias('help', 'h')
    .completion('completion', 'Print a bash/zsh completion script (add `eval "$(floe-dev completion)"` to your shell rc)')
    .strict()
    .demandCommand(1, 'Name a command; `floe-dev --help` lists them.')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      throw new UsageError(message, { hint: 'see `floe-dev --help`' });
    })
    .example('$0 up', 'create the cluster and install the whole platform')
    .example('$0 up --component orchestrator', 'only Dagster and what it needs')
    .example('$0 doctor', 'check Docker, kind, kubectl, memory, ports and disk')
    .example('$0 down', 'remove the cluster and everything floe-dev started')
    .epilogue('Configuration: floe-dev.yaml, then FLOE_DEV_* variables, then flags. Docs: README.md');

  for (const mod of COMMANDS) {
    cli.command(
      mod.command,
      mod.describe,
      (y) => {
        const built = mod.builder ? mod.builder(y) : y;
        for (const [cmd, what] of mod.examples ?? []) built.example(cmd, what);
        return built;
      },
      (args) => {
        selected = () => mod.run(args as GlobalArgs & never, io);
      },
    );
  }

  const output: string[] = [];
  const parsed = await cli.parseAsync(argv, {}, (_err, _argv, out) => {
    if (out) output.push(out);
  });
  const helpText = output.join('\n');
  if (helpText) io.stdout(`${helpText}\n`);
  void parsed;
  return selected;
}
