// The install step of `floe-dev up` against the simulated toolchain: order by dependency (proven from the fake's
// state and call log, never from timings), idempotent re-runs, changed settings, pruning, --component, bootstrap.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { platformDependencies } from '../../src/platform/index.js';
import { DEFAULT_READY_AFTER_MS } from '../../fixtures/lib/simulate.js';
import { dockerAvailable, NO_DOCKER_REASON, useHarness, waitFor, type Harness } from './harness.js';
import { expectInstalled, FAST, NS, world, type World } from './world.js';

const d = dockerAvailable ? describe : describe.skip;
if (!dockerAvailable) console.warn(`[e2e] install.test.ts skipped: ${NO_DOCKER_REASON}`);

/** What the fake stored: kind/name → the stored object, with its uid, resourceVersion and clocks. */
function stored(h: Harness, cluster: string) {
  if (!h.state.cluster(cluster)) return new Map<string, ReturnType<Harness['state']['objects']>[number]>();
  return new Map(h.state.objects(cluster, { namespace: NS }).map((o) => [`${o.object.kind}/${o.object.metadata.name}`, o]));
}

const workloadKey = (h: Harness, cluster: string, name: string) =>
  [...stored(h, cluster).keys()].find((k) => /^(Deployment|StatefulSet|Job)\//.test(k) && k.endsWith(`/${name}`));

function applyCalls(h: Harness) {
  return h.state.calls('kubectl').filter((c) => c.argv.includes('apply'));
}

/** Writes floe-dev.yaml into the harness folder (the CLI's working directory). */
function configFile(h: Harness, yaml: string): void {
  writeFileSync(join(h.dir, 'floe-dev.yaml'), yaml);
}

d('floe-dev up installs the platform', { timeout: 240_000 }, () => {
  const h = useHarness();

  it('applies Secrets and ConfigMaps first, then each service only once every service it depends on is ready', async () => {
    const w = await world(h());
    expectInstalled(await w.floeDev(['up']));
    const objects = stored(h(), w.cluster);
    const readyAfter = (name: string) => FAST.services?.[name]?.readyAfterMs ?? FAST.defaults?.readyAfterMs ?? DEFAULT_READY_AFTER_MS;
    const workload = (name: string) => objects.get(workloadKey(h(), w.cluster, name)!)!;

    // Every service of the default platform was applied.
    const deps = platformDependencies(configSchema.parse({}));
    for (const name of deps.keys()) expect(workloadKey(h(), w.cluster, name), name).toBeDefined();
    // Base objects before any workload.
    const firstWorkload = Math.min(...[...deps.keys()].map((n) => workload(n).createdAt));
    for (const [key, o] of objects) if (/^(Secret|ConfigMap)\//.test(key)) expect(o.createdAt, key).toBeLessThanOrEqual(firstWorkload);
    // No service before its dependencies were ready (the fake makes a workload ready readyAfterMs after it started).
    for (const [name, needs] of deps) {
      for (const dep of needs) {
        expect(workload(name).createdAt, `${name} applied before ${dep} was ready`).toBeGreaterThanOrEqual(workload(dep).clockStart + readyAfter(dep));
      }
    }
    // Server-side apply by floe-dev, manifests on stdin; no secret value in any argv.
    const creds = JSON.stringify(JSON.parse(readFileSync(join(h().floeHome, 'clusters', w.cluster, 'credentials.json'), 'utf8')));
    const secrets = [...creds.matchAll(/"(?:password|clientSecret|rootPassword|adminPassword|apiSecret)":"([^"]+)"/g)].map((m) => m[1]!);
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const call of applyCalls(h())) {
      expect(call.argv).toEqual(expect.arrayContaining(['apply', '--server-side', '--field-manager', 'floe-dev', '-f', '-']));
      expect(call.stdinBytes).toBeGreaterThan(0);
    }
    for (const call of h().state.calls()) for (const s of secrets) expect(call.argv.join(' ')).not.toContain(s);
  });

  it('starts an independent service while an unrelated one is not ready yet (no wave barrier)', async () => {
    // catalog-db is held not-ready: the orchestrator's services (which do not need it) must go ahead anyway.
    const w = await world(h(), { services: { ...FAST.services, 'catalog-db': { hold: true } } });
    const run = w.spawnFloeDev(['up']);
    await waitFor(() => stored(h(), w.cluster).has('Deployment/dagster-code-location') && stored(h(), w.cluster).has('Deployment/dagster-daemon'), 40_000, 'the orchestrator applied');
    const now = stored(h(), w.cluster);
    expect(now.has('Job/polaris-bootstrap')).toBe(false); // waits for catalog-db
    expect(now.has('Deployment/polaris')).toBe(false);
    h().writeScenario({ ...FAST, nodes: 'docker' }); // let catalog-db get ready
    expectInstalled(await run.result);
    const after = stored(h(), w.cluster);
    expect(after.get('Job/polaris-bootstrap')!.createdAt).toBeGreaterThan(after.get('Deployment/dagster-code-location')!.createdAt);
  });

  it('changes nothing on a second run: no apply, no object touched, no create or load', async () => {
    const w = await world(h());
    expectInstalled(await w.floeDev(['up']));
    const before = h().state.objects(w.cluster).map((o) => [o.object.kind, o.object.metadata.name, o.resourceVersion, o.uid]);
    const callsBefore = h().state.calls().length;
    const again = await w.floeDev(['up']);
    expectInstalled(again);
    expect(again.stderr).toMatch(/0 objects created, 0 updated, \d+ unchanged/);
    const calls = h().state.calls().slice(callsBefore);
    expect(calls.filter((c) => c.argv.includes('apply'))).toEqual([]);
    expect(calls.filter((c) => c.tool === 'kind' && ['create', 'load', 'delete'].includes(c.argv[0]!))).toEqual([]);
    expect(h().state.objects(w.cluster).map((o) => [o.object.kind, o.object.metadata.name, o.resourceVersion, o.uid])).toEqual(before);
  });

  it('a changed image updates only that service; a changed Job is deleted and run again', async () => {
    const w = await world(h());
    expectInstalled(await w.floeDev(['up']));
    const before = stored(h(), w.cluster);
    h().hostImages(['grafana/grafana:13.2.9', 'quay.io/minio/mc:RELEASE.2025-09-09T09-09-09Z']);
    configFile(h(), 'services:\n  grafana:\n    image: grafana/grafana:13.2.9\n  minio-bucket:\n    image: quay.io/minio/mc:RELEASE.2025-09-09T09-09-09Z\n');
    expectInstalled(await w.floeDev(['up']));
    const after = stored(h(), w.cluster);
    const changed = [...after].filter(([key, o]) => before.get(key)?.resourceVersion !== o.resourceVersion || before.get(key)?.uid !== o.uid).map(([key]) => key);
    expect(changed.sort()).toEqual(['Deployment/grafana', 'Job/minio-bucket']);
    expect(after.get('Job/minio-bucket')!.uid).not.toBe(before.get('Job/minio-bucket')!.uid); // recreated, not patched
    expect(h().state.calls('kubectl').some((c) => c.argv.includes('delete') && c.argv.includes('job/minio-bucket'))).toBe(true);
    expect(JSON.stringify(after.get('Deployment/grafana')!.object)).toContain('grafana/grafana:13.2.9');
  });

  it('removes what a turned-off component or setting no longer installs, and only that', async () => {
    const w = await world(h());
    expectInstalled(await w.floeDev(['up']));
    const memory = await w.floeDev(['up'], { env: { FLOE_DEV_SEMANTIC_CACHE: 'memory' } });
    expectInstalled(memory);
    let now = stored(h(), w.cluster);
    expect([...now.keys()].filter((k) => k.includes('cubestore'))).toEqual([]);
    expect(h().state.objects(w.cluster, { kind: 'PersistentVolumeClaim' }).map((o) => o.object.metadata.name)).not.toContain('data-cubestore-0');
    expect(now.has('Deployment/cube')).toBe(true);

    const fewer = await w.floeDev(['up'], { env: { FLOE_DEV_SEMANTIC_CACHE: 'memory', FLOE_DEV_COMPONENTS: 'storage,catalog' } });
    expectInstalled(fewer);
    now = stored(h(), w.cluster);
    const left = [...now.keys()].filter((k) => /^(Deployment|StatefulSet|Job)\//.test(k)).sort();
    expect(left).toEqual(['Deployment/polaris', 'Job/minio-bucket', 'Job/polaris-bootstrap', 'StatefulSet/catalog-db', 'StatefulSet/minio']);
    expect(now.has('Secret/grafana-credentials')).toBe(false);
    expect(now.has('Secret/polaris-credentials')).toBe(true);
  });

  it('--component installs it and what it needs, and leaves the other components as they are', async () => {
    const w = await world(h());
    expectInstalled(await w.floeDev(['up', '--component', 'orchestrator']));
    const only = [...stored(h(), w.cluster).keys()].filter((k) => /^(Deployment|StatefulSet|Job)\//.test(k)).sort();
    expect(only).toEqual(['Deployment/dagster-code-location', 'Deployment/dagster-daemon', 'Deployment/dagster-webserver', 'StatefulSet/orchestrator-db']);

    expectInstalled(await w.floeDev(['up']));
    const full = stored(h(), w.cluster);
    expectInstalled(await w.floeDev(['up', '--component', 'storage']));
    const after = stored(h(), w.cluster);
    expect([...after.keys()].sort()).toEqual([...full.keys()].sort()); // nothing of the other components removed
  });
});

d('floe-dev up bootstrap, proven by its effect', { timeout: 240_000 }, () => {
  const h = useHarness();

  it('creates the warehouse bucket when the bucket Job completed without making it, and finds it the next time', async () => {
    const w = await world(h(), { services: { ...FAST.services, 'minio-bucket': { fault: 'NoEffect' } } });
    const first = await w.floeDev(['up']);
    expectInstalled(first);
    expect(first.stderr).toContain('Warehouse bucket: s3://warehouse created (the bucket Job had not made it)');
    expect(h().state.cluster(w.cluster)?.apps.minio?.[NS]?.buckets).toEqual(['warehouse']);
    const second = await w.floeDev(['up']);
    expect(second.stderr).toContain('Warehouse bucket: s3://warehouse exists');
  });

  it('creates the Polaris catalog on the bucket with its content grant, and on a re-run finds it as it is', async () => {
    const w = await world(h());
    const first = await w.floeDev(['up']);
    expect(first.stderr).toMatch(/Polaris catalog: realm POLARIS answers; catalog floe on s3:\/\/warehouse created/);
    const app = h().state.cluster(w.cluster)?.apps.polaris?.[NS];
    expect(app.catalogs).toHaveLength(1);
    expect(app.catalogs[0]).toMatchObject({
      name: 'floe',
      properties: { 'default-base-location': 's3://warehouse' },
      storageConfigInfo: { storageType: 'S3', pathStyleAccess: true, stsUnavailable: true, endpointInternal: `http://minio.${NS}.svc.cluster.local:9000`, endpoint: `http://localhost:${w.ports.minio}` },
    });
    expect(app.grants.floe.map((g: { privilege: string }) => g.privilege)).toContain('CATALOG_MANAGE_CONTENT');
    const again = await w.floeDev(['up']);
    expect(again.stderr).toMatch(/catalog floe on s3:\/\/warehouse exists/);
    expect(h().state.cluster(w.cluster)?.apps.polaris?.[NS].catalogs).toHaveLength(1);
  });

  it('reports a catalog that exists with another warehouse instead of keeping or replacing it', async () => {
    const w = await world(h());
    expectInstalled(await w.floeDev(['up']));
    editCatalog(h(), w, (c) => (c.properties['default-base-location'] = 's3://elsewhere'));
    const r = await w.floeDev(['up']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/the Polaris catalog floe exists with other settings than the platform's: properties.default-base-location: "s3:\/\/elsewhere" → "s3:\/\/warehouse"/);
    expect(r.stderr).toMatch(/try: floe-dev leaves it as it is/);
    expect(h().state.cluster(w.cluster)?.apps.polaris?.[NS].catalogs[0].properties['default-base-location']).toBe('s3://elsewhere');
  });

  it('runs a failed Job again on the next up (deleted and created anew, not left failed)', async () => {
    // The fault stays: the fake derives a Job's history from the scenario, so the second run fails again too.
    const w = await world(h(), { services: { ...FAST.services, 'polaris-bootstrap': { fault: 'BackoffLimitExceeded' } } });
    const failed = await w.floeDev(['up']);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(/Polaris bootstrap \(polaris-bootstrap\) failed: BackoffLimitExceeded/);
    const uid = stored(h(), w.cluster).get('Job/polaris-bootstrap')!.uid;
    const deletesBefore = h().state.calls('kubectl').filter((c) => c.argv.includes('delete') && c.argv.includes('job/polaris-bootstrap')).length;
    const again = await w.floeDev(['up']);
    expect(again.exitCode).toBe(1);
    expect(h().state.calls('kubectl').filter((c) => c.argv.includes('delete') && c.argv.includes('job/polaris-bootstrap')).length).toBe(deletesBefore + 1);
    expect(stored(h(), w.cluster).get('Job/polaris-bootstrap')!.uid).not.toBe(uid);
  });
});

/** Changes the fake Polaris's stored catalog (as someone using the API would), in the fake's state file. */
function editCatalog(h: Harness, w: World, edit: (catalog: { properties: Record<string, string> }) => void): void {
  const file = join(h.stateDir, 'clusters', `${w.cluster}.json`);
  const cluster = JSON.parse(readFileSync(file, 'utf8')) as { apps: { polaris: Record<string, { catalogs: { properties: Record<string, string> }[] }> } };
  edit(cluster.apps.polaris[NS]!.catalogs[0]!);
  writeFileSync(`${file}.tmp`, JSON.stringify(cluster));
  renameSync(`${file}.tmp`, file);
}
