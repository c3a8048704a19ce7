// Bad command lines, in floe-dev's words: yargs's own messages ("Invalid values: Argument: ...", "Unknown
// argument: ...") become UsageErrors that name the command, the option and the likely intent, so they print
// like every configuration error. Pure: the command table and argv come in, an error goes out.
import { UsageError } from '../errors.js';
import { cut, nearName as near, shownValue } from '../text.js';

export interface CommandShape {
  /** `up`, `load`, `forward` */
  name: string;
  /** The yargs command string: `load <images..>`, `forward [action]`. */
  usage: string;
  /** The first example, to show what a complete command looks like. */
  example?: string;
}

export interface UsageContext {
  argv: readonly string[];
  commands: readonly CommandShape[];
  /** Global options that take a value (`--config FILE`), so that scanning argv skips the value. */
  valueOptions: readonly string[];
  /** Option names known where the failure happened (the command's and the global ones), dashed. */
  knownOptions: readonly string[];
}

/** What people type for each command when they do not know its name yet. */
const INTENTS: Record<string, string> = {
  start: 'up',
  create: 'up',
  install: 'up',
  deploy: 'up',
  run: 'up',
  init: 'up',
  setup: 'up',
  stop: 'down',
  delete: 'down',
  destroy: 'down',
  remove: 'down',
  teardown: 'down',
  uninstall: 'down',
  clean: 'down',
  test: 'smoke',
  health: 'smoke',
  verify: 'smoke',
  check: 'doctor',
  preflight: 'doctor',
  ps: 'status',
  info: 'status',
  list: 'status',
  ls: 'status',
  get: 'status',
  manifests: 'render',
  template: 'render',
  generate: 'render',
  export: 'render',
  'port-forward': 'forward',
  forwards: 'forward',
  pf: 'forward',
  creds: 'credentials',
  secrets: 'credentials',
  password: 'credentials',
  passwords: 'credentials',
  login: 'credentials',
  import: 'load',
  push: 'load',
  settings: 'config',
  configure: 'config',
};

/** The command argv names (the first word that is not an option or a global option's value). */
export function commandWord(argv: readonly string[], valueOptions: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return argv[i + 1];
    if (!arg.startsWith('-')) return arg;
    if (!arg.includes('=') && valueOptions.includes(arg.replace(/^--?/, ''))) i++;
  }
  return undefined;
}

/** The UsageError for a yargs failure message. */
export function usageError(message: string, context: UsageContext): UsageError {
  const word = commandWord(context.argv, context.valueOptions);
  const command = context.commands.find((c) => c.name === word);
  const help = command ? `\`floe-dev ${command.name} --help\` shows its options` : '`floe-dev --help` lists the commands';
  const text = message.trim();

  const unknown = /^Unknown arguments?: (.+)$/s.exec(text);
  if (unknown) {
    const names = unknown[1]!.split(',').map((s) => s.trim()).filter(Boolean);
    if (!command && word !== undefined && names.includes(word)) return unknownCommand(word, context.commands);
    return unknownArguments(names, command, context, help);
  }

  const invalid = [...text.matchAll(/Argument: (\S+), Given: (.+?), Choices: (.+)$/gm)];
  if (invalid.length > 0) {
    const lines = invalid.flatMap((m) => invalidChoices(m[1]!, m[2]!, m[3]!, context.argv));
    return new UsageError(lines.join('\n'), { hint: help });
  }

  if (/^Not enough non-option arguments/.test(text) && command) {
    const missing = command.usage.split(' ').filter((part) => part.startsWith('<'));
    return new UsageError(`\`floe-dev ${command.name}\` needs ${missing.join(' ') || 'an argument'}`, {
      hint: command.example ? `for example: ${command.example}` : help,
    });
  }

  const following = /^Not enough arguments following: (.+)$/.exec(text);
  if (following) return new UsageError(`--${following[1]} needs a value`, { hint: help });

  const exclusive = /^Arguments (\S+) and (\S+) are mutually exclusive$/.exec(text);
  if (exclusive) return new UsageError(`--${exclusive[1]} and --${exclusive[2]} cannot be used together`, { hint: help });

  if (/^Too many non-option arguments/.test(text)) {
    return new UsageError(command ? `too many arguments for \`floe-dev ${command.name}\` (usage: floe-dev ${command.usage})` : 'too many arguments', { hint: help });
  }

  // Anything else yargs says (rare): its words on one line, with the way to the help.
  return new UsageError(text.replace(/\s*\n\s*/g, '; '), { hint: help });
}

function unknownCommand(word: string, commands: readonly CommandShape[]): UsageError {
  const names = commands.map((c) => c.name);
  const meant = INTENTS[word.toLowerCase()] ?? near(word, names);
  return new UsageError(`unknown command ${shownValue(word)}${meant ? `; did you mean \`floe-dev ${meant}\`?` : ''}`, {
    hint: `the commands are ${names.join(', ')}; \`floe-dev --help\` says what each does`,
  });
}

function unknownArguments(names: string[], command: CommandShape | undefined, context: UsageContext, help: string): UsageError {
  // yargs lists `--skip-smok` also as skipSmok: keep the spelling the user typed.
  const typed = names.filter((n) => context.argv.some((a) => a === `--${n}` || a.startsWith(`--${n}=`) || a === `-${n}` || a === n));
  const shown = typed.length > 0 ? typed : names;
  const lines = shown.map((name) => {
    const isOption = context.argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`) || a === `-${name}`);
    if (!isOption) return `unexpected argument ${shownValue(name)}${command ? ` for \`floe-dev ${command.name}\` (usage: floe-dev ${command.usage})` : ''}`;
    const meant = near(name, context.knownOptions);
    const where = command ? ` of \`floe-dev ${command.name}\`` : '';
    return `unknown option --${cut(name)}${meant ? `; did you mean --${meant}?` : ` (not an option${where})`}`;
  });
  return new UsageError(lines.join('\n'), { hint: help });
}

/** One line per refused value: "--component: value "orchestrater" is not allowed (did you mean ...); allowed: ..." */
function invalidChoices(argument: string, given: string, choices: string, argv: readonly string[]): string[] {
  const quoted = (text: string) => [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replaceAll('\\"', '"'));
  const allowed = quoted(choices);
  const values = quoted(given);
  const refused = (values.length > 0 ? values : [given.trim()]).filter((v) => !allowed.includes(v));
  const dashed = argument.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const isOption = argv.some((a) => a === `--${dashed}` || a.startsWith(`--${dashed}=`));
  const name = isOption ? `--${dashed}` : `<${dashed}>`;
  return refused.map((value) => {
    const meant = near(value, allowed);
    return `${name}: value ${shownValue(value)} is not allowed${meant ? ` (did you mean ${JSON.stringify(meant)}?)` : ''}; allowed: ${allowed.join(', ')}`;
  });
}
