// The fake kubectl, through real subprocess calls: connection rules, version, server-side apply and its
// errors, get/delete/logs output shapes, and pods that evolve (or fail) as the scenario says.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../fixtures/lib/common.js';
import { useHarness, waitFor, type Harness, type RunOptions } from './harness.js';
import { configMap, deployment, job, namespace, secret, service, statefulSet, yamlDocs, type Manifest } from './manifests.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- kubectl JSON, read field by field

/** A cluster plus kubectl bound to it. */
async function world(h: Harness, scenario: Scenario = {}) {
  h.writeScenario(scenario);
  const cluster = await h.createCluster();
  const k = (args: string[], o?: RunOptions) => h.tool('kubectl', [...cluster.kubectlArgs, ...args], o);
  const apply = (docs: Manifest[], extra: string[] = []) =>
    k(['apply', '--server-side', '--field-manager', 'floe-dev', ...extra, '-f', '-'], { input: yamlDocs(...docs) });
  const getJson = async (args: string[]): Promise<Obj> => {
    const r = await k(['get', ...args, '-o', 'json']);
    if (r.exitCode !== 0) throw new Error(`kubectl get ${args.join(' ')} failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Obj;
  };
  const pods = async (ns = 'floe-platform'): Promise<Obj[]> => (await getJson(['pods', '-n', ns])).items as Obj[];
  return { cluster, k, apply, getJson, pods };
}

const ready = (pod: Obj) => pod.status.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True') === true;

describe('fake kubectl: connecting', () => {
  const h = useHarness();

  it('insists on --kubeconfig and --context, as floe-dev always passes both', async () => {
    const { cluster } = await world(h());
    const r = await h().tool('kubectl', ['--kubeconfig', cluster.kubeconfig, 'get', 'pods', '-o', 'json']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('fake kubectl: unsupported call: every call must name --kubeconfig and --context');
    expect(r.stderr).toContain('"get","pods"');
  });

  it('fails like kubectl for a missing context, a missing kubeconfig, and a deleted cluster', async () => {
    const { cluster, k } = await world(h());
    const noContext = await h().tool('kubectl', ['--kubeconfig', cluster.kubeconfig, '--context', 'kind-other', 'get', 'ns', '-o', 'json']);
    expect(noContext).toMatchObject({ exitCode: 1, stderr: 'Error in configuration: context was not found for specified context: kind-other\n' });
    const noFile = await h().tool('kubectl', ['--kubeconfig', join(h().dir, 'missing'), '--context', 'kind-x', 'get', 'ns', '-o', 'json']);
    expect(noFile.stderr).toBe(`error: stat ${join(h().dir, 'missing')}: no such file or directory\n`);

    const server = /server: (https:\/\/127\.0\.0\.1:(\d+))/.exec((await h().tool('kind', ['get', 'kubeconfig', '--name', cluster.name])).stdout);
    // Keep a copy of the kubeconfig: kind delete prunes the entries from the file it was told about.
    await h().tool('kind', ['export', 'kubeconfig', '--name', cluster.name, '--kubeconfig', join(h().dir, 'copy')]);
    await h().tool('kind', ['delete', 'cluster', '--name', cluster.name, '--kubeconfig', cluster.kubeconfig]);
    const gone = await h().tool('kubectl', ['--kubeconfig', join(h().dir, 'copy'), '--context', `kind-${cluster.name}`, 'get', 'ns', '-o', 'json']);
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain(`The connection to the server 127.0.0.1:${server?.[2]} was refused - did you specify the right host or port?`);
    const pruned = await k(['get', 'ns', '-o', 'json']);
    expect(pruned.stderr).toContain('context was not found');
  });

  it('waits apiLatencyMs per call, and gives up after --request-timeout when the API is slower', async () => {
    const { k } = await world(h(), { apiLatencyMs: 400 });
    const slow = await k(['get', 'ns', '-o', 'json']);
    expect(slow.exitCode).toBe(0);
    expect(h().state.calls('kubectl').at(-1)?.durationMs).toBeGreaterThanOrEqual(400);
    const timedOut = await k(['get', 'ns', '-o', 'json', '--request-timeout=100ms']);
    expect(timedOut).toMatchObject({ exitCode: 1, stderr: 'Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded while awaiting headers)\n' });
  });

  it('refuses the first api.refusals calls as kubectl reports a refused connection, then answers; api.down refuses all', async () => {
    const { k } = await world(h(), { api: { refusals: 2 } });
    const first = await k(['get', 'ns', '-o', 'json']);
    expect(first.exitCode).toBe(1);
    expect(first.stderr).toMatch(/dial tcp 127\.0\.0\.1:\d+: connect: connection refused"\n[\s\S]*\nThe connection to the server 127\.0\.0\.1:\d+ was refused - did you specify the right host or port\?\n$/);
    expect((await k(['version', '-o', 'json'])).exitCode).toBe(1);
    expect((await k(['get', 'ns', '-o', 'json'])).exitCode).toBe(0);
    expect((await h().tool('kubectl', ['version', '--client', '-o', 'json'])).exitCode).toBe(0); // talks to no server: not counted
    h().writeScenario({ api: { down: true } });
    for (let i = 0; i < 2; i++) expect((await k(['get', 'ns', '-o', 'json'])).stderr).toMatch(/was refused - did you specify the right host or port\?/);
  });

  it('answers version -o json with client and server, and --client without a cluster', async () => {
    const { k } = await world(h());
    const both = JSON.parse((await k(['version', '-o', 'json'])).stdout) as Obj;
    expect(both.clientVersion).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.4', platform: 'linux/amd64' });
    expect(both.serverVersion).toMatchObject({ major: '1', minor: '34', gitVersion: 'v1.34.0' });
    expect(both.kustomizeVersion).toBe('v5.5.0');
    const client = await h().tool('kubectl', ['version', '--client', '-o', 'json']);
    expect(client.exitCode).toBe(0);
    expect(Object.keys(JSON.parse(client.stdout) as Obj)).toEqual(['clientVersion', 'kustomizeVersion']);
  });
});

describe('fake kubectl: cluster health', () => {
  const h = useHarness();

  it('answers get --raw /readyz, cluster-info, and shows the system pods of a fresh kind node', async () => {
    const { k, getJson, cluster } = await world(h());
    expect(await k(['get', '--raw', '/readyz'])).toMatchObject({ exitCode: 0, stdout: 'ok' });
    expect(JSON.parse((await k(['get', '--raw', '/version'])).stdout)).toMatchObject({ gitVersion: 'v1.34.0' });
    const port = /127\.0\.0\.1:(\d+)/.exec((await h().tool('kind', ['get', 'kubeconfig', '--name', cluster.name])).stdout)?.[1];
    expect((await k(['cluster-info'])).stdout).toContain(`Kubernetes control plane is running at https://127.0.0.1:${port}\n`);
    const system = (await getJson(['pods', '-n', 'kube-system'])).items as Obj[];
    expect(system.map((p) => p.metadata.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^coredns-/), `etcd-${cluster.name}-control-plane`]));
    expect(system.every(ready)).toBe(true);
  });
});

