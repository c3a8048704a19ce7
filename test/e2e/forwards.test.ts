// The forward supervisor, `floe-dev smoke` and `floe-dev status` against the simulated toolchain, after `up`
// installed the platform. Recovery is asserted from the supervisor's record and the fake's call log
// (events), never from elapsed time; processes are checked by pid.
import { existsSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listenersOn } from '../../src/preflight/ports.js';
import type { ForwardRecord } from '../../src/forward/state.js';
import { dockerAvailable, NO_DOCKER_REASON, useHarness, waitFor, type Harness } from './harness.js';
import { expectInstalled, FAST, NS, world, type Obj, type World } from './world.js';

const d = dockerAvailable ? describe : describe.skip;
if (!dockerAvailable) console.warn(`[e2e] forwards.test.ts skipped: ${NO_DOCKER_REASON}`);

/** Running and not a zombie (an exited, unreaped process listens on nothing and runs nothing). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return true; // no /proc: the signal check is all we have
  }
}

const recordPath = (h: Harness, w: World) => join(h.floeHome, 'clusters', w.cluster, 'forwards.json');
const record = (h: Harness, w: World): ForwardRecord | undefined => (existsSync(recordPath(h, w)) ? (JSON.parse(readFileSync(recordPath(h, w), 'utf8')) as ForwardRecord) : undefined);
const entry = (h: Harness, w: World, key: string) => record(h, w)?.forwards.find((f) => f.key === key);
/** Every pid floe-dev's forwards run as: the supervisor and each kubectl. */
const ourPids = (r: ForwardRecord) => [r.pid, ...r.forwards.map((f) => f.pid).filter((p): p is number => p !== undefined)];

/**
 * `up` installed the platform and the supervisor runs the forwards: `up` starts them itself once its
 * forwards step is wired in; until then it stops after the install and `forward start` starts them.
 */
async function platformUp(h: Harness, scenario = {}): Promise<World> {
  const w = await world(h, scenario);
  const up = await w.floeDev(['up']);
  if (up.exitCode !== 0) {
    expectInstalled(up);
    const start = await w.floeDev(['forward', 'start']);
    expect(start.exitCode, start.stderr).toBe(0);
  }
  await waitFor(() => record(h, w)?.forwards.every((f) => f.state === 'up'), 20_000, 'every forward up');
  return w;
}

/** The forward `key` was started again (another kubectl pid than `before`) and answers. */
const cameBack = (h: Harness, w: World, key: string, before: number | undefined) => () => {
  const e = entry(h, w, key);
  return e !== undefined && e.pid !== undefined && e.pid !== before && e.state === 'up';
};

async function smokeOk(w: World): Promise<Obj> {
  const r = await w.floeDev(['smoke', '--json']);
  const report = JSON.parse(r.stdout) as Obj;
  expect(report.checks.filter((c: Obj) => c.status !== 'pass'), r.stdout).toEqual([]);
  expect(r.exitCode).toBe(0);
  return report;
}

async function listen(port = 0): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

