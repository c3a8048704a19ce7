// The fake `kubectl port-forward`: it really listens on 127.0.0.1, answers HTTP like Dagster, Polaris and
// Cube with the credentials the product applied, and drops the way kubectl does (or as the scenario says).
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../fixtures/lib/common.js';
import { useHarness, waitFor, type Harness } from './harness.js';
import { configMap, deployment, namespace, secret, service, yamlDocs, type Manifest } from './manifests.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- HTTP JSON, read field by field

const NS = 'floe-platform';

const polaris = (): Manifest[] => [
  deployment('polaris', { image: 'apache/polaris:1.7.0', ports: [{ name: 'api', containerPort: 8181 }, { name: 'mgmt', containerPort: 8182 }] }),
  service('polaris', [{ name: 'api', port: 8181, targetPort: 'api' }, { name: 'mgmt', port: 8182, targetPort: 8182 }]),
];
const polarisSecret = secret('polaris-credentials', { realm: 'POLARIS', 'client-id': 'root', 'client-secret': 'p0laris' });

const cubeModel = 'cubes:\n  - name: orders\n    sql_table: orders\n    measures:\n      - name: count\n        type: count\n    dimensions:\n      - name: status\n        sql: status\n        type: string\n';
/** Cube with its model file mounted into /cube/conf/model on its own (subPath), as the product mounts it. */
function cubeDeployment(): Manifest {
  const d = deployment('cube', {
    image: 'cubejs/cube:v1.3.9',
    ports: [{ containerPort: 4000 }],
    env: [{ name: 'CUBEJS_API_SECRET', valueFrom: { secretKeyRef: { name: 'cube-credentials', key: 'api-secret' } } }],
    volumes: [{ name: 'model', configMap: { name: 'cube-model' } }],
  }) as Obj;
  d.spec.template.spec.containers[0].volumeMounts = [{ name: 'model', mountPath: '/cube/conf/model/orders.yml', subPath: 'orders.yml' }];
  return d;
}
const cube = (): Manifest[] => [
  configMap('cube-model', { 'orders.yml': cubeModel }),
  secret('cube-credentials', { 'api-secret': 'cube-s3cret' }),
  cubeDeployment(),
  service('cube', [{ port: 4000 }]),
];

const workspace = 'load_from:\n  - grpc_server:\n      host: dagster-code-location.floe-platform.svc.cluster.local\n      port: 3030\n      location_name: example\n';
const dagster = (): Manifest[] => [
  configMap('dagster-workspace', { 'workspace.yaml': workspace }),
  deployment('dagster-webserver', { image: 'dagster/dagster-celery-k8s:1.13.25', ports: [{ containerPort: 3000 }], volumes: [{ name: 'workspace', configMap: { name: 'dagster-workspace' } }] }),
  service('dagster-webserver', [{ port: 3000 }]),
  deployment('dagster-daemon', { image: 'dagster/dagster-celery-k8s:1.13.25', command: ['dagster-daemon', 'run'] }),
  deployment('dagster-code-location', { image: 'dagster/user-code-example:1.13.25', ports: [{ containerPort: 3030 }] }),
  service('dagster-code-location', [{ port: 3030 }]),
];

/** Applies the manifests into a fresh cluster and waits until every pod in the namespace is ready. */
async function platform(h: Harness, docs: Manifest[], scenario: Scenario = {}) {
  h.writeScenario({ defaults: { readyAfterMs: 60 }, ...scenario });
  const cluster = await h.createCluster();
  const args = cluster.kubectlArgs;
  const r = await h.tool('kubectl', [...args, 'apply', '--server-side', '--field-manager', 'floe-dev', '-f', '-'], { input: yamlDocs(namespace(NS), ...docs) });
  if (r.exitCode !== 0) throw new Error(`apply failed: ${r.stderr}`);
  const forward = async (target: string, ports: string[], extra: string[] = []) => {
    const pf = h.spawnTool('kubectl', [...args, 'port-forward', '-n', NS, target, '--address', '127.0.0.1', ...ports, ...extra], { timeoutMs: 60_000 });
    const matches = await Promise.all(ports.map((p) => pf.waitForOutput(new RegExp(`Forwarding from 127\\.0\\.0\\.1:(\\d+) -> ${p.split(':').pop()}`))));
    return { pf, urls: matches.map((m) => `http://127.0.0.1:${m[1]}`) };
  };
  return { cluster, args, forward };
}

