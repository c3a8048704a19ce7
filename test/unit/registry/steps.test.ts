// The registry's steps over a fake engine, runner and HTTP: the container made or reused (and what is wrong when
// it cannot run), the nodes wired, the ConfigMap applied; images pushed instead of side-loaded and the code
// location pinned to the pushed digest; doctor's port check; status; down's removal.
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { systemClock, type Clock } from '../../../src/clock.js';
import { configSchema } from '../../../src/config/schema.js';
import { FloeError } from '../../../src/errors.js';
import { generateCredentials } from '../../../src/platform/credentials.js';
import { renderKindConfig } from '../../../src/platform/kind-config.js';
import { renderPlatformByService } from '../../../src/platform/render.js';
import { ensureCluster } from '../../../src/steps/cluster.js';
import { ensureRegistryContainer } from '../../../src/registry/container.js';
import { ensureImages } from '../../../src/steps/images.js';
import { registryImages, registryPortCheck, registryStep, removeRegistryStep, type RegistryRemoval } from '../../../src/steps/registry.js';
import { formatStatus, type StatusReport } from '../../../src/status/layout.js';
import type { ContainerView, PushStreamEvent } from '../../../src/tools/docker.js';
import type { Http } from '../../../src/tools/http.js';
import { testContext } from '../../helpers/context.js';
import { connectError, engineInfo, FakeDocker, type FakeImageWorld } from '../../helpers/fake-docker.js';
import { FakeRunner, type RecordedCall } from '../../helpers/fake-runner.js';
import { recordingReporter } from '../../helpers/reporter.js';

const DIGEST = `sha256:${'d'.repeat(64)}`;
const NODE = { id: 'node1', name: 'floe-dev-control-plane', running: true, role: 'control-plane', cluster: 'floe-dev' };

/** Time that moves only when slept through: wait loops run at once. */
function virtualClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** A registry that answers GET /v2/ after `failures` refused connections. */
function registryHttp(failures = 0): Http & { urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    request: async (req) => {
      urls.push(req.url);
      if (urls.length <= failures) throw new Error('connect ECONNREFUSED 127.0.0.1:5001');
      return { status: 200, body: '{}', headers: {} };
    },
  };
}

function ours(over: Partial<ContainerView> = {}): ContainerView {
  return {
    id: 'reg1',
    name: 'floe-dev-registry',
    image: 'registry:3.1.2',
    running: true,
    status: 'running',
    labels: { 'floe-dev/registry': 'true', 'floe-dev/cluster': 'floe-dev' },
    bindings: { '5000/tcp': [{ hostIp: '127.0.0.1', hostPort: 5001 }] },
    networks: ['kind'],
    ...over,
  };
}

function setup(world: FakeImageWorld, http: Http = registryHttp()) {
  const runner = new FakeRunner();
  const applied: string[] = [];
  runner.expect((argv) => argv.includes('apply')).respond((call: RecordedCall) => {
    applied.push(call.input ?? '');
    return { stdout: 'configmap/local-registry-hosting serverside-applied\n' };
  });
  const docker = new FakeDocker({ state: 'up', info: engineInfo({ architecture: 'amd64' }) }, undefined, { networks: new Set(['kind']), archives: new Map(), containers: new Map(), nodes: [NODE], ...world });
  const ctx = testContext({ tools: { runner, docker, http }, config: { registry: { enabled: true } } });
  ctx.clock = virtualClock();
  return { runner, docker, ctx, applied };
}

