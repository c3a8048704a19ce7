// Text for people at a terminal: wrapping to its width, colour only when it is one, commands kept whole on a
// line of their own so they can be copied and pasted, and the "did you mean" rule. A leaf of floe-dev's modules.
import { closest, distance } from 'fastest-levenshtein';

/** The closest of `names` when it is near enough to be a typo of `value` (config keys, commands, options, values). */
export function nearName(value: string, names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  const candidate = closest(value, [...names]);
  return distance(value, candidate) <= Math.max(2, Math.floor(value.length / 3)) ? candidate : undefined;
}

/** The longest stretch of the user's own text a message repeats: a 100 KB value is named, not echoed whole. */
export const SHOWN_MAX = 80;

/** Text cut to `max` characters (whole code points), saying how long it really was. */
export function cut(text: string, max = SHOWN_MAX): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max).join('')}… (${chars.length} characters)`;
}

/**
 * A value the user gave, as a message shows it: JSON-quoted (so a newline or a control character stays on the
 * line), NaN and infinities as YAML writes them (JSON would say null), binary data by its size, cut to `max`.
 */
export function shownValue(value: unknown, max = SHOWN_MAX): string {
  const special = (v: unknown): string | undefined =>
    typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf') : v instanceof Uint8Array ? `binary data (${v.length} bytes)` : undefined;
  let text = special(value);
  if (text === undefined) {
    try {
      text = JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
        return special(this[key]) ?? v;
      }) ?? String(value);
    } catch {
      // A cycle, or a mapping whose toString is not a function: name its type.
      text = Object.prototype.toString.call(value);
    }
  }
  return cut(text, max);
}

/**
 * In a fix or hint, a line starting with "$ " is a command: printed on its own line, never wrapped, without
 * the "$ " (so a triple-click copies exactly the command). `--json` keeps the text as written.
 */
export const COMMAND_PREFIX = '$ ';

/** A fix that is a command: the explanation, then the command on a line of its own. */
export function withCommand(explanation: string, command: string): string {
  return `${explanation}\n${COMMAND_PREFIX}${command}`;
}

/** Width to wrap to: the terminal's, or 100 when output is not a terminal (logs, pipes, CI). */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }): number {
  return stream.isTTY && stream.columns ? Math.max(40, stream.columns) : 100;
}

/**
 * Colour on a terminal unless NO_COLOR is set to something (no-color.org) or TERM is dumb; FORCE_COLOR=0
 * turns it off and any other FORCE_COLOR on, as Node's own util.inspect reads it.
 */
export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export interface Style {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string) => text;

export function styleFor(colour: boolean): Style {
  return colour
    ? { red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) }
    : { red: plain, green: plain, yellow: plain, dim: plain, bold: plain };
}

/** Lines of `text` at most `width` long, broken at spaces; a word longer than the width stays whole. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * A multi-line text (a fix, a hint) laid out under a first-line prefix: prose wrapped to `width`, command lines
 * whole and indented two more. `first` starts the first line; `indent` every other line.
 */
export function layout(text: string, options: { first: string; indent: string; width: number }): string[] {
  const out: string[] = [];
  for (const part of text.split('\n')) {
    const lead = out.length === 0 ? options.first : options.indent;
    if (part.startsWith(COMMAND_PREFIX)) {
      out.push(`${out.length === 0 ? lead : `${options.indent}  `}${part.slice(COMMAND_PREFIX.length)}`);
      continue;
    }
    const room = Math.max(20, options.width - lead.length);
    wrap(part, room).forEach((line, i) => out.push(`${i === 0 ? lead : options.indent}${line}`));
  }
  return out;
}
