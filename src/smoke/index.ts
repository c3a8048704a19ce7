// `floe-dev smoke` as a library: the checks of the selected services, sent through the running forwards
// with the cluster's credentials. Used by the smoke command and the last step of `up`.
import { durationMs } from '../config/schema.js';
import type { Context } from '../context.js';
import { FloeError } from '../errors.js';
import { readForwardRecord, supervisorRunning, type ForwardState } from '../forward/state.js';
import type { ForwardKey } from '../platform/types.js';
import { plannedChecks } from './checks.js';
import { runSmoke, type SmokeReport, type SmokeResult } from './run.js';

export type { SmokeReport, SmokeResult } from './run.js';
export { formatSmokeLines, formatSmokeReport, smokeSummary } from './report.js';

/**
 * The local port of each forward: the running supervisor's (nextFreePort may have moved one), else the
 * configured ones (the checks then say the forward does not answer).
 */
export function smokePorts(ctx: Pick<Context, 'config' | 'paths'>): Partial<Record<ForwardKey, number>> {
  const record = readForwardRecord(ctx.paths.forwards);
  if (record && supervisorRunning(record)) return record.ports as Partial<Record<ForwardKey, number>>;
  const { nextFreePort: _, ...ports } = ctx.config.forwards;
  return ports;
}

/** What the running supervisor says of a forward now (read fresh: it rewrites its record on every change). */
function forwardState(ctx: Pick<Context, 'paths'>, key: ForwardKey): ForwardState | undefined {
  const record = readForwardRecord(ctx.paths.forwards);
  if (!record || !supervisorRunning(record)) return undefined;
  return record.forwards.find((f) => f.key === key)?.state;
}

export interface SmokeProgress {
  onResult?(result: SmokeResult): void;
  onForwardWait?(check: string, forward: ForwardKey, state: ForwardState): void;
}

export async function smoke(ctx: Context, progress: SmokeProgress = {}): Promise<SmokeReport> {
  const { existsSync } = await import('node:fs');
  if (!existsSync(ctx.paths.credentials)) {
    throw new FloeError(`no credentials for cluster ${ctx.config.cluster.name} (${ctx.paths.credentials}): run floe-dev up`, { hint: 'floe-dev up installs the platform and writes them' });
  }
  const record = readForwardRecord(ctx.paths.forwards);
  if (!record || !supervisorRunning(record)) ctx.log.warn('the forwards are not running, so the checks cannot reach the services: `floe-dev forward start` starts them');
  const { loadOrCreateCredentials } = await import('../platform/credentials.js');
  const credentials = loadOrCreateCredentials(ctx.paths.credentials);
  return runSmoke({
    checks: plannedChecks(ctx.config),
    ports: smokePorts(ctx),
    credentials,
    http: ctx.tools.http,
    clock: ctx.clock,
    signal: ctx.signal,
    timeoutMs: durationMs(ctx.config.timeouts.smoke),
    forwardState: (key) => forwardState(ctx, key),
    ...progress,
  });
}
