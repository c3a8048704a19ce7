import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FloeError } from '../../../src/errors.js';
import { UNREADABLE_GRACE_MS, acquireLock, pidAlive, type Lock, type LockPoint } from '../../../src/state/lock.js';
import { clusterPaths, stateHome } from '../../../src/state/paths.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'floe-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('acquireLock', () => {
  it('creates the lock with our pid and removes it on release', () => {
    const path = join(dir, 'c', 'lock');
    const lock = acquireLock(path, 'up');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, command: 'up' });
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses while a live process holds it, naming the owner', () => {
    const path = join(dir, 'lock');
    writeFileSync(path, JSON.stringify({ pid: 424242, command: 'down', since: '2026-01-01T00:00:00Z' }));
    expect(() => acquireLock(path, 'up', () => true)).toThrowError(FloeError);
    expect(() => acquireLock(path, 'up', () => true)).toThrowError(/another floe-dev down \(pid 424242\)/);
  });

  it('takes over a stale lock left by a dead process', () => {
    const path = join(dir, 'lock');
    writeFileSync(path, JSON.stringify({ pid: 424242, command: 'up', since: '2026-01-01T00:00:00Z' }));
    const lock = acquireLock(path, 'up', () => false);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over an unreadable lock only once it is older than the grace period', () => {
    const path = join(dir, 'lock');
    writeFileSync(path, '{"pi');
    utimesSync(path, T / 1000, T / 1000);
    expect(() => acquireLock(path, 'up', { now: () => T + UNREADABLE_GRACE_MS })).toThrowError(/another floe-dev is taking the lock .* at this moment/);
    expect(readFileSync(path, 'utf8')).toBe('{"pi');
    acquireLock(path, 'up', { now: () => T + UNREADABLE_GRACE_MS + 1 }).release();
    expect(existsSync(path)).toBe(false);
  });

  it('does not remove a lock another process took after ours was taken over', () => {
    const path = join(dir, 'lock');
    const lock = acquireLock(path, 'up');
    writeFileSync(path, JSON.stringify({ pid: 1, command: 'up', since: 'now' }));
    lock.release();
    expect(existsSync(path)).toBe(true);
  });
});

/** Epoch ms of the files' mtimes in these tests: the grace period is judged against `now`, never the wall clock. */
const T = Date.UTC(2026, 0, 1);

/** Several "processes" in one: each acquisition names its pid; the live ones are listed. */
function world(...alive: number[]) {
  const live = new Set(alive);
  return {
    live,
    as: (pid: number, at?: (point: LockPoint) => void) => ({ pid, isAlive: (p: number) => live.has(p), now: () => T, ...(at ? { at } : {}) }),
  };
}

const ownerOf = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { pid: number }).pid;

