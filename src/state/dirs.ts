// Creating floe-dev's state folders: one level at a time, so that a folder that cannot exist is an error that
// names it and says why, at once. Node's recursive mkdir spins forever where the parent exists but refuses
// children with ENOENT (/proc, a dangling link): FLOE_DEV_HOME=/proc/nope hung at 100 % CPU.
import { accessSync, constants, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** The state folder cannot be used: the user's environment is at fault (exit 2), never a crash or a hang. */
export class StateFolderError extends UsageError {
  constructor(
    readonly folder: string,
    readonly reason: string,
  ) {
    super(`floe-dev cannot use the state folder ${folder}: ${reason}`, {
      hint: 'point FLOE_DEV_HOME at a folder you can write (floe-dev keeps each cluster’s kubeconfig, credentials and lock there), or fix this one',
    });
  }
}

/** Why a file-system call failed, in words; `at` is the path it failed on. */
export function fsReason(error: unknown, at: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `${at} cannot be created (the file system there does not take new folders)`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `${at} is a file, not a folder`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${at}`;
    case 'EROFS':
      return `${at} is on a read-only file system`;
    case 'ENOSPC':
      return `no space left on the device holding ${at}`;
    case 'EDQUOT':
      return `the disk quota is exhausted for ${at}`;
    default:
      return `${at}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * Makes `folder` (mode 0700) and any missing parents, and checks it can be written. Throws a StateFolderError
 * naming the folder and the reason; never loops.
 */
export function ensureFolder(folder: string): void {
  const target = resolve(folder);
  const missing: string[] = [];
  let existing = target;
  for (;;) {
    const kind = kindOf(existing);
    if (kind === 'folder') break;
    if (kind === 'other') throw new StateFolderError(target, `${existing} is a file, not a folder`);
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  for (const path of missing) {
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch (error) {
      // Made meanwhile by another floe-dev: fine if it is a folder.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && kindOf(path) === 'folder') continue;
      throw new StateFolderError(target, fsReason(error, path));
    }
  }
  try {
    accessSync(target, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new StateFolderError(target, (error as NodeJS.ErrnoException).code === 'EACCES' ? `${target} is not writable` : fsReason(error, target));
  }
}

function kindOf(path: string): 'folder' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    // ENOTDIR: a parent is a file; the walk up finds it and says so.
    if (code === 'ENOTDIR') return 'missing';
    throw new StateFolderError(path, fsReason(error, path));
  }
}

/**
 * writeFileSync for a file of the state folder. A write that fails part-way (ENOSPC from write(2)) carries no
 * path in Node's error: this one always names the file, so the user is told which one could not be written.
 */
export function writeStateFile(path: string, text: string, mode = 0o600): void {
  try {
    writeFileSync(path, text, { mode });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e && typeof e === 'object' && e.code && !e.path) e.path = path;
    throw error;
  }
}
