// How smoke results read: one line per check (name, URL, pass/fail, latency, the reason on failure), a total.
import type { SmokeReport, SmokeResult } from './run.js';

const LABEL: Record<SmokeResult['status'], string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };

export function formatLatency(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function formatSmokeLines(report: Pick<SmokeReport, 'checks'>): string[] {
  const nameWidth = Math.max(0, ...report.checks.map((c) => c.name.length));
  const urlWidth = Math.max(0, ...report.checks.map((c) => c.url.length));
  return report.checks.map((c) => {
    const latency = c.status === 'skip' ? '' : formatLatency(c.latencyMs);
    const line = `${LABEL[c.status]}  ${c.name.padEnd(nameWidth)}  ${c.url.padEnd(urlWidth)}  ${latency.padStart(7)}`;
    return c.reason ? `${line}  ${c.reason}` : line.trimEnd();
  });
}

export function smokeSummary(report: SmokeReport): string {
  const count = (s: SmokeResult['status']) => report.checks.filter((c) => c.status === s).length;
  const [passed, failed, skipped] = [count('pass'), count('fail'), count('skip')];
  const parts = [`${passed} passed`, ...(failed ? [`${failed} failed`] : []), ...(skipped ? [`${skipped} skipped`] : [])];
  return `${report.checks.length} checks: ${parts.join(', ')} in ${formatLatency(report.durationMs)}`;
}

export function formatSmokeReport(report: SmokeReport): string {
  return `${[...formatSmokeLines(report), smokeSummary(report)].join('\n')}\n`;
}
