// The registry's pure parts: the kind config patch and drift, hosts.toml, the KEP-1755 ConfigMap, references in
// the registry, the container plan, push progress, the tar writer, and its configuration keys.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../../src/config/load.js';
import { configSchema, DEFAULT_REGISTRY_IMAGE, type ConfigInput } from '../../../src/config/schema.js';
import { ConfigError } from '../../../src/errors.js';
import { renderKindConfig } from '../../../src/platform/kind-config.js';
import {
  hostsToml,
  hostsTomlPath,
  localRegistryConfigMap,
  parseRef,
  pinnedRef,
  planRegistryContainer,
  registryTarget,
  summarizePush,
  type RegistryContainerView,
} from '../../../src/registry/registry.js';
import { fileTarball } from '../../../src/registry/tar.js';
import { describeDrift } from '../../../src/steps/cluster.js';

const config = (input: ConfigInput = {}) => configSchema.parse(input);

describe('the kind config', () => {
  it('has containerd read /etc/containerd/certs.d only when the registry is on (kind docs "Local Registry")', () => {
    const off = renderKindConfig(config());
    const on = renderKindConfig(config({ registry: { enabled: true } }));
    expect(parse(off.yaml).containerdConfigPatches).toBeUndefined();
    expect(parse(on.yaml).containerdConfigPatches).toEqual(['[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"']);
    expect(on.hash).not.toBe(off.hash);
    // The port is the nodes' hosts.toml business, not the cluster's: changing it needs no new cluster.
    expect(renderKindConfig(config({ registry: { enabled: true, port: 5999 } })).hash).toBe(on.hash);
  });

  it('calls a cluster made without the patch drift when the registry is turned on, with the reason', () => {
    const off = renderKindConfig(config());
    const on = renderKindConfig(config({ registry: { enabled: true } }));
    expect(on.accepts ?? []).not.toContain(off.hash);
    const record = { name: 'floe-dev', configHash: off.hash, nodeImage: off.nodeImage, createdAt: '' };
    expect(describeDrift(record, on)).toMatch(/local registry \(registry.enabled\) needs containerd to read \/etc\/containerd\/certs.d \(config_path\)/);
  });

  it('keeps reusing a cluster made with the patch once the registry is turned off (the patch alone is harmless)', () => {
    const off = renderKindConfig(config());
    const on = renderKindConfig(config({ registry: { enabled: true } }));
    expect(off.accepts).toEqual([on.hash]);
  });
});

describe('the nodes and the ConfigMap', () => {
  it('hosts.toml aliases localhost:<port> to the registry container on the kind network, over HTTP', () => {
    expect(hostsTomlPath(5001)).toBe('/etc/containerd/certs.d/localhost:5001/hosts.toml');
    expect(hostsToml('floe-dev-registry')).toBe('[host."http://floe-dev-registry:5000"]\n');
  });

  it('advertises the registry in kube-public as KEP-1755 specifies', () => {
    const cm = localRegistryConfigMap(5001) as { kind: string; metadata: { name: string; namespace: string }; data: Record<string, string> };
    expect(cm.kind).toBe('ConfigMap');
    expect(cm.metadata).toMatchObject({ name: 'local-registry-hosting', namespace: 'kube-public' });
    expect(Object.keys(cm.data)).toEqual(['localRegistryHosting.v1']);
    expect(parse(cm.data['localRegistryHosting.v1']!)).toEqual({ host: 'localhost:5001', help: 'https://kind.sigs.k8s.io/docs/user/local-registry/' });
  });

  it('writes hosts.toml as a tar archive with its folders, as docker cp does', () => {
    const tar = fileTarball(hostsTomlPath(5001), 'x\n');
    const names: string[] = [];
    for (let off = 0; off + 512 <= tar.length; ) {
      const name = tar.subarray(off, off + 100).toString('utf8').replace(/\0.*$/s, '');
      if (!name) break;
      names.push(name);
      const size = parseInt(tar.subarray(off + 124, off + 135).toString(), 8);
      off += 512 + Math.ceil(size / 512) * 512;
    }
    expect(names).toEqual(['etc/', 'etc/containerd/', 'etc/containerd/certs.d/', 'etc/containerd/certs.d/localhost:5001/', 'etc/containerd/certs.d/localhost:5001/hosts.toml']);
    expect(tar.length % 512).toBe(0);
  });
});

