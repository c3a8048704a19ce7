// `floe-dev doctor` as people read it: wrapped to the terminal (≤ 100 columns in a pipe), coloured on a
/* eslint-disable no-control-regex -- ANSI colour codes (ESC [ n m) are what these tests look for */
// terminal unless NO_COLOR is set, and the kind install command whole on its own line. The built CLI, in a
// pseudo-terminal made by util-linux's `script`, with no kind on PATH.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runBuilt, sandbox } from '../../helpers/cli.js';

const box = sandbox();
afterAll(() => rmSync(box.dir, { recursive: true, force: true }));

const ESC = /\u001b\[/;
const isCommand = (line: string) => /^\s+(curl|brew|winget) /.test(line);
/** A line that may overrun: the command, or a single word longer than the room (a URL). */
const mayOverrun = (line: string) => isCommand(line) || !/\s/.test(line.trim());

const utilLinuxScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') ?? false;

/** doctor's stdout in a terminal of `columns` columns. */
function inTerminal(columns: number, env: Record<string, string> = {}): string {
  const vars = Object.entries({ ...box.env, ...env })
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  const r = spawnSync('script', ['-qec', `stty cols ${columns}; env -i ${vars} ${process.execPath} ${BIN} doctor`, '/dev/null'], {
    cwd: box.dir,
    encoding: 'utf8',
  });
  return r.stdout.replaceAll('\r', '');
}

describe('floe-dev doctor', () => {
  it('in a pipe: no colour, every line within 100 columns but the install command, which stands alone', async () => {
    const r = await runBuilt(['doctor'], { cwd: box.dir, env: box.env });
    expect([0, 3]).toContain(r.code);
    const lines = r.out.split('\n');
    expect(r.out).not.toMatch(ESC);
    expect(lines.filter((l) => l.length > 100 && !mayOverrun(l))).toEqual([]);
    // kind is not on this PATH: its fix ends with the command, alone on its line.
    const command = lines.findIndex((l) => isCommand(l) && l.includes('kind'));
    expect(command).toBeGreaterThan(0);
    expect(lines[command - 1]).toMatch(/or set FLOE_DEV_KIND to its path:$/);
  });

  it.skipIf(!utilLinuxScript)('on a terminal: coloured marks, wrapped to its width', () => {
    const out = inTerminal(80);
    expect(out).toMatch(/^\u001b\[3[123]m[✓!✗]\u001b\[39m Docker/m);
    const plain = out.replace(/\u001b\[\d+m/g, '').split('\n');
    expect(plain.filter((l) => l.length > 80 && !mayOverrun(l))).toEqual([]);
  });

  it.skipIf(!utilLinuxScript)('on a terminal with NO_COLOR: no colour', () => {
    expect(inTerminal(80, { NO_COLOR: '1' })).not.toMatch(ESC);
  });
});
