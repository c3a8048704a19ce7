// The forward supervisor's record in the state folder ({pid, ports}) and stopping it by pid.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Clock } from '../clock.js';
import { pidAlive } from '../state/lock.js';

export interface ForwardRecord {
  /** The supervisor process floe-dev started; the only process `down` ever signals. */
  pid: number;
  ports: Record<string, number>;
}

export function readForwardRecord(path: string): ForwardRecord | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ForwardRecord>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, ports: parsed.ports ?? {} } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops the recorded supervisor (SIGTERM, then SIGKILL after `graceMs`) and removes the record.
 * Returns whether a live supervisor was stopped.
 */
export async function stopForwards(path: string, clock: Clock, graceMs = 3_000): Promise<boolean> {
  const record = readForwardRecord(path);
  rmSync(path, { force: true });
  if (!record || !pidAlive(record.pid)) return false;
  process.kill(record.pid, 'SIGTERM');
  for (let waited = 0; waited < graceMs && pidAlive(record.pid); waited += 100) await clock.sleep(100);
  if (pidAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
  return true;
}
