// One `up`/`down` at a time per cluster: a lock file holding the owner's pid; a dead owner's lock is taken over.
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
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
}

/** Takes the lock or throws naming the running owner. `isAlive` is injectable for tests. */
export function acquireLock(path: string, command: string, isAlive: (pid: number) => boolean = pidAlive): Lock {
  ensureFolder(dirname(path));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      const owner: LockOwner = { pid: process.pid, command, since: new Date().toISOString() };
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      return { release: () => releaseIfOurs(path) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new StateFolderError(dirname(path), fsReason(error, path));
      const owner = readOwner(path);
      if (owner && owner.pid !== process.pid && isAlive(owner.pid)) {
        throw new FloeError(`another floe-dev ${owner.command} (pid ${owner.pid}) is working on this cluster since ${owner.since}`, {
          hint: 'wait for it to finish, or stop it with Ctrl-C in its terminal',
        });
      }
      // Stale (owner dead, or unreadable half-written file): take it over.
      rmSync(path, { force: true });
    }
  }
  throw new FloeError(`could not take the lock ${path}`, { hint: 'another floe-dev is starting at the same moment; try again' });
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof parsed.pid === 'number' ? (parsed as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

function releaseIfOurs(path: string): void {
  if (readOwner(path)?.pid === process.pid) rmSync(path, { force: true });
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
