// What the fakes answer for the smoke checks: Polaris' Iceberg namespace API behind its catalog-role grants
// (and dropping a catalog), Cube's /v1/load, and the fake port-forward's test hooks (drop, stall).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useHarness, waitFor, type Harness } from './harness.js';
import { configMap, deployment, namespace, secret, service, yamlDocs, type Manifest } from './manifests.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- HTTP JSON, read field by field

const NS = 'floe-platform';
const CUBE_SECRET = 'cube-s3cret-cube-s3cret';

const polaris: Manifest[] = [
  secret('polaris-credentials', { realm: 'POLARIS', 'client-id': 'root', 'client-secret': 'p0laris' }),
  deployment('polaris', { image: 'apache/polaris:1.7.0', ports: [{ name: 'api', containerPort: 8181 }] }),
  service('polaris', [{ name: 'api', port: 8181, targetPort: 'api' }]),
];
const sample = 'cubes:\n  - name: platform_components\n    sql: SELECT 1 AS layer\n    measures:\n      - name: count\n        type: count\n    dimensions:\n      - name: component\n        sql: component\n        type: string\n';
/** Cube with its model file mounted into /cube/conf/model on its own (subPath), as the product mounts it. */
function cubeDeployment(): Manifest {
  const d = deployment('cube', {
    image: 'cubejs/cube:v1.8.26',
    ports: [{ containerPort: 4000 }],
    env: [{ name: 'CUBEJS_API_SECRET', valueFrom: { secretKeyRef: { name: 'cube-credentials', key: 'api-secret' } } }],
    volumes: [{ name: 'model', configMap: { name: 'cube-model' } }],
  }) as Obj;
  d.spec.template.spec.containers[0].volumeMounts = [{ name: 'model', mountPath: '/cube/conf/model/platform_components.yml', subPath: 'platform_components.yml' }];
  return d;
}
const cube: Manifest[] = [
  configMap('cube-model', { 'platform_components.yml': sample }),
  secret('cube-credentials', { 'api-secret': CUBE_SECRET }),
  cubeDeployment(),
  service('cube', [{ port: 4000 }]),
];

