// The supervisor's record and stopping by pid: only processes that are ours (running, this boot, our command
// line) are signalled; a supervisor killed hard leaves kubectl children that are stopped too.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { bootTime, processRunning } from '../../../src/forward/process.js';
import { readForwardRecord, stopForwards, supervisorRunning, writeForwardRecord, type ForwardRecord } from '../../../src/forward/state.js';

const linux = process.platform === 'linux';
let dir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'floe-forward-state-'));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A node process whose command line carries `args` (markers); `ignoreTerm` makes it need SIGKILL. */
async function proc(args: string[], ignoreTerm = false): Promise<ChildProcess> {
  const code = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000); console.log('ready')`;
  const child = spawn(process.execPath, ['-e', code, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  return child;
}

const record = (over: Partial<ForwardRecord>): ForwardRecord => ({ pid: 999_999, ports: { cube: 4000 }, bootTime: bootTime(), forwards: [], ...over });

describe('the forward record', () => {
  it('reads nothing from a missing or unreadable file, and keeps an older record that has only pid and ports', () => {
    const path = join(dir, 'forwards.json');
    expect(readForwardRecord(path)).toBeUndefined();
    writeFileSync(path, '{not json');
    expect(readForwardRecord(path)).toBeUndefined();
    writeFileSync(path, JSON.stringify({ pid: 12, ports: { dagster: 3000 } }));
    expect(readForwardRecord(path)).toEqual({ pid: 12, ports: { dagster: 3000 }, forwards: [] });
  });

  it('is written whole and private (0600)', () => {
    const path = join(dir, 'forwards.json');
    writeForwardRecord(path, record({ pid: 5 }));
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(5);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

describe('supervisorRunning', () => {
  it('is true for a running process with our plan on its command line', async () => {
    const plan = join(dir, 'forwards-plan.json');
    const p = await proc([plan]);
    expect(supervisorRunning(record({ pid: p.pid!, planFile: plan }))).toBe(true);
  });

  it('is false for a pid that no longer runs, a record from another boot, or (Linux) a process running something else', async () => {
    const p = await proc(['something-else']);
    expect(supervisorRunning(record({ pid: 999_999_9 }))).toBe(false);
    expect(supervisorRunning(record({ pid: p.pid!, bootTime: bootTime() - 86_400_000 }))).toBe(false);
    if (linux) expect(supervisorRunning(record({ pid: p.pid!, planFile: join(dir, 'forwards-plan.json') }))).toBe(false);
  });

  it.skipIf(!linux)('does not count an exited, unreaped process (a zombie) as running', async () => {
    // `sleep 0` exits at once; its parent execs into `sleep 5`, which never reaps it: a zombie for 5 s.
    const parent = spawn('/bin/sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(parent);
    const zombie = Number(String(await new Promise((r) => parent.stdout!.once('data', r))).trim());
    for (let i = 0; i < 100 && !readFileSync(`/proc/${zombie}/stat`, 'utf8').includes(') Z '); i++) await new Promise((r) => setTimeout(r, 20));
    expect(readFileSync(`/proc/${zombie}/stat`, 'utf8')).toContain(') Z ');
    expect(processRunning(zombie)).toBe(false);
    expect(processRunning(parent.pid!)).toBe(true);
  });
});

describe('stopForwards', () => {
  it('stops the supervisor by pid, removes its record and plan, and says it did', async () => {
    const plan = join(dir, 'forwards-plan.json');
    writeFileSync(plan, '{}');
    const p = await proc([plan]);
    const path = join(dir, 'forwards.json');
    writeForwardRecord(path, record({ pid: p.pid!, planFile: plan }));
    const exited = new Promise((r) => p.once('exit', (_code, signal) => r(signal)));
    expect(await stopForwards(path, systemClock, 2_000)).toBe(true);
    expect(await exited).toBe('SIGTERM');
    expect(existsSync(path)).toBe(false);
    expect(existsSync(plan)).toBe(false);
  });

  it('kills a supervisor that ignores SIGTERM once the grace period is over', async () => {
    const plan = join(dir, 'forwards-plan.json');
    const p = await proc([plan], true);
    const path = join(dir, 'forwards.json');
    writeForwardRecord(path, record({ pid: p.pid!, planFile: plan }));
    const exited = new Promise((r) => p.once('exit', (_code, signal) => r(signal)));
    expect(await stopForwards(path, systemClock, 100)).toBe(true);
    expect(await exited).toBe('SIGKILL');
  });

  it('stops the kubectl port-forwards a dead supervisor left behind, and nothing else', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    const ours = await proc(['port-forward', '--kubeconfig', kubeconfig, 'service/cube']);
    const stranger = await proc(['port-forward', '--kubeconfig', '/somebody/elses/kubeconfig']);
    const path = join(dir, 'forwards.json');
    const entry = { service: 'cube', port: 4000, localPort: 4000, url: 'http://127.0.0.1:4000', state: 'up' as const, since: '', restarts: 0, failedAttempts: 0 };
    writeForwardRecord(path, record({ pid: 999_999_9, kubeconfig, forwards: [{ ...entry, key: 'cube', pid: ours.pid! }, { ...entry, key: 'dagster', pid: stranger.pid! }] }));
    const exited = new Promise((r) => ours.once('exit', r));
    expect(await stopForwards(path, systemClock, 2_000)).toBe(true);
    await exited;
    if (linux) expect(processRunning(stranger.pid!)).toBe(true);
  });

  it('does nothing (and says so) when no record exists or its pid is gone', async () => {
    const path = join(dir, 'forwards.json');
    expect(await stopForwards(path, systemClock)).toBe(false);
    writeForwardRecord(path, record({ pid: 999_999_9 }));
    expect(await stopForwards(path, systemClock)).toBe(false);
    expect(existsSync(path)).toBe(false);
  });
});
