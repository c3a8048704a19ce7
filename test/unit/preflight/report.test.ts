// The doctor report as text and JSON.
/* eslint-disable no-control-regex -- ANSI colour codes (ESC [ n m) are what these tests look for */
import { describe, expect, it } from 'vitest';
import { formatReport, reportJson, summary, type PreflightReport } from '../../../src/preflight/report.js';
import { kindInstallFix } from '../../../src/preflight/evaluate.js';
import { colourEnabled, terminalWidth } from '../../../src/text.js';

const report: PreflightReport = {
  ok: false,
  unexpected: false,
  checks: [
    { id: 'docker', title: 'Docker', status: 'ok', detail: 'Docker Engine 28.2.2' },
    { id: 'cpus', title: 'CPUs', status: 'warn', detail: '2 CPUs', fix: 'more CPUs' },
    { id: 'kind', title: 'kind', status: 'fail', detail: 'not found', fix: 'brew install kind' },
    { id: 'disk', title: 'Disk', status: 'ok', detail: '80 GiB free', fix: 'never shown for ok' },
  ],
};

describe('formatReport', () => {
  it('one aligned line per check with ✓ ! ✗, the fix under warnings and failures, then a summary', () => {
    expect(formatReport(report)).toBe(
      [
        '✓ Docker  Docker Engine 28.2.2',
        '! CPUs    2 CPUs',
        '          fix: more CPUs',
        '✗ kind    not found',
        '          fix: brew install kind',
        '✓ Disk    80 GiB free',
        '',
        '1 prerequisite is missing (and 1 warning): apply the fixes above and run `floe-dev doctor` again.',
        '',
      ].join('\n'),
    );
  });
});

describe('formatReport for a terminal', () => {
  const long: PreflightReport = {
    ok: false,
    unexpected: false,
    checks: [
      { id: 'docker', title: 'Docker', status: 'ok', detail: 'Docker Engine 28.2.2, Debian GNU/Linux 12 (bookworm), amd64, at unix:///var/run/docker.sock (default socket)' },
      { id: 'cpus', title: 'CPUs', status: 'warn', detail: '2 CPUs for Docker; 4 recommended (the first `up` is slower and JVM services start close to their probe limits)', fix: 'use a machine with ≥ 4 CPUs, or expect a slower first `up`' },
      { id: 'kind', title: 'kind', status: 'fail', detail: 'not found (looked for `kind` on PATH)', fix: kindInstallFix({ platform: 'linux', arch: 'amd64' }) },
    ],
  };
  const command = 'curl -Lo ./kind https://kind.sigs.k8s.io/dl/v0.30.0/kind-linux-amd64 && chmod +x ./kind && sudo mv ./kind /usr/local/bin/kind';

  it.each([60, 80, 100])('wraps prose to %i columns, under its column; the install command stays whole on a line of its own', (width) => {
    const lines = formatReport(long, { width, colour: false }).split('\n');
    // Only a word longer than the room (the install page's URL at 60) may overrun, alone on its line.
    expect(lines.filter((l) => l.length > width && l.trim() !== command && /\s/.test(l.trim().replace(/^fix: /, '')))).toEqual([]);
    expect(lines.filter((l) => l.trim() === command)).toHaveLength(1);
    // Continuation lines start under the detail column; the fix's own lines under its text.
    expect(lines[1]).toMatch(/^ {10}\S/);
    expect(lines.find((l) => l.includes('fix: install kind'))).toMatch(/^ {10}fix: install kind v0\.30\.0/);
  });

  it('colours the marks and the verdict only when asked', () => {
    const plain = formatReport(long, { width: 100, colour: false });
    const coloured = formatReport(long, { width: 100, colour: true });
    expect(plain).not.toMatch(/\u001b\[/);
    expect(coloured).toMatch(/^\u001b\[32m✓\u001b\[39m Docker/m);
    expect(coloured).toMatch(/^\u001b\[33m!\u001b\[39m CPUs/m);
    expect(coloured).toMatch(/^\u001b\[31m✗\u001b\[39m kind/m);
    expect(coloured).toMatch(/\u001b\[31m1 prerequisite is missing/);
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });
});

describe('colour and width of the terminal', () => {
  it.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: false }, {}, false],
    [{ isTTY: true }, { NO_COLOR: '1' }, false],
    [{ isTTY: true }, { NO_COLOR: '' }, true],
    [{ isTTY: true }, { TERM: 'dumb' }, false],
    [{ isTTY: false }, { FORCE_COLOR: '1' }, true],
    [{ isTTY: true }, { FORCE_COLOR: '0' }, false],
    [{ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
  ])('%j with %j → %s', (stream, env, colour) => {
    expect(colourEnabled(stream, env)).toBe(colour);
  });

  it.each([
    [{ isTTY: true, columns: 132 }, 132],
    [{ isTTY: true, columns: 20 }, 40],
    [{ isTTY: false, columns: 200 }, 100],
    [{ isTTY: true }, 100],
  ])('%j → %i columns', (stream, width) => {
    expect(terminalWidth(stream)).toBe(width);
  });
});

describe('summary', () => {
  const only = (...statuses: ('ok' | 'warn' | 'fail')[]) => ({
    unexpected: false,
    checks: statuses.map((status, i) => ({ id: `c${i}`, title: 'c', status, detail: '' })),
  });
  it.each([
    [only('ok', 'ok'), 'All prerequisites are met.'],
    [only('ok', 'warn', 'warn'), 'Ready, with 2 warnings.'],
    [only('fail', 'fail', 'ok'), '2 prerequisites are missing: apply the fixes above and run `floe-dev doctor` again.'],
    [{ ...only('fail'), unexpected: true }, 'floe-dev could not run every check (a bug): run again with --verbose and report it.'],
  ])('%#', (r, text) => expect(summary(r)).toBe(text));
});

describe('reportJson', () => {
  it('gives {ok, checks} with the same facts', () => {
    const parsed = JSON.parse(reportJson(report)) as { ok: boolean; checks: unknown[] };
    expect(parsed).toEqual({ ok: false, checks: report.checks });
  });
});
