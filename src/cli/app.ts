// The yargs command line: global options, every command of design §1, help with examples, completion. Every
// usage error leaves here as a UsageError in floe-dev's words (usage.ts), never as yargs's own text.
import yargs, { type Argv } from 'yargs';
import { GLOBAL_OPTIONS, type GlobalArgs, type Io } from './command.js';
import { COMMANDS } from './commands.js';
import { EPILOGUE, EXAMPLES, USAGE, helpWidth } from './help.js';
import { UsageError } from '../errors.js';
import { shownValue } from '../text.js';
import { usageError, type CommandShape } from './usage.js';

/** Global options that take a value, so that the command word is found after them (`--cluster x up`). */
export const VALUE_OPTIONS = Object.entries(GLOBAL_OPTIONS)
  .filter(([, o]) => !('type' in o) || o.type !== 'boolean')
  .map(([key]) => key);

export const COMMAND_SHAPES: CommandShape[] = COMMANDS.map((mod) => {
  const usage = [mod.command].flat()[0]!;
  const example = mod.examples?.[0]?.[0].replaceAll('$0', 'floe-dev');
  return { name: usage.split(' ')[0]!, usage, ...(example ? { example } : {}) };
});

/** Parses argv; returns the work to do (or undefined when yargs already answered, e.g. --help). */
export async function parse(argv: string[], io: Io, version: string): Promise<(() => Promise<void>) | undefined> {
  let selected: (() => Promise<void>) | undefined;
  // The options where parsing failed, for "did you mean": the global ones, then the command's once it is known.
  let knownOptions = [...Object.keys(GLOBAL_OPTIONS), 'help', 'version'];
  const cli: Argv<GlobalArgs> = yargs(argv)
    .scriptName('floe-dev')
    // English whatever LANG says: usage.ts reads yargs's messages.
    .detectLocale(false)
    .usage(USAGE)
    .options(Object.fromEntries(Object.entries(GLOBAL_OPTIONS).map(([key, o]) => [key, { ...o, global: true }])))
    .group([...Object.keys(GLOBAL_OPTIONS), 'help', 'version'], 'Global options:')
    .version(version)
    .help()
    .alias('help', 'h')
    // Answers `--get-yargs-completions` for the scripts `floe-dev completion` prints; the command itself is hidden.
    .completion('__yargs-completion', false)
    .strict()
    .demandCommand(1, 'no command given')
    .wrap(helpWidth(io.columns))
    .exitProcess(false)
    .fail((message, error) => {
      // A parse error (yargs-parser's YError) is the user's; anything else thrown here is ours, as it is.
      if (error && error.name !== 'YError') throw error;
      throw usageError(message ?? error?.message ?? 'bad command line', {
        argv,
        commands: COMMAND_SHAPES,
        valueOptions: VALUE_OPTIONS,
        knownOptions,
      });
    })
    // The options table is the GlobalArgs interface; yargs cannot infer it through Object.fromEntries.
    .epilogue(EPILOGUE) as unknown as Argv<GlobalArgs>;
  for (const [cmd, what] of EXAMPLES) cli.example(cmd, what);

  // Options that take a list (`--component`, load's images): every other option is given once.
  let listOptions: string[] = [];
  for (const mod of COMMANDS) {
    cli.command(
      mod.command,
      mod.describe,
      (y) => {
        const built = mod.builder ? mod.builder(y) : y;
        for (const [cmd, what] of mod.examples ?? []) built.example(cmd, what);
        knownOptions = Object.keys(optionsOf(built).key).filter((k) => !/[A-Z]/.test(k) && k.length > 1);
        listOptions = optionsOf(built).array;
        return built;
      },
      (args) => {
        refuseRepeats(args, listOptions);
        selected = () => mod.run(args as GlobalArgs & never, io);
      },
    );
  }

  const output: string[] = [];
  await cli.parseAsync(argv, {}, (_err, _argv, out) => {
    if (out) output.push(out);
  });
  const text = output.join('\n');
  if (text) io.stdout(`${text}\n`);
  return selected;
}

/**
 * `--config a --config b`: yargs makes a list of an option given twice, which nothing downstream expects (a path
 * that is a list was "an unexpected problem"). Which one was meant is the user's to say.
 */
function refuseRepeats(args: Record<string, unknown>, listOptions: readonly string[]): void {
  for (const [key, value] of Object.entries(args)) {
    if (key === '_' || key === '$0' || /[A-Z]/.test(key) || !Array.isArray(value) || listOptions.includes(key)) continue;
    const values = value.map((v) => shownValue(v, 40)).join(', ');
    const command = (args._ as unknown[] | undefined)?.[0];
    throw new UsageError(`--${key} is given ${value.length} times (${values}): give it once`, {
      hint: command === undefined ? '`floe-dev --help` lists the options' : `\`floe-dev ${String(command)} --help\` shows its options`,
    });
  }
}

/** yargs's getOptions() exists at run time but not in @types/yargs 17. */
function optionsOf(instance: unknown): { key: Record<string, unknown>; array: string[] } {
  return (instance as { getOptions(): { key: Record<string, unknown>; array: string[] } }).getOptions();
}
