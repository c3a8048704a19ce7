// The Docker seam: the few Engine API calls floe-dev makes, over dockerode, at the docker CLI's endpoint.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { PrerequisiteError } from '../errors.js';
import { nodeEndpointSystem, resolveDockerEndpoint, type DockerEndpoint, type EndpointSystem } from './docker-endpoint.js';

/** What floe-dev needs to know about the engine (from `GET /info` and `GET /version`). */
export interface EngineInfo {
  /** "Docker Engine" or "Podman Engine". */
  product: string;
  /** The engine's version, e.g. 28.2.2 (Podman reports its own version). */
  serverVersion: string;
  /** The highest Engine API version the engine speaks, e.g. 1.50. */
  apiVersion: string;
  /** Where the engine runs: "Docker Desktop", "OrbStack", "Ubuntu 24.04.1 LTS", ... */
  operatingSystem: string;
  /** "linux" (or "windows" for Windows containers, which kind cannot use). */
  osType: string;
  /** The engine's CPU as an OCI platform architecture: amd64, arm64, ... (Docker reports x86_64/aarch64). */
  architecture: string;
  /** Memory the engine can give containers (its VM's memory on Docker Desktop, Colima, ...). */
  memTotalBytes: number;
  cpus: number;
  /** Docker's containerd image store (`driver-type io.containerd.snapshotter.v1`), default on fresh Docker 29+. */
  containerdImageStore: boolean;
  /** "overlay2", "overlayfs", ... */
  storageDriver: string;
  /** Where the engine keeps images and containers, on the engine's machine. */
  dockerRootDir: string;
  /** Host name of the engine's machine ("docker-desktop", "colima", or this machine's name). */
  name: string;
}

/**
 * The narrow Docker interface: only what floe-dev calls, so steps are tested with a fake that fails loudly.
 * Later stages add their calls here (image inspect and pull, kind node containers, exec) in the same style:
 * plain data in and out, an optional AbortSignal, no dockerode types.
 */
export interface DockerApi {
  /** The endpoint this client talks to (for messages: "Docker at unix:///var/run/docker.sock"). */
  readonly endpoint: DockerEndpoint;
  /** Resolves when the engine answers `GET /_ping`. */
  ping(signal?: AbortSignal): Promise<void>;
  info(signal?: AbortSignal): Promise<EngineInfo>;
}

/** The `containerd-snapshotter` image store's marker in `GET /info` DriverStatus (moby daemon/containerd LayerStoreStatus). */
export const CONTAINERD_SNAPSHOTTER = 'io.containerd.snapshotter.v1';

/** Connects (lazily: nothing is sent until the first call) to the endpoint the docker CLI would use. */
export async function connectDocker(env: Record<string, string | undefined>, system: EndpointSystem = nodeEndpointSystem(env)): Promise<DockerApi> {
  const endpoint = resolveDockerEndpoint(system);
  const { default: Dockerode } = await import('dockerode');
  return new DockerodeApi(endpoint, new Dockerode(dockerodeOptions(endpoint, env)) as unknown as DockerodeCalls);
}

/**
 * The dockerode calls used, typed as the JS accepts them: @types/dockerode omits the `{ abortSignal }` options
 * that dockerode 4 passes to docker-modem.
 */
interface DockerodeCalls {
  ping(options: { abortSignal?: AbortSignal }): Promise<unknown>;
  info(options: { abortSignal?: AbortSignal }): Promise<unknown>;
  version(options: { abortSignal?: AbortSignal }): Promise<unknown>;
}

class DockerodeApi implements DockerApi {
  constructor(
    readonly endpoint: DockerEndpoint,
    private readonly client: DockerodeCalls,
  ) {}

  async ping(signal?: AbortSignal): Promise<void> {
    await this.client.ping({ abortSignal: signal });
  }

  async info(signal?: AbortSignal): Promise<EngineInfo> {
    const [info, version] = await Promise.all([this.client.info({ abortSignal: signal }), this.client.version({ abortSignal: signal })]);
    return toEngineInfo(info, version);
  }
}

