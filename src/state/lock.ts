// One `up`/`down` at a time per cluster: a lock file holding the owner's pid; a dead owner's lock is taken over.
//
// Taking it is atomic: the owner record is written whole to a temporary file, then hard-linked to the lock's name
// (link(2) fails with EEXIST when the lock exists), so a lock floe-dev publishes is never empty or half-written.
// Taking over is guarded: the lock is judged stale only when its owner is provably dead (its pid is gone) or, for a
// lock that cannot be read (written by another tool, or by the write-then-fill scheme where links are not
// supported), when it is older than a grace period; and it is removed only under a second, exclusive "takeover"
// file, after checking it is still the very file that was judged (same inode, same content). Two runs can then never
// both hold the lock: a taker that lost the race finds the winner's live lock in place and stops.
import { randomUUID } from 'node:crypto';
import { closeSync, fstatSync, linkSync, openSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FloeError } from '../errors.js';
import { StateFolderError, ensureFolder, fsReason } from './dirs.js';

export interface Lock {
  release(): void;
}

interface LockOwner {
  pid: number;
  command: string;
  since: string;
  /** This acquisition's own mark: release removes the lock only while it is still ours (pids are reused). */
  token?: string;
}

/**
 * A lock that cannot be read is someone's lock being written for this long: a run that creates the file and then
 * fills it (where hard links are not supported) needs microseconds; anything older is left over from a crash.
 */
export const UNREADABLE_GRACE_MS = 10_000;

/** Where an acquisition is, for tests that interleave two of them deterministically (hold points). */
export type LockPoint =
  /** The owner record is written to its temporary file; the lock is about to be linked. */
  | 'written'
  /** The lock was there: it has just been read, and is about to be judged. */
  | 'found'
  /** The takeover file is ours; the stale lock is about to be checked again and removed. */
  | 'guarded';

export interface LockOptions {
  /** Whether a pid is a running process (injectable for tests). */
  isAlive?: (pid: number) => boolean;
  /** The pid recorded as the owner (tests run several "processes" in one). */
  pid?: number;
  /** Epoch milliseconds, for the grace period of an unreadable lock. */
  now?: () => number;
  /** Called at each hold point, synchronously. */
  at?: (point: LockPoint) => void;
}

/** Takes the lock or throws naming the running owner. */
export function acquireLock(path: string, command: string, options: LockOptions | ((pid: number) => boolean) = {}): Lock {
  const { isAlive = pidAlive, pid = process.pid, now = Date.now, at = () => {} } = typeof options === 'function' ? { isAlive: options } : options;
  const folder = dirname(path);
  ensureFolder(folder);
  const token = randomUUID();
  const record = JSON.stringify({ pid, command, since: new Date(now()).toISOString(), token } satisfies LockOwner);
  const temp = `${path}.${pid}.${token}.tmp`;
  try {
    writeFileSync(temp, record, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    throw new StateFolderError(folder, fsReason(error, temp));
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      at('written');
      if (publish(temp, path, record)) return { release: () => releaseIfOurs(path, token) };
      const found = readLock(path);
      at('found');
      if (!found) continue; // released meanwhile: try again
      const owner = found.owner;
      if (owner && owner.pid !== pid && isAlive(owner.pid)) throw busy(owner);
      if (!owner && now() - found.mtimeMs <= UNREADABLE_GRACE_MS) {
        throw new FloeError(`another floe-dev is taking the lock ${path} at this moment (it is still being written)`, {
          hint: 'wait for it to finish, or try again in a few seconds',
        });
      }
      // Stale: its owner is dead (a pid equal to ours is a dead run's pid reused), or unreadable and old.
      takeOver(path, found, { pid, now, at, isAlive });
    }
  } finally {
    rmSync(temp, { force: true });
  }
  throw new FloeError(`could not take the lock ${path}`, { hint: 'another floe-dev is starting at the same moment; try again' });
}

function busy(owner: LockOwner): FloeError {
  return new FloeError(`another floe-dev ${owner.command} (pid ${owner.pid}) is working on this cluster since ${owner.since}`, {
    hint: 'wait for it to finish, or stop it with Ctrl-C in its terminal',
  });
}

/** Puts the lock in place if there is none: true when it is ours. */
function publish(temp: string, path: string, record: string): boolean {
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw new StateFolderError(dirname(path), fsReason(error, path));
  }
  // A file system without hard links (some network and FAT mounts): exclusive create, then fill. For the moment
  // between the two the file is empty, which the grace period covers.
  try {
    writeFileSync(path, record, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StateFolderError(dirname(path), fsReason(error, path));
  }
}

interface FoundLock {
  owner: LockOwner | undefined;
  text: string;
  ino: number;
  dev: number;
  mtimeMs: number;
}

/** The lock as it is now (one open: content and identity belong together); undefined when there is none. */
function readLock(path: string): FoundLock | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Unreadable (permissions): judged as a lock that cannot be read, by its age. stat needs no read access.
    try {
      const stat = statSync(path);
      return { owner: undefined, text: '', ino: stat.ino, dev: stat.dev, mtimeMs: stat.mtimeMs };
    } catch {
      return undefined;
    }
  }
  try {
    const stat = fstatSync(fd);
    const text = readFileSync(fd, 'utf8');
    return { owner: parseOwner(text), text, ino: stat.ino, dev: stat.dev, mtimeMs: stat.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner> | null;
    return parsed && typeof parsed.pid === 'number' && Number.isInteger(parsed.pid) && parsed.pid > 0
      ? { pid: parsed.pid, command: String(parsed.command ?? 'run'), since: String(parsed.since ?? 'an unknown time'), ...(typeof parsed.token === 'string' ? { token: parsed.token } : {}) }
      : undefined;
  } catch {
    return undefined;
  }
}

/** A takeover file whose owner is dead and that is older than this was left by a crash inside the takeover. */
const GUARD_STALE_MS = 10_000;

/**
 * Removes the stale lock `judged`, under the takeover file, and only if it is still that file: a taker that was
 * slower than another finds the other's fresh lock instead and leaves it alone.
 */
function takeOver(path: string, judged: FoundLock, options: { pid: number; now: () => number; at: (point: LockPoint) => void; isAlive: (pid: number) => boolean }): void {
  const guard = `${path}.takeover`;
  try {
    writeFileSync(guard, JSON.stringify({ pid: options.pid, since: new Date(options.now()).toISOString() }), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new StateFolderError(dirname(path), fsReason(error, guard));
    const other = readLock(guard);
    if (other && !(other.owner && options.isAlive(other.owner.pid)) && options.now() - other.mtimeMs > GUARD_STALE_MS) rmSync(guard, { force: true });
    // Another run is taking over right now (or was, and has just been cleared): the next attempt looks again.
    return;
  }
  try {
    options.at('guarded');
    const current = readLock(path);
    if (current && current.ino === judged.ino && current.dev === judged.dev && current.text === judged.text) unlinkSync(path);
  } finally {
    rmSync(guard, { force: true });
  }
}

function releaseIfOurs(path: string, token: string): void {
  const found = readLock(path);
  if (found?.owner?.token === token) rmSync(path, { force: true });
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
