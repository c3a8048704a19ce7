// The cluster step with a recording fake runner: create, reuse, ownership, drift, recreate, retries, cleanup.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import { ensureCluster, readClusterRecord, type ClusterOptions, type WantedCluster } from '../../../src/steps/cluster.js';
import { recordingReporter } from '../../helpers/reporter.js';
import { FloeError } from '../../../src/errors.js';
import { testContext } from '../../helpers/context.js';
import { FakeRunner } from '../../helpers/fake-runner.js';

const VERSION_JSON = JSON.stringify({ clientVersion: { gitVersion: 'v1.32.4' }, serverVersion: { gitVersion: 'v1.33.4' } });
const wanted: WantedCluster = { yaml: 'kind: Cluster\n', hash: 'hash-a', nodeImage: 'kindest/node:v1.33.4@sha256:aa' };

/** Sleeps return at once but are recorded, so backoff is tested in no time. */
function instantClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return { slept, now: () => Date.UTC(2026, 10, 27), sleep: async (ms) => void slept.push(ms) };
}

const reporter = recordingReporter;

function setup(options: { config?: object } = {}) {
  const runner = new FakeRunner();
  const clock = instantClock();
  const ctx = { ...testContext({ tools: { runner }, config: options.config }), clock };
  return { runner, clock, ctx };
}

const opts = (over: Partial<ClusterOptions> = {}): ClusterOptions => ({ recreate: false, wanted: () => wanted, backoffMs: 1000, ...over });

function writeRecord(ctx: ReturnType<typeof setup>['ctx'], hash: string, nodeImage = wanted.nodeImage) {
  mkdirSync(ctx.paths.dir, { recursive: true });
  writeFileSync(ctx.paths.clusterRecord, JSON.stringify({ name: 'floe-dev', configHash: hash, nodeImage, createdAt: 'x' }));
}

