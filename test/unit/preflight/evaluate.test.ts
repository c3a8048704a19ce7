// Each preflight judgement against its thresholds: status, what the detail says, and the fix.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MEMORY_NEEDS,
  GiB,
  MiB,
  engineFlavour,
  evaluateCpus,
  evaluateDisk,
  evaluateDocker,
  evaluateDockerUnreachable,
  evaluateImageStore,
  evaluateKind,
  evaluateKubectl,
  evaluateMemory,
  evaluatePort,
  KIND_RECOMMENDED,
  type DiskLocation,
  type PortFacts,
} from '../../../src/preflight/evaluate.js';
import type { DockerEndpoint } from '../../../src/tools/docker-endpoint.js';
import { DEFAULT_TEST_ENDPOINT, connectError, engineInfo } from '../../helpers/fake-docker.js';

const v = (major: number, minor: number, patch = 0) => ({ major, minor, patch, text: `v${major}.${minor}.${patch}` });
const linux = { platform: 'linux' as const, arch: 'amd64' };
const mac = { platform: 'darwin' as const, arch: 'arm64' };

describe('engineFlavour', () => {
  it.each([
    [{ operatingSystem: 'Docker Desktop', name: 'docker-desktop' }, 'docker-desktop'],
    [{ operatingSystem: 'OrbStack', name: 'orbstack' }, 'orbstack'],
    [{ operatingSystem: 'Ubuntu 24.04.1 LTS', name: 'colima' }, 'colima'],
    [{ operatingSystem: 'Ubuntu 24.04.1 LTS', name: 'colima-work' }, 'colima'],
    [{ operatingSystem: 'Rancher Desktop WSL Distribution', name: 'x' }, 'rancher-desktop'],
    [{ operatingSystem: 'Alpine Linux v3.20', name: 'lima-rancher-desktop' }, 'rancher-desktop'],
    [{ product: 'Podman Engine', operatingSystem: 'fedora', name: 'localhost' }, 'podman'],
    [{ operatingSystem: 'Debian GNU/Linux 12 (bookworm)', name: 'vm' }, 'linux'],
  ])('%j → %s', (info, flavour) => {
    expect(engineFlavour({ product: 'Docker Engine', ...info })).toBe(flavour);
  });
});