describe('references in the registry', () => {
  it.each<[string, ReturnType<typeof parseRef>]>([
    ['my-org/code:1.0', { path: 'my-org/code', tag: '1.0' }],
    ['postgres:17', { path: 'postgres', tag: '17' }],
    ['docker.io/library/postgres:17', { path: 'postgres', tag: '17' }],
    ['ghcr.io/my-org/code:dev-2', { domain: 'ghcr.io', path: 'my-org/code', tag: 'dev-2' }],
    ['localhost:5000/x/y:1', { domain: 'localhost:5000', path: 'x/y', tag: '1' }],
    [`x/y@sha256:${'a'.repeat(64)}`, { path: 'x/y', digest: `sha256:${'a'.repeat(64)}` }],
  ])('parseRef(%s)', (ref, want) => {
    expect(parseRef(ref)).toEqual(want);
  });

  it.each<[string, string]>([
    ['my-org/code:1.0', 'localhost:5001/my-org/code:1.0'],
    ['ghcr.io/my-org/code:dev-2', 'localhost:5001/my-org/code:dev-2'],
    ['docker.io/library/python:3.12', 'localhost:5001/python:3.12'],
    [`my-org/code@sha256:${'b'.repeat(64)}`, `localhost:5001/my-org/code:sha256-${'b'.repeat(12)}`],
  ])('%s is pushed as %s', (ref, want) => {
    expect(registryTarget(ref, 5001).ref).toBe(want);
  });

  it('pins what pods run to the digest', () => {
    expect(pinnedRef('localhost:5001/my-org/code', 'sha256:abc')).toBe('localhost:5001/my-org/code@sha256:abc');
  });
});

describe('planRegistryContainer', () => {
  const wanted = { name: 'floe-dev-registry', cluster: 'floe-dev', image: DEFAULT_REGISTRY_IMAGE, port: 5001, network: 'kind' };
  const ours = (over: Partial<RegistryContainerView> = {}): RegistryContainerView => ({
    id: 'c1',
    image: DEFAULT_REGISTRY_IMAGE,
    running: true,
    labels: { 'floe-dev/registry': 'true', 'floe-dev/cluster': 'floe-dev' },
    bindings: [{ hostIp: '127.0.0.1', hostPort: 5001 }],
    networks: ['kind'],
    state: 'running',
    ...over,
  });

  it.each<[string, RegistryContainerView | undefined, ReturnType<typeof planRegistryContainer>]>([
    ['none: create', undefined, { action: 'create' }],
    ['healthy: reuse', ours(), { action: 'reuse' }],
    ['stopped (a reboot): start', ours({ running: false, state: 'exited' }), { action: 'start', connect: false }],
    ['off the kind network (kind made a new one): connect', ours({ networks: ['bridge'] }), { action: 'connect' }],
    ['stopped and off the network', ours({ running: false, networks: [] }), { action: 'start', connect: true }],
    ['another image', ours({ image: 'registry:2' }), { action: 'recreate', why: `it runs registry:2, registry.image is ${DEFAULT_REGISTRY_IMAGE}` }],
    ['another port', ours({ bindings: [{ hostIp: '127.0.0.1', hostPort: 5000 }] }), { action: 'recreate', why: 'it publishes 127.0.0.1:5000, registry.port asks for 127.0.0.1:5001' }],
    ['published on every address', ours({ bindings: [{ hostIp: '', hostPort: 5001 }] }), { action: 'recreate', why: 'it publishes 0.0.0.0:5001, registry.port asks for 127.0.0.1:5001' }],
    ['not floe-dev\'s', ours({ labels: {} }), { action: 'refuse', why: 'a container named floe-dev-registry exists, but floe-dev did not create it for cluster floe-dev' }],
    ['another cluster\'s', ours({ labels: { 'floe-dev/registry': 'true', 'floe-dev/cluster': 'other' } }), { action: 'refuse', why: 'a container named floe-dev-registry exists, but floe-dev did not create it for cluster floe-dev' }],
  ])('%s', (_what, existing, want) => {
    expect(planRegistryContainer(existing, wanted)).toEqual(want);
  });
});

