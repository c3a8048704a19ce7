// Engine API bodies → EngineInfo (Docker Engine, Docker Desktop with the containerd store, Podman), and dockerode options.
import { describe, expect, it } from 'vitest';
import { dockerodeOptions, ociArchitecture, toEngineInfo } from '../../../src/tools/docker.js';
import type { DockerEndpoint } from '../../../src/tools/docker-endpoint.js';

// Trimmed `GET /info` and `GET /version` bodies, as the engines return them.
const linuxInfo = {
  Driver: 'overlay2',
  DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true']],
  OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
  OSType: 'linux',
  Architecture: 'x86_64',
  NCPU: 2,
  MemTotal: 25276510208,
  DockerRootDir: '/var/lib/docker',
  Name: 'vm',
  ServerVersion: '20.10.24+dfsg1',
};
const linuxVersion = { Version: '20.10.24+dfsg1', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64', Components: [{ Name: 'Engine', Version: '20.10.24+dfsg1' }] };

const desktopInfo = {
  Driver: 'overlayfs',
  DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']],
  OperatingSystem: 'Docker Desktop',
  OSType: 'linux',
  Architecture: 'aarch64',
  NCPU: 8,
  MemTotal: 8232062976,
  DockerRootDir: '/var/lib/docker',
  Name: 'docker-desktop',
  ServerVersion: '28.3.2',
};
const desktopVersion = { Version: '28.3.2', ApiVersion: '1.51', Components: [{ Name: 'Engine' }, { Name: 'containerd' }] };

const podmanInfo = {
  Driver: 'overlay',
  DriverStatus: [['Backing Filesystem', 'xfs']],
  OperatingSystem: 'fedora',
  OSType: 'linux',
  Architecture: 'amd64',
  NCPU: 4,
  MemTotal: 4_000_000_000,
  DockerRootDir: '/var/home/core/.local/share/containers/storage',
  Name: 'localhost.localdomain',
  ServerVersion: '5.2.2',
};
const podmanVersion = { Version: '5.2.2', ApiVersion: '1.41', Components: [{ Name: 'Podman Engine', Version: '5.2.2' }] };

describe('toEngineInfo', () => {
  it.each([
    [
      'Docker Engine on Linux, classic store',
      linuxInfo,
      linuxVersion,
      { product: 'Docker Engine', serverVersion: '20.10.24+dfsg1', apiVersion: '1.41', architecture: 'amd64', cpus: 2, memTotalBytes: 25276510208, containerdImageStore: false, storageDriver: 'overlay2', name: 'vm' },
    ],
    [
      'Docker Desktop on Apple silicon, containerd image store',
      desktopInfo,
      desktopVersion,
      { product: 'Docker Engine', operatingSystem: 'Docker Desktop', architecture: 'arm64', cpus: 8, containerdImageStore: true, storageDriver: 'overlayfs' },
    ],
    ['Podman', podmanInfo, podmanVersion, { product: 'Podman Engine', serverVersion: '5.2.2', architecture: 'amd64', containerdImageStore: false }],
    ['an engine that says almost nothing', {}, {}, { product: 'Docker Engine', serverVersion: '', memTotalBytes: 0, cpus: 0, osType: 'linux', containerdImageStore: false }],
  ])('%s', (_name, info, version, expected) => {
    expect(toEngineInfo(info, version)).toMatchObject(expected);
  });

  it('needs the exact driver-type row: a storage driver merely named like containerd is not the image store', () => {
    expect(toEngineInfo({ Driver: 'overlayfs', DriverStatus: [['driver-type', 'overlayfs']] }, {}).containerdImageStore).toBe(false);
    expect(toEngineInfo({ DriverStatus: [['Backing Filesystem', 'io.containerd.snapshotter.v1']] }, {}).containerdImageStore).toBe(false);
  });
});

describe('ociArchitecture', () => {
  it.each([
    ['x86_64', 'amd64'],
    ['aarch64', 'arm64'],
    ['arm64', 'arm64'],
    ['armv7l', 'arm'],
    ['s390x', 's390x'],
  ])('%s → %s', (machine, arch) => expect(ociArchitecture(machine)).toBe(arch));
});

describe('dockerodeOptions', () => {
  const unix: DockerEndpoint = { protocol: 'unix', socketPath: '/tmp/d.sock', url: 'unix:///tmp/d.sock', source: { kind: 'DOCKER_HOST' } };

  it('sets every connection key, so docker-modem\'s own DOCKER_HOST defaults cannot leak in', () => {
    const options = dockerodeOptions(unix, {});
    expect(options).toMatchObject({ socketPath: '/tmp/d.sock' });
    for (const key of ['host', 'port', 'protocol', 'ca', 'cert', 'key']) {
      expect(options).toHaveProperty(key, undefined);
    }
  });

  it('plain tcp is http; ssh uses the agent', () => {
    expect(dockerodeOptions({ protocol: 'tcp', host: 'box', port: 2375, tls: undefined, url: 'tcp://box:2375', source: { kind: 'default' } }, {})).toMatchObject({
      protocol: 'http',
      host: 'box',
      port: 2375,
      socketPath: undefined,
    });
    expect(
      dockerodeOptions({ protocol: 'ssh', host: 'r', port: 22, username: 'ada', url: 'ssh://ada@r', source: { kind: 'default' } }, { SSH_AUTH_SOCK: '/agent' }),
    ).toMatchObject({ protocol: 'ssh', username: 'ada', sshOptions: { agent: '/agent' } });
  });

  it('missing TLS files are a prerequisite error naming the file', () => {
    const endpoint: DockerEndpoint = { protocol: 'tcp', host: 'box', port: 2376, tls: { ca: '/nonexistent/ca.pem', verify: true }, url: 'tcp://box:2376', source: { kind: 'DOCKER_HOST' } };
    expect(() => dockerodeOptions(endpoint, {})).toThrow(/cannot read the TLS file \/nonexistent\/ca.pem/);
  });
});