describe('evaluateMemory (needs: 6 GiB limits + 1 GiB kind; at least 3 GiB requests + 1 GiB kind)', () => {
  it.each([
    ['Docker Desktop set to 8 GB (7.67 GiB reported)', 7.67 * GiB, 'ok'],
    ['exactly the limits plus kind', 7 * GiB, 'ok'],
    ['a big workstation', 64 * GiB, 'ok'],
    ['just under the limits: pods fit, may be OOM-killed', 7 * GiB - 1, 'warn'],
    ['exactly the requests plus kind', 4 * GiB, 'warn'],
    ['under the requests: pods would stay Pending', 4 * GiB - 1, 'fail'],
    ['Docker Desktop\'s old 2 GB default', 1.94 * GiB, 'fail'],
  ])('%s → %s', (_name, bytes, status) => {
    const f = evaluateMemory({ memTotalBytes: bytes, cpus: 4 }, DEFAULT_MEMORY_NEEDS, 'docker-desktop');
    expect(f.status).toBe(status);
    expect(f.detail).toContain('7 GiB (6 GiB limits + 1 GiB for kind)');
    if (status === 'ok') expect(f.fix).toBeUndefined();
    else expect(f.fix).toBe('Docker Desktop → Settings → Resources: Memory ≥ 8 GB, CPUs ≥ 4, then Apply & restart');
  });

  it.each([
    ['colima', 'colima stop && colima start --memory 8 --cpu 6'],
    ['podman', 'podman machine stop && podman machine set --memory 8192 --cpus 6 && podman machine start'],
    ['orbstack', 'OrbStack → Settings → System: memory limit ≥ 8 GB, CPU limit ≥ 6'],
    ['rancher-desktop', 'Rancher Desktop → Preferences → Virtual Machine: Memory ≥ 8 GB, CPUs ≥ 6'],
  ] as const)('the fix for %s never lowers the CPUs it already has', (flavour, fix) => {
    expect(evaluateMemory({ memTotalBytes: 2 * GiB, cpus: 6 }, DEFAULT_MEMORY_NEEDS, flavour).fix).toBe(fix);
  });

  it('native Linux: the fix is about this machine, not a VM setting', () => {
    expect(evaluateMemory({ memTotalBytes: 3 * GiB, cpus: 4 }, DEFAULT_MEMORY_NEEDS, 'linux').fix).toMatch(/this machine's memory.*≥ 8 GB/);
  });

  it('follows the needs it is given (the catalog\'s sum for a subset of components)', () => {
    const needs = { requestsBytes: 1 * GiB, limitsBytes: 2 * GiB, overheadBytes: 1 * GiB };
    expect(evaluateMemory({ memTotalBytes: 3.5 * GiB, cpus: 4 }, needs, 'linux').status).toBe('ok');
  });

  it('an engine that does not report memory is a warning, not a pass', () => {
    expect(evaluateMemory({ memTotalBytes: 0, cpus: 4 }, DEFAULT_MEMORY_NEEDS, 'linux').status).toBe('warn');
  });
});

describe('evaluateCpus (minimum 2, recommended 4)', () => {
  it.each([
    [1, 'fail'],
    [2, 'warn'],
    [3, 'warn'],
    [4, 'ok'],
    [16, 'ok'],
    [0, 'warn'],
  ])('%d CPUs → %s', (cpus, status) => {
    const f = evaluateCpus({ cpus, memTotalBytes: 16 * GiB }, 'colima');
    expect(f.status).toBe(status);
    if (status !== 'ok') expect(f.fix).toBe('colima stop && colima start --memory 16 --cpu 4');
  });

  it("suggests the memory the platform's rendered limits need, as the memory check does, not a fixed figure", () => {
    const needs = { requestsBytes: 3 * GiB, limitsBytes: 7.75 * GiB, overheadBytes: 1 * GiB };
    expect(evaluateCpus({ cpus: 2, memTotalBytes: 4 * GiB }, 'colima', needs).fix).toBe('colima stop && colima start --memory 10 --cpu 4');
  });
});

describe('evaluateDocker', () => {
  it('names the engine, its version, OS, architecture and the endpoint used', () => {
    const f = evaluateDocker(engineInfo({ serverVersion: '28.2.2', operatingSystem: 'Docker Desktop', architecture: 'arm64' }), DEFAULT_TEST_ENDPOINT);
    expect(f).toEqual({ status: 'ok', detail: 'Docker Engine 28.2.2, Docker Desktop, arm64, at unix:///var/run/docker.sock (default socket)' });
  });

  it.each([
    ['Windows containers', engineInfo({ osType: 'windows' }), /windows containers/, /Switch to Linux containers/],
    ['an architecture kind has no node image for', engineInfo({ architecture: 's390x' }), /only for amd64 and arm64/, /amd64 or arm64/],
    ['Docker older than kind\'s 20.10', engineInfo({ serverVersion: '19.03.15' }), /needs Docker 20.10.0 or newer/, /upgrade Docker/],
  ])('%s fails', (_name, info, detail, fix) => {
    const f = evaluateDocker(info, DEFAULT_TEST_ENDPOINT);
    expect(f.status).toBe('fail');
    expect(f.detail).toMatch(detail);
    expect(f.fix).toMatch(fix);
  });

  it('Podman\'s own version numbers are not held against Docker\'s minimum', () => {
    expect(evaluateDocker(engineInfo({ product: 'Podman Engine', serverVersion: '5.2.2' }), DEFAULT_TEST_ENDPOINT).status).toBe('ok');
  });
});

describe('evaluateDockerUnreachable', () => {
  const fromHost: DockerEndpoint = { ...DEFAULT_TEST_ENDPOINT, url: 'unix:///tmp/nonexistent.sock', socketPath: '/tmp/nonexistent.sock', source: { kind: 'DOCKER_HOST' } } as DockerEndpoint;
  const fromContext: DockerEndpoint = { ...DEFAULT_TEST_ENDPOINT, source: { kind: 'context', name: 'colima', from: 'config', metaFile: '/m' } } as DockerEndpoint;

  it('socket missing on Linux: start Docker', () => {
    const f = evaluateDockerUnreachable(DEFAULT_TEST_ENDPOINT, connectError('ENOENT'), 'linux');
    expect(f.status).toBe('fail');
    expect(f.detail).toBe('no answer from Docker at unix:///var/run/docker.sock (default socket): connect ENOENT /var/run/docker.sock');
    expect(f.fix).toMatch(/^start Docker: `sudo systemctl start docker`/);
  });

  it('on macOS the fix names the desktop engines', () => {
    expect(evaluateDockerUnreachable(DEFAULT_TEST_ENDPOINT, connectError('ECONNREFUSED'), 'darwin').fix).toMatch(/Docker Desktop, OrbStack, Rancher Desktop, or `colima start`/);
  });

  it('from DOCKER_HOST: also offers to unset it', () => {
    expect(evaluateDockerUnreachable(fromHost, connectError('ENOENT', '/tmp/nonexistent.sock'), 'linux').fix).toMatch(/unset DOCKER_HOST \(it points at unix:\/\/\/tmp\/nonexistent.sock\)/);
  });

  it('from a context: offers `docker context use default`', () => {
    expect(evaluateDockerUnreachable(fromContext, connectError('ENOENT'), 'darwin').fix).toMatch(/docker context use default.*"colima"/);
  });

  it('permission denied: the docker group', () => {
    expect(evaluateDockerUnreachable(DEFAULT_TEST_ENDPOINT, connectError('EACCES'), 'linux').fix).toMatch(/usermod -aG docker/);
  });

  it('no reply in time', () => {
    const timeout = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    const f = evaluateDockerUnreachable(DEFAULT_TEST_ENDPOINT, timeout, 'linux');
    expect(f.detail).toMatch(/did not reply in time/);
    expect(f.fix).toMatch(/not answering/);
  });

  it('something that speaks HTTP but is not an engine', () => {
    const f = evaluateDockerUnreachable(fromHost, Object.assign(new Error('(HTTP code 404) unexpected'), { statusCode: 404 }), 'linux');
    expect(f.detail).toMatch(/answered HTTP 404, not like a Docker Engine/);
    expect(f.fix).toMatch(/docker context ls/);
  });
});

describe('evaluateImageStore', () => {
  it('reports on and off, both usable', () => {
    expect(evaluateImageStore({ containerdImageStore: true, storageDriver: 'overlayfs' })).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^containerd image store on/) });
    expect(evaluateImageStore({ containerdImageStore: false, storageDriver: 'overlay2' })).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^containerd image store off/) });
  });
});

