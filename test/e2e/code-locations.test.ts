// Your own Dagster code on the platform (issue 13): a code location from floe-dev.yaml installed by up and
// loaded by Dagster; reloaded after a rebuild under the same tag and with another image (new pod, Dagster's
// reload mutation sent, the location loaded); a location whose code fails to import shows Dagster's Python error.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerAvailable, dockerBin, NO_DOCKER_REASON, useHarness, type Harness } from './harness.js';
import { expectInstalled, FAST, NS, world, type World } from './world.js';

const d = dockerAvailable ? describe : describe.skip;
if (!dockerAvailable) console.warn(`[e2e] code-locations.test.ts skipped: ${NO_DOCKER_REASON}`);

const pods = (h: Harness, w: World) =>
  (JSON.parse(spawnSync(process.execPath, [join(h.binDir, 'kubectl'), '--kubeconfig', w.kubeconfig, '--context', `kind-${w.cluster}`, 'get', 'pods', '-n', NS, '-l', 'floe.dev/code-location=sales', '-o', 'json'], { env: h.env, encoding: 'utf8' }).stdout) as { items: { metadata: { name: string }; spec: { containers: { image: string }[] } }[] }).items;

const reloads = (h: Harness, w: World): string[] => (h.state.cluster(w.cluster)?.apps.dagster?.[NS]?.reloads ?? []).map((r: { name: string }) => r.name);

/** Dagster's view of the workspace, through the platform's own forward. */
async function workspace(w: World): Promise<{ name: string; loaded: string }[]> {
  const r = await fetch(`http://127.0.0.1:${w.ports.dagster}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ workspaceOrError { ... on Workspace { locationEntries { name locationOrLoadError { __typename } } } } }' }),
  });
  const body = (await r.json()) as { data: { workspaceOrError: { locationEntries: { name: string; locationOrLoadError: { __typename: string } }[] } } };
  return body.data.workspaceOrError.locationEntries.map((e) => ({ name: e.name, loaded: e.locationOrLoadError.__typename }));
}

async function withCodeLocation(h: Harness, image: string, scenario = {}) {
  writeFileSync(join(h.dir, 'floe-dev.yaml'), `orchestrator:\n  codeLocations:\n    - name: sales\n      image: ${image}\n      module: sales.definitions\n`);
  return world(h, scenario); // renders with this file: the code location's image is made present on the host
}

d('your own Dagster code locations', { timeout: 300_000 }, () => {
  const h = useHarness();

  it('are installed by up, and reloaded after a rebuild (same tag) and with another image', async () => {
    const image = `floe-e2e-${Math.random().toString(36).slice(2, 8)}/sales:0.1.0`;
    const w = await withCodeLocation(h(), image);
    expectInstalled(await w.floeDev(['up']));
    expect(await workspace(w)).toEqual([{ name: 'sales', loaded: 'RepositoryLocation' }]);
    const objects = h().state.objects(w.cluster, { namespace: NS }).map((o) => `${o.object.kind}/${o.object.metadata.name}`);
    expect(objects).toContain('Deployment/dagster-code-sales');
    expect(objects).not.toContain('Deployment/dagster-code-location'); // the example gave way
    const [first] = pods(h(), w);

    // A rebuild under the same tag: another image ID for the same reference.
    h().hostImages([`${image}-rebuilt`]);
    expect(spawnSync(dockerBin!, ['tag', `${image}-rebuilt`, image]).status).toBe(0);
    const loadsBefore = h().state.calls('kind').filter((c) => c.argv[0] === 'load').length;
    const same = await w.floeDev(['code-location', 'reload', 'sales']);
    expect(same.exitCode, same.stderr).toBe(0);
    expect(same.stdout).toContain(`Code location sales reloaded with ${image}.`);
    expect(h().state.calls('kind').filter((c) => c.argv[0] === 'load').length).toBe(loadsBefore + 1); // the new ID moved
    const [second] = pods(h(), w);
    expect(second!.metadata.name).not.toBe(first!.metadata.name); // the pod rolled for the new build
    expect(reloads(h(), w)).toEqual(['sales']);

    // Another image, for a try: run it, reload it, and say floe-dev.yaml still names the first.
    const next = image.replace(':0.1.0', ':0.2.0');
    h().hostImages([next]);
    const other = await w.floeDev(['code-location', 'reload', 'sales', '--image', next]);
    expect(other.exitCode, other.stderr).toBe(0);
    expect(other.stdout).toContain(`floe-dev.yaml still names ${image}`);
    expect(pods(h(), w).map((p) => p.spec.containers[0]!.image)).toEqual([next]);
    expect(reloads(h(), w)).toEqual(['sales', 'sales']);
    expect(await workspace(w)).toEqual([{ name: 'sales', loaded: 'RepositoryLocation' }]);
    expect((await w.floeDev(['smoke'])).exitCode).toBe(0);
  });

  it('whose code fails to import show the Python error Dagster reports, not a timeout', async () => {
    const image = `floe-e2e-${Math.random().toString(36).slice(2, 8)}/sales:0.1.0`;
    const w = await withCodeLocation(h(), image, { services: { ...FAST.services, 'dagster-code-sales': { loadError: "ModuleNotFoundError: No module named 'sales'" } } });
    const up = await w.floeDev(['up', '--skip-smoke']);
    expectInstalled(up); // the server runs (its code is loaded lazily): Dagster reports the error for the location
    const r = await w.floeDev(['code-location', 'reload', 'sales']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("code location sales: the code failed to load\n  ModuleNotFoundError: No module named 'sales'");
    expect(r.stderr).toMatch(/File "\/opt\/dagster\/app\/definitions\.py", line 1/);
    expect(r.stderr).not.toMatch(/timed out|not ready after/);
    const nope = await w.floeDev(['code-location', 'reload', 'sale']);
    expect(nope.exitCode).toBe(2);
    expect(nope.stderr).toContain('there is no code location named "sale"; did you mean "sales"?');
  });
});