/** The manifests applied in a fresh cluster, every pod ready, and a running port-forward to `target`. */
async function forwardTo(h: Harness, docs: Manifest[], target: string, port: number) {
  h.writeScenario({ defaults: { readyAfterMs: 60 } });
  const { kubectlArgs } = await h.createCluster();
  const applied = await h.tool('kubectl', [...kubectlArgs, 'apply', '--server-side', '--field-manager', 'floe-dev', '-f', '-'], { input: yamlDocs(namespace(NS), ...docs) });
  expect(applied.exitCode, applied.stderr).toBe(0);
  await waitFor(async () => {
    const items = (JSON.parse((await h.tool('kubectl', [...kubectlArgs, 'get', 'pods', '-n', NS, '-o', 'json'])).stdout) as Obj).items as Obj[];
    return items.length > 0 && items.every((p) => p.status.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True'));
  }, 5_000, 'all pods ready');
  const pf = h.spawnTool('kubectl', [...kubectlArgs, 'port-forward', '-n', NS, target, '--address', '127.0.0.1', `:${port}`], { timeoutMs: 60_000 });
  const m = await pf.waitForOutput(/Forwarding from 127\.0\.0\.1:(\d+) -> /);
  return { pf, base: `http://127.0.0.1:${m[1]}` };
}

async function polarisAuth(base: string): Promise<Record<string, string>> {
  const r = await fetch(`${base}/api/catalog/v1/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'root', client_secret: 'p0laris', scope: 'PRINCIPAL_ROLE:ALL' }).toString(),
  });
  return { authorization: `Bearer ${((await r.json()) as Obj).access_token}`, 'content-type': 'application/json' };
}

describe('fake Polaris: the Iceberg REST namespace API', () => {
  const h = useHarness();

  it('needs the content grant, then creates (200, then 409), lists, loads and drops namespaces; drops only an empty catalog', async () => {
    const { base } = await forwardTo(h(), polaris, 'svc/polaris', 8181);
    const auth = await polarisAuth(base);
    const catalog = { catalog: { name: 'floe', type: 'INTERNAL', properties: { 'default-base-location': 's3://warehouse' }, storageConfigInfo: { storageType: 'S3', allowedLocations: ['s3://warehouse'] } } };
    expect((await fetch(`${base}/api/management/v1/catalogs`, { method: 'POST', headers: auth, body: JSON.stringify(catalog) })).status).toBe(201);
    const config = (await (await fetch(`${base}/api/catalog/v1/config?warehouse=floe`, { headers: auth })).json()) as Obj;
    const prefix = config.overrides.prefix as string;
    expect(prefix).toBe('floe');
    const namespaces = `${base}/api/catalog/v1/${prefix}/namespaces`;
    const create = () => fetch(namespaces, { method: 'POST', headers: auth, body: JSON.stringify({ namespace: ['floe_smoke'], properties: {} }) });

    // The catalog_admin role Polaris makes holds CATALOG_MANAGE_ACCESS only: no content operations.
    const forbidden = await create();
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as Obj).error).toMatchObject({ type: 'ForbiddenException', code: 403, message: expect.stringMatching(/is not authorized for op CREATE_NAMESPACE$/) });
    expect((await fetch(namespaces, { headers: auth })).status).toBe(403);
    const grant = { grant: { type: 'catalog', privilege: 'CATALOG_MANAGE_CONTENT' } };
    expect((await fetch(`${base}/api/management/v1/catalogs/floe/catalog-roles/catalog_admin/grants`, { method: 'PUT', headers: auth, body: JSON.stringify(grant) })).status).toBe(201);

    const created = await create();
    expect(created.status).toBe(200);
    expect(await created.json()).toEqual({ namespace: ['floe_smoke'], properties: { location: 's3://warehouse/floe_smoke' } });
    const again = await create();
    expect(again.status).toBe(409);
    expect(((await again.json()) as Obj).error).toMatchObject({ type: 'AlreadyExistsException', message: 'Cannot create namespace floe_smoke. Namespace already exists' });
    expect(await (await fetch(namespaces, { headers: auth })).json()).toEqual({ namespaces: [['floe_smoke']], 'next-page-token': null });
    expect((await fetch(`${namespaces}/floe_smoke`, { headers: auth })).status).toBe(200);
    const missing = await fetch(`${namespaces}/nope`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Obj).error).toMatchObject({ type: 'NoSuchNamespaceException', message: 'Namespace does not exist: nope' });
    expect((await fetch(`${base}/api/catalog/v1/other/namespaces`, { headers: auth })).status).toBe(404);
    expect((await fetch(namespaces)).status).toBe(401);

    const notEmpty = await fetch(`${base}/api/management/v1/catalogs/floe`, { method: 'DELETE', headers: auth });
    expect(notEmpty.status).toBe(400);
    expect(((await notEmpty.json()) as Obj).error.message).toBe('Catalog floe cannot be dropped, it is not empty');
    expect((await fetch(`${namespaces}/floe_smoke`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect((await fetch(`${namespaces}/floe_smoke`, { method: 'DELETE', headers: auth })).status).toBe(404);
    expect((await fetch(`${base}/api/management/v1/catalogs/floe`, { method: 'DELETE', headers: auth })).status).toBe(204);
  });

  it('drops an empty catalog (204), then it is gone (404)', async () => {
    const { base } = await forwardTo(h(), polaris, 'svc/polaris', 8181);
    const auth = await polarisAuth(base);
    const catalog = { catalog: { name: 'floe', properties: { 'default-base-location': 's3://w' }, storageConfigInfo: { storageType: 'S3' } } };
    expect((await fetch(`${base}/api/management/v1/catalogs`, { method: 'POST', headers: auth, body: JSON.stringify(catalog) })).status).toBe(201);
    expect((await fetch(`${base}/api/management/v1/catalogs/floe`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect((await fetch(`${base}/api/management/v1/catalogs/floe`, { method: 'DELETE', headers: auth })).status).toBe(404);
    expect(await (await fetch(`${base}/api/management/v1/catalogs`, { headers: auth })).json()).toEqual({ catalogs: [] });
  });
});

const jwt = (key: string) => {
  const enc = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ exp: Math.floor(Date.now() / 1000) + 60 })}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
};

describe('fake Cube: /cubejs-api/v1/load', () => {
  const h = useHarness();

  it('answers a query of the model’s members with rows, as Cube shapes them; unknown members and empty queries are 400', async () => {
    const { base } = await forwardTo(h(), cube, 'svc/cube', 4000);
    const load = (query: unknown, key = CUBE_SECRET) =>
      fetch(`${base}/cubejs-api/v1/load`, { method: 'POST', headers: { authorization: jwt(key), 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

    const count = await load({ measures: ['platform_components.count'] });
    expect(count.status).toBe(200);
    const body = (await count.json()) as Obj;
    expect(body.data).toEqual([{ 'platform_components.count': '3' }]);
    expect(body.annotation.measures['platform_components.count']).toMatchObject({ type: 'number' });
    const grouped = (await (await load({ measures: ['platform_components.count'], dimensions: ['platform_components.component'] })).json()) as Obj;
    expect(grouped.data).toHaveLength(3);
    expect(grouped.data[0]).toEqual({ 'platform_components.component': 'component 1', 'platform_components.count': '1' });
    const viaGet = await fetch(`${base}/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify({ measures: ['platform_components.count'] }))}`, { headers: { authorization: jwt(CUBE_SECRET) } });
    expect(((await viaGet.json()) as Obj).data).toHaveLength(1);

    const unknown = await load({ measures: ['orders.count'] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ type: 'UserError', error: "'count' not found for path 'orders.count'" });
    expect((await load({})).status).toBe(400);
    expect((await load({ measures: ['platform_components.count'] }, 'not-the-secret')).status).toBe(403);
  });
});

describe('fake port-forward: test hooks', () => {
  const h = useHarness();

  it('SIGUSR1 drops a forward as a reset connection does (exit 1, "lost connection to pod")', async () => {
    const { pf, base } = await forwardTo(h(), cube, 'svc/cube', 4000);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    pf.signal('SIGUSR1');
    const r = await pf.result;
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/portforward\.go:\d+\] "Unhandled Error" err="an error occurred forwarding \d+ -> 4000: .*connection reset by peer"\nerror: lost connection to pod\n$/);
    expect(h().state.forwards()).toEqual([]);
  });

  it('SIGUSR2 makes it stall as kubectl#926 describes: it keeps running, and every connection fails', async () => {
    const { pf, base } = await forwardTo(h(), cube, 'svc/cube', 4000);
    pf.signal('SIGUSR2');
    await pf.waitForOutput(/an error occurred forwarding: lost connection to pod/);
    await expect(fetch(`${base}/readyz`)).rejects.toThrow();
    await pf.waitForOutput(/Error: No such container: cube-/);
    expect(h().state.forwards().map((f) => f.pid)).toEqual([pf.pid]);
  });
});
