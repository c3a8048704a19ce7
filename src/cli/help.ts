// `floe-dev --help` without yargs: yargs alone costs twice a bare Node start, and the top-level help is read
// more than any command runs. It renders the same command table and global options yargs is given (app.ts),
// so the two cannot drift; `floe-dev <command> --help` is yargs's own.
import { wrap } from '../text.js';
import { GLOBAL_OPTIONS, type CommandModule } from './command.js';

export const USAGE = '$0 <command> [options]\n\nThe whole floe data platform on your laptop: one command up, one command down.';

export const EXAMPLES: [string, string][] = [
  ['$0 up', 'create the cluster and install the whole platform'],
  ['$0 up --component orchestrator', 'only Dagster and what it needs'],
  ['$0 credentials', 'the URLs and logins of the platform'],
  ['$0 doctor', 'check Docker, kind, kubectl, memory, ports and disk'],
  ['$0 down', 'remove the cluster and everything floe-dev started'],
];

export const EPILOGUE = 'Configuration: floe-dev.yaml, then FLOE_DEV_* variables, then flags. Docs: README.md';

/** The width help is wrapped to (yargs is given the same). */
export function helpWidth(columns: number | undefined): number {
  return Math.min(110, columns || 100);
}

/** Whether argv asks only for the top-level help: --help (or -h) and no command. */
export function isTopLevelHelp(argv: readonly string[]): boolean {
  const words = argv.filter((a) => !a.startsWith('-'));
  return words.length === 0 && argv.some((a) => a === '--help' || a === '-h');
}

export function topLevelHelp(commands: readonly CommandModule<never>[], columns: number | undefined): string {
  const width = helpWidth(columns);
  const name = (s: string) => s.replaceAll('$0', 'floe-dev');
  const rows = (entries: [string, string][], indent = '  '): string[] => {
    const left = Math.max(...entries.map(([l]) => l.length)) + 2;
    return entries.flatMap(([l, text]) =>
      wrap(text, Math.max(30, width - indent.length - left)).map((line, i) => `${indent}${(i === 0 ? l : '').padEnd(left)}${line}`.trimEnd()),
    );
  };
  const commandRows = commands.map((c): [string, string] => [`floe-dev ${[c.command].flat()[0]}`, c.describe]);
  const optionRows = Object.entries(GLOBAL_OPTIONS).map(([key, o]): [string, string] => {
    const kind = 'choices' in o ? `[${o.choices.join('|')}]` : o.type === 'string' ? '<value>' : '';
    return [`--${key} ${kind}`.trimEnd(), o.describe];
  });
  optionRows.push(['-h, --help', 'Show help'], ['--version', 'Show version number']);
  return [
    name(USAGE),
    '',
    'Commands:',
    ...rows(commandRows),
    '',
    'Global options:',
    ...rows(optionRows),
    '',
    'Examples:',
    ...rows(EXAMPLES.map(([cmd, what]) => [name(cmd), what])),
    '',
    ...wrap(EPILOGUE, width),
    '',
  ].join('\n');
}