d('the forwards after up', { timeout: 360_000 }, () => {
  const h = useHarness();

  it('answer on 127.0.0.1 only; smoke and status pass; a second start is a no-op; down leaves none of our processes', async () => {
    const w = await platformUp(h());
    const rec = record(h(), w)!;
    expect(rec.ports).toEqual({ minio: w.ports.minio, polaris: w.ports.polaris, polarisManagement: w.ports.management, dagster: w.ports.dagster, cube: w.ports.cube });
    for (const port of Object.values(rec.ports)) expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBeGreaterThan(0);

    if (process.platform === 'linux') {
      // Every socket our processes listen on is bound to 127.0.0.1 (the supervisor itself listens on none).
      const tables = ['tcp', 'tcp6'].map((t) => readFileSync(`/proc/net/${t}`, 'utf8'));
      const inodes = (pid: number) =>
        readdirSync(`/proc/${pid}/fd`).map((fd) => { try { return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]; } catch { return undefined; } }).filter(Boolean).map(Number);
      const listening = Object.values(rec.ports).flatMap((port) => listenersOn(port, tables));
      expect(listening.length).toBeGreaterThanOrEqual(5);
      expect([...new Set(listening.map((l) => l.address))]).toEqual(['127.0.0.1']);
      const kubectlSockets = new Set(rec.forwards.flatMap((f) => inodes(f.pid!)));
      for (const l of listening) expect(kubectlSockets.has(l.inode)).toBe(true);
      const supervisorSockets = new Set(inodes(rec.pid));
      const allListening = tables.flatMap((t) => t.split('\n').slice(1)).map((line) => line.trim().split(/\s+/)).filter((c) => c[3] === '0A');
      expect(allListening.filter((c) => supervisorSockets.has(Number(c[9])))).toEqual([]);
    }

    const report = await smokeOk(w);
    expect(report.checks.map((c: Obj) => c.name)).toEqual(expect.arrayContaining(['polaris namespaces listed', 'cube load', 'dagster code location', 'dagster daemon']));

    const status = await w.floeDev(['status']);
    expect(status.exitCode, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toMatch(/Kubernetes v1\.\d+\.\d+/);
    expect(status.stdout).toMatch(/polaris: 1\/1 ready \(healthy\)/);
    expect(status.stdout).toMatch(/bootstrap: complete/);
    for (const [key, port] of Object.entries(rec.ports)) expect(status.stdout).toMatch(new RegExp(`${key}\\s+http://127\\.0\\.0\\.1:${port}\\s+\\(up\\)`));
    expect(status.stdout).toContain(`export KUBECONFIG=${w.kubeconfig}`);
    const json = JSON.parse((await w.floeDev(['status', '--json'])).stdout) as Obj;
    expect(json.ok).toBe(true);
    expect(json.forwards.map((f: Obj) => f.state)).toEqual(['up', 'up', 'up', 'up', 'up']);

    const again = await w.floeDev(['forward', 'start']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain(`Forwards already running (supervisor pid ${rec.pid}): nothing to start`);
    expect(record(h(), w)!.pid).toBe(rec.pid);

    const pids = ourPids(record(h(), w)!);
    expect((await w.floeDev(['down'])).exitCode).toBe(0);
    expect(pids.filter(running)).toEqual([]);
    expect(h().state.forwards()).toEqual([]);
  });

  // Each forward dropped twice (the bench drops 20 for the recovery figure). The test's own timeout is a net for a
  // hang, not a margin: a loaded 2-core machine took over 180 s for 20 rounds.
  it('brings a dropped forward back, and smoke passes again, 10 times in a row', { timeout: 600_000 }, async () => {
    const w = await platformUp(h());
    const keys = ['polaris', 'polarisManagement', 'dagster', 'cube', 'minio'];
    for (let i = 0; i < 10; i++) {
      const key = keys[i % keys.length]!;
      const before = entry(h(), w, key)!.pid!;
      process.kill(before, 'SIGUSR1'); // the fake drops it: "error: lost connection to pod", exit 1
      await waitFor(cameBack(h(), w, key, before), 15_000, `${key} back after drop ${i + 1}`);
      expect(running(before)).toBe(false);
      await smokeOk(w);
    }
    const dropped = h().state.calls('kubectl').filter((c) => c.argv.includes('port-forward') && c.exitCode === 1);
    expect(dropped.length).toBeGreaterThanOrEqual(10);
    expect(record(h(), w)!.forwards.reduce((n, f) => n + f.restarts, 0)).toBeGreaterThanOrEqual(10);
  });

  it('starts again a forward that stays up but stops answering (kubectl#926), and follows a pod restart behind a service', async () => {
    const w = await platformUp(h());
    const stalled = entry(h(), w, 'dagster')!.pid!;
    process.kill(stalled, 'SIGUSR2'); // the fake keeps running, every connection fails
    await waitFor(cameBack(h(), w, 'dagster', stalled), 15_000, 'dagster started again after it stopped answering');
    expect(running(stalled)).toBe(false); // the supervisor stopped the broken one

    const pods = JSON.parse((await w.kubectl(['get', 'pods', '-n', NS, '-l', 'app.kubernetes.io/name=polaris', '-o', 'json'])).stdout) as Obj;
    const oldPod = pods.items[0].metadata.name as string;
    const before = entry(h(), w, 'polaris')!.pid!;
    expect((await w.kubectl(['delete', 'pod', oldPod, '-n', NS])).exitCode).toBe(0);
    await waitFor(cameBack(h(), w, 'polaris', before), 20_000, 'polaris forwarded to the new pod');
    const forwarded = h().state.forwards().find((f) => f.pid === entry(h(), w, 'polaris')!.pid);
    expect(forwarded?.pod).toBeDefined();
    expect(forwarded?.pod).not.toBe(oldPod);
    await smokeOk(w);
  });

  it('names a busy port and its holder; with nextFreePort uses the next free one, and smoke and status use it', async () => {
    const w = await platformUp(h());
    expect((await w.floeDev(['forward', 'stop'])).exitCode).toBe(0);
    const busy = await listen(w.ports.cube);
    try {
      const r = await w.floeDev(['forward', 'start']);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`port ${w.ports.cube} on 127\\.0\\.0\\.1: in use by node \\(pid ${process.pid}`));
      expect(r.stderr).toMatch(/forwards\.nextFreePort: true/);
      expect(record(h(), w)).toBeUndefined();

      const moved = await w.floeDev(['forward', 'start'], { env: { FLOE_DEV_FORWARD_NEXT_FREE_PORT: 'true' } });
      expect(moved.exitCode, moved.stderr).toBe(0);
      const port = record(h(), w)!.ports.cube!;
      expect(port).not.toBe(w.ports.cube);
      expect(moved.stderr).toContain(`forwards.cube: ${w.ports.cube} is in use by node (pid ${process.pid}`);
      expect(moved.stderr).toContain(`using ${port}`);
      expect(moved.stdout).toMatch(new RegExp(`cube\\s+http://127\\.0\\.0\\.1:${port}\\s+\\(up\\)`));
      const report = await smokeOk(w);
      expect(report.checks.filter((c: Obj) => c.service === 'cube').map((c: Obj) => new URL(c.url).port)).toEqual([String(port), String(port), String(port)]);
      const status = await w.floeDev(['status']);
      expect(status.exitCode).toBe(0);
      expect(status.stdout).toMatch(new RegExp(`cube\\s+http://127\\.0\\.0\\.1:${port}\\s+\\(up\\)`));
    } finally {
      busy.close();
    }
  });

  it('reports each failing deep check with its reason', async () => {
    const w = await platformUp(h());
    const credentialsFile = join(h().floeHome, 'clusters', w.cluster, 'credentials.json');
    const original = readFileSync(credentialsFile, 'utf8');
    const smoke = async () => {
      const r = await w.floeDev(['smoke', '--json']);
      expect(r.exitCode).toBe(1);
      const report = JSON.parse(r.stdout) as Obj;
      const text = (await w.floeDev(['smoke'])).stdout;
      return { byName: Object.fromEntries((report.checks as Obj[]).map((c) => [c.name, c])), text, raw: r.stdout + r.stderr + text };
    };
    const edit = (fn: (c: Obj) => void) => {
      const c = JSON.parse(original) as Obj;
      fn(c);
      writeFileSync(credentialsFile, JSON.stringify(c), { mode: 0o600 });
    };

    // Wrong credentials.
    edit((c) => (c.polaris.clientSecret = 'not-the-secret-at-all-0123456789'));
    let r = await smoke();
    expect(r.byName['polaris oauth token']).toMatchObject({ status: 'fail', httpStatus: 401 });
    expect(r.byName['polaris oauth token'].reason).toMatch(/^HTTP 401: unauthorized_client: The client is not authorized/);
    expect(r.byName['polaris catalogs']).toMatchObject({ status: 'skip', reason: 'needs polaris oauth token, which did not pass' });
    expect(r.text).toMatch(/FAIL\s+polaris oauth token\s+http:\/\/127\.0\.0\.1:\d+\/api\/catalog\/v1\/oauth\/tokens\s+\d+(\.\d+)? m?s\s+HTTP 401/);
    expect(r.raw).not.toContain('not-the-secret-at-all-0123456789');

    writeFileSync(credentialsFile, original, { mode: 0o600 });
    // An empty catalog list: the platform catalog dropped.
    await dropCatalog(h(), w, original);

    // A bad JWT signature (another API secret).
    edit((c) => (c.cube.apiSecret = 'x'.repeat(64)));
    r = await smoke();
    expect(r.byName['cube meta']).toMatchObject({ status: 'fail', reason: expect.stringMatching(/^HTTP 403: Invalid token/) });
    expect(r.byName['cube load']).toMatchObject({ status: 'fail', reason: expect.stringMatching(/^HTTP 403: Invalid token/) });
    expect(r.byName['polaris oauth token'].status).toBe('pass');
    writeFileSync(credentialsFile, original, { mode: 0o600 });

    // Empty meta: a model without cubes.
    const model = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cube-model\n  namespace: ${NS}\ndata:\n  platform_components.yml: "cubes: []\\n"\n`;
    const applied = await h().tool('kubectl', ['--kubeconfig', w.kubeconfig, '--context', `kind-${w.cluster}`, 'apply', '--server-side', '--field-manager', 'floe-dev', '--force-conflicts', '-f', '-'], { input: model });
    expect(applied.exitCode, applied.stderr).toBe(0);
    // The code location gone: its Deployment deleted.
    expect((await w.kubectl(['delete', 'deployment', 'dagster-code-location', '-n', NS])).exitCode).toBe(0);
    r = await smoke();
    expect(r.byName['cube meta']).toMatchObject({ status: 'fail', reason: expect.stringMatching(/^cubes is empty/) });
    expect(r.byName['cube load'].reason).toMatch(/^HTTP 400: 'count' not found for path 'platform_components\.count'/);
    expect(r.byName['dagster code location'].reason).toMatch(/^1 of 1 without locationOrLoadError.__typename "RepositoryLocation": example \(locationOrLoadError.__typename is "PythonError"\): dagster._core.errors.DagsterUserCodeUnreachableError/);
    expect(r.byName['polaris catalogs'].reason).toMatch(/^catalogs has no \{"name":"floe"\} \(it lists nothing\)/);
    expect(r.byName['polaris iceberg config'].reason).toMatch(/^HTTP 404: NotFoundException: Unable to find warehouse floe/);
    expect(r.byName['dagster daemon'].status).toBe('pass');
    for (const secret of Object.values(JSON.parse(original) as Obj).flatMap((v) => (typeof v === 'object' ? Object.values(v as Obj) : [])).filter((v) => String(v).length >= 16)) {
      expect(r.raw).not.toContain(String(secret));
    }
  });

  it('status shows a dead forward and an unready service (exit 1); forward status never says up for a port that does not answer', async () => {
    const w = await platformUp(h());
    // Grafana's next pod takes a minute to get ready.
    h().writeScenario({ ...JSON.parse(readFileSync(join(h().stateDir, 'scenario.json'), 'utf8')), services: { ...FAST.services, grafana: { readyAfterMs: 120_000 } } });
    const grafana = JSON.parse((await w.kubectl(['get', 'pods', '-n', NS, '-l', 'app.kubernetes.io/name=grafana', '-o', 'json'])).stdout) as Obj;
    expect((await w.kubectl(['delete', 'pod', grafana.items[0].metadata.name, '-n', NS])).exitCode).toBe(0);
    // Cube's Service gone: its forward cannot be started again.
    expect((await w.kubectl(['delete', 'service', 'cube', '-n', NS])).exitCode).toBe(0);
    process.kill(entry(h(), w, 'cube')!.pid!, 'SIGUSR1');
    await waitFor(() => entry(h(), w, 'cube')?.state === 'dead', 30_000, 'the cube forward dead');

    const status = await w.floeDev(['status']);
    expect(status.exitCode).toBe(1);
    expect(status.stdout).toMatch(/grafana: 0\/1 ready/);
    expect(status.stdout).toMatch(new RegExp(`cube\\s+http://127\\.0\\.0\\.1:${w.ports.cube}\\s+\\(dead: kubectl exited with code 1: Error from server \\(NotFound\\): services "cube" not found\\)`));
    expect(status.stdout).toMatch(/cube: 1\/1 ready \(unknown: forward cube is dead\)/);
    const json = JSON.parse((await w.floeDev(['status', '--json'])).stdout) as Obj;
    expect(json.ok).toBe(false);
    expect(json.forwards.find((f: Obj) => f.key === 'cube').state).toBe('dead');

    // The supervisor killed hard: no forward is up, whatever its record said; down still stops its children.
    const rec = record(h(), w)!;
    process.kill(rec.pid, 'SIGKILL');
    await waitFor(() => !running(rec.pid), 5_000, 'the supervisor gone');
    const forwardStatus = await w.floeDev(['forward', 'status']);
    expect(forwardStatus.exitCode).toBe(1);
    expect(forwardStatus.stdout).not.toMatch(/\(up\)/);
    expect(forwardStatus.stdout).toMatch(/dagster\s+http:\/\/127\.0\.0\.1:\d+\s+\(dead: the forward supervisor is not running/);
    const left = rec.forwards.map((f) => f.pid).filter((p): p is number => p !== undefined && running(p));
    expect(left.length).toBeGreaterThan(0); // kubectl children outlive a SIGKILLed supervisor...
    expect((await w.floeDev(['forward', 'stop'])).exitCode).toBe(0);
    expect(left.filter(running)).toEqual([]); // ...until floe-dev stops them by pid
  });

  it('forward stop leaves nothing; Ctrl-C while starting leaves nothing (exit 130)', async () => {
    const w = await platformUp(h());
    const pids = ourPids(record(h(), w)!);
    const stop = await w.floeDev(['forward', 'stop']);
    expect(stop.stdout).toContain(`Forwards stopped (supervisor pid ${pids[0]})`);
    expect(pids.filter(running)).toEqual([]);
    expect(h().state.forwards()).toEqual([]);
    expect((await w.floeDev(['forward', 'stop'])).stdout).toContain('Forwards: none running');

    // Cube's Service gone, so starting waits on its forward: interrupt it there.
    expect((await w.kubectl(['delete', 'service', 'cube', '-n', NS])).exitCode).toBe(0);
    const start = w.spawnFloeDev(['forward', 'start']);
    await waitFor(() => record(h(), w)?.forwards.some((f) => f.key === 'dagster' && f.state === 'up'), 15_000, 'the supervisor running');
    const started = ourPids(record(h(), w)!);
    start.signal('SIGINT');
    const r = await start.result;
    expect(r.exitCode).toBe(130);
    expect(started.filter(running)).toEqual([]);
    expect(record(h(), w)).toBeUndefined();
    expect(h().state.forwards()).toEqual([]);
  });
});

/** Drops the platform catalog (and the smoke namespace in it) through the Polaris forward. */
async function dropCatalog(h: Harness, w: World, credentials: string): Promise<void> {
  const c = (JSON.parse(credentials) as Obj).polaris;
  const base = `http://127.0.0.1:${record(h, w)!.ports.polaris}`;
  const token = (await (await fetch(`${base}/api/catalog/v1/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret, scope: 'PRINCIPAL_ROLE:ALL' }).toString(),
  })).json()) as Obj;
  const auth = { authorization: `Bearer ${token.access_token}` };
  // Polaris drops only an empty catalog: first the namespace a passing smoke (up's own) made.
  const namespace = await fetch(`${base}/api/catalog/v1/floe/namespaces/floe_smoke`, { method: 'DELETE', headers: auth });
  expect([204, 404]).toContain(namespace.status);
  const deleted = await fetch(`${base}/api/management/v1/catalogs/floe`, { method: 'DELETE', headers: auth });
  expect(deleted.status).toBe(204);
}
