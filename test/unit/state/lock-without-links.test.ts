// The cluster lock on a file system without hard links (some network and FAT mounts): link(2) fails with EPERM,
// and the lock is taken by exclusive create, then filled; the moment it is empty is covered by the grace period.
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    linkSync: vi.fn(() => {
      throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
    }),
  };
});

const { UNREADABLE_GRACE_MS, acquireLock } = await import('../../../src/state/lock.js');

const T = Date.UTC(2026, 0, 1);
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'floe-lock-nolink-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('acquireLock without hard links', () => {
  it('takes and releases the lock by exclusive create', () => {
    const path = join(dir, 'lock');
    const lock = acquireLock(path, 'up', { pid: 1001, isAlive: () => true, now: () => T });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: 1001, command: 'up' });
    expect(() => acquireLock(path, 'down', { pid: 2002, isAlive: () => true, now: () => T })).toThrowError(/another floe-dev up \(pid 1001\)/);
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('leaves a just-created, still empty lock to its creator; takes it over once it is older than the grace period', () => {
    const path = join(dir, 'lock');
    writeFileSync(path, '');
    utimesSync(path, T / 1000, T / 1000);
    expect(() => acquireLock(path, 'down', { pid: 2002, isAlive: () => true, now: () => T + 1 })).toThrowError(/still being written/);
    const lock = acquireLock(path, 'down', { pid: 2002, isAlive: () => true, now: () => T + UNREADABLE_GRACE_MS + 1 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: 2002 });
    lock.release();
  });
});
