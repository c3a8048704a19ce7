// The preflight report as text (one line per check, the fix under it) and as JSON.
import { layout, styleFor, wrap } from '../text.js';
import type { CheckStatus, Finding } from './evaluate.js';

export interface CheckResult extends Finding {
  /** Stable identifier for scripts: docker, memory, cpus, image-store, kind, kubectl, port-<forward>, disk. */
  id: string;
  title: string;
}

export interface PreflightReport {
  /** No check failed (warnings allowed). */
  ok: boolean;
  checks: CheckResult[];
  /** A check crashed (a bug in floe-dev, not the user's doing): its result is a failure saying so. */
  unexpected: boolean;
}

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗' };

export interface ReportView {
  /** Lines are wrapped to this (the terminal's width; 100 when stdout is not a terminal). */
  width: number;
  /** Colour the marks and the verdict (a terminal, and NO_COLOR unset). */
  colour: boolean;
}

// Unwrapped and plain unless the caller says otherwise (the CLI passes the terminal's view).
const PLAIN: ReportView = { width: Number.POSITIVE_INFINITY, colour: false };

/** One line per check (wrapped under its title), the fix under each problem with commands on their own line. */
export function formatReport(report: PreflightReport, view: ReportView = PLAIN): string {
  const style = styleFor(view.colour);
  const paint: Record<CheckStatus, (t: string) => string> = { ok: style.green, warn: style.yellow, fail: style.red };
  const width = Math.max(...report.checks.map((c) => c.title.length), 0);
  const indent = ' '.repeat(width + 4);
  const lines: string[] = [];
  for (const c of report.checks) {
    const [first = '', ...rest] = layout(c.detail, { first: '', indent: '', width: view.width - indent.length });
    lines.push(`${paint[c.status](MARK[c.status])} ${c.title.padEnd(width)}  ${first}`.trimEnd(), ...rest.map((l) => `${indent}${l}`));
    if (c.fix && c.status !== 'ok') lines.push(...layout(c.fix, { first: `${indent}fix: `, indent: `${indent}     `, width: view.width }));
  }
  const verdict = summary(report);
  const fails = report.checks.some((c) => c.status === 'fail') || report.unexpected;
  const warns = report.checks.some((c) => c.status === 'warn');
  lines.push('', ...wrap(verdict, view.width).map((l) => (fails ? style.red(l) : warns ? style.yellow(l) : style.green(l))));
  return `${lines.join('\n')}\n`;
}

export function summary(report: Pick<PreflightReport, 'checks' | 'unexpected'>): string {
  const fails = report.checks.filter((c) => c.status === 'fail').length;
  const warns = report.checks.filter((c) => c.status === 'warn').length;
  const w = warns ? `${warns} warning${warns === 1 ? '' : 's'}` : '';
  if (report.unexpected) return 'floe-dev could not run every check (a bug): run again with --verbose and report it.';
  if (fails) {
    return `${fails} prerequisite${fails === 1 ? ' is' : 's are'} missing${w ? ` (and ${w})` : ''}: apply the fixes above and run \`floe-dev doctor\` again.`;
  }
  return w ? `Ready, with ${w}.` : 'All prerequisites are met.';
}

/** `--json`: the same facts, for scripts. */
export function reportJson(report: PreflightReport): string {
  return `${JSON.stringify({ ok: report.ok, checks: report.checks }, null, 2)}\n`;
}
