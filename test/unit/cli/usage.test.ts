// yargs's failure messages in floe-dev's words (pure: the message and argv in, a UsageError out).
import { describe, expect, it } from 'vitest';
import { COMMAND_SHAPES, VALUE_OPTIONS } from '../../../src/cli/app.js';
import { commandWord, usageError } from '../../../src/cli/usage.js';

const known = ['config', 'cluster', 'namespace', 'verbose', 'output', 'json', 'help', 'version', 'component', 'recreate', 'skip-smoke', 'timeout'];

function map(message: string, argv: string[]) {
  const error = usageError(message, { argv, commands: COMMAND_SHAPES, valueOptions: VALUE_OPTIONS, knownOptions: known });
  return { message: error.message, hint: error.hint, exitCode: error.exitCode };
}

describe('commandWord', () => {
  it.each([
    [['up'], 'up'],
    [['--cluster', 'x', 'up'], 'up'],
    [['--cluster=x', 'up'], 'up'],
    [['--verbose', 'down'], 'down'],
    [['--config', 'f.yaml', '--json', 'status'], 'status'],
    [['--', 'up'], 'up'],
    [['--help'], undefined],
  ])('%j → %s', (argv, word) => {
    expect(commandWord(argv, VALUE_OPTIONS)).toBe(word);
  });
});

describe('usageError', () => {
  it.each([
    [
      'an invalid choice, with the closest one',
      'Invalid values:\n  Argument: component, Given: "orchestrater", Choices: "storage", "catalog", "observability", "orchestrator", "semantic"',
      ['up', '--component', 'orchestrater'],
      '--component: value "orchestrater" is not allowed (did you mean "orchestrator"?); allowed: storage, catalog, observability, orchestrator, semantic',
      '`floe-dev up --help` shows its options',
    ],
    [
      'several refused values of a repeatable option, one line each (the allowed ones are not repeated)',
      'Invalid values:\n  Argument: component, Given: "storage", "semntic", "x", Choices: "storage", "catalog", "semantic"',
      ['render', '--component', 'storage', '--component', 'semntic', '--component', 'x'],
      '--component: value "semntic" is not allowed (did you mean "semantic"?); allowed: storage, catalog, semantic\n--component: value "x" is not allowed; allowed: storage, catalog, semantic',
      '`floe-dev render --help` shows its options',
    ],
    [
      'a positional with choices',
      'Invalid values:\n  Argument: action, Given: "sideways", Choices: "start", "stop", "status"',
      ['forward', 'sideways'],
      '<action>: value "sideways" is not allowed; allowed: start, stop, status',
      '`floe-dev forward --help` shows its options',
    ],
    ['an unknown option, with the closest one', 'Unknown argument: recreat', ['up', '--recreat'], 'unknown option --recreat; did you mean --recreate?', '`floe-dev up --help` shows its options'],
    [
      'an unknown option given in camel and dashed case by yargs: the spelling typed',
      'Unknown arguments: skip-smok, skipSmok',
      ['up', '--skip-smok'],
      'unknown option --skip-smok; did you mean --skip-smoke?',
      '`floe-dev up --help` shows its options',
    ],
    ['an option far from any', 'Unknown argument: frobnicate', ['up', '--frobnicate'], 'unknown option --frobnicate (not an option of `floe-dev up`)', '`floe-dev up --help` shows its options'],
    [
      'a word the command does not take',
      'Unknown argument: extra',
      ['status', 'extra'],
      'unexpected argument "extra" for `floe-dev status` (usage: floe-dev status)',
      '`floe-dev status --help` shows its options',
    ],
    ['missing positionals, with an example', 'Not enough non-option arguments: got 0, need at least 1', ['load'], '`floe-dev load` needs <images..>', 'for example: floe-dev load my-org/dagster-code:1.0'],
    ['an option without its value', 'Not enough arguments following: cluster', ['up', '--cluster'], '--cluster needs a value', '`floe-dev up --help` shows its options'],
  ])('%s', (_name, message, argv, expected, hint) => {
    expect(map(message, argv)).toEqual({ message: expected, hint, exitCode: 2 });
  });

  it.each([
    ['start', 'up'],
    ['install', 'up'],
    ['stop', 'down'],
    ['destroy', 'down'],
    ['check', 'doctor'],
    ['ps', 'status'],
    ['secrets', 'credentials'],
    ['stauts', 'status'],
    ['rendr', 'render'],
  ])('names the unknown command "%s" and the likely intent, %s', (word, meant) => {
    const r = map(`Unknown argument: ${word}`, [word]);
    expect(r.message).toBe(`unknown command "${word}"; did you mean \`floe-dev ${meant}\`?`);
    expect(r.hint).toMatch(/^the commands are up, down, .*`floe-dev --help` says what each does$/);
  });

  it('names an unknown command without a guess when nothing is near', () => {
    expect(map('Unknown argument: xyzzy', ['--cluster', 'c', 'xyzzy']).message).toBe('unknown command "xyzzy"');
  });

  it('says how a command is used when it gets too many arguments', () => {
    expect(map('Too many non-option arguments: got 2, maximum of 1', ['forward', 'start', 'now']).message).toBe(
      'too many arguments for `floe-dev forward` (usage: floe-dev forward [action])',
    );
  });

  it('says which options cannot go together', () => {
    expect(map('Arguments a and b are mutually exclusive', ['up']).message).toBe('--a and --b cannot be used together');
  });

  it('puts anything else yargs says on one line', () => {
    expect(map('Implications failed:\n  a -> b', ['up']).message).toBe('Implications failed:; a -> b');
  });
});
