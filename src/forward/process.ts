// Is a recorded pid still one of our processes? Zombies do not count, a pid from before a reboot is not ours,
// and on Linux its command line must carry our marker (pids are reused).
import { readFileSync } from 'node:fs';
import { uptime } from 'node:os';
import { pidAlive } from '../state/lock.js';

/** When this machine booted (ms since the epoch, to the second): a record from another boot names no live process. */
export function bootTime(now = Date.now()): number {
  return Math.round((now - uptime() * 1000) / 1000) * 1000;
}

/** Boot times measured at different moments differ by rounding; a reboot moves it by far more. */
export function sameBoot(recorded: number | undefined, now = Date.now()): boolean {
  return recorded === undefined || Math.abs(bootTime(now) - recorded) <= 5_000;
}

/** /proc/PID/stat's state letter (Linux), or undefined where there is no /proc or no such process. */
function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** The process exists and has not exited (an unreaped zombie has exited: nothing runs, nothing listens). */
export function processRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return false;
  const state = procState(pid);
  return state !== 'Z' && state !== 'X';
}

/** The command line of a process (Linux /proc), or undefined where the OS does not tell us cheaply. */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

/** Running and, where the OS shows command lines, carrying every marker (e.g. a path only our processes are given). */
export function isOurProcess(pid: number, markers: readonly string[]): boolean {
  if (!processRunning(pid)) return false;
  const cmdline = commandLineOf(pid);
  return cmdline === undefined || markers.every((m) => cmdline.includes(m));
}