describe('the registry step', () => {
  it('creates the container on 127.0.0.1:5001 and the kind network, waits for /v2/, wires the node, applies the ConfigMap', async () => {
    const http = registryHttp(2);
    const { docker, ctx, applied } = setup({ host: new Map([['registry:3.1.2', { id: 'sha256:reg' }]]) }, http);
    const report = recordingReporter();
    await registryStep.run(ctx, report);
    expect(docker.calls).toContain('createContainer floe-dev-registry registry:3.1.2 127.0.0.1:5001->5000/tcp kind');
    expect(docker.calls).toContain('startContainer id-floe-dev-registry');
    expect(http.urls).toEqual(['http://127.0.0.1:5001/v2/', 'http://127.0.0.1:5001/v2/', 'http://127.0.0.1:5001/v2/']);
    expect((ctx.clock as ReturnType<typeof virtualClock>).slept).toEqual([100, 200]);
    expect(docker.calls).toContain('putArchive node1 /');
    const [cm] = parseAllDocuments(applied[0]!).map((d) => d.toJS());
    expect(cm).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'local-registry-hosting', namespace: 'kube-public' } });
    expect(report.titles).toEqual(['Registry http://localhost:5001 created; containerd of floe-dev-control-plane pointed at it']);
  });

  it('gives up on a registry that never answers, with what it last saw', async () => {
    const { ctx } = setup({ host: new Map([['registry:3.1.2', { id: 'sha256:reg' }]]) }, registryHttp(1_000));
    await expect(registryStep.run(ctx, recordingReporter())).rejects.toThrow(/the registry floe-dev-registry does not answer on http:\/\/127.0.0.1:5001\/v2\/: connect ECONNREFUSED/);
  });

  it('is skipped when the registry is off', () => {
    expect(registryStep.enabled?.(testContext())).toBe(false);
    expect(registryStep.enabled?.(testContext({ config: { registry: { enabled: true } } }))).toBe(true);
  });

  it('reuses a healthy container and a node already pointed at it: nothing changes', async () => {
    const execs = new Map([['node1 cat /etc/containerd/certs.d/localhost:5001/hosts.toml', { exitCode: 0, stdout: '[host."http://floe-dev-registry:5000"]\n', stderr: '' }]]);
    const { docker, ctx } = setup({ containers: new Map([['floe-dev-registry', ours()]]), execs });
    const report = recordingReporter();
    await registryStep.run(ctx, report);
    expect(docker.calls.filter((c) => /^(create|start|remove|putArchive|connect)/.test(c))).toEqual([]);
    expect(report.titles).toEqual(['Registry http://localhost:5001 running; nodes already pointed at it']);
  });

  it('starts a stopped one (after a reboot) and reconnects it to a new kind network', async () => {
    const { docker, ctx } = setup({ containers: new Map([['floe-dev-registry', ours({ running: false, status: 'exited', networks: [] })]]) });
    await registryStep.run(ctx, recordingReporter());
    expect(docker.calls.filter((c) => /^(connect|start)/.test(c))).toEqual(['connectNetwork kind reg1', 'startContainer reg1']);
  });

  it('names the process holding the port when the registry cannot publish it', async () => {
    const docker = new FakeDocker(undefined, undefined, {
      networks: new Set(['kind']),
      containers: new Map([['floe-dev-registry', ours({ running: false, status: 'exited' })]]),
      startError: 'driver failed programming external connectivity on endpoint floe-dev-registry: Error starting userland proxy: listen tcp4 127.0.0.1:5001: bind: address already in use',
    });
    const error = await ensureRegistryContainer(
      { docker, http: registryHttp(), clock: systemClock, signal: new AbortController().signal, progress: () => {}, portHolder: async () => 'python3 (pid 777: python3 -m http.server 5001)' },
      { name: 'floe-dev-registry', cluster: 'floe-dev', image: 'registry:3.1.2', port: 5001, network: 'kind' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FloeError);
    expect((error as FloeError).message).toBe('the registry cannot listen on 127.0.0.1:5001: it is in use by python3 (pid 777: python3 -m http.server 5001)');
    expect((error as FloeError).hint).toBe('stop python3 (pid 777: python3 -m http.server 5001), or choose another port: registry.port: 5002 in floe-dev.yaml (or FLOE_DEV_REGISTRY_PORT=5002)');
  });

  it('refuses a container of that name floe-dev did not make, and says kind has no network yet', async () => {
    const { ctx } = setup({ containers: new Map([['floe-dev-registry', ours({ labels: {} })]]) });
    await expect(registryStep.run(ctx, recordingReporter())).rejects.toThrow(/registry: a container named floe-dev-registry exists, but floe-dev did not create it/);
    const none = setup({ networks: new Set() });
    await expect(registryStep.run(none.ctx, recordingReporter())).rejects.toThrow(/the Docker network "kind" that kind puts its nodes on does not exist/);
  });
});

