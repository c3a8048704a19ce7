// The preflight report as text (one line per check, the fix under it) and as JSON.
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

export function formatReport(report: PreflightReport): string {
  const width = Math.max(...report.checks.map((c) => c.title.length), 0);
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${MARK[c.status]} ${c.title.padEnd(width)}  ${c.detail}`);
    if (c.fix && c.status !== 'ok') lines.push(`  ${' '.repeat(width)}  fix: ${c.fix}`);
  }
  lines.push('', summary(report));
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