describe('evaluateKind (minimum 0.20.0; the default node image was built by 0.30.0)', () => {
  it.each([
    ['v0.30.0', v(0, 30, 0), KIND_RECOMMENDED, 'ok'],
    ['v0.31.0', v(0, 31, 0), KIND_RECOMMENDED, 'ok'],
    ['v0.27.0 with the default node image', v(0, 27, 0), KIND_RECOMMENDED, 'warn'],
    ['v0.27.0 with a node image of the user\'s choosing', v(0, 27, 0), undefined, 'ok'],
    ['v0.20.0', v(0, 20, 0), undefined, 'ok'],
    ['v0.19.0', v(0, 19, 0), undefined, 'fail'],
  ])('%s → %s', (_name, version, release, status) => {
    expect(evaluateKind({ bin: 'kind', version }, linux, release).status).toBe(status);
  });

  it('missing on Linux: the binary release, for this machine\'s architecture', () => {
    const f = evaluateKind({ bin: 'kind', missing: true }, linux, KIND_RECOMMENDED);
    expect(f.status).toBe('fail');
    expect(f.detail).toBe('not found (looked for `kind` on PATH)');
    expect(f.fix).toContain('curl -Lo ./kind https://kind.sigs.k8s.io/dl/v0.30.0/kind-linux-amd64');
    expect(f.fix).toContain('FLOE_DEV_KIND');
  });

  it('missing on macOS: brew', () => {
    expect(evaluateKind({ bin: '/opt/kind', missing: true }, mac, KIND_RECOMMENDED)).toMatchObject({ detail: 'not found (looked for /opt/kind)', fix: expect.stringContaining('brew install kind') });
  });

  it('a kind that fails or prints nonsense fails, saying what it printed', () => {
    expect(evaluateKind({ bin: 'kind', error: 'unexpected output: "hello"' }, linux, undefined)).toMatchObject({ status: 'fail', detail: expect.stringContaining('"hello"') });
  });
});

