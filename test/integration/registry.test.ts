// The local registry against the real Docker Engine: floe-dev's registry code runs a real registry (Debian's
// docker-registry, distribution 2.8, in an image fixtures/docker/images.js makes by `docker import`), writes hosts.toml into a node
// container, pushes a tiny image through the engine, and down removes it (or keeps it with --keep-registry).
// Skipped, with the reason, when no engine answers or the docker-registry package is not installed.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_IMAGE, REGISTRY_BINARY, REGISTRY_IMAGE, buildTestImage, docker, dockerAvailable, dockerBin, ensureNodeImage, ensureRegistryImage, removeImages } from '../../fixtures/docker/images.js';
import { systemClock } from '../../src/clock.js';
import { FloeError } from '../../src/errors.js';
import { describeHolder } from '../../src/preflight/evaluate.js';
import { findPortHolder } from '../../src/preflight/ports.js';
import { ensureRegistryContainer, removeRegistryContainer, type RegistryDeps } from '../../src/registry/container.js';
import { ensureNodesHostsToml } from '../../src/registry/nodes.js';
import { pushImages } from '../../src/registry/push.js';
import { hostsToml, hostsTomlPath, registryContainerName, registryLabels } from '../../src/registry/registry.js';
import { removeRegistryStep, type RegistryRemoval } from '../../src/steps/registry.js';
import { connectDocker, KIND_CLUSTER_LABEL, type DockerApi } from '../../src/tools/docker.js';
import { GotHttp } from '../../src/tools/http.js';
import { testContext } from '../helpers/context.js';
import { recordingReporter } from '../helpers/reporter.js';

async function probe(): Promise<{ docker: DockerApi } | { reason: string }> {
  try {
    const api = await connectDocker(process.env);
    await api.ping(AbortSignal.timeout(5_000));
    if (!dockerAvailable()) return { reason: 'the engine answers but the docker CLI (needed to build the test images) does not work' };
    if (!existsSync(REGISTRY_BINARY)) return { reason: `${REGISTRY_BINARY} is missing: install the Debian package docker-registry (.ci/run does)` };
    return { docker: api };
  } catch (error) {
    return { reason: `no Docker Engine answered (${(error as Error).message}); .ci/run starts one` };
  }
}

const probed = await probe();
const engine = 'docker' in probed ? probed.docker : undefined;
const skipReason = 'reason' in probed ? probed.reason : '';
if (!engine) console.warn(`[test/integration/registry.test.ts] real Docker registry tests skipped: ${skipReason}`);

const RUN = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const OWNER_LABEL = `floe-dev.integration-test=${RUN}`;
const CLUSTER = `floe-it-reg-${RUN}`;
const NETWORK = `floe-it-net-${RUN}`;
const CODE_IMAGE = `floe-dev-it-${RUN}/code:1`;
const NAME = registryContainerName(CLUSTER);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function inspect(name: string): { HostConfig: { PortBindings: Record<string, { HostIp: string; HostPort: string }[]> }; NetworkSettings: { Networks: Record<string, unknown> }; State: { Running: boolean } } {
  const r = docker(['inspect', name]);
  if (r.code !== 0) throw new Error(`docker inspect ${name}: ${r.stderr}`);
  return JSON.parse(r.stdout)[0];
}

