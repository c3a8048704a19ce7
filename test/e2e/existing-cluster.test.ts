// An existing cluster instead of kind (cluster.existing / --context): up, smoke, status and down through the
// user's own kubeconfig and context, with kind not even on PATH; the refusals (someone else's objects in the
// namespace, a denied `kubectl auth can-i`, no default StorageClass, --recreate). State nodes: no Docker needed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../fixtures/lib/common.js';
import { forwardPortEnv, useHarness, type Harness } from './harness.js';
import type { Obj } from './world.js';

const SCENARIO: Scenario = {
  nodes: 'state',
  apiLatencyMs: 5,
  defaults: { readyAfterMs: 150 },
  services: { polaris: { readyAfterMs: 300 }, 'dagster-webserver': { readyAfterMs: 250 }, cube: { readyAfterMs: 250 } },
};

/** Someone else's Deployment in `namespace`. */
function foreignDeployment(namespace: string, name: string): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'nginx:1.27' }] } } },
  };
}

function namespace(name: string, labels: Record<string, string> = {}): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

/** Every kubectl call that talks to a cluster named the user's kubeconfig and context, and none asked kind. */
function expectOnlyTheUsersContext(h: Harness, kubeconfig: string, context: string): void {
  expect(h.state.calls('kind')).toEqual([]);
  const calls = h.state.calls('kubectl').filter((c) => !c.argv.includes('--client'));
  expect(calls.length).toBeGreaterThan(0);
  const named = (argv: string[]) => argv[argv.indexOf('--kubeconfig') + 1] === kubeconfig && argv[argv.indexOf('--context') + 1] === context;
  expect(calls.filter((c) => !named(c.argv)).map((c) => c.argv.join(' '))).toEqual([]);
}