describe('evaluateKubectl (minimum 1.28; ±1 minor of the node\'s Kubernetes)', () => {
  it.each([
    ['1.33 with Kubernetes 1.33', v(1, 33, 1), v(1, 33, 4), 'ok'],
    ['1.32 with Kubernetes 1.33 (this machine)', v(1, 32, 4), v(1, 33, 4), 'ok'],
    ['1.34 with Kubernetes 1.33', v(1, 34, 0), v(1, 33, 4), 'ok'],
    ['1.30 with Kubernetes 1.33: works, unsupported skew', v(1, 30, 2), v(1, 33, 4), 'warn'],
    ['1.36 with Kubernetes 1.33', v(1, 36, 0), v(1, 33, 4), 'warn'],
    ['1.28 with an unknown node version', v(1, 28, 0), undefined, 'ok'],
    ['1.27: too old', v(1, 27, 9), v(1, 33, 4), 'fail'],
  ])('%s → %s', (_name, version, kubernetes, status) => {
    const f = evaluateKubectl({ bin: 'kubectl', version }, linux, kubernetes);
    expect(f.status).toBe(status);
    if (status !== 'ok') expect(f.fix).toContain(kubernetes ? `https://dl.k8s.io/release/v1.33.4/bin/linux/amd64/kubectl` : 'kubectl');
  });

  it('shows a vendor build as it names itself', () => {
    const f = evaluateKubectl({ bin: 'kubectl', version: { major: 1, minor: 32, patch: 4, text: 'v1.32.4-dispatcher' } }, linux, v(1, 33, 4));
    expect(f.detail).toMatch(/^v1\.32\.4-dispatcher \(`kubectl` on PATH\); supported with the cluster's Kubernetes 1\.33/);
  });

  it('missing: install it, matching the cluster\'s version', () => {
    expect(evaluateKubectl({ bin: 'kubectl', missing: true }, mac, v(1, 33, 4))).toMatchObject({ status: 'fail', fix: expect.stringContaining('brew install kubectl') });
  });
});

describe('evaluatePort', () => {
  const facts = (over: Partial<PortFacts>): PortFacts => ({
    port: 3000,
    configKey: 'forwards.dagster',
    envVar: 'FLOE_DEV_FORWARD_DAGSTER',
    bind: { outcome: 'busy' },
    holder: undefined,
    supervisor: undefined,
    nextFreePort: false,
    nextFree: 3001,
    ...over,
  });
  const other = { pid: 4242, ppid: 1, command: 'node', commandLine: 'node server.js' };

  it('free', () => expect(evaluatePort(facts({ bind: { outcome: 'free' } }))).toEqual({ status: 'ok', detail: 'free on 127.0.0.1' }));

  it('busy: names the holder and offers to stop it or move the forward', () => {
    expect(evaluatePort(facts({ holder: other }))).toEqual({
      status: 'fail',
      detail: 'in use by node (pid 4242: node server.js)',
      fix: 'stop node (pid 4242), or choose another port: forwards.dagster: 3001 in floe-dev.yaml (or FLOE_DEV_FORWARD_DAGSTER=3001)',
    });
  });

  it('busy, holder not visible: says whose it is and how to look', () => {
    const f = evaluatePort(facts({ holder: { uid: 0, user: 'root', address: '0.0.0.0' } }));
    expect(f.detail).toBe('in use by a process of root (uid 0) that you may not inspect');
    expect(f.fix).toMatch(/lsof -nP -iTCP:3000 -sTCP:LISTEN/);
  });

  it('busy because a container publishes it', () => {
    expect(evaluatePort(facts({ holder: { pid: 900, command: 'docker-proxy' } })).fix).toMatch(/^a container publishes it \(`docker ps --filter publish=3000`\)/);
  });

  it.each([
    ['the supervisor itself', { pid: 777, command: 'node' }],
    ['its kubectl port-forward child', { pid: 778, ppid: 777, command: 'kubectl' }],
    ['a holder the OS does not name, on a port in the record', undefined],
  ])('held by floe-dev\'s own forwards (%s) is fine', (_name, holder) => {
    expect(evaluatePort(facts({ holder, supervisor: { pid: 777, ports: [3000, 8181] } }))).toEqual({
      status: 'ok',
      detail: "in use by floe-dev's own port-forward (supervisor pid 777)",
    });
  });

  it('a live supervisor does not excuse a stranger holding the port', () => {
    expect(evaluatePort(facts({ holder: other, supervisor: { pid: 777, ports: [3000] } })).status).toBe('fail');
  });

  it('with forwards.nextFreePort: a warning naming the port that will be used', () => {
    expect(evaluatePort(facts({ holder: other, nextFreePort: true }))).toMatchObject({ status: 'warn', detail: expect.stringContaining('will use 3001') });
  });

  it('a privileged port', () => {
    const f = evaluatePort(facts({ port: 80, bind: { outcome: 'denied' }, nextFree: 81 }));
    expect(f).toMatchObject({ status: 'fail', detail: expect.stringContaining('below 1024 need privileges') });
    expect(f.fix).toMatch(/from 1024 up: forwards\.dagster: 81/);
  });
});

describe('evaluateDisk', () => {
  const loc = (label: string, device: number, freeGiB: number, minGiB: number, wantGiB: number): DiskLocation => ({
    label,
    path: `/${label}`,
    device,
    freeBytes: freeGiB * GiB,
    minBytes: minGiB * GiB,
    wantBytes: wantGiB * GiB,
  });

  it.each([
    ['plenty', [loc('docker', 1, 80, 10, 20)], 'ok'],
    ['enough for a first up, not for updates', [loc('docker', 1, 15, 10, 20)], 'warn'],
    ['too little for the images', [loc('docker', 1, 9, 10, 20)], 'fail'],
    ['separate filesystems are judged apart', [loc('docker', 1, 25, 10, 20), loc('tmp', 2, 7, 0, 6)], 'ok'],
    ['the same filesystem adds the needs up', [loc('docker', 1, 25, 10, 20), loc('tmp', 1, 25, 0, 6)], 'warn'],
    ['one short filesystem fails the check', [loc('docker', 1, 80, 10, 20), loc('state', 2, 0.05, 0.1, 0.1)], 'fail'],
  ])('%s → %s', (_name, locations, status) => {
    const f = evaluateDisk(locations);
    expect(f.status).toBe(status);
    if (status === 'ok') expect(f.fix).toBeUndefined();
    else expect(f.fix).toMatch(/docker system df/);
  });

  it('says what it measured and what it could not', () => {
    const f = evaluateDisk([{ label: 'state', path: '/home/ada', device: 1, freeBytes: 50 * GiB, minBytes: 100 * MiB, wantBytes: 100 * MiB }], ['Docker data is on the engine\'s own machine (Docker Desktop), not measured here']);
    expect(f.detail).toBe("50 GiB free for state /home/ada (needs 100 MiB, 100 MiB recommended); Docker data is on the engine's own machine (Docker Desktop), not measured here");
  });
});