describe.skipIf(!engine)(`the local registry against the real Docker Engine${engine ? '' : ` (skipped: ${skipReason})`}`, () => {
  const api = engine as DockerApi;
  let port: number;
  let node: { id: string; name: string };
  let deps: RegistryDeps;
  const progress: string[] = [];

  beforeAll(async () => {
    // Both shared with the e2e tests, built once per machine and kept (as the fake kind keeps its node image).
    ensureNodeImage();
    ensureRegistryImage();
    buildTestImage(CODE_IMAGE);
    const net = docker(['network', 'create', '--label', OWNER_LABEL, NETWORK]);
    if (net.code !== 0) throw new Error(`docker network create: ${net.stderr}`);
    const name = `${CLUSTER}-control-plane`;
    const r = await execa(dockerBin(), ['run', '-d', '--name', name, '--network', NETWORK, '--label', `${KIND_CLUSTER_LABEL}=${CLUSTER}`, '--label', 'io.x-k8s.kind.role=control-plane', '--label', OWNER_LABEL, NODE_IMAGE], { reject: false });
    if (r.exitCode !== 0) throw new Error(`docker run ${name}: ${r.stderr}`);
    node = { id: r.stdout.trim(), name };
    port = await freePort();
    deps = { docker: api, http: new GotHttp(), clock: systemClock, signal: new AbortController().signal, progress: (t) => void progress.push(t), readyTimeoutMs: 15_000 };
  });

  afterAll(() => {
    const labelled = docker(['ps', '-aq', '--filter', `label=${OWNER_LABEL}`]).stdout.split('\n').filter(Boolean);
    const ours = docker(['ps', '-aq', '--filter', `label=floe-dev/cluster=${CLUSTER}`]).stdout.split('\n').filter(Boolean);
    const all = [...new Set([...labelled, ...ours])];
    if (all.length) docker(['rm', '--force', '--volumes', ...all]);
    docker(['network', 'rm', NETWORK]);
    removeImages([CODE_IMAGE, `localhost:${port}/floe-dev-it-${RUN}/code:1`]);
  });

  const wanted = () => ({ name: NAME, cluster: CLUSTER, image: REGISTRY_IMAGE, port, network: NETWORK });

  it('creates the registry container on 127.0.0.1 only and the kind network, waits until it answers, then reuses it', async () => {
    const first = await ensureRegistryContainer(deps, wanted());
    expect(first.action).toBe('created');
    const c = inspect(NAME);
    expect(c.State.Running).toBe(true);
    expect(c.HostConfig.PortBindings['5000/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(port) }]);
    expect(Object.keys(c.NetworkSettings.Networks)).toEqual([NETWORK]);
    const v2 = await new GotHttp().request({ url: `http://127.0.0.1:${port}/v2/` });
    expect(v2.status).toBe(200);
    expect(await ensureRegistryContainer(deps, wanted())).toEqual({ action: 'reused', id: first.id });
  });

  it('points the node at it with hosts.toml, and leaves a current one alone', async () => {
    const nodes = [{ id: node.id, name: node.name, running: true, role: 'control-plane' }];
    expect(await ensureNodesHostsToml(api, nodes, port, NAME)).toEqual({ written: [node.name], current: [] });
    const cat = docker(['exec', node.id, 'cat', hostsTomlPath(port)]);
    expect(cat.stdout).toBe(hostsToml(NAME));
    expect(cat.stdout).toBe(`[host."http://${NAME}:5000"]\n`);
    expect(await ensureNodesHostsToml(api, nodes, port, NAME)).toEqual({ written: [], current: [node.name] });
  });

  it('pushes an image through the engine; the registry lists it; a second push moves no layer', async () => {
    const lines: string[] = [];
    const [first] = await pushImages(api, [CODE_IMAGE], port, (t) => void lines.push(t));
    const repo = `floe-dev-it-${RUN}/code`;
    expect(first!.tagged).toBe(`localhost:${port}/${repo}:1`);
    expect(first!.pinned).toMatch(new RegExp(`^localhost:${port}/${repo}@sha256:[a-f0-9]{64}$`));
    expect(first!.summary.pushed.length).toBe(1);
    expect(first!.summary.existed).toEqual([]);

    const http = new GotHttp();
    const catalog = JSON.parse((await http.request({ url: `http://127.0.0.1:${port}/v2/_catalog` })).body) as { repositories: string[] };
    expect(catalog.repositories).toContain(repo);
    const tags = JSON.parse((await http.request({ url: `http://127.0.0.1:${port}/v2/${repo}/tags/list` })).body) as { tags: string[] };
    expect(tags.tags).toEqual(['1']);
    // The digest pods are pinned to is the one the registry serves for the tag.
    const manifest = await http.request({ url: `http://127.0.0.1:${port}/v2/${repo}/manifests/1`, headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    expect(manifest.headers['docker-content-digest']).toBe(first!.pinned.split('@')[1]);

    const again: string[] = [];
    const [second] = await pushImages(api, [CODE_IMAGE], port, (t) => void again.push(t));
    expect(second!.summary.pushed).toEqual([]);
    expect(second!.summary.existed).toEqual(first!.summary.pushed);
    expect(again.some((l) => /Layer already exists/.test(l))).toBe(true);
    expect(second!.pinned).toBe(first!.pinned);
  });

  it('names the process holding the port when the registry cannot publish it', async () => {
    const server: Server = createServer();
    const busy = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    try {
      const other = { ...wanted(), name: `${NAME}-busy`, port: busy };
      const error = await ensureRegistryContainer(
        { ...deps, portHolder: async (p) => describeHolder(await findPortHolder(p, { platform: process.platform, runner: undefined as never })) },
        other,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FloeError);
      expect((error as FloeError).message).toContain(`cannot listen on 127.0.0.1:${busy}: it is in use by `);
      expect((error as FloeError).message).toContain(`(pid ${process.pid}`);
      expect((error as FloeError).hint).toContain(`registry.port: ${busy + 1}`);
    } finally {
      server.close();
      docker(['rm', '-f', `${NAME}-busy`]);
    }
  });

  it("down keeps it with --keep-registry, removes it otherwise, and never removes a container it did not make", async () => {
    const ctx = testContext({ config: { cluster: { name: CLUSTER }, registry: { enabled: true, port } }, tools: { docker: api } });
    const run = async (keep: boolean): Promise<RegistryRemoval | undefined> => {
      let r: RegistryRemoval | undefined;
      await removeRegistryStep({ keep }, (x) => (r = x)).run(ctx, recordingReporter());
      return r;
    };
    expect(await run(true)).toBe('kept');
    expect(inspect(NAME).State.Running).toBe(true);
    expect(await run(false)).toBe('removed');
    expect(docker(['inspect', NAME]).code).not.toBe(0);
    expect(await run(false)).toBe('absent');

    const stranger = docker(['create', '--name', NAME, '--label', OWNER_LABEL, REGISTRY_IMAGE]);
    expect(stranger.code).toBe(0);
    expect(await removeRegistryContainer(api, NAME, CLUSTER)).toBe('not-ours');
    expect(docker(['inspect', NAME]).code).toBe(0);
    // And up refuses to take it over.
    await expect(ensureRegistryContainer(deps, wanted())).rejects.toThrow(`a container named ${NAME} exists, but floe-dev did not create it`);
    expect(registryLabels(CLUSTER)).toEqual({ 'floe-dev/registry': 'true', 'floe-dev/cluster': CLUSTER });
  });
});