describe('ensureCluster', () => {
  it('creates a missing cluster with its own kubeconfig and records how', async () => {
    const { runner, ctx } = setup();
    runner.expect(['kind', 'get', 'clusters']).respond({ stderr: 'No kind clusters found.\n' });
    runner.expect(['kind', 'create', 'cluster']).respond({});
    runner.expect(['kubectl', '--kubeconfig', ctx.paths.kubeconfig, '--context', 'kind-floe-dev', 'version', '-o', 'json']).respond({ stdout: VERSION_JSON });
    const report = reporter();
    await ensureCluster(ctx, opts(), report);
    runner.verify();
    const [create] = runner.callsTo(['kind', 'create']);
    const configFile = join(ctx.paths.dir, 'kind-config.yaml');
    expect(create!.argv).toEqual(['kind', 'create', 'cluster', '--name', 'floe-dev', '--config', configFile, '--kubeconfig', ctx.paths.kubeconfig]);
    expect(readFileSync(configFile, 'utf8')).toBe(wanted.yaml);
    expect(readClusterRecord(ctx)).toMatchObject({ name: 'floe-dev', configHash: 'hash-a', nodeImage: wanted.nodeImage });
    expect(report.titles).toEqual(['Cluster floe-dev created (Kubernetes v1.33.4)']);
  });

  it('reuses a healthy cluster it created from the same config, creating nothing', async () => {
    const { runner, ctx } = setup();
    writeRecord(ctx, 'hash-a');
    runner.expect(['kind', 'get', 'clusters']).respond({ stdout: 'other\nfloe-dev\n' });
    runner.expect(['kind', 'get', 'kubeconfig', '--name', 'floe-dev']).respond({ stdout: 'apiVersion: v1\nkind: Config\n' });
    runner.expect(['kubectl']).respond({ stdout: VERSION_JSON });
    const report = reporter();
    await ensureCluster(ctx, opts(), report);
    runner.verify();
    expect(runner.callsTo(['kind', 'create'])).toHaveLength(0);
    expect(readFileSync(ctx.paths.kubeconfig, 'utf8')).toContain('kind: Config');
    expect(report.titles).toEqual(['Cluster floe-dev reused (Kubernetes v1.33.4)']);
  });

  it('says a cluster it created is gone when kind no longer lists it (node containers removed), and creates it again', async () => {
    const { runner, ctx } = setup();
    writeRecord(ctx, 'hash-a');
    runner.expect(['kind', 'get', 'clusters']).respond({ stderr: 'No kind clusters found.\n' });
    runner.expect(['kind', 'create', 'cluster']).respond({});
    runner.expect(['kubectl']).respond({ stdout: VERSION_JSON });
    const report = reporter();
    await ensureCluster(ctx, opts(), report);
    runner.verify();
    expect(ctx.logged).toContainEqual(expect.stringMatching(/^warning: the kind cluster floe-dev that floe-dev created on x is gone \(kind lists no node container for it\): creating it again/));
    expect(report.titles).toEqual(['Cluster floe-dev created (Kubernetes v1.33.4)']);
  });

  it('names a reused cluster whose node is stopped, with docker start as the fix', async () => {
    const { runner, ctx } = setup();
    writeRecord(ctx, 'hash-a');
    runner.expect(['kind', 'get', 'clusters']).respond({ stdout: 'floe-dev\n' });
    runner.expect(['kind', 'get', 'kubeconfig', '--name', 'floe-dev']).respond({
      exitCode: 1,
      stderr: 'ERROR: failed to get cluster internal kubeconfig: command "docker exec --privileged floe-dev-control-plane cat /etc/kubernetes/admin.conf" failed with error: exit status 1\nCommand Output: Error response from daemon: Container abc is not running\n',
    });
    const error = (await ensureCluster(ctx, opts(), reporter()).catch((e: unknown) => e)) as FloeError;
    expect(error.message).toBe('cluster "floe-dev" exists but its API server does not answer: Command Output: Error response from daemon: Container abc is not running');
    expect(error.hint).toMatch(/docker start floe-dev-control-plane/);
  });

  it('retries a freshly created cluster whose API server refuses for a moment; one that never answers is named', async () => {
    const refused = { exitCode: 1, stderr: 'The connection to the server 127.0.0.1:4242 was refused - did you specify the right host or port?\n' };
    const { runner, ctx, clock } = setup();
    runner.expect(['kind', 'get', 'clusters']).respond({ stderr: 'No kind clusters found.\n' });
    runner.expect(['kind', 'create', 'cluster']).respond({});
    runner.expect(['kubectl']).times(2).respond(refused);
    runner.expect(['kubectl']).respond({ stdout: VERSION_JSON });
    await ensureCluster(ctx, opts(), reporter());
    expect(clock.slept).toEqual([500, 1000]);

    const again = setup();
    again.runner.expect(['kind', 'get', 'clusters']).respond({ stderr: 'No kind clusters found.\n' });
    again.runner.expect(['kind', 'create', 'cluster']).respond({});
    again.runner.expect(['kubectl']).respond(refused);
    const error = (await ensureCluster(again.ctx, opts(), reporter()).catch((e: unknown) => e)) as FloeError;
    expect(error.message).toBe('kind created cluster "floe-dev", but its API server does not answer: The connection to the server 127.0.0.1:4242 was refused - did you specify the right host or port?');
    expect(error.hint).toMatch(/docker logs floe-dev-control-plane.*floe-dev up --recreate/);
    expect(again.runner.callsTo(['kubectl'])).toHaveLength(4);
  });

  it('refuses a cluster of the same name that floe-dev did not create', async () => {
    const { runner, ctx } = setup();
    runner.expect(['kind', 'get', 'clusters']).respond({ stdout: 'floe-dev\n' });
    await expect(ensureCluster(ctx, opts(), reporter())).rejects.toThrow(/exists, but floe-dev did not create it/);
    runner.verify();
  });

  it('reports drift instead of deleting the cluster', async () => {
    const { runner, ctx } = setup();
    writeRecord(ctx, 'hash-old', 'kindest/node:v1.32.0@sha256:bb');
    runner.expect(['kind', 'get', 'clusters']).respond({ stdout: 'floe-dev\n' });
    const error = await ensureCluster(ctx, opts(), reporter()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FloeError);
    expect((error as FloeError).message).toMatch(/node image kindest\/node:v1.32.0@sha256:bb → kindest\/node:v1.33.4@sha256:aa/);
    expect((error as FloeError).hint).toMatch(/--recreate/);
    runner.verify();
  });

  it('deletes and recreates with --recreate', async () => {
    const { runner, ctx } = setup();
    writeRecord(ctx, 'hash-old');
    runner.expect(['kind', 'get', 'clusters']).respond({ stdout: 'floe-dev\n' });
    runner.expect(['kind', 'delete', 'cluster', '--name', 'floe-dev', '--kubeconfig', ctx.paths.kubeconfig]).once().respond({});
    runner.expect(['kind', 'create', 'cluster']).respond({});
    runner.expect(['kubectl']).respond({ stdout: VERSION_JSON });
    await ensureCluster(ctx, opts({ recreate: true }), reporter());
    runner.verify();
    expect(runner.calls.map((c) => c.argv.slice(0, 2).join(' '))).toEqual(['kind get', 'kind delete', 'kind create', 'kubectl --kubeconfig']);
    expect(readClusterRecord(ctx)?.configHash).toBe('hash-a');
  });

  it('retries a transient create failure with backoff, cleaning up the half-created cluster each time', async () => {
    const { runner, ctx, clock } = setup();
    runner.expect(['kind', 'get', 'clusters']).respond({});
    runner.expect(['kind', 'create']).times(2).respond({ exitCode: 1, stderr: 'ERROR: failed to create cluster: failed to init node with kubeadm' });
    runner.expect(['kind', 'create']).respond({});
    runner.expect(['kind', 'delete']).times(2).respond({});
    runner.expect(['kubectl']).respond({ stdout: VERSION_JSON });
    const report = reporter();
    await ensureCluster(ctx, opts(), report);
    runner.verify();
    expect(clock.slept).toEqual([1000, 2000]);
    expect(report.lines.some((l) => /retrying in 1s/.test(l))).toBe(true);
    expect(runner.calls.map((c) => c.argv[1])).toEqual(['get', 'create', 'delete', 'create', 'delete', 'create', '--kubeconfig']);
  });

  it('gives up after the last attempt with the reason and a fix, leaving no cluster behind', async () => {
    const { runner, ctx } = setup();
    runner.expect(['kind', 'get', 'clusters']).respond({});
    runner.expect(['kind', 'create']).respond({ exitCode: 1, stderr: 'ERROR: failed to create cluster: port is already allocated' });
    runner.expect(['kind', 'delete']).respond({});
    const error = (await ensureCluster(ctx, opts({ attempts: 2 }), reporter()).catch((e: unknown) => e)) as FloeError;
    runner.verify();
    expect(error.message).toMatch(/failed after 2 attempts: ERROR: failed to create cluster: port is already allocated/);
    expect(error.hint).toMatch(/floe-dev doctor/);
    expect(runner.callsTo(['kind', 'delete'])).toHaveLength(2);
    expect(existsSync(ctx.paths.clusterRecord)).toBe(false);
  });

  it('cleans up and stops at once when interrupted during create', async () => {
    const controller = new AbortController();
    const runner = new FakeRunner();
    const ctx = { ...testContext({ tools: { runner }, signal: controller.signal }), clock: instantClock() };
    runner.expect(['kind', 'get', 'clusters']).respond({});
    runner.expect(['kind', 'create']).hang();
    runner.expect(['kind', 'delete']).respond({});
    const pending = ensureCluster(ctx, opts(), reporter());
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toThrow(/interrupted/);
    runner.verify();
    // The cleanup ran without the aborted signal, so it really ran.
    expect(runner.callsTo(['kind', 'delete'])[0]!.options.signal).toBeUndefined();
    expect(runner.callsTo(['kind', 'create'])).toHaveLength(1);
  });

  it('merges the context into the user kubeconfig only when asked', async () => {
    const { runner, ctx } = setup({ config: { cluster: { mergeKubeconfig: true } } });
    runner.expect(['kind', 'get', 'clusters']).respond({});
    runner.expect(['kind', 'create']).respond({});
    runner.expect(['kind', 'export', 'kubeconfig', '--name', 'floe-dev', '--kubeconfig', join(ctx.env.HOME!, '.kube', 'config')]).respond({});
    runner.expect(['kubectl']).respond({ stdout: VERSION_JSON });
    await ensureCluster(ctx, opts(), reporter());
    runner.verify();
    expect(readClusterRecord(ctx)?.mergedKubeconfig).toBe(join(ctx.env.HOME!, '.kube', 'config'));
  });

  it('says how to recover when the existing cluster does not answer', async () => {
    const { runner, ctx } = setup();
    writeRecord(ctx, 'hash-a');
    runner.expect(['kind', 'get', 'clusters']).respond({ stdout: 'floe-dev\n' });
    runner.expect(['kind', 'get', 'kubeconfig']).respond({ stdout: 'apiVersion: v1\n' });
    runner.expect(['kubectl']).respond({ exitCode: 1, stderr: 'The connection to the server 127.0.0.1:40000 was refused' });
    const error = (await ensureCluster(ctx, opts(), reporter()).catch((e: unknown) => e)) as FloeError;
    expect(error.message).toMatch(/API server does not answer: The connection to the server 127.0.0.1:40000 was refused/);
    expect(error.hint).toMatch(/docker start floe-dev-control-plane/);
  });
});

