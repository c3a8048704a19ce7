import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FloeError } from '../../../src/errors.js';
import { acquireLock, pidAlive } from '../../../src/state/lock.js';
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

  it('takes over an unreadable (half-written) lock', () => {
    const path = join(dir, 'lock');
    writeFileSync(path, '{"pi');
    acquireLock(path, 'up').release();
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