describe('images with the registry on', () => {
  const pushEvents = (existing: boolean): PushStreamEvent[] => [
    { id: 'l1', status: 'Preparing' },
    { id: 'l1', status: existing ? 'Layer already exists' : 'Pushed' },
    { status: `1.0: digest: ${DIGEST} size: 428` },
    { aux: { Tag: '1.0', Digest: DIGEST, Size: 428 } },
  ];

  it('pushes the images it is told to instead of side-loading them; the rest are side-loaded as before', async () => {
    const host = new Map([
      ['my-org/code:1.0', { id: 'sha256:code' }],
      ['postgres:17.10', { id: 'sha256:pg' }],
    ]);
    const nodes = [{ ...NODE, crictl: { exitCode: 0, stderr: '', stdout: JSON.stringify({ images: [{ id: 'sha256:pg', repoTags: ['docker.io/library/postgres:17.10'], repoDigests: [] }] }) } }];
    const { docker, ctx, runner } = setup({ host, nodes, pushes: new Map([['localhost:5001/my-org/code:1.0', pushEvents(false)]]) });
    const report = recordingReporter();
    const result = await ensureImages(ctx, ['my-org/code:1.0', 'postgres:17.10'], report, { push: ['my-org/code:1.0'] });
    expect(docker.calls).toContain('tag my-org/code:1.0 localhost:5001/my-org/code:1.0');
    expect(result.refs).toEqual({ 'my-org/code:1.0': `localhost:5001/my-org/code@${DIGEST}` });
    expect(result.present).toEqual(['postgres:17.10']);
    expect(result.loaded).toEqual([]);
    expect(runner.calls.filter((c) => c.argv.includes('load'))).toEqual([]);
    expect(report.titles).toEqual(['Images: 1 pushed to the registry (1 layer pushed), 0 loaded, 1 already in the node']);
  });

  it('a repeat push moves nothing, and says so', async () => {
    const host = new Map([['my-org/code:1.0', { id: 'sha256:code' }]]);
    const { ctx } = setup({ host, pushes: new Map([['localhost:5001/my-org/code:1.0', pushEvents(true)]]) });
    const report = recordingReporter();
    const result = await ensureImages(ctx, ['my-org/code:1.0'], report, { push: ['my-org/code:1.0'] });
    expect(result.pushed[0]!.summary).toMatchObject({ pushed: [], existed: ['l1'] });
    expect(report.titles).toEqual(['Images: 1 pushed to the registry (0 layers pushed, 1 already there)']);
  });

  it('pushes nothing when the registry is off, whatever it is told', async () => {
    const host = new Map([['my-org/code:1.0', { id: 'sha256:code' }]]);
    const runner = new FakeRunner();
    runner.expect((argv) => argv.includes('load')).respond({});
    const docker = new FakeDocker({ state: 'up', info: engineInfo({ architecture: 'amd64' }) }, undefined, { host, nodes: [{ ...NODE, crictl: { exitCode: 0, stdout: '{"images":[]}', stderr: '' } }] });
    const ctx = testContext({ tools: { runner, docker } });
    const result = await ensureImages(ctx, ['my-org/code:1.0'], recordingReporter(), { push: ['my-org/code:1.0'] });
    expect(docker.calls.some((c) => c.startsWith('push'))).toBe(false);
    expect(result.loaded).toEqual(['my-org/code:1.0']);
  });

  it("sends the user's code locations to the registry, never the platform's own images", () => {
    const location = { name: 'mine', image: 'my-org/code:1.0', module: 'mine.definitions' };
    expect(registryImages({ config: configSchema.parse({ registry: { enabled: true }, orchestrator: { codeLocations: [location] } }) })).toEqual(['my-org/code:1.0']);
    expect(registryImages({ config: configSchema.parse({ registry: { enabled: true } }) })).toEqual([]);
    expect(registryImages({ config: configSchema.parse({ orchestrator: { codeLocations: [location] } }) })).toEqual([]);
  });

  it('renders the code location with the pushed image, pinned by digest', () => {
    const config = configSchema.parse({ registry: { enabled: true }, components: ['orchestrator'], orchestrator: { codeLocations: [{ name: 'mine', image: 'my-org/code:1.0', module: 'mine.definitions' }] } });
    const pinned = `localhost:5001/my-org/code@${DIGEST}`;
    const credentials = generateCredentials();
    const rendered = renderPlatformByService({ config, credentials, imageRefs: { 'my-org/code:1.0': pinned } });
    const objects = rendered.services.flatMap((s) => s.objects) as { kind: string; metadata: { name: string }; spec?: { template?: { spec?: { containers: { image: string; env?: { name: string; value?: string }[] }[] } } } }[];
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'dagster-code-mine')!;
    const container = deployment.spec!.template!.spec!.containers[0]!;
    expect(container.image).toBe(pinned);
    expect(container.env?.find((e) => e.name === 'DAGSTER_CURRENT_IMAGE')?.value).toBe(pinned);
    // The platform's own images are untouched.
    const webserver = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'dagster-webserver')!;
    expect(webserver.spec!.template!.spec!.containers[0]!.image).not.toContain('localhost:5001');
  });
});

