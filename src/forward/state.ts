// The forward supervisor's record in the state folder: its pid and ports, each forward's state (written by
// the supervisor alone), and stopping it and its kubectl children by pid.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Clock } from '../clock.js';
import type { ForwardKey } from '../platform/types.js';
import { signalPid } from '../tools/runner.js';
import { isOurProcess, processRunning, sameBoot } from './process.js';

/**
 * `up`: the last probe answered. `starting`: the first kubectl since the supervisor started has not answered
 * yet. `restarting`: it exited or stopped answering and is being started again (capped backoff). `dead`:
 * several attempts in a row never answered; the supervisor keeps retrying at the cap.
 */
export type ForwardState = 'starting' | 'up' | 'restarting' | 'dead';

export interface ForwardEntry {
  key: ForwardKey;
  service: string;
  port: number;
  localPort: number;
  url: string;
  state: ForwardState;
  /** When it entered this state (ISO time). */
  since: string;
  /** kubectl port-forward's pid while one runs. */
  pid?: number;
  /** kubectl processes started after the first. */
  restarts: number;
  /** Attempts in a row that never answered (reset once it answers). */
  failedAttempts: number;
  /** Why it is not up, or why it last went down. */
  lastError?: string;
}

export interface ForwardRecord {
  /** The supervisor process floe-dev started; the only process `down` signals besides its kubectl children. */
  pid: number;
  /** Local port by forward key (what smoke and status use; nextFreePort may have moved one). */
  ports: Record<string, number>;
  /** The machine's boot time when it started: a record from before a reboot names no process of ours. */
  bootTime?: number;
  startedAt?: string;
  updatedAt?: string;
  /** The plan the supervisor runs (its path is on the supervisor's command line). */
  planFile?: string;
  kubeconfig?: string;
  logFile?: string;
  forwards: ForwardEntry[];
}

export function readForwardRecord(path: string): ForwardRecord | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ForwardRecord>;
    if (typeof parsed.pid !== 'number') return undefined;
    return { ...parsed, pid: parsed.pid, ports: parsed.ports ?? {}, forwards: Array.isArray(parsed.forwards) ? parsed.forwards : [] };
  } catch {
    return undefined;
  }
}

/** Written whole under a temporary name, then renamed: readers never see half a record. */
export function writeForwardRecord(path: string, record: ForwardRecord): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** The recorded supervisor still runs (not a zombie, same boot, and where the OS tells: running our plan). */
export function supervisorRunning(record: ForwardRecord): boolean {
  if (!sameBoot(record.bootTime)) return false;
  return record.planFile ? isOurProcess(record.pid, [record.planFile]) : processRunning(record.pid);
}

/** A recorded kubectl port-forward of ours that still runs (a supervisor killed hard leaves them behind). */
function leftoverForwards(record: ForwardRecord): number[] {
  if (!sameBoot(record.bootTime)) return [];
  const markers = ['port-forward', ...(record.kubeconfig ? [record.kubeconfig] : [])];
  return record.forwards.map((f) => f.pid).filter((pid): pid is number => pid !== undefined && isOurProcess(pid, markers));
}

/**
 * Stops the recorded supervisor (SIGTERM: it stops its kubectl children and exits; SIGKILL after `graceMs`),
 * then any kubectl port-forward of ours it left behind, and removes the record and plan.
 * Returns whether anything was running.
 */
export async function stopForwards(path: string, clock: Clock, graceMs = 3_000): Promise<boolean> {
  const record = readForwardRecord(path);
  rmSync(path, { force: true });
  if (!record) return false;
  if (record.planFile) rmSync(record.planFile, { force: true });
  let stopped = false;
  if (supervisorRunning(record)) {
    stopped = true;
    await stopPid(record.pid, clock, graceMs);
  }
  const leftovers = leftoverForwards(record);
  await Promise.all(leftovers.map((pid) => stopPid(pid, clock, graceMs)));
  // The supervisor may have rewritten its record between our removal and its exit.
  rmSync(path, { force: true });
  return stopped || leftovers.length > 0;
}

async function stopPid(pid: number, clock: Clock, graceMs: number): Promise<void> {
  signalPid(pid, 'SIGTERM');
  for (let waited = 0; waited < graceMs && processRunning(pid); waited += 50) await clock.sleep(50);
  if (processRunning(pid)) signalPid(pid, 'SIGKILL');
}