describe('fake kubectl: apply', () => {
  const h = useHarness();

  it('applies multi-document YAML server-side and prints what kubectl prints', async () => {
    const { apply, cluster } = await world(h());
    const r = await apply([namespace('floe-platform'), secret('polaris-credentials', { 'client-id': 'root' }), deployment('polaris'), service('polaris', [{ port: 8181 }]), statefulSet('catalog-db'), job('polaris-bootstrap')]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      [
        'namespace/floe-platform serverside-applied',
        'secret/polaris-credentials serverside-applied',
        'deployment.apps/polaris serverside-applied',
        'service/polaris serverside-applied',
        'statefulset.apps/catalog-db serverside-applied',
        'job.batch/polaris-bootstrap serverside-applied',
        '',
      ].join('\n'),
    );
    const stored = h().state.objects(cluster.name, { kind: 'Secret' })[0];
    // stringData is folded into base64 data by the API server.
    expect(stored?.object.data).toEqual({ 'client-id': Buffer.from('root').toString('base64') });
    expect(h().state.calls('kubectl').at(-1)?.stdinBytes).toBeGreaterThan(100);
  });

  it('treats an identical re-apply as a no-op: same resourceVersion, readiness clock not reset', async () => {
    const { apply, cluster } = await world(h());
    const docs = [namespace('floe-platform'), deployment('web')];
    await apply(docs);
    const before = h().state.objects(cluster.name, { kind: 'Deployment' })[0];
    // A minute later on the cluster's clock: a re-apply that restarted the readiness clock would show it.
    h().advanceClock(60_000);
    expect((await apply(docs)).stdout).toContain('deployment.apps/web serverside-applied');
    const after = h().state.objects(cluster.name, { kind: 'Deployment' })[0];
    expect(after?.resourceVersion).toBe(before?.resourceVersion);
    expect(after?.clockStart).toBe(before?.clockStart);

    await apply([deployment('web', { image: 'example/app:2.0' })]);
    const changed = h().state.objects(cluster.name, { kind: 'Deployment' })[0];
    expect(changed?.generation).toBe(2);
    expect(changed?.clockStart).toBeGreaterThanOrEqual((before?.clockStart ?? Infinity) + 60_000);
  });

  it('prints created/configured/unchanged for client-side apply', async () => {
    const { k } = await world(h());
    const input = yamlDocs(namespace('floe-platform'), configMap('c', { a: '1' }));
    expect((await k(['apply', '-f', '-'], { input })).stdout).toBe('namespace/floe-platform created\nconfigmap/c created\n');
    expect((await k(['apply', '-f', '-'], { input })).stdout).toBe('namespace/floe-platform unchanged\nconfigmap/c unchanged\n');
    const changed = yamlDocs(configMap('c', { a: '2' }));
    expect((await k(['apply', '-f', '-'], { input: changed })).stdout).toBe('configmap/c configured\n');
  });

  it.each<[string, string, string]>([
    ['a YAML syntax error', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n', 'error: error parsing STDIN: error converting YAML to JSON: yaml: '],
    ['a missing kind', 'apiVersion: v1\nmetadata:\n  name: x\n', 'error: error validating "STDIN": error validating data: kind not set'],
    ['a missing apiVersion', 'kind: ConfigMap\nmetadata:\n  name: x\n', 'error: error validating "STDIN": error validating data: apiVersion not set'],
    ['a missing name', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n', 'error: resource name may not be empty'],
    ['an unknown kind', 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n', 'error: resource mapping not found for name: "w" namespace: "" from "STDIN": no matches for kind "Widget" in version "example.com/v1"\nensure CRDs are installed first'],
    ['a kind in the wrong version', 'apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: d\n', 'no matches for kind "Deployment" in version "apps/v1beta1"'],
    ['a missing namespace', yamlDocs(configMap('c', { a: 'b' }, 'nowhere')), 'Error from server (NotFound): namespaces "nowhere" not found'],
    ['bad base64 in a Secret', 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: default}\ndata:\n  k: "not base64!"\n', 'Error from server (BadRequest): Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3'],
    ['a number in a ConfigMap', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\ndata:\n  port: 5432\n', 'json: cannot unmarshal number into Go struct field ConfigMap.data of type string'],
    ['a selector that does not match the template', yamlDocs({ ...deployment('d', { namespace: 'default' }), spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'y' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } } } }), 'The Deployment "d" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: `selector` does not match template `labels`'],
    ['a container without image', yamlDocs({ ...deployment('d', { namespace: 'default' }), spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c' }] } } } }), 'spec.template.spec.containers[0].image: Required value'],
    ['an invalid name', yamlDocs(configMap('Not_Valid', {}, 'default')), 'The ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain'],
    ['an env value that is not a string', yamlDocs(deployment('d', { namespace: 'default', env: [{ name: 'PORT', value: 5432 }] })), 'cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string'],
  ])('rejects %s like the API server', async (_what, input, message) => {
    const { k } = await world(h());
    const r = await k(['apply', '--server-side', '--field-manager', 'floe-dev', '-f', '-'], { input });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(message);
  });

  it('still applies the valid objects of a stream that has a bad one, and exits 1', async () => {
    const { k, cluster } = await world(h());
    const input = `${yamlDocs(configMap('ok', { a: 'b' }, 'default'))}---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n`;
    const r = await k(['apply', '--server-side', '--field-manager', 'floe-dev', '-f', '-'], { input });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('configmap/ok serverside-applied\n');
    expect(h().state.objects(cluster.name, { kind: 'ConfigMap' }).map((o) => o.object.metadata.name)).toEqual(['ok']);
  });

  it('fails on empty input and without -f', async () => {
    const { k } = await world(h());
    expect((await k(['apply', '--server-side', '-f', '-'], { input: '' })).stderr).toBe('error: no objects passed to apply\n');
    expect((await k(['apply', '--server-side'])).stderr).toBe('error: must specify one of -f and -k\n');
  });

  it('reports a field conflict with another manager, and takes it over with --force-conflicts', async () => {
    const { apply, k } = await world(h());
    await apply([configMap('shared', { owner: 'floe-dev' }, 'default')]);
    const input = yamlDocs(configMap('shared', { owner: 'someone-else' }, 'default'));
    const conflict = await k(['apply', '--server-side', '--field-manager', 'other', '-f', '-'], { input });
    expect(conflict.exitCode).toBe(1);
    expect(conflict.stderr).toContain('error: Apply failed with 1 conflict: conflict with "floe-dev": .data.owner');
    expect(conflict.stderr).toContain('--force-conflicts');
    const forced = await k(['apply', '--server-side', '--field-manager', 'other', '--force-conflicts', '-f', '-'], { input });
    expect(forced.exitCode).toBe(0);
  });

  it('refuses new objects in a namespace being deleted', async () => {
    // Terminating for an hour: longer than any test runs, so the apply below always finds it terminating.
    const { apply, k } = await world(h(), { namespaceDeleteMs: 3_600_000 });
    await apply([namespace('floe-platform')]);
    expect((await k(['delete', 'namespace', 'floe-platform', '--wait=false'])).stdout).toBe('namespace "floe-platform" deleted\n');
    const r = await apply([configMap('late', { a: 'b' })]);
    expect(r.stderr).toContain('Error from server (Forbidden): configmaps "late" is forbidden: unable to create new content in namespace floe-platform because it is being terminated');
  });

  it('keeps every object when several applies run at once (the state lock holds)', async () => {
    const { apply, cluster } = await world(h());
    await apply([namespace('floe-platform')]);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => apply([configMap(`cm-${i}`, { i: String(i) })])));
    expect(results.map((r) => r.exitCode)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(h().state.objects(cluster.name, { kind: 'ConfigMap' })).toHaveLength(6);
  });
});

describe('fake kubectl: get, delete, logs', () => {
  const h = useHarness();

  it('prints Lists with kubectl JSON conventions (sorted keys, 4-space indent) and single objects by name', async () => {
    const { apply, k, getJson } = await world(h());
    await apply([namespace('floe-platform'), configMap('b', { x: 'y' }), configMap('a', { x: 'y' })]);
    const raw = (await k(['get', 'configmaps', '-n', 'floe-platform', '-o', 'json'])).stdout;
    expect(raw.startsWith('{\n    "apiVersion": "v1",\n    "items": [')).toBe(true);
    const list = JSON.parse(raw) as Obj;
    expect(list).toMatchObject({ kind: 'List', metadata: { resourceVersion: '' } });
    expect(list.items.map((i: Obj) => i.metadata.name)).toEqual(['a', 'b']);
    expect(list.items[0].metadata).toMatchObject({ namespace: 'floe-platform', uid: expect.any(String), resourceVersion: expect.any(String), creationTimestamp: expect.stringMatching(/Z$/) });
    const one = await getJson(['configmap/a', '-n', 'floe-platform']);
    expect(one).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'a' } });
    expect((await k(['get', 'cm', '-n', 'floe-platform', '-o', 'name'])).stdout).toBe('configmap/a\nconfigmap/b\n');
    const nodes = await getJson(['nodes']);
    expect(nodes.items[0]).toMatchObject({ kind: 'Node', metadata: { name: `${h().state.clusters()[0]?.name}-control-plane` }, status: { nodeInfo: { kubeletVersion: 'v1.34.0' } } });
    const namespaces = (await getJson(['namespaces'])).items.map((n: Obj) => n.metadata.name);
    expect(namespaces).toEqual(expect.arrayContaining(['default', 'kube-system', 'floe-platform']));
  });

  it('answers NotFound, unknown types and selectors like kubectl', async () => {
    const { apply, k, getJson } = await world(h());
    await apply([namespace('floe-platform'), deployment('web'), deployment('db', { labels: { tier: 'data' } })]);
    const missing = await k(['get', 'deployment', 'nope', '-n', 'floe-platform', '-o', 'json']);
    expect(missing).toMatchObject({ exitCode: 1, stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n' });
    expect((await k(['get', 'deployment', 'nope', '-n', 'floe-platform', '--ignore-not-found', '-o', 'json'])).exitCode).toBe(0);
    expect((await k(['get', 'widgets', '-o', 'json'])).stderr).toBe('error: the server doesn\'t have a resource type "widgets"\n');
    const selected = await getJson(['deploy', '-n', 'floe-platform', '-l', 'tier=data']);
    expect(selected.items.map((d: Obj) => d.metadata.name)).toEqual(['db']);
    const all = await getJson(['deployments.apps', '-A']);
    expect(all.items).toHaveLength(2);
    expect((await getJson(['pods', '-n', 'empty-ns'])).items).toEqual([]);
  });

  it('deletes a namespace and everything in it; a second delete is NotFound unless --ignore-not-found', async () => {
    const { apply, k, getJson, cluster } = await world(h());
    await apply([namespace('floe-platform'), deployment('web'), configMap('c', { a: 'b' })]);
    expect((await k(['delete', 'namespace', 'floe-platform'])).stdout).toBe('namespace "floe-platform" deleted\n');
    expect(h().state.objects(cluster.name)).toEqual([]);
    expect((await getJson(['deployments', '-n', 'floe-platform'])).items).toEqual([]);
    expect((await k(['delete', 'namespace', 'floe-platform'])).stderr).toBe('Error from server (NotFound): namespaces "floe-platform" not found\n');
    expect((await k(['delete', 'namespace', 'floe-platform', '--ignore-not-found'])).exitCode).toBe(0);
  });

  it('waits for a terminating namespace, and times out like kubectl', async () => {
    const { apply, k } = await world(h(), { namespaceDeleteMs: 1_500 });
    await apply([namespace('floe-platform')]);
    const r = await k(['delete', 'namespace', 'floe-platform', '--wait=true', '--timeout=1s']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('error: timed out waiting for the condition on namespaces/floe-platform\n');
  });

  it('serves container logs with --tail, waiting errors, and --previous for a crashing container', async () => {
    // web takes ten minutes of the cluster's clock to start: it is waiting until the test moves the clock on.
    const { apply, k, pods } = await world(h(), {
      services: { web: { readyAfterMs: 600_000, logs: ['one', 'two', 'three'] }, crasher: { readyAfterMs: 100, fault: 'CrashLoopBackOff', crashBackoffMs: 100 } },
    });
    await apply([namespace('floe-platform'), deployment('web'), deployment('crasher')]);
    const waiting = await k(['logs', 'deploy/web', '-n', 'floe-platform']);
    expect(waiting.stderr).toMatch(/is waiting to start: (ContainerCreating|PodInitializing)/);
    h().advanceClock(600_000);
    await waitFor(async () => (await pods()).some((p) => p.metadata.name.startsWith('web-') && ready(p)), 10_000, 'web ready');
    expect((await k(['logs', 'deploy/web', '-n', 'floe-platform', '--tail', '2'])).stdout).toBe('two\nthree\n');
    const podName = (await pods()).find((p) => p.metadata.name.startsWith('web-'))?.metadata.name as string;
    expect((await k(['logs', podName, '-n', 'floe-platform', '-c', 'web'])).stdout).toBe('one\ntwo\nthree\n');
    expect((await k(['logs', podName, '-n', 'floe-platform', '--previous'])).stderr).toContain(`previous terminated container "web" in pod "${podName}" not found`);
    await waitFor(async () => (await pods()).some((p) => p.metadata.name.startsWith('crasher-') && p.status.containerStatuses?.[0]?.restartCount > 0), 10_000, 'a restart');
    const previous = await k(['logs', 'deploy/crasher', '-n', 'floe-platform', '-p']);
    expect(previous.stdout).toContain('fatal: could not start');
    expect((await k(['logs', 'nope', '-n', 'floe-platform'])).stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  });

  it('serves logs by selector across pods and containers, with --prefix, and sorts events with --sort-by', async () => {
    const { apply, k, getJson } = await world(h(), { defaults: { readyAfterMs: 50 }, services: { web: { logs: ['a', 'b'] } } });
    await apply([namespace('floe-platform'), deployment('web', { replicas: 2 })]);
    await waitFor(async () => ((await getJson(['deployment', 'web', '-n', 'floe-platform'])).status.readyReplicas ?? 0) === 2, 10_000, 'web ready');
    const r = await k(['logs', '-l', 'app=web', '-n', 'floe-platform', '--all-containers', '--prefix', '--tail', '1']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^\[pod\/web-[a-z0-9]+-[a-z0-9]+\/web\] b$/), expect.stringMatching(/^\[pod\/web-.*\/web\] b$/)]);
    expect((await k(['logs', '-l', 'app=none', '-n', 'floe-platform'])).stderr).toBe('No resources found in floe-platform namespace.\n');
    const events = (await getJson(['events', '-n', 'floe-platform', '--sort-by=.lastTimestamp'])).items as Obj[];
    const times = events.map((e) => e.lastTimestamp as string);
    expect(times).toEqual([...times].sort());
  });

  it('restarts a deleted pod under a new name', async () => {
    const { apply, k, pods } = await world(h(), { defaults: { readyAfterMs: 50 } });
    await apply([namespace('floe-platform'), deployment('web')]);
    const first = (await pods())[0]?.metadata.name as string;
    expect((await k(['delete', 'pod', first, '-n', 'floe-platform'])).stdout).toBe(`pod "${first}" deleted\n`);
    const second = (await pods())[0]?.metadata.name as string;
    expect(second).not.toBe(first);
    expect(second.startsWith('web-')).toBe(true);
  });
});

describe('fake kubectl: pods evolve with the scenario', () => {
  const h = useHarness();

  it('takes a Deployment from Pending through ContainerCreating to Running and Ready, with status to match', async () => {
    // Ten minutes of the cluster's clock to get ready: each phase lasts until the test moves the clock on.
    const { apply, getJson, pods } = await world(h(), { services: { web: { readyAfterMs: 600_000 } } });
    await apply([namespace('floe-platform'), deployment('web', { replicas: 2 })]);
    const early = await pods();
    expect(early).toHaveLength(2);
    expect(early[0]?.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(early.every((p) => p.status.phase === 'Pending')).toBe(true);
    const deployEarly = await getJson(['deployment', 'web', '-n', 'floe-platform']);
    expect(deployEarly.status.readyReplicas).toBeUndefined(); // omitted while zero, as the API server does
    expect(deployEarly.status.conditions.find((c: Obj) => c.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });

    // Scheduled after 50 ms; containers start at half the readiness time.
    const creating = await waitFor(async () => (await pods()).find((p) => p.status.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating'), 10_000, 'ContainerCreating');
    expect(creating.spec.nodeName).toMatch(/-control-plane$/);
    h().advanceClock(300_000);
    const running = await pods();
    expect(running.map((p) => [p.status.phase, ready(p)])).toEqual([['Running', false], ['Running', false]]);
    h().advanceClock(300_000);
    expect((await pods()).every(ready)).toBe(true);
    const deploy = await getJson(['deployment', 'web', '-n', 'floe-platform']);
    expect(deploy.status).toMatchObject({ observedGeneration: 1, replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 });
    expect(deploy.status.conditions.find((c: Obj) => c.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect((await getJson(['replicasets', '-n', 'floe-platform'])).items[0].status.readyReplicas).toBe(2);
    const events = (await getJson(['events', '-n', 'floe-platform'])).items.map((e: Obj) => e.reason);
    expect(events).toEqual(expect.arrayContaining(['ScalingReplicaSet', 'SuccessfulCreate', 'Scheduled', 'Pulled', 'Created', 'Started']));
  });

  it('creates StatefulSet pods in order with bound claims, and completes Jobs', async () => {
    // db and the Job are held (running, not ready, not finished) until the scenario lets go: db-1 cannot exist
    // before db-0 is ready, however long the machine takes.
    const held: Scenario = { defaults: { readyAfterMs: 60 }, services: { db: { hold: true }, setup: { hold: true } } };
    const { apply, getJson, pods } = await world(h(), held);
    await apply([namespace('floe-platform'), statefulSet('db', { replicas: 2 }), job('setup')]);
    await waitFor(async () => (await pods()).find((p) => p.metadata.name === 'db-0')?.status.phase === 'Running', 10_000, 'db-0 running');
    expect((await pods()).map((p) => p.metadata.name).filter((n: string) => n.startsWith('db-'))).toEqual(['db-0']);
    expect((await getJson(['job', 'setup', '-n', 'floe-platform'])).status).toMatchObject({ active: 1 });
    h().writeScenario({ defaults: { readyAfterMs: 60 } });
    await waitFor(async () => (await pods()).filter((p) => p.metadata.name.startsWith('db-') && ready(p)).length === 2, 10_000, 'db-0 and db-1 ready');
    const claims = (await getJson(['pvc', '-n', 'floe-platform'])).items;
    expect(claims.map((c: Obj) => [c.metadata.name, c.status.phase])).toEqual([['data-db-0', 'Bound'], ['data-db-1', 'Bound']]);
    expect((await getJson(['statefulset', 'db', '-n', 'floe-platform'])).status).toMatchObject({ readyReplicas: 2, availableReplicas: 2, currentReplicas: 2 });
    const done = await waitFor(async () => {
      const j = await getJson(['job', 'setup', '-n', 'floe-platform']);
      return j.status.succeeded === 1 ? j : undefined;
    }, 10_000, 'job complete');
    expect(done.status.conditions.map((c: Obj) => c.type)).toEqual(['SuccessCriteriaMet', 'Complete']);
    expect(done.status.completionTime).toBeDefined();
    expect((await pods()).find((p) => p.metadata.name.startsWith('setup-'))?.status.phase).toBe('Succeeded');
  });

  it.each<[string, Obj]>([
    ['CrashLoopBackOff', { state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'Error', exitCode: 1 } } }],
    ['OOMKilled', { state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }],
    ['ImagePullBackOff', { state: { waiting: { reason: 'ImagePullBackOff' } } }],
    ['ErrImagePull', { state: { waiting: { reason: 'ErrImagePull' } } }],
    ['NeverReady', { state: { running: {} }, ready: false, started: true }],
    ['CreateContainerConfigError', { state: { waiting: { reason: 'CreateContainerConfigError' } } }],
  ])('shows the %s fault in the pod status', async (fault, expected) => {
    const { apply, pods } = await world(h(), { services: { web: { readyAfterMs: 100, fault: fault as 'NeverReady', crashBackoffMs: 60 } } });
    await apply([namespace('floe-platform'), deployment('web')]);
    const pod = await waitFor(async () => {
      const p = (await pods())[0];
      const st = p?.status.containerStatuses?.[0];
      const wanted = expected.state.waiting?.reason;
      return (wanted ? st?.state?.waiting?.reason === wanted : st?.state?.running) && (!expected.lastState || st?.lastState?.terminated) ? p : undefined;
    }, 10_000, fault);
    expect(pod.status.containerStatuses[0]).toMatchObject(expected);
    expect(ready(pod)).toBe(false);
  });

  it('holds a container whose env names a missing Secret or key in CreateContainerConfigError, until it is applied', async () => {
    const { apply, pods } = await world(h(), { defaults: { readyAfterMs: 60 } });
    const env = [{ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } }];
    await apply([namespace('floe-platform'), deployment('web', { env })]);
    const waitingMessage = async () => (await pods())[0]?.status.containerStatuses?.[0]?.state?.waiting as Obj | undefined;
    expect(await waitFor(async () => (await waitingMessage())?.reason === 'CreateContainerConfigError' && waitingMessage(), 10_000, 'config error')).toMatchObject({ message: 'secret "db-credentials" not found' });
    await apply([secret('db-credentials', { user: 'x' })]);
    expect(await waitingMessage()).toMatchObject({ reason: 'CreateContainerConfigError', message: "couldn't find key password in Secret floe-platform/db-credentials" });
    await apply([secret('db-credentials', { user: 'x', password: 'y' })]);
    await waitFor(async () => ready((await pods())[0] ?? {}), 10_000, 'ready once the key exists');
  });

  it('keeps a pod in ContainerCreating with FailedMount events while a mounted ConfigMap is missing', async () => {
    const { apply, pods, getJson } = await world(h(), { defaults: { readyAfterMs: 60 } });
    await apply([namespace('floe-platform'), deployment('web', { volumes: [{ name: 'conf', configMap: { name: 'web-config' } }] })]);
    h().advanceClock(600_000); // long past its readiness time: only the missing ConfigMap holds it
    const pod = (await pods())[0] as Obj;
    expect(pod.status.phase).toBe('Pending');
    expect(pod.status.containerStatuses[0].state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    const events = (await getJson(['events', '-n', 'floe-platform', '--field-selector', 'reason=FailedMount'])).items as Obj[];
    expect(events[0]).toMatchObject({ type: 'Warning', message: 'MountVolume.SetUp failed for volume "conf" : configmap "web-config" not found' });
    await apply([configMap('web-config', { 'app.yaml': 'a: 1' })]);
    await waitFor(async () => ready((await pods())[0] ?? {}), 10_000, 'ready once mounted');
  });

  it('grows the restart count of a crash-looping container over time', async () => {
    const { apply, pods } = await world(h(), { services: { web: { readyAfterMs: 40, fault: 'CrashLoopBackOff', crashBackoffMs: 40 } } });
    await apply([namespace('floe-platform'), deployment('web')]);
    const restarts = async () => ((await pods())[0]?.status.containerStatuses?.[0]?.restartCount ?? 0) as number;
    const first = await waitFor(restarts, 10_000, 'a first restart');
    await waitFor(async () => (await restarts()) > first, 10_000, 'more restarts');
  });

  it('keeps an Unschedulable pod Pending with PodScheduled=False and a FailedScheduling event', async () => {
    const { apply, pods, getJson } = await world(h(), { services: { db: { fault: 'Unschedulable' } } });
    await apply([namespace('floe-platform'), statefulSet('db')]);
    h().advanceClock(600_000); // long past any readiness time: the fault, not time, keeps it Pending
    const pod = (await pods())[0] as Obj;
    expect(pod.status.phase).toBe('Pending');
    expect(pod.status.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' })]);
    expect((await getJson(['pvc', '-n', 'floe-platform'])).items[0].status.phase).toBe('Pending');
    const events = (await getJson(['events', '-n', 'floe-platform', '--field-selector', 'involvedObject.kind=Pod'])).items;
    expect(events).toEqual([expect.objectContaining({ type: 'Warning', reason: 'FailedScheduling', involvedObject: expect.objectContaining({ name: 'db-0' }) })]);
  });

  it('fails a Job with BackoffLimitExceeded', async () => {
    const { apply, getJson } = await world(h(), { services: { setup: { readyAfterMs: 60, fault: 'BackoffLimitExceeded' } } });
    await apply([namespace('floe-platform'), job('setup')]);
    const failed = await waitFor(async () => {
      const j = await getJson(['job', 'setup', '-n', 'floe-platform']);
      return j.status.conditions?.some((c: Obj) => c.type === 'Failed') ? j : undefined;
    }, 10_000, 'job failed');
    expect(failed.status.conditions.find((c: Obj) => c.type === 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
  });

  it('adds the scenario events and warning events of a fault to `get events`', async () => {
    const { apply, getJson } = await world(h(), {
      services: { web: { readyAfterMs: 60, fault: 'ImagePullBackOff', events: [{ type: 'Warning', reason: 'Custom', message: 'something odd' }] } },
    });
    await apply([namespace('floe-platform'), deployment('web', { image: 'example/missing:9' })]);
    const events = await waitFor(async () => {
      const items = (await getJson(['events', '-n', 'floe-platform'])).items as Obj[];
      return items.some((e) => e.reason === 'BackOff') ? items : undefined;
    }, 10_000, 'BackOff event');
    const failed = events.filter((e) => e.reason === 'Failed');
    expect(failed.map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringContaining('Failed to pull image "example/missing:9"'), 'Error: ErrImagePull', 'Error: ImagePullBackOff']));
    expect(failed[0]).toMatchObject({ type: 'Warning', source: { component: 'kubelet' }, involvedObject: { kind: 'Pod' } });
    expect(events.find((e) => e.reason === 'Custom')).toMatchObject({ type: 'Warning', message: 'something odd' });
  });

  it('with an offline registry, pulls fail until the image is loaded into the node', async () => {
    const { apply, pods, cluster } = await world(h(), { registry: 'offline', defaults: { readyAfterMs: 80 } });
    await apply([namespace('floe-platform'), deployment('web', { image: 'example/app:1.0' })]);
    await waitFor(async () => (await pods())[0]?.status.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull', 10_000, 'ErrImagePull');
    h().hostImages(['example/app:1.0']);
    expect((await h().tool('kind', ['load', 'docker-image', 'example/app:1.0', '--name', cluster.name])).exitCode).toBe(0);
    await waitFor(async () => ready((await pods())[0] ?? {}), 10_000, 'ready after load');
  });
});

describe('fake kubectl: unsupported calls fail loudly', () => {
  const h = useHarness();

  it.each<[string[], string]>([
    [['get', 'pods'], 'fake kubectl: unsupported call: table output'],
    [['get', 'pods', '-o', 'jsonpath={.items}'], 'fake kubectl: unsupported call: -o jsonpath={.items}'],
    [['exec', 'pod', '--', 'ls'], 'fake kubectl: unsupported call: the fake does not simulate `kubectl exec`'],
    [['get', 'pods', '-w', '-o', 'json'], 'fake kubectl: unsupported call: flag -w of `kubectl get` is not simulated'],
    [['frob'], 'Error: flags cannot be placed before plugin name: --kubeconfig'],
    [['get', 'pods', '--frob', '-o', 'json'], "Error: unknown flag: --frob\nSee 'kubectl get --help' for usage."],
  ])('kubectl %j', async (args, message) => {
    const { k } = await world(h());
    const r = await k(args);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(message);
  });

  it('names the argv in an unsupported call', async () => {
    const { k } = await world(h());
    const r = await k(['rollout', 'status', 'deploy/web']);
    expect(r.stderr).toContain('"rollout","status","deploy/web"');
  });
});