describe('a cluster made before the registry was turned on', () => {
  const VERSION_JSON = JSON.stringify({ clientVersion: { gitVersion: 'v1.32.4' }, serverVersion: { gitVersion: 'v1.33.4' } });
  const withRecord = (recordFrom: object, wantedFrom: object) => {
    const runner = new FakeRunner();
    const ctx = testContext({ tools: { runner }, config: wantedFrom });
    ctx.clock = virtualClock();
    const made = renderKindConfig(configSchema.parse(recordFrom));
    mkdirSync(ctx.paths.dir, { recursive: true });
    writeFileSync(ctx.paths.clusterRecord, JSON.stringify({ name: 'floe-dev', configHash: made.hash, nodeImage: made.nodeImage, createdAt: 'x' }));
    runner.expect(['kind', 'get', 'clusters']).respond({ stdout: 'floe-dev\n' });
    return { runner, ctx };
  };

  it('is drift, reported with the fix and never recreated', async () => {
    const { runner, ctx } = withRecord({}, { registry: { enabled: true } });
    const error = await ensureCluster(ctx, { recreate: false, wanted: (c) => renderKindConfig(c.config) }, recordingReporter()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FloeError);
    expect((error as FloeError).message).toBe(
      'cluster "floe-dev" was created from a different configuration than the one wanted now (the local registry (registry.enabled) needs containerd to read /etc/containerd/certs.d (config_path), and this cluster was created without it)',
    );
    expect((error as FloeError).hint).toMatch(/floe-dev up --recreate/);
    runner.verify(); // no kind delete, no kind create
  });

  it('stops load and reload (which skip the cluster step) before they push for nothing', async () => {
    const { ctx } = withRecord({}, { registry: { enabled: true } });
    await expect(registryStep.run(ctx, recordingReporter())).rejects.toThrow(
      'registry: cluster floe-dev cannot pull from the local registry: the local registry (registry.enabled) needs containerd to read /etc/containerd/certs.d (config_path), and this cluster was created without it',
    );
  });

  it('made with the registry on is reused once it is turned off', async () => {
    const { runner, ctx } = withRecord({ registry: { enabled: true } }, {});
    runner.expect(['kind', 'get', 'kubeconfig']).respond({ stdout: 'apiVersion: v1\nkind: Config\n' });
    runner.expect(['kubectl']).respond({ stdout: VERSION_JSON });
    const report = recordingReporter();
    await ensureCluster(ctx, { recreate: false, wanted: (c) => renderKindConfig(c.config) }, report);
    runner.verify();
    expect(report.titles).toEqual(['Cluster floe-dev reused (Kubernetes v1.33.4)']);
  });
});

describe("doctor's registry port check", () => {
  const system = (over: Record<string, unknown> = {}) =>
    ({
      platform: 'linux',
      arch: 'amd64',
      hostname: 'h',
      tmpdir: '/tmp',
      tryBind: async () => ({ outcome: 'free' }),
      nextFreePort: async (p: number) => p + 1,
      findPortHolder: async () => undefined,
      forwardSupervisor: () => undefined,
      diskSpace: async () => ({ measured: '/', freeBytes: 1, device: 1 }),
      ...over,
    }) as never;
  const env = (config: object, docker: FakeDocker, sys = system()) => ({
    ctx: testContext({ config, tools: { docker } }),
    system: sys,
    memoryNeeds: { requestsBytes: 0, limitsBytes: 0, overheadBytes: 0 },
    engine: async () => ({ ok: true as const, docker, info: engineInfo() }),
    cluster: () => Promise.reject(new Error('no existing cluster in this test')),
  });
  const signal = new AbortController().signal;

  it('passes a free port, and the port of floe-dev\'s own registry', async () => {
    const docker = new FakeDocker(undefined, undefined, { containers: new Map([['floe-dev-registry', ours()]]) });
    expect(await registryPortCheck(5001).run(env({}, docker), signal)).toEqual({ status: 'ok', detail: 'free on 127.0.0.1 (the registry will publish it)' });
    const busy = system({ tryBind: async () => ({ outcome: 'busy' }) });
    expect(await registryPortCheck(5001).run(env({}, docker, busy), signal)).toEqual({ status: 'ok', detail: "floe-dev's registry (container floe-dev-registry)" });
  });

  it('names another holder, with the key to change', async () => {
    const docker = new FakeDocker(undefined, undefined, { containers: new Map() });
    const busy = system({ tryBind: async () => ({ outcome: 'busy' }), findPortHolder: async () => ({ pid: 4242, command: 'python3', commandLine: 'python3 -m http.server 5001' }) });
    const finding = await registryPortCheck(5001).run(env({}, docker, busy), signal);
    expect(finding).toMatchObject({ status: 'fail', detail: 'in use by python3 (pid 4242: python3 -m http.server 5001)' });
    expect(finding.fix).toContain('registry.port: 5002 in floe-dev.yaml (or FLOE_DEV_REGISTRY_PORT=5002)');
  });

  it('fails a port a forward uses too', async () => {
    const finding = await registryPortCheck(3000).run(env({}, new FakeDocker()), signal);
    expect(finding).toMatchObject({ status: 'fail', detail: 'registry.port is the same port as forwards.dagster' });
  });
});