async function waitReady(h: Harness, args: string[]): Promise<void> {
  await waitFor(async () => {
    const r = await h.tool('kubectl', [...args, 'get', 'pods', '-n', NS, '-o', 'json']);
    const items = (JSON.parse(r.stdout) as Obj).items as Obj[];
    return items.length > 0 && items.every((p) => p.status.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True'));
  }, 10_000, 'all pods ready');
}

const tokenRequest = (base: string, clientSecret: string) =>
  fetch(`${base}/api/catalog/v1/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'root', client_secret: clientSecret, scope: 'PRINCIPAL_ROLE:ALL' }).toString(),
  });

function hs256(payload: object, key: string): string {
  const enc = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(payload)}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

describe('fake port-forward: Polaris', () => {
  const h = useHarness();

  it('serves health, checks the OAuth client credentials from the applied Secret, and keeps catalogs (201, then 409)', async () => {
    const { args, forward } = await platform(h(), [polarisSecret, ...polaris()]);
    await waitReady(h(), args);
    const { pf, urls } = await forward('svc/polaris', [':8181', ':8182']);
    const [api, mgmt] = urls as [string, string];
    expect(pf.stdout()).toMatch(/Forwarding from 127\.0\.0\.1:\d+ -> 8181\nForwarding from 127\.0\.0\.1:\d+ -> 8182\n/);

    const health = await fetch(`${mgmt}/q/health/ready`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'UP', checks: expect.any(Array) });

    const denied = await tokenRequest(api, 'wrong');
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ error: 'unauthorized_client' });
    const granted = await tokenRequest(api, 'p0laris');
    expect(granted.status).toBe(200);
    const token = (await granted.json()) as Obj;
    expect(token).toMatchObject({ token_type: 'bearer', issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', expires_in: 3600 });

    const auth = { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' };
    expect((await fetch(`${api}/api/management/v1/catalogs`)).status).toBe(401);
    const body = JSON.stringify({ catalog: { name: 'floe', type: 'INTERNAL', properties: { 'default-base-location': 's3://warehouse' }, storageConfigInfo: { storageType: 'S3', allowedLocations: ['s3://warehouse'] } } });
    expect((await fetch(`${api}/api/management/v1/catalogs`, { method: 'POST', headers: auth, body })).status).toBe(201);
    const again = await fetch(`${api}/api/management/v1/catalogs`, { method: 'POST', headers: auth, body });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { type: 'AlreadyExistsException', code: 409 } });
    const list = (await (await fetch(`${api}/api/management/v1/catalogs`, { headers: auth })).json()) as Obj;
    expect(list.catalogs.map((c: Obj) => c.name)).toEqual(['floe']);
    await pf.waitForOutput(/Handling connection for/);
  });

  it('refuses every token when the product applied no credentials Secret', async () => {
    const { args, forward } = await platform(h(), polaris());
    await waitReady(h(), args);
    const { urls } = await forward('svc/polaris', [':8181']);
    expect((await tokenRequest(urls[0] as string, 'anything')).status).toBe(401);
  });

  it('reports DOWN for a Polaris that never gets ready', async () => {
    const { args, forward } = await platform(h(), [polarisSecret, ...polaris()], { services: { polaris: { fault: 'NeverReady', readyAfterMs: 60 } } });
    await waitFor(async () => {
      const r = await h().tool('kubectl', [...args, 'get', 'pods', '-n', NS, '-o', 'json']);
      return ((JSON.parse(r.stdout) as Obj).items as Obj[])[0]?.status.phase === 'Running';
    }, 10_000, 'running');
    const { urls } = await forward('svc/polaris', [':8182']);
    const r = await fetch(`${urls[0]}/q/health/ready`);
    expect(r.status).toBe(503);
    expect(await r.json()).toMatchObject({ status: 'DOWN' });
  });
});

describe('fake port-forward: Cube and Dagster', () => {
  const h = useHarness();

  it('Cube: /readyz, and /v1/meta only with an HS256 JWT signed by the configured API secret', async () => {
    const { args, forward } = await platform(h(), cube());
    await waitReady(h(), args);
    const { urls } = await forward('svc/cube', [':4000']);
    const base = urls[0] as string;
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ health: 'HEALTH' });
    const noAuth = await fetch(`${base}/cubejs-api/v1/meta`);
    expect(noAuth.status).toBe(403);
    const bad = await fetch(`${base}/cubejs-api/v1/meta`, { headers: { authorization: hs256({ sub: 'x' }, 'not-the-secret') } });
    expect(bad.status).toBe(403);
    expect(await bad.json()).toEqual({ error: 'Invalid token' });
    const expired = await fetch(`${base}/cubejs-api/v1/meta`, { headers: { authorization: hs256({ exp: Math.floor(Date.now() / 1000) - 10 }, 'cube-s3cret') } });
    expect(expired.status).toBe(403);
    const good = await fetch(`${base}/cubejs-api/v1/meta`, { headers: { authorization: `Bearer ${hs256({ exp: Math.floor(Date.now() / 1000) + 60 }, 'cube-s3cret')}` } });
    expect(good.status).toBe(200);
    const meta = (await good.json()) as Obj;
    expect(meta.cubes).toHaveLength(1);
    expect(meta.cubes[0]).toMatchObject({ name: 'orders', measures: [expect.objectContaining({ name: 'orders.count', aggType: 'count' })], dimensions: [expect.objectContaining({ name: 'orders.status', type: 'string' })] });
  });

  it('Dagster: /server_info and GraphQL with the code location from workspace.yaml and the daemon health', async () => {
    const { args, forward } = await platform(h(), dagster());
    await waitReady(h(), args);
    const { urls } = await forward('svc/dagster-webserver', ['0:3000']);
    const base = urls[0] as string;
    expect(await (await fetch(`${base}/server_info`)).json()).toEqual({ dagster_webserver_version: '1.13.25', dagster_version: '1.13.25', dagster_graphql_version: '1.13.25' });
    const query = '{ version repositoriesOrError { __typename ... on RepositoryConnection { nodes { name location { name } } } } instance { daemonHealth { allDaemonStatuses { daemonType required healthy } } } }';
    const r = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    expect(r.status).toBe(200);
    const { data } = (await r.json()) as Obj;
    expect(data.version).toBe('1.13.25');
    expect(data.repositoriesOrError).toEqual({ __typename: 'RepositoryConnection', nodes: [{ name: '__repository__', location: { name: 'example' } }] });
    expect(data.instance.daemonHealth.allDaemonStatuses).toContainEqual({ daemonType: 'SCHEDULER', required: true, healthy: true });

    const typo = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ versoin }' }) });
    expect(typo.status).toBe(400);
    expect(((await typo.json()) as Obj).errors[0].message).toBe('Cannot query field "versoin" on type "Query".');
  });

  it('Dagster: a code location whose server is not ready is a load error, and no daemon means unhealthy', async () => {
    const docs = dagster().filter((d) => (d.metadata as Obj).name !== 'dagster-daemon');
    const { args, forward } = await platform(h(), docs, { services: { 'dagster-code-location': { fault: 'CrashLoopBackOff' } } });
    await waitFor(async () => {
      const r = await h().tool('kubectl', [...args, 'get', 'deploy', 'dagster-webserver', '-n', NS, '-o', 'json']);
      return (JSON.parse(r.stdout) as Obj).status.readyReplicas === 1;
    }, 10_000, 'webserver ready');
    const { urls } = await forward('svc/dagster-webserver', [':3000']);
    const query = '{ workspaceOrError { ... on Workspace { locationEntries { name locationOrLoadError { __typename ... on PythonError { message } } } } } instance { daemonHealth { allDaemonStatuses { daemonType healthy } } } }';
    const { data } = (await (await fetch(`${urls[0]}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json()) as Obj;
    expect(data.workspaceOrError.locationEntries[0]).toMatchObject({ name: 'example', locationOrLoadError: { __typename: 'PythonError', message: expect.stringContaining('Could not reach user code server') } });
    expect(data.instance.daemonHealth.allDaemonStatuses.find((d: Obj) => d.daemonType === 'SCHEDULER').healthy).toBe(false);
  });
});