describe('acquireLock under a race (hold points: one acquisition runs inside another, step by step)', () => {
  it('a lock another run has created but not yet filled is not taken over (the bug: both held it)', () => {
    const path = join(dir, 'lock');
    // Run A (pid 1001) has created the file, as an exclusive create does, and has not yet written its pid.
    writeFileSync(path, '');
    utimesSync(path, T / 1000, T / 1000);
    const w = world(1001, 2002);
    expect(() => acquireLock(path, 'down', w.as(2002))).toThrowError(/another floe-dev is taking the lock .* at this moment/);
    // A writes its pid: it holds the lock, and B is told so.
    writeFileSync(path, JSON.stringify({ pid: 1001, command: 'up', since: 'then' }));
    expect(() => acquireLock(path, 'down', w.as(2002))).toThrowError(/another floe-dev up \(pid 1001\)/);
    expect(ownerOf(path)).toBe(1001);
  });

  it('a lock is never visible half-written: it appears whole, with its owner, or not at all', () => {
    const path = join(dir, 'lock');
    const w = world(1001, 2002);
    const seen: string[] = [];
    const lock = acquireLock(path, 'up', w.as(1001, (point) => point === 'written' && seen.push(existsSync(path) ? readFileSync(path, 'utf8') : '(none)')));
    expect(seen).toEqual(['(none)']);
    expect(ownerOf(path)).toBe(1001);
    lock.release();
  });

  it('B gets in while A is between writing its record and linking it: A then finds B and stops', () => {
    const path = join(dir, 'lock');
    const w = world(1001, 2002);
    let b: Lock | undefined;
    const a = () =>
      acquireLock(path, 'up', w.as(1001, (point) => {
        if (point === 'written' && !b) b = acquireLock(path, 'down', w.as(2002));
      }));
    expect(a).toThrowError(/another floe-dev down \(pid 2002\)/);
    expect(ownerOf(path)).toBe(2002);
    b!.release();
    expect(existsSync(path)).toBe(false);
  });

  it('two runs find the same stale lock: the first takes it over, the second sees the first alive and stops', () => {
    const path = join(dir, 'lock');
    writeFileSync(path, JSON.stringify({ pid: 111, command: 'up', since: 'long ago' }));
    const w = world(1001, 2002); // 111 is dead
    let a: Lock | undefined;
    // B reads the stale lock; before it acts, A takes the lock over entirely.
    const b = () =>
      acquireLock(path, 'down', w.as(2002, (point) => {
        if (point === 'found' && !a) a = acquireLock(path, 'up', w.as(1001));
      }));
    expect(b).toThrowError(/another floe-dev up \(pid 1001\)/);
    expect(ownerOf(path)).toBe(1001);
    a!.release();
    expect(existsSync(path)).toBe(false);
  });

  it('while one run removes a stale lock, another cannot take over too: exactly one holds it', () => {
    const path = join(dir, 'lock');
    writeFileSync(path, JSON.stringify({ pid: 111, command: 'up', since: 'long ago' }));
    const w = world(1001, 2002);
    let aError: unknown;
    const b = acquireLock(path, 'down', w.as(2002, (point) => {
      if (point !== 'guarded' || aError) return;
      // B holds the takeover file and has not yet removed the stale lock: A tries now.
      try {
        acquireLock(path, 'up', w.as(1001));
      } catch (error) {
        aError = error;
      }
    }));
    expect(aError).toBeInstanceOf(FloeError);
    expect(ownerOf(path)).toBe(2002);
    b.release();
  });

  it('a stale lock whose owner has come back to life meanwhile is left alone', () => {
    const path = join(dir, 'lock');
    writeFileSync(path, JSON.stringify({ pid: 111, command: 'up', since: 'then' }));
    const w = world(2002);
    // The judged file is replaced (a new inode) by the time the takeover looks again: it is not the one judged.
    const b = () =>
      acquireLock(path, 'down', w.as(2002, (point) => {
        if (point !== 'guarded' || w.live.has(1001)) return;
        w.live.add(1001);
        rmSync(path);
        writeFileSync(path, JSON.stringify({ pid: 1001, command: 'up', since: 'now' }));
      }));
    expect(b).toThrowError(/another floe-dev up \(pid 1001\)/);
    expect(ownerOf(path)).toBe(1001);
  });

  it('takes over a lock whose pid is ours but not its mark (a dead run whose pid was reused)', () => {
    const path = join(dir, 'lock');
    writeFileSync(path, JSON.stringify({ pid: 2002, command: 'up', since: 'then', token: 'someone-else' }));
    const lock = acquireLock(path, 'up', world(2002).as(2002));
    expect(ownerOf(path)).toBe(2002);
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('leaves nothing of its own beside the lock, whatever happened', () => {
    const path = join(dir, 'lock');
    const w = world(1001, 2002);
    const a = acquireLock(path, 'up', w.as(1001));
    expect(() => acquireLock(path, 'down', w.as(2002))).toThrowError(FloeError);
    expect(readdirSync(dir)).toEqual(['lock']);
    a.release();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('pidAlive', () => {
  it('knows our own process is alive and a reaped pid is not', async () => {
    expect(pidAlive(process.pid)).toBe(true);
    const { execa } = await import('execa');
    const child = await execa('node', ['-e', 'process.stdout.write(String(process.pid))']);
    expect(pidAlive(Number(child.stdout))).toBe(false);
  });
});

describe('state paths', () => {
  it.each([
    [{ FLOE_DEV_HOME: '/x/home' }, '/x/home'],
    [{ XDG_STATE_HOME: '/x/state', HOME: '/h' }, '/x/state/floe-dev'],
    [{ XDG_STATE_HOME: 'relative', HOME: '/h' }, '/h/.local/state/floe-dev'],
    [{ HOME: '/h' }, '/h/.local/state/floe-dev'],
  ])('%o → %s', (env, expected) => {
    expect(stateHome(env)).toBe(expected);
  });

  it('keeps one folder per cluster', () => {
    const a = clusterPaths({ FLOE_DEV_HOME: '/s' }, 'a');
    const b = clusterPaths({ FLOE_DEV_HOME: '/s' }, 'b');
    expect(a.kubeconfig).toBe('/s/clusters/a/kubeconfig');
    expect(b.dir).toBe('/s/clusters/b');
  });
});