describe('summarizePush', () => {
  const digest = `sha256:${'c'.repeat(64)}`;
  it('tells pushed layers from those the registry had, and finds the manifest digest', () => {
    const s = summarizePush([
      { status: 'The push refers to repository [localhost:5001/my-org/code]' },
      { id: 'aaa', status: 'Preparing' },
      { id: 'bbb', status: 'Preparing' },
      { id: 'ccc', status: 'Preparing' },
      { id: 'aaa', status: 'Pushing', },
      { id: 'aaa', status: 'Pushed' },
      { id: 'bbb', status: 'Layer already exists' },
      { id: 'ccc', status: 'Mounted from my-org/other' },
      { status: `1.0: digest: ${digest} size: 528` },
      { aux: { Tag: '1.0', Digest: digest, Size: 528 } },
    ]);
    expect(s).toEqual({ pushed: ['aaa'], existed: ['bbb'], mounted: ['ccc'], digest });
  });

  it("throws the engine's error from the stream", () => {
    expect(() => summarizePush([{ id: 'aaa', status: 'Preparing' }, { error: 'x', errorDetail: { message: 'Get "https://localhost:5001/v2/": http: server gave HTTP response to HTTPS client' } }])).toThrow(
      /server gave HTTP response to HTTPS client/,
    );
  });
});

describe('configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'floe-config-registry-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const load = (yaml: string | undefined, env: NodeJS.ProcessEnv = {}) => {
    if (yaml !== undefined) writeFileSync(join(dir, 'floe-dev.yaml'), yaml);
    return loadConfig({ cwd: dir, env, flags: {} }).config.registry;
  };
  const loadError = (yaml: string): ConfigError => {
    try {
      load(yaml);
    } catch (error) {
      return error as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  it('is off by default, on port 5001, with the pinned official image', () => {
    expect(load(undefined)).toEqual({ enabled: false, port: 5001, image: 'registry:3.1.2' });
    expect(configSchema.parse({}).registry).toEqual({ enabled: false, port: 5001, image: 'registry:3.1.2' });
  });

  it('comes from the file and from FLOE_DEV_REGISTRY_* variables', () => {
    expect(load('registry:\n  enabled: true\n  port: 5055\n')).toMatchObject({ enabled: true, port: 5055 });
    expect(load(undefined, { FLOE_DEV_REGISTRY_ENABLED: 'true', FLOE_DEV_REGISTRY_PORT: '5002', FLOE_DEV_REGISTRY_IMAGE: 'mirror.local/registry:3.1.2' })).toEqual({
      enabled: true,
      port: 5002,
      image: 'mirror.local/registry:3.1.2',
    });
  });

  it.each([
    ['a near-miss key', 'registry:\n  enabeld: true\n', /did you mean `registry.enabled`/],
    ['a port out of range', 'registry:\n  port: 70000\n', /`registry.port`.*out of range/],
    ['an unpinned image', 'registry:\n  image: registry\n', /`registry.image`.*must be pinned/],
    ['yes for true', 'registry:\n  enabled: yes\n', /`registry.enabled`/],
  ])('refuses %s, naming the key', (_what, yaml, message) => {
    const error = loadError(yaml);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(message);
  });
});
