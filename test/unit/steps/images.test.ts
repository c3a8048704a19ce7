// The images step with a fake engine and a recording runner: pull, architecture, skip logic, one batched load.
import { describe, expect, it } from 'vitest';
import { normalizeImageRef } from '../../../src/images/refs.js';
import { ensureImages, explainPullFailure } from '../../../src/steps/images.js';
import { recordingReporter } from '../../helpers/reporter.js';
import { FloeError } from '../../../src/errors.js';
import { testContext } from '../../helpers/context.js';
import { engineInfo, FakeDocker, type FakeImageWorld } from '../../helpers/fake-docker.js';
import { FakeRunner } from '../../helpers/fake-runner.js';

const IMAGES = ['postgres:17.10', 'apache/polaris:1.7.0', 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z'];

function crictl(images: Record<string, string>) {
  return {
    exitCode: 0,
    stderr: '',
    stdout: JSON.stringify({ images: Object.entries(images).map(([ref, id]) => ({ id, repoTags: [ref], repoDigests: [] })) }),
  };
}

const node = (crictlAnswer: ReturnType<typeof crictl> | { exitCode: number; stdout: string; stderr: string }) => ({
  id: 'c0ffee',
  name: 'floe-dev-control-plane',
  running: true,
  role: 'control-plane',
  cluster: 'floe-dev',
  crictl: crictlAnswer,
});

function host(...refs: string[]) {
  return new Map(refs.map((r, i) => [r, { id: `sha256:${i}${r.length}` }]));
}

const reporter = recordingReporter;

function setup(world: FakeImageWorld, options: { config?: object; info?: Parameters<typeof engineInfo>[0] } = {}) {
  const runner = new FakeRunner();
  const docker = new FakeDocker({ state: 'up', info: engineInfo({ architecture: 'amd64', ...options.info }) }, undefined, world);
  const ctx = testContext({ tools: { runner, docker }, config: options.config });
  return { runner, docker, ctx };
}

describe('ensureImages', () => {
  it('loads nothing when every node holds every image with the host ID', async () => {
    const h = host(...IMAGES);
    const inNode = Object.fromEntries([...h].map(([ref, { id }]) => [normalizeImageRef(ref), id]));
    const { runner, docker, ctx } = setup({ host: h, nodes: [node(crictl(inNode))] });
    const report = reporter();
    const result = await ensureImages(ctx, IMAGES, report);
    runner.verify();
    expect(runner.calls).toHaveLength(0);
    expect(result).toEqual({ pulled: [], loaded: [], present: IMAGES, ids: Object.fromEntries([...h].map(([ref, { id }]) => [ref, id])), pushed: [], refs: {} });
    expect(docker.calls.filter((c) => c.startsWith('pull'))).toEqual([]);
    expect(report.titles).toEqual(['Images: 0 loaded, 3 already in the node']);
  });

  it('pulls what the host lacks, then loads everything the node lacks in one batched kind load', async () => {
    const registry = new Map([['apache/polaris:1.7.0', { id: 'sha256:polaris' }]]);
    const { runner, docker, ctx } = setup({
      host: host('postgres:17.10', 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z'),
      registry,
      nodes: [node(crictl({}))],
    });
    runner.expect(['kind', 'load', 'docker-image']).respond({});
    const result = await ensureImages(ctx, IMAGES, reporter());
    runner.verify();
    expect(docker.calls.filter((c) => c.startsWith('pull'))).toEqual(['pull apache/polaris:1.7.0']);
    expect(result.pulled).toEqual(['apache/polaris:1.7.0']);
    const loads = runner.callsTo(['kind', 'load']);
    expect(loads).toHaveLength(1);
    expect(loads[0]!.argv).toEqual(['kind', 'load', 'docker-image', ...IMAGES, '--name', 'floe-dev']);
  });

  it('loads only the image whose ID in the node differs from the host', async () => {
    const h = host('postgres:17.10', 'apache/polaris:1.7.0');
    const { runner, ctx } = setup({
      host: h,
      nodes: [node(crictl({ 'docker.io/library/postgres:17.10': h.get('postgres:17.10')!.id, 'docker.io/apache/polaris:1.7.0': 'sha256:older' }))],
    });
    runner.expect(['kind', 'load', 'docker-image', 'apache/polaris:1.7.0', '--name', 'floe-dev']).respond({});
    const result = await ensureImages(ctx, ['postgres:17.10', 'apache/polaris:1.7.0'], reporter());
    runner.verify();
    expect(result.loaded).toEqual(['apache/polaris:1.7.0']);
    expect(result.present).toEqual(['postgres:17.10']);
  });

  it('with the containerd image store, saves for the node platform and loads the archive', async () => {
    const { runner, docker, ctx } = setup({ host: host('postgres:17.10'), nodes: [node(crictl({}))] }, { info: { containerdImageStore: true, architecture: 'arm64' } });
    docker.host.set('postgres:17.10', { id: 'sha256:p', architecture: 'arm64' });
    runner.expect((argv) => argv[1] === 'load' && argv[2] === 'image-archive' && argv.at(-2) === '--name').respond({});
    await ensureImages(ctx, ['postgres:17.10'], reporter());
    runner.verify();
    expect(docker.calls.find((c) => c.startsWith('save'))).toMatch(/^save linux\/arm64 postgres:17.10 > .*images-\d+\.tar$/);
    expect(runner.callsTo(['kind', 'load', 'docker-image'])).toHaveLength(0);
  });

  it('names every image that could not be pulled, with the registry error and a fix', async () => {
    const { ctx } = setup({
      registry: new Map([
        ['postgres:17.10', { error: 'manifest for postgres:17.10 not found: manifest unknown' }],
        ['apache/polaris:1.7.0', { error: 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host' }],
      ]),
    });
    const error = (await ensureImages(ctx, ['postgres:17.10', 'apache/polaris:1.7.0'], reporter()).catch((e: unknown) => e)) as FloeError;
    expect(error).toBeInstanceOf(FloeError);
    expect(error.message).toMatch(/could not pull 2 images/);
    expect(error.message).toMatch(/postgres:17.10: manifest for postgres:17.10 not found: manifest unknown \(no such image or tag/);
    expect(error.message).toMatch(/apache\/polaris:1.7.0: .*no such host \(no network to the registry\?\)/);
    expect(error.hint).toMatch(/services.<name>.image/);
  });

  it('refuses an image built for another architecture than the node', async () => {
    const { ctx, docker } = setup({ host: host('cubejs/cubestore:v1.8.26') }, { info: { architecture: 'arm64' } });
    docker.host.set('cubejs/cubestore:v1.8.26', { id: 'sha256:c', architecture: 'amd64' });
    await expect(ensureImages(ctx, ['cubejs/cubestore:v1.8.26'], reporter())).rejects.toThrow(
      /not built for the node's architecture \(arm64\): cubejs\/cubestore:v1.8.26 is built for amd64/,
    );
  });

  it('skips side-loading when images.load is false', async () => {
    const { runner, docker, ctx } = setup({ host: host('postgres:17.10') }, { config: { images: { load: false } } });
    const report = reporter();
    await ensureImages(ctx, ['postgres:17.10'], report);
    runner.verify();
    expect(docker.calls.some((c) => c.startsWith('kindNodes'))).toBe(false);
    expect(report.titles[0]).toMatch(/side-loading is off/);
  });

  it('loads everything when the node cannot be inspected', async () => {
    const { runner, ctx } = setup({ host: host('postgres:17.10'), nodes: [node({ exitCode: 1, stdout: '', stderr: 'crictl: not found' })] });
    runner.expect(['kind', 'load', 'docker-image', 'postgres:17.10', '--name', 'floe-dev']).respond({});
    await ensureImages(ctx, ['postgres:17.10'], reporter());
    runner.verify();
    expect(ctx.logged.some((l) => /could not list images in node floe-dev-control-plane/.test(l))).toBe(true);
  });

  it('pulls no more than pullConcurrency images at once', async () => {
    const refs = Array.from({ length: 6 }, (_, i) => `example.com/img${i}:1`);
    const registry = new Map(refs.map((r) => [r, { id: `sha256:${r}` }]));
    const { docker, ctx, runner } = setup({ registry, nodes: [node(crictl({}))] }, { config: { images: { pullConcurrency: 2 } } });
    let running = 0;
    let peak = 0;
    const pull = docker.pullImage.bind(docker);
    docker.pullImage = async (ref, onProgress) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 10));
      await pull(ref, onProgress);
      running--;
    };
    runner.expect(['kind', 'load', 'docker-image']).respond({});
    await ensureImages(ctx, refs, reporter());
    expect(peak).toBe(2);
  });
});

describe('explainPullFailure', () => {
  it.each([
    ['no matching manifest for linux/arm64/v8 in the manifest list entries', /architecture/],
    ['pull access denied for x, repository does not exist or may require docker login', /no such image/],
    ['unauthorized: authentication required', /docker login/],
    ['dial tcp: lookup quay.io: i/o timeout', /no network/],
    ['something else', /^$/],
  ])('%s', (message, expected) => {
    expect(explainPullFailure(message)).toMatch(expected);
  });
});
