// The built floe-dev CLI as a subprocess against the simulated toolchain: what works today (render, doctor,
// down's safety rules). The full `up` → smoke → status → down journey is in platform.test.ts, pending.
import { createHmac } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { normalizeRef } from '../../fixtures/lib/images.js';
import { FIXTURES_BIN, cliBuilt, dockerAvailable, forwardPortEnv, useHarness, waitFor, type Harness } from './harness.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- kubectl/HTTP JSON, read field by field

if (!cliBuilt) console.warn('[e2e] cli.test.ts skipped: dist/main.js is missing; run `npm run build` (npm test does)');

const NS = 'floe-platform';

describe.skipIf(!cliBuilt)('floe-dev render, applied by the fake kubectl', () => {
  const h = useHarness({ scenario: { defaults: { readyAfterMs: 60 } } });

  async function renderAndApply(harness: Harness) {
    const rendered = await harness.floeDev(['render']);
    expect(rendered.exitCode).toBe(0);
    const cluster = await harness.createCluster('floe-dev');
    const k = (args: string[], input?: string) => harness.tool('kubectl', [...cluster.kubectlArgs, ...args], input === undefined ? {} : { input });
    const applied = await k(['apply', '--server-side', '--field-manager', 'floe-dev', '-f', '-'], rendered.stdout);
    return { rendered, applied, cluster, k };
  }

  it('applies cleanly, and every workload becomes ready (Jobs complete)', async () => {
    const { rendered, applied, cluster, k } = await renderAndApply(h());
    expect(applied.stderr).toBe('');
    expect(applied.exitCode).toBe(0);
    const documents = rendered.stdout.split(/^---$/m).filter((d) => d.trim()).length;
    expect(applied.stdout.trim().split('\n')).toHaveLength(documents);
    expect(applied.stdout).toMatch(/^namespace\/floe-platform serverside-applied$/m);
    const kinds = new Set(h().state.objects(cluster.name, { namespace: NS }).map((o) => o.object.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(['Deployment', 'StatefulSet', 'Job', 'Service', 'Secret', 'ConfigMap']));

    h().advanceClock(600_000); // ten minutes on the cluster's clock: far past every readiness time, however slow the machine
    await waitFor(async () => {
      const pods = (JSON.parse((await k(['get', 'pods', '-n', NS, '-o', 'json'])).stdout) as Obj).items as Obj[];
      return pods.length > 0 && pods.every((p) => p.status.phase === 'Succeeded' || p.status.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True'));
    }, 10_000, 'every pod ready or completed');
    const deployments = (JSON.parse((await k(['get', 'deployments', '-n', NS, '-o', 'json'])).stdout) as Obj).items as Obj[];
    expect(deployments.map((d) => [d.metadata.name, d.status.readyReplicas === d.spec.replicas])).toEqual(deployments.map((d) => [d.metadata.name, true]));
    const jobs = (JSON.parse((await k(['get', 'jobs', '-n', NS, '-o', 'json'])).stdout) as Obj).items as Obj[];
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.every((j) => j.status.succeeded === 1)).toBe(true);
  });

  it('is stable: rendering again and re-applying changes nothing', async () => {
    const { cluster, k } = await renderAndApply(h());
    const before = h().state.objects(cluster.name).map((o) => [o.object.kind, o.object.metadata.name, o.resourceVersion]);
    const again = await h().floeDev(['render']);
    expect(again.exitCode).toBe(0);
    expect((await k(['apply', '--server-side', '--field-manager', 'floe-dev', '-f', '-'], again.stdout)).exitCode).toBe(0);
    const after = h().state.objects(cluster.name).map((o) => [o.object.kind, o.object.metadata.name, o.resourceVersion]);
    expect(after).toEqual(before);
  });

  it('wires the services so the smoke checks pass through port-forwards (credentials, workspace, model)', async () => {
    const { k, cluster } = await renderAndApply(h());
    h().advanceClock(600_000); // ten minutes on the cluster's clock: far past every readiness time, however slow the machine
    await waitFor(async () => {
      const pods = (JSON.parse((await k(['get', 'pods', '-n', NS, '-o', 'json'])).stdout) as Obj).items as Obj[];
      return pods.length > 0 && pods.every((p) => p.status.phase === 'Succeeded' || p.status.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True'));
    }, 10_000, 'every pod ready or completed');
    const secret = async (name: string): Promise<Record<string, string>> => {
      const data = (JSON.parse((await k(['get', 'secret', name, '-n', NS, '-o', 'json'])).stdout) as Obj).data as Record<string, string>;
      return Object.fromEntries(Object.entries(data).map(([key, v]) => [key, Buffer.from(v, 'base64').toString()]));
    };
    const forward = async (svc: string, port: number): Promise<string> => {
      const pf = h().spawnTool('kubectl', [...cluster.kubectlArgs, 'port-forward', '-n', NS, `svc/${svc}`, '--address', '127.0.0.1', `:${port}`], { timeoutMs: 60_000 });
      const m = await pf.waitForOutput(new RegExp(`Forwarding from 127\\.0\\.0\\.1:(\\d+) -> `));
      return `http://127.0.0.1:${m[1]}`;
    };

    const polaris = await secret('polaris-credentials');
    const api = await forward('polaris', 8181);
    const token = await fetch(`${api}/api/catalog/v1/oauth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: polaris['client-id'] ?? '', client_secret: polaris['client-secret'] ?? '', scope: 'PRINCIPAL_ROLE:ALL' }).toString(),
    });
    expect(token.status).toBe(200);

    const dagster = await forward('dagster-webserver', 3000);
    const query = '{ version repositoriesOrError { __typename ... on RepositoryConnection { nodes { name location { name } } } } instance { daemonHealth { allDaemonStatuses { daemonType required healthy } } } }';
    const gql = (await (await fetch(`${dagster}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json()) as Obj;
    expect(gql.errors).toBeUndefined();
    expect(gql.data.repositoriesOrError.nodes.length).toBeGreaterThan(0);
    expect(gql.data.instance.daemonHealth.allDaemonStatuses.filter((d: Obj) => d.required).every((d: Obj) => d.healthy)).toBe(true);

    const cube = await forward('cube', 4000);
    const enc = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ exp: Math.floor(Date.now() / 1000) + 60 })}`;
    const jwt = `${body}.${createHmac('sha256', (await secret('cube-credentials'))['api-secret'] ?? '').update(body).digest('base64url')}`;
    const meta = await fetch(`${cube}/cubejs-api/v1/meta`, { headers: { authorization: jwt } });
    expect(meta.status).toBe(200);
    expect(((await meta.json()) as Obj).cubes.length).toBeGreaterThan(0);
  });
});

describe.skipIf(!cliBuilt)('floe-dev doctor with the fake tools', () => {
  const h = useHarness();

  const checks = (stdout: string): Record<string, Obj> => Object.fromEntries(((JSON.parse(stdout) as Obj).checks as Obj[]).map((c) => [c.id, c]));

  it('finds kind and kubectl on PATH and reads their versions', async () => {
    const r = await h().floeDev(['doctor', '--json'], { env: await forwardPortEnv() });
    const byId = checks(r.stdout);
    expect(byId.kind).toMatchObject({ status: 'ok', detail: expect.stringContaining('v0.30.0') });
    expect(byId.kubectl?.detail).toContain('v1.32.4');
    expect(h().state.calls('kind').map((c) => c.argv)).toContainEqual(['version']);
    expect(h().state.calls('kubectl').map((c) => c.argv)).toContainEqual(['version', '--client', '-o', 'json']);
    // With Docker (and free ports, plenty of memory) nothing is missing; without it Docker is the missing prerequisite.
    if (dockerAvailable) expect(r.exitCode).toBe(0);
    else expect([r.exitCode, byId.docker?.status]).toEqual([3, 'fail']);
  });

  it('reports kind missing from PATH as a missing prerequisite (exit 3) with the fix', async () => {
    const harness = h();
    rmSync(`${harness.binDir}/kind`);
    const r = await harness.floeDev(['doctor', '--json'], { env: await forwardPortEnv() });
    expect(r.exitCode).toBe(3);
    const kind = checks(r.stdout).kind;
    expect(kind).toMatchObject({ status: 'fail', detail: expect.stringContaining('not found') });
    expect(kind?.fix).toContain('kind');
  });

  it('uses FLOE_DEV_KIND when kind is not on PATH', async () => {
    const harness = h();
    rmSync(`${harness.binDir}/kind`);
    const r = await harness.floeDev(['doctor', '--json'], { env: { ...(await forwardPortEnv()), FLOE_DEV_KIND: `${harness.dir}/no-such-kind` } });
    expect(checks(r.stdout).kind?.status).toBe('fail');
    const ok = await harness.floeDev(['doctor', '--json'], { env: { ...(await forwardPortEnv()), FLOE_DEV_KIND: join(FIXTURES_BIN, 'kind') } });
    expect(checks(ok.stdout).kind).toMatchObject({ status: 'ok', detail: expect.stringContaining('v0.30.0') });
  });
});

describe.skipIf(!cliBuilt)('floe-dev down with the fake tools', () => {
  const h = useHarness();

  it('is a no-op, exit 0, when there is nothing of floe-dev to remove', async () => {
    const r = await h().floeDev(['down']);
    expect(r.exitCode).toBe(0);
    expect(h().state.calls('kind').filter((c) => c.argv[0] === 'delete')).toEqual([]);
  });

  it('leaves alone a kind cluster of the same name that floe-dev did not create', async () => {
    // floe-dev's state folder for the cluster exists (design §2: one folder per cluster), but no record in it says
    // floe-dev made the kind cluster of that name.
    mkdirSync(join(h().floeHome, 'clusters', 'floe-dev'), { recursive: true });
    await h().createCluster('floe-dev');
    const r = await h().floeDev(['down']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('floe-dev did not create the kind cluster "floe-dev"');
    expect(h().state.clusters().map((c) => c.name)).toEqual(['floe-dev']);
    expect(h().state.calls('kind').filter((c) => c.argv[0] === 'delete')).toEqual([]);
  });
});

describe.skipIf(!cliBuilt || !dockerAvailable)('floe-dev up: the cluster and images steps, with Docker nodes', { timeout: 240_000 }, () => {
  // Whatever up's exit code (later steps land in later issues), these effects of the first steps must hold.
  const h = useHarness({ scenario: { nodes: 'docker', kind: { createLatencyMs: 100, loadLatencyMs: 10 } } });

  async function platformWorld(harness: Harness) {
    const cluster = `e2e-${Math.random().toString(36).slice(2, 8)}`;
    const env = { ...(await forwardPortEnv()), FLOE_DEV_CLUSTER: cluster, FLOE_DEV_READY_TIMEOUT: '20s' };
    const rendered = await harness.floeDev(['render'], { env });
    const images = [...new Set([...rendered.stdout.matchAll(/^[\s-]+image: "?([^"\s]+)"?$/gm)].map((m) => m[1] as string))];
    expect(images.length).toBeGreaterThan(5);
    harness.hostImages(images);
    return { cluster, env, images };
  }

  it('creates the cluster from floe-dev’s kind config into its own kubeconfig, and side-loads every image in one batch', async () => {
    const { cluster, env, images } = await platformWorld(h());
    await h().floeDev(['up'], { env, timeoutMs: 180_000 });
    const created = h().state.calls('kind').filter((c) => c.argv[0] === 'create');
    expect(created).toHaveLength(1);
    expect(created[0]?.argv).toEqual(expect.arrayContaining(['--name', cluster, '--config', '--kubeconfig', join(h().floeHome, 'clusters', cluster, 'kubeconfig')]));
    expect(h().state.cluster(cluster)?.nodeImage).toMatch(/^kindest\/node:v1\.33\.4@sha256:/);
    expect(rmSafeExists(join(h().home, '.kube', 'config'))).toBe(false); // ~/.kube/config untouched by default
    const loads = h().state.calls('kind').filter((c) => c.argv[0] === 'load');
    expect(loads).toHaveLength(1);
    const held = new Set(h().state.nodeImages(cluster).flatMap((i) => i.repoTags));
    expect(images.filter((ref) => !held.has(normalizeRef(ref)))).toEqual([]);
    // Every kubectl call named floe-dev's kubeconfig and the cluster's context.
    for (const call of h().state.calls('kubectl').filter((c) => !c.argv.includes('--client'))) {
      expect(call.argv.slice(0, 4)).toEqual(['--kubeconfig', join(h().floeHome, 'clusters', cluster, 'kubeconfig'), '--context', `kind-${cluster}`]);
    }
  });

  it('a second up creates nothing and loads nothing', async () => {
    const { env } = await platformWorld(h());
    await h().floeDev(['up'], { env, timeoutMs: 180_000 });
    const before = h().state.calls('kind').length;
    await h().floeDev(['up'], { env, timeoutMs: 180_000 });
    const again = h().state.calls('kind').slice(before);
    expect(again.filter((c) => c.argv[0] === 'create' || c.argv[0] === 'load' || c.argv[0] === 'delete')).toEqual([]);
  });
});

function rmSafeExists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