describe('floe-dev on an existing cluster', { timeout: 180_000 }, () => {
  // kind is not on PATH: a single kind call would fail the run.
  const h = useHarness({ tools: ['kubectl'], scenario: SCENARIO });

  it('installs, proves and reports the platform through the user\'s context, and down removes only floe-dev\'s namespace', async () => {
    const c = h().existingCluster({ objects: [namespace('team-a'), foreignDeployment('team-a', 'their-app')] });
    const before = readFileSync(c.kubeconfig);
    const env = await forwardPortEnv();
    const up = await h().floeDev(['up', '--context', c.context], { env, timeoutMs: 180_000 });
    expect(up.stderr).toMatch(/Preflight passed: existing cluster, context team@big-\w+, Kubernetes v1\.31\.6, 2 nodes \(amd64\)/);
    expect(up.stderr).toContain('the cluster pulls its');
    expect(up.exitCode).toBe(0);
    expect(up.stdout).toContain(`floe platform is up on existing cluster, context ${c.context} (Kubernetes v1.31.6)`);
    // No export: the user's kubeconfig is theirs already; the line picks the context without switching it.
    expect(up.stdout).toContain(`kubectl --context ${c.context} -n floe-platform get pods`);
    expect(up.stdout).not.toContain('export KUBECONFIG');
    // floe-dev's namespace carries its label (so down knows it made it).
    const ns = h().state.objects(c.name, { kind: 'Namespace' }).find((o) => o.object.metadata.name === 'floe-platform');
    expect(ns?.object.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('floe-dev');

    const smoke = await h().floeDev(['smoke', '--context', c.context], { env });
    expect(smoke.exitCode).toBe(0);
    const status = await h().floeDev(['status', '--context', c.context], { env });
    expect(status.stdout).toContain(`Platform: floe-dev (existing cluster, context ${c.context}, Kubernetes v1.31.6)`);
    expect(status.exitCode).toBe(0);

    const down = await h().floeDev(['down', '--context', c.context], { env });
    expect(down.exitCode).toBe(0);
    expect(down.stdout).toContain('namespace floe-platform');
    expect(down.stdout).toContain('the cluster and your kubeconfig are untouched');
    // The cluster, its other namespace and what is in it stay; nothing of floe-dev's is left; no forward runs.
    expect(h().state.cluster(c.name)?.status).toBe('running');
    const left = await h().tool('kubectl', [...c.kubectlArgs, 'get', 'namespaces,deployments', '-A', '-o', 'json']);
    const items = (JSON.parse(left.stdout) as { items: Obj[] }).items;
    expect(items.filter((o) => o.kind === 'Deployment').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['team-a/their-app']);
    expect(items.some((o) => o.metadata.name === 'floe-platform')).toBe(false);
    expect(h().state.forwards()).toEqual([]);

    expectOnlyTheUsersContext(h(), c.kubeconfig, c.context);
    expect(readFileSync(c.kubeconfig).equals(before)).toBe(true);
  });

  it('installs into a namespace it did not create without labelling it, and down leaves that namespace', async () => {
    const c = h().existingCluster({ objects: [namespace('data-eng', { team: 'data' })] });
    const before = readFileSync(c.kubeconfig);
    const env = { ...(await forwardPortEnv()), FLOE_DEV_CONTEXT: c.context };
    const up = await h().floeDev(['up', '--namespace', 'data-eng', '--component', 'storage', '--skip-smoke'], { env });
    expect(up.stderr).toContain('Namespace data-eng: yours');
    expect(up.exitCode).toBe(0);
    const ns = () => h().state.objects(c.name, { kind: 'Namespace' }).find((o) => o.object.metadata.name === 'data-eng');
    expect(ns()?.object.metadata.labels).toEqual({ team: 'data' });
    expect(h().state.objects(c.name, { namespace: 'data-eng' }).length).toBeGreaterThan(0);

    // A second up finds only floe-dev's objects there: fine.
    const again = await h().floeDev(['up', '--namespace', 'data-eng', '--component', 'storage', '--skip-smoke'], { env });
    expect(again.exitCode).toBe(0);

    const down = await h().floeDev(['down', '--namespace', 'data-eng'], { env });
    expect(down.exitCode).toBe(0);
    expect(down.stdout).toMatch(/Removed .*floe-dev's \d+ objects in namespace data-eng/);
    expect(ns()?.object.metadata.labels).toEqual({ team: 'data' });
    expect(h().state.objects(c.name, { namespace: 'data-eng' }).filter((o) => o.object.kind !== 'PersistentVolumeClaim' || o.object.metadata.labels?.['app.kubernetes.io/managed-by'] === 'floe-dev')).toEqual([]);
    expectOnlyTheUsersContext(h(), c.kubeconfig, c.context);
    expect(readFileSync(c.kubeconfig).equals(before)).toBe(true);
  });

  it('refuses a namespace holding objects floe-dev did not make, naming them, before changing anything; and --recreate', async () => {
    const c = h().existingCluster({
      objects: [namespace('analytics'), foreignDeployment('analytics', 'superset'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'superset-config', namespace: 'analytics' }, data: { a: 'b' } }],
    });
    const up = await h().floeDev(['up', '--context', c.context, '--namespace', 'analytics'], { env: await forwardPortEnv() });
    expect(up.exitCode).toBe(2);
    expect(up.stderr).toContain('namespace analytics in context');
    expect(up.stderr).toContain('holds 2 objects floe-dev did not make (deployment/superset, configmap/superset-config)');
    expect(up.stderr).toContain('--namespace');
    expect(h().state.calls('kubectl').filter((call) => call.argv.includes('apply'))).toEqual([]);

    const recreate = await h().floeDev(['up', '--context', c.context, '--recreate']);
    expect(recreate.exitCode).toBe(2);
    expect(recreate.stderr).toContain('--recreate deletes and recreates a kind cluster');
    expect(h().state.calls('kind')).toEqual([]);
  });

  it('stops with exit 3 when a can-i is denied and there is no default StorageClass, each with its fix; doctor says the same', async () => {
    h().writeScenario({ ...SCENARIO, auth: { deny: ['create pods/portforward', 'delete secrets'] } });
    const c = h().existingCluster({ storageClasses: [{ name: 'slow', provisioner: 'example.com/nfs' }], nodes: [{ arch: 'arm64', allocatableMemory: '2Gi' }] });
    const env = { ...(await forwardPortEnv()), FLOE_DEV_CONTEXT: c.context };
    const up = await h().floeDev(['up'], { env });
    expect(up.exitCode).toBe(3);
    expect(up.stderr).toMatch(/Permissions: context team@big-\w+ may not delete secrets, create pods\/portforward in namespace floe-platform/);
    expect(up.stderr).toContain('kubectl create rolebinding');
    expect(up.stderr).toContain('no default StorageClass (there are slow, none marked default)');
    expect(up.stderr).toContain(`annotate storageclass slow storageclass.kubernetes.io/is-default-class=true`);
    expect(up.stderr).toMatch(/Memory: 2 GiB allocatable on 1 node .*cannot all be scheduled/);
    expect(h().state.calls('kubectl').filter((call) => call.argv.includes('apply'))).toEqual([]);

    const doctor = await h().floeDev(['doctor', '--json'], { env });
    expect(doctor.exitCode).toBe(3);
    const checks = (JSON.parse(doctor.stdout) as { checks: { id: string; status: string; detail: string }[] }).checks;
    const status = Object.fromEntries(checks.map((x) => [x.id, x.status]));
    expect(status).toMatchObject({ kubectl: 'ok', api: 'ok', permissions: 'fail', 'storage-class': 'fail', memory: 'fail', namespace: 'ok' });
    expect(checks.map((x) => x.id)).not.toContain('docker');
    expect(checks.find((x) => x.id === 'architecture')?.detail).toMatch(/^arm64/);
    expectOnlyTheUsersContext(h(), c.kubeconfig, c.context);
  });
});

describe('floe-dev on an existing cluster where nodes and StorageClasses are not the user\'s to list', { timeout: 120_000 }, () => {
  const h = useHarness({ tools: ['kubectl'], scenario: { ...SCENARIO, auth: { deny: ['list nodes', 'list storageclasses'] } } });

  it('warns that it could not judge them instead of stopping', async () => {
    const c = h().existingCluster();
    const nodes = await h().tool('kubectl', [...c.kubectlArgs, 'get', 'nodes', '-o', 'json']);
    expect(nodes).toMatchObject({ exitCode: 1, stderr: expect.stringContaining('Error from server (Forbidden): nodes is forbidden: User "me" cannot list resource "nodes" in API group "" at the cluster scope') });
    const doctor = await h().floeDev(['doctor', '--json', '--context', c.context], { env: await forwardPortEnv() });
    const checks = (JSON.parse(doctor.stdout) as { checks: { id: string; status: string; detail: string }[] }).checks;
    expect(Object.fromEntries(checks.map((x) => [x.id, x.status]))).toMatchObject({ architecture: 'warn', memory: 'warn', 'storage-class': 'warn', permissions: 'ok' });
    expect(checks.find((x) => x.id === 'memory')?.detail).toContain('may not list nodes');
    expect(doctor.exitCode).toBe(0);
  });
});

describe('the fakes for an existing cluster', { timeout: 120_000 }, () => {
  const h = useHarness({ scenario: { nodes: 'state', auth: { deny: ['create pods/portforward', 'delete secrets in locked'] } } });

  it('answer kubectl auth can-i as kubectl does, list StorageClasses, and keep the cluster out of kind\'s reach', async () => {
    const c = h().existingCluster({ storageClasses: [{ name: 'fast', default: true, provisioner: 'pd.csi.storage.gke.io' }], nodes: [{ arch: 'arm64', allocatableMemory: '31Gi' }] });
    const can = (args: string[]) => h().tool('kubectl', [...c.kubectlArgs, 'auth', 'can-i', ...args]);
    expect(await can(['create', 'pods', '--subresource', 'portforward', '-n', 'x'])).toMatchObject({ exitCode: 1, stdout: 'no\n' });
    expect(await can(['create', 'pods', '-n', 'x'])).toMatchObject({ exitCode: 0, stdout: 'yes\n' });
    expect(await can(['delete', 'secrets', '-n', 'locked'])).toMatchObject({ exitCode: 1, stdout: 'no\n' });
    expect(await can(['delete', 'secrets', '-n', 'open'])).toMatchObject({ exitCode: 0 });
    expect((await can(['get', 'widgets', '-n', 'x'])).stderr).toContain("Warning: the server doesn't have a resource type 'widgets'");

    const sc = JSON.parse((await h().tool('kubectl', [...c.kubectlArgs, 'get', 'storageclass', '-o', 'json'])).stdout) as { items: Obj[] };
    expect(sc.items.map((x) => [x.metadata.name, x.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'], x.provisioner])).toEqual([['fast', 'true', 'pd.csi.storage.gke.io']]);
    const nodes = JSON.parse((await h().tool('kubectl', [...c.kubectlArgs, 'get', 'nodes', '-o', 'json'])).stdout) as { items: Obj[] };
    expect(nodes.items.map((n) => [n.status.nodeInfo.architecture, n.status.allocatable.memory])).toEqual([['arm64', '31Gi']]);

    // kind does not know it: not listed, and not deleted by `kind delete cluster` of its name.
    expect((await h().tool('kind', ['get', 'clusters'])).stdout).toBe('');
    await h().tool('kind', ['delete', 'cluster', '--name', c.name]);
    expect(h().state.cluster(c.name)?.status).toBe('running');
    // A kind cluster has kind's default class.
    const kind = await h().createCluster();
    const kindSc = JSON.parse((await h().tool('kubectl', [...kind.kubectlArgs, 'get', 'sc', '-o', 'json'])).stdout) as { items: Obj[] };
    expect(kindSc.items.map((x) => x.metadata.name)).toEqual(['standard']);
  });
});