describe('a create cut short by a forced exit', () => {
  it('is on record before kind starts, so the next up deletes the half-made cluster and creates it afresh', async () => {
    const { runner, ctx } = setup();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(ctx.paths.dir, { recursive: true });
    writeFileSync(ctx.paths.clusterRecord, JSON.stringify({ name: 'floe-dev', configHash: 'x', nodeImage: 'y', createdAt: 'z', creating: true }));
    runner.expect(['kind', 'get', 'clusters']).respond({ stdout: 'floe-dev\n' });
    runner.expect(['kind', 'delete', 'cluster']).respond({});
    runner.expect(['kind', 'create', 'cluster']).respond({});
    runner.expect((argv) => argv.includes('version')).respond({ stdout: JSON.stringify({ serverVersion: { gitVersion: 'v1.33.4' } }) });
    const r = reporter();
    await ensureCluster(ctx, opts(), r);
    runner.verify();
    expect(r.lines.some((l) => /half-made cluster floe-dev/.test(l))).toBe(true);
    expect(runner.calls.map((c) => c.argv[1])).toEqual(['get', 'delete', 'create', expect.any(String)]);
  });

  it('a cluster someone else made meanwhile ("already exist") is never deleted', async () => {
    const { runner, ctx } = setup();
    runner.expect(['kind', 'get', 'clusters']).respond({});
    runner.expect(['kind', 'create']).respond({ exitCode: 1, stderr: 'ERROR: failed to create cluster: node(s) already exist for a cluster with the name "floe-dev"' });
    const error = await ensureCluster(ctx, opts(), reporter()).catch((e: unknown) => e);
    runner.verify();
    expect((error as Error).message).toMatch(/another process created a kind cluster named "floe-dev" meanwhile/);
    expect(runner.callsTo(['kind', 'delete'])).toHaveLength(0);
    expect(existsSync(ctx.paths.clusterRecord)).toBe(false);
  });
});