describe('down and status', () => {
  const run = async (ctx: ReturnType<typeof testContext>, keep: boolean) => {
    let r: RegistryRemoval | undefined;
    const report = recordingReporter();
    await removeRegistryStep({ keep }, (x) => (r = x)).run(ctx, report);
    return { r, titles: report.titles };
  };

  it("removes floe-dev's registry container, keeps it with --keep-registry, and leaves someone else's", async () => {
    const containers = new Map([['floe-dev-registry', ours()]]);
    const docker = new FakeDocker(undefined, undefined, { containers });
    const ctx = testContext({ tools: { docker } });
    expect(await run(ctx, true)).toEqual({ r: 'kept', titles: ['Registry floe-dev-registry: kept (--keep-registry)'] });
    expect(containers.size).toBe(1);
    expect(await run(ctx, false)).toEqual({ r: 'removed', titles: ['Registry floe-dev-registry removed'] });
    expect(containers.size).toBe(0);
    containers.set('floe-dev-registry', ours({ labels: {} }));
    expect((await run(ctx, false)).r).toBe('not-ours');
    expect(containers.size).toBe(1);
  });

  it("with --keep-cluster also deletes floe-dev's local-registry-hosting ConfigMap, and never someone else's", async () => {
    const step = async (labels: Record<string, string>) => {
      const runner = new FakeRunner();
      const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'local-registry-hosting', namespace: 'kube-public', labels } };
      runner.expect((argv) => argv.includes('get') && argv.includes('local-registry-hosting')).respond({ stdout: JSON.stringify(configMap) });
      runner.expect((argv) => argv.includes('delete')).respond({ stdout: 'configmap "local-registry-hosting" deleted\n' });
      const docker = new FakeDocker(undefined, undefined, { containers: new Map([['floe-dev-registry', ours()]]) });
      const ctx = testContext({ tools: { docker, runner } });
      const report = recordingReporter();
      await removeRegistryStep({ keep: false, keepCluster: true }, () => undefined).run(ctx, report);
      return { deletes: runner.calls.filter((c) => c.argv.includes('delete')).map((c) => c.argv), titles: report.titles };
    };
    const mine = await step({ 'app.kubernetes.io/managed-by': 'floe-dev' });
    expect(mine.titles).toEqual(['Registry floe-dev-registry removed and its kube-public/local-registry-hosting ConfigMap']);
    expect(mine.deletes).toHaveLength(1);
    expect(mine.deletes[0]).toEqual(expect.arrayContaining(['delete', 'configmap/local-registry-hosting', '-n', 'kube-public', '--ignore-not-found']));
    const theirs = await step({ 'app.kubernetes.io/managed-by': 'ctlptl' });
    expect(theirs).toEqual({ deletes: [], titles: ['Registry floe-dev-registry removed'] });
  });

  it('without Docker, says nothing of a registry that was never on, and that it could not look at one that is', async () => {
    const docker = new FakeDocker({ state: 'unreachable', error: connectError('ENOENT') });
    expect(await run(testContext({ tools: { docker } }), false)).toEqual({ r: 'unknown', titles: ['Registry: not in use'] });
    const on = await run(testContext({ tools: { docker }, config: { registry: { enabled: true } } }), false);
    expect(on.titles[0]).toMatch(/^Registry floe-dev-registry: not checked \(Docker: connect ENOENT/);
  });

  it('status shows the registry URL and state', () => {
    const report: StatusReport = {
      ok: true,
      platform: 'floe-dev',
      cluster: { name: 'floe-dev', kind: 'kind', kubernetesVersion: 'v1.33.4' },
      namespace: 'floe-platform',
      kubeconfig: '/k',
      kubectl: 'export KUBECONFIG=/k',
      components: [],
      forwards: [],
      registry: { url: 'http://localhost:5001', container: 'floe-dev-registry', state: 'up' },
    };
    expect(formatStatus(report)).toContain('Registry:\n  http://localhost:5001  (up; container floe-dev-registry)\n');
    expect(formatStatus({ ...report, registry: { ...report.registry!, state: 'down', reason: 'container exited' } })).toContain('(down: container exited; container floe-dev-registry)');
  });
});
