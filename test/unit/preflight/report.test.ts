// The doctor report as text and JSON.
import { describe, expect, it } from 'vitest';
import { formatReport, reportJson, summary, type PreflightReport } from '../../../src/preflight/report.js';

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