describe('fake port-forward: failures and drops', () => {
  const h = useHarness();

  it('drops after N requests with "lost connection to pod" and exit 1; `drops` limits how many forwards do', async () => {
    const { args, forward } = await platform(h(), [polarisSecret, ...polaris()], { forwards: { polaris: { dropAfterRequests: 2, drops: 1 } } });
    await waitReady(h(), args);
    const first = await forward('svc/polaris', [':8182']);
    expect(h().state.forwards().map((f) => f.pid)).toEqual([first.pf.pid]);
    expect((await fetch(`${first.urls[0]}/q/health/ready`)).status).toBe(200);
    expect((await fetch(`${first.urls[0]}/q/health/ready`)).status).toBe(200);
    const ended = await first.pf.result;
    expect(ended.exitCode).toBe(1);
    expect(ended.stderr).toMatch(/portforward\.go:\d+\] .*an error occurred forwarding \d+ -> 8182/);
    expect(ended.stderr).toMatch(/error: lost connection to pod\n$/);
    await expect(fetch(`${first.urls[0]}/q/health/ready`)).rejects.toThrow();
    expect(h().state.forwards()).toEqual([]);

    const second = await forward('svc/polaris', [':8182']);
    for (let i = 0; i < 3; i++) expect((await fetch(`${second.urls[0]}/q/health/ready`)).status).toBe(200);
  });

  it('drops after N ms', async () => {
    const { args, forward } = await platform(h(), [polarisSecret, ...polaris()], { forwards: { polaris: { dropAfterMs: 300 } } });
    await waitReady(h(), args);
    const { pf } = await forward('svc/polaris', [':8182']);
    const ended = await pf.result;
    expect(ended.exitCode).toBe(1);
    expect(ended.stderr).toContain('error: lost connection to pod');
  });

  it('drops when the namespace (and so the pod) is deleted', async () => {
    const { args, forward } = await platform(h(), [polarisSecret, ...polaris()]);
    await waitReady(h(), args);
    const { pf } = await forward('svc/polaris', [':8182']);
    await h().tool('kubectl', [...args, 'delete', 'namespace', NS]);
    const ended = await pf.result;
    expect(ended.exitCode).toBe(1);
    expect(ended.stderr).toContain('error: lost connection to pod');
  });

  it('fails like kubectl when the local port is busy', async () => {
    const { args, forward } = await platform(h(), [polarisSecret, ...polaris()]);
    await waitReady(h(), args);
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      await expect(forward('svc/polaris', [`${port}:8182`])).rejects.toThrow(/ended before printing/);
      const r = h().state.calls('kubectl').find((c) => c.argv.includes('port-forward'));
      expect(r?.exitCode).toBe(1);
      const pf = await h().tool('kubectl', [...args, 'port-forward', '-n', NS, 'svc/polaris', '--address', '127.0.0.1', `${port}:8182`]);
      expect(pf.stderr).toContain(`Unable to listen on port ${port}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:${port}: bind: address already in use]`);
      expect(pf.stderr).toContain(`error: unable to listen on any of the requested ports: [{${port} 8182}]`);
    } finally {
      busy.close();
    }
  });

  it('fails like kubectl when the pod is not running, the service port does not exist, or the service is missing', async () => {
    const { args } = await platform(h(), [polarisSecret, ...polaris()], { services: { polaris: { fault: 'Unschedulable' } } });
    const pf = (target: string, port: string) => h().tool('kubectl', [...args, 'port-forward', '-n', NS, target, '--address', '127.0.0.1', port]);
    expect((await pf('svc/polaris', ':8182')).stderr).toBe('error: unable to forward port because pod is not running. Current status=Pending\n');
    expect((await pf('svc/polaris', ':9999')).stderr).toBe(`error: Service ${NS}/polaris does not have a service port 9999\n`);
    expect((await pf('svc/nope', ':80')).stderr).toBe('Error from server (NotFound): services "nope" not found\n');
  });

  it('resets connections while the container is starting, then answers once ready', async () => {
    // Held: running but not ready until the scenario lets go, however long the machine takes to get here.
    const { args, forward } = await platform(h(), [polarisSecret, ...polaris()], { services: { polaris: { hold: true } } });
    await waitFor(async () => {
      const r = await h().tool('kubectl', [...args, 'get', 'pods', '-n', NS, '-o', 'json']);
      return ((JSON.parse(r.stdout) as Obj).items as Obj[])[0]?.status.phase === 'Running';
    }, 10_000, 'running');
    const { pf, urls } = await forward('svc/polaris', [':8182']);
    await expect(fetch(`${urls[0]}/q/health/ready`)).rejects.toThrow();
    await pf.waitForOutput(/connect: connection refused/); // stderr and the reset arrive on different channels
    h().writeScenario({ defaults: { readyAfterMs: 60 } });
    await waitFor(async () => (await fetch(`${urls[0]}/q/health/ready`).catch(() => undefined))?.status === 200, 10_000, 'ready');
  });

  it('stops cleanly (exit 0) on Ctrl-C and forgets its record', async () => {
    const { args, forward } = await platform(h(), [polarisSecret, ...polaris()]);
    await waitReady(h(), args);
    const { pf } = await forward('svc/polaris', [':8182']);
    pf.signal('SIGINT');
    expect((await pf.result).exitCode).toBe(0);
    expect(h().state.forwards()).toEqual([]);
  });
});