/** A connection attempt gives up after this long (a request that is connected may take as long as it needs). */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * dockerode options for the endpoint. Every connection key is set, even to undefined, because docker-modem
 * merges our options over defaults it reads from process.env.DOCKER_HOST.
 */
export function dockerodeOptions(endpoint: DockerEndpoint, env: Record<string, string | undefined>): Record<string, unknown> {
  const base = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    protocol: undefined,
    username: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
    pathPrefix: undefined,
    timeout: undefined,
    sshOptions: undefined,
    connectionTimeout: CONNECT_TIMEOUT_MS,
  };
  switch (endpoint.protocol) {
    case 'unix':
    case 'npipe':
      return { ...base, socketPath: endpoint.socketPath };
    case 'ssh':
      return { ...base, protocol: 'ssh', host: endpoint.host, port: endpoint.port, username: endpoint.username, sshOptions: { agent: env.SSH_AUTH_SOCK } };
    case 'tcp': {
      if (!endpoint.tls) return { ...base, protocol: 'http', host: endpoint.host, port: endpoint.port };
      const read = (path: string | undefined): Buffer | undefined => {
        if (!path) return undefined;
        try {
          return readFileSync(path);
        } catch (error) {
          throw new PrerequisiteError(`cannot read the TLS file ${path} for Docker at ${endpoint.url}: ${(error as Error).message}`, {
            hint: 'check DOCKER_CERT_PATH (or the docker context\'s TLS files)',
          });
        }
      };
      return {
        ...base,
        protocol: 'https',
        host: endpoint.host,
        port: endpoint.port,
        ca: read(endpoint.tls.ca),
        cert: read(endpoint.tls.cert),
        key: read(endpoint.tls.key),
        // docker-modem has no "skip verify" option; an agent carries it (DOCKER_TLS, or SkipTLSVerify in a context).
        agent: endpoint.tls.verify ? undefined : new Agent({ rejectUnauthorized: false }),
      };
    }
  }
}

/** `GET /info` and `GET /version` bodies → EngineInfo. Tolerates missing fields (Podman, old engines). */
export function toEngineInfo(info: unknown, version: unknown): EngineInfo {
  const i = (info ?? {}) as Record<string, unknown>;
  const v = (version ?? {}) as Record<string, unknown>;
  const components = Array.isArray(v.Components) ? (v.Components as { Name?: unknown }[]) : [];
  const podman = components.some((c) => typeof c.Name === 'string' && /podman/i.test(c.Name));
  const driverStatus = Array.isArray(i.DriverStatus) ? (i.DriverStatus as unknown[]) : [];
  const containerdImageStore = driverStatus.some(
    (row) => Array.isArray(row) && row[0] === 'driver-type' && row[1] === CONTAINERD_SNAPSHOTTER,
  );
  return {
    product: podman ? 'Podman Engine' : 'Docker Engine',
    serverVersion: str(i.ServerVersion) || str(v.Version),
    apiVersion: str(v.ApiVersion),
    operatingSystem: str(i.OperatingSystem),
    osType: str(i.OSType) || str(v.Os) || 'linux',
    architecture: ociArchitecture(str(i.Architecture) || str(v.Arch)),
    memTotalBytes: num(i.MemTotal),
    cpus: num(i.NCPU),
    containerdImageStore,
    storageDriver: str(i.Driver),
    dockerRootDir: str(i.DockerRootDir),
    name: str(i.Name),
  };
}

/** uname machine names (what `docker info` shows) → OCI architectures (what image platforms use). */
export function ociArchitecture(machine: string): string {
  const map: Record<string, string> = {
    x86_64: 'amd64',
    amd64: 'amd64',
    aarch64: 'arm64',
    arm64: 'arm64',
    armv7l: 'arm',
    armhf: 'arm',
    i386: '386',
    i686: '386',
    ppc64le: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64',
  };
  return map[machine.toLowerCase()] ?? machine.toLowerCase();
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
