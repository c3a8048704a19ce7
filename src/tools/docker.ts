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
  /** The image's ID on the host (`sha256:...`), or undefined when it is not there. */
  imageId(ref: string, signal?: AbortSignal): Promise<string | undefined>;
  /** The host image's platform architecture (OCI name), or undefined when it is not there. */
  imageArchitecture(ref: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Pulls an image; `onProgress` gets short texts like "42% of 120 MB". Rejects with the registry's error. */
  pullImage(ref: string, onProgress: (text: string) => void, signal?: AbortSignal): Promise<void>;
  /** The node containers of a kind cluster (label io.x-k8s.kind.cluster=<name>), running or not. */
  kindNodes(cluster: string, signal?: AbortSignal): Promise<KindNode[]>;
  /** Runs a command inside a container (no TTY, no stdin) and collects its output and exit code. */
  exec(container: string, cmd: readonly string[], signal?: AbortSignal): Promise<ExecResult>;
  /** `docker save --platform`: writes the images, for one platform, to a tar archive. */
  saveImages(refs: readonly string[], platform: string, file: string, signal?: AbortSignal): Promise<void>;
  /** A container by name or ID, or undefined when there is none. */
  inspectContainer(name: string, signal?: AbortSignal): Promise<ContainerView | undefined>;
  /** `docker create` of a long-running service container; resolves with its ID (not started). */
  createContainer(spec: ContainerSpec, signal?: AbortSignal): Promise<string>;
  startContainer(id: string, signal?: AbortSignal): Promise<void>;
  /** `docker rm -f`: stops and removes the container; a container already gone is not an error. */
  removeContainer(id: string, signal?: AbortSignal): Promise<void>;
  networkExists(name: string, signal?: AbortSignal): Promise<boolean>;
  /** `docker network connect NETWORK CONTAINER`. */
  connectNetwork(network: string, container: string, signal?: AbortSignal): Promise<void>;
  /** `docker cp`: extracts a tar archive into the container at `path`. */
  putArchive(container: string, path: string, tar: Buffer, signal?: AbortSignal): Promise<void>;
  /** `docker tag SOURCE REPOSITORY:TAG`. */
  tagImage(source: string, repository: string, tag: string, signal?: AbortSignal): Promise<void>;
  /** `docker push REPOSITORY:TAG`: resolves with the engine's progress events (the caller reads what moved). */
  pushImage(repository: string, tag: string, onEvent: (event: PushStreamEvent) => void, signal?: AbortSignal): Promise<PushStreamEvent[]>;
}

/** A container as floe-dev looks at it (`GET /containers/{id}/json`). */
export interface ContainerView {
  id: string;
  name: string;
  /** The image reference it was created from (Config.Image). */
  image: string;
  running: boolean;
  /** "running", "exited", "created", ... */
  status: string;
  /** The engine's error from the last start ("... address already in use"), if any. */
  error?: string;
  labels: Record<string, string>;
  /** Host bindings per container port, e.g. "5000/tcp" → [{ hostIp: "127.0.0.1", hostPort: 5001 }]. */
  bindings: Record<string, { hostIp: string; hostPort: number }[]>;
  networks: string[];
}

export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  /** Container port (e.g. "5000/tcp") → where it is published on the host. */
  publish: Record<string, { hostIp: string; hostPort: number }>;
  /** The network it joins at creation. */
  network: string;
  /** Docker's restart policy: "always" brings it back with the engine (kind's docs run the registry so). */
  restart: 'no' | 'always' | 'unless-stopped';
}

/** One line of the engine's push progress stream: a pull's, plus the pushed digest at the end. */
export interface PushStreamEvent extends PullEvent {
  aux?: { Tag?: string; Digest?: string; Size?: number };
}

export interface KindNode {
  id: string;
  name: string;
  running: boolean;
  /** io.x-k8s.kind.role: control-plane or worker. */
  role: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The label kind puts on every node container, valued with the cluster name. */
export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';

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
  getImage(name: string): {
    inspect(options: { abortSignal?: AbortSignal }): Promise<{ Id: string; Architecture?: string }>;
    tag(options: { repo: string; tag: string; abortSignal?: AbortSignal }): Promise<unknown>;
    push(options: { tag: string; authconfig: Record<string, string>; abortSignal?: AbortSignal }): Promise<NodeJS.ReadableStream>;
  };
  pull(ref: string, options: { abortSignal?: AbortSignal }): Promise<NodeJS.ReadableStream>;
  getNetwork(name: string): { inspect(options: { abortSignal?: AbortSignal }): Promise<unknown>; connect(options: { Container: string; abortSignal?: AbortSignal }): Promise<unknown> };
  createContainer(options: Record<string, unknown>): Promise<{ id: string }>;
  listContainers(options: { all: boolean; filters: string; abortSignal?: AbortSignal }): Promise<
    { Id: string; Names?: string[]; State?: string; Labels?: Record<string, string> }[]
  >;
  getContainer(id: string): {
    inspect(options: { abortSignal?: AbortSignal }): Promise<DockerodeContainerInspect>;
    start(options: { abortSignal?: AbortSignal }): Promise<unknown>;
    remove(options: { force: boolean; v: boolean; abortSignal?: AbortSignal }): Promise<unknown>;
    putArchive(file: Buffer, options: { path: string; abortSignal?: AbortSignal }): Promise<unknown>;
    exec(options: { Cmd: string[]; AttachStdout: boolean; AttachStderr: boolean; abortSignal?: AbortSignal }): Promise<{
      start(options: { hijack: boolean; stdin: boolean; abortSignal?: AbortSignal }): Promise<NodeJS.ReadableStream>;
      inspect(options: { abortSignal?: AbortSignal }): Promise<{ ExitCode: number | null; Running: boolean }>;
    }>;
  };
  modem: {
    followProgress(stream: NodeJS.ReadableStream, onFinished: (error: Error | null) => void, onProgress: (event: PullEvent) => void): void;
    demuxStream(stream: NodeJS.ReadableStream, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): void;
    dial(
      options: { path: string; method: string; options: Record<string, unknown>; isStream: boolean; statusCodes: Record<number, boolean | string>; abortSignal?: AbortSignal },
      callback: (error: Error | null, stream: NodeJS.ReadableStream) => void,
    ): void;
  };
}

/** The parts of `GET /containers/{id}/json` floe-dev reads. */
interface DockerodeContainerInspect {
  Id: string;
  Name?: string;
  Config?: { Image?: string; Labels?: Record<string, string> | null };
  State?: { Running?: boolean; Status?: string; Error?: string };
  HostConfig?: { PortBindings?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null };
  NetworkSettings?: { Networks?: Record<string, unknown> | null };
}

/** One line of the engine's pull progress stream. */
export interface PullEvent {
  id?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  progressDetail?: { current?: number; total?: number };
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

  private async inspectImage(ref: string, signal?: AbortSignal): Promise<{ Id: string; Architecture?: string } | undefined> {
    try {
      return await this.client.getImage(ref).inspect({ abortSignal: signal });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async imageId(ref: string, signal?: AbortSignal): Promise<string | undefined> {
    return (await this.inspectImage(ref, signal))?.Id;
  }

  async imageArchitecture(ref: string, signal?: AbortSignal): Promise<string | undefined> {
    const arch = (await this.inspectImage(ref, signal))?.Architecture;
    return arch ? ociArchitecture(arch) : undefined;
  }

  async pullImage(ref: string, onProgress: (text: string) => void, signal?: AbortSignal): Promise<void> {
    const stream = await this.client.pull(ref, { abortSignal: signal }).catch((error: unknown) => {
      throw new Error(engineMessage(error));
    });
    const progress = new PullProgress();
    await new Promise<void>((resolve, reject) => {
      this.client.modem.followProgress(
        stream,
        (error) => (error ? reject(new Error(engineMessage(error))) : resolve()),
        (event) => {
          // The engine reports a failed pull as an event in a 200 stream.
          if (event.error) return reject(new Error(event.errorDetail?.message ?? event.error));
          const text = progress.add(event);
          if (text) onProgress(text);
        },
      );
    });
  }

  async kindNodes(cluster: string, signal?: AbortSignal): Promise<KindNode[]> {
    const containers = await this.client.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`${KIND_CLUSTER_LABEL}=${cluster}`] }),
      abortSignal: signal,
    });
    return containers.map((c) => ({
      id: c.Id,
      name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''),
      running: c.State === 'running',
      role: c.Labels?.['io.x-k8s.kind.role'] ?? '',
    }));
  }

  async exec(container: string, cmd: readonly string[], signal?: AbortSignal): Promise<ExecResult> {
    const engineError = (error: unknown): never => {
      throw new Error(engineMessage(error));
    };
    const exec = await this.client
      .getContainer(container)
      .exec({ Cmd: [...cmd], AttachStdout: true, AttachStderr: true, abortSignal: signal })
      .catch(engineError);
    const stream = await exec.start({ hijack: true, stdin: false, abortSignal: signal }).catch(engineError);
    const { PassThrough } = await import('node:stream');
    const out = new PassThrough();
    const err = new PassThrough();
    const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    out.on('data', (c: Buffer) => chunks.stdout.push(c));
    err.on('data', (c: Buffer) => chunks.stderr.push(c));
    this.client.modem.demuxStream(stream, out, err);
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    const { ExitCode } = await exec.inspect({ abortSignal: signal });
    return { exitCode: ExitCode ?? -1, stdout: Buffer.concat(chunks.stdout).toString(), stderr: Buffer.concat(chunks.stderr).toString() };
  }

  async saveImages(refs: readonly string[], platform: string, file: string, signal?: AbortSignal): Promise<void> {
    const [os, architecture, variant] = platform.split('/');
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      this.client.modem.dial(
        {
          path: '/images/get?',
          method: 'GET',
          // The platform filter needs Engine API ≥ 1.48 (docker save --platform); older engines ignore it.
          options: { names: [...refs], platform: JSON.stringify({ os, architecture, ...(variant ? { variant } : {}) }) },
          isStream: true,
          statusCodes: { 200: true, 404: 'image not found', 500: 'server error' },
          abortSignal: signal,
        },
        (error, s) => (error ? reject(new Error(engineMessage(error))) : resolve(s)),
      ),
    );
    const [{ createWriteStream }, { pipeline }] = await Promise.all([import('node:fs'), import('node:stream/promises')]);
    await pipeline(stream, createWriteStream(file, { mode: 0o600 }), { signal });
  }

  async inspectContainer(name: string, signal?: AbortSignal): Promise<ContainerView | undefined> {
    let c: DockerodeContainerInspect;
    try {
      c = await this.client.getContainer(name).inspect({ abortSignal: signal });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw new Error(engineMessage(error));
    }
    const bindings: ContainerView['bindings'] = {};
    for (const [port, list] of Object.entries(c.HostConfig?.PortBindings ?? {})) {
      bindings[port] = (list ?? []).map((b) => ({ hostIp: b.HostIp ?? '', hostPort: Number(b.HostPort) }));
    }
    return {
      id: c.Id,
      name: (c.Name ?? name).replace(/^\//, ''),
      image: c.Config?.Image ?? '',
      running: c.State?.Running === true,
      status: c.State?.Status ?? '',
      ...(c.State?.Error ? { error: c.State.Error } : {}),
      labels: c.Config?.Labels ?? {},
      bindings,
      networks: Object.keys(c.NetworkSettings?.Networks ?? {}),
    };
  }

  async createContainer(spec: ContainerSpec, signal?: AbortSignal): Promise<string> {
    const PortBindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    const ExposedPorts: Record<string, object> = {};
    for (const [port, b] of Object.entries(spec.publish)) {
      PortBindings[port] = [{ HostIp: b.hostIp, HostPort: String(b.hostPort) }];
      ExposedPorts[port] = {};
    }
    const created = await this.client
      .createContainer({
        name: spec.name,
        Image: spec.image,
        Labels: spec.labels,
        ExposedPorts,
        HostConfig: { PortBindings, NetworkMode: spec.network, RestartPolicy: { Name: spec.restart } },
        abortSignal: signal,
      })
      .catch((error: unknown) => {
        throw new Error(engineMessage(error));
      });
    return created.id;
  }

  async startContainer(id: string, signal?: AbortSignal): Promise<void> {
    await this.client
      .getContainer(id)
      .start({ abortSignal: signal })
      .catch((error: unknown) => {
        // 304: already running.
        if ((error as { statusCode?: number }).statusCode === 304) return;
        throw new Error(engineMessage(error));
      });
  }

  async removeContainer(id: string, signal?: AbortSignal): Promise<void> {
    await this.client
      .getContainer(id)
      .remove({ force: true, v: true, abortSignal: signal })
      .catch((error: unknown) => {
        if ((error as { statusCode?: number }).statusCode === 404) return;
        throw new Error(engineMessage(error));
      });
  }

  async networkExists(name: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.client.getNetwork(name).inspect({ abortSignal: signal });
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      throw new Error(engineMessage(error));
    }
  }

  async connectNetwork(network: string, container: string, signal?: AbortSignal): Promise<void> {
    await this.client
      .getNetwork(network)
      .connect({ Container: container, abortSignal: signal })
      .catch((error: unknown) => {
        throw new Error(engineMessage(error));
      });
  }

  async putArchive(container: string, path: string, tar: Buffer, signal?: AbortSignal): Promise<void> {
    await this.client
      .getContainer(container)
      .putArchive(tar, { path, abortSignal: signal })
      .catch((error: unknown) => {
        throw new Error(engineMessage(error));
      });
  }

  async tagImage(source: string, repository: string, tag: string, signal?: AbortSignal): Promise<void> {
    await this.client
      .getImage(source)
      .tag({ repo: repository, tag, abortSignal: signal })
      .catch((error: unknown) => {
        throw new Error(engineMessage(error));
      });
  }

  async pushImage(repository: string, tag: string, onEvent: (event: PushStreamEvent) => void, signal?: AbortSignal): Promise<PushStreamEvent[]> {
    // An (empty) X-Registry-Auth header: the local registry has no login, and engines want the header present.
    const stream = await this.client
      .getImage(repository)
      .push({ tag, authconfig: {}, abortSignal: signal })
      .catch((error: unknown) => {
        throw new Error(engineMessage(error));
      });
    const events: PushStreamEvent[] = [];
    await new Promise<void>((resolve, reject) => {
      this.client.modem.followProgress(
        stream,
        (error) => (error ? reject(new Error(engineMessage(error))) : resolve()),
        (event) => {
          events.push(event as PushStreamEvent);
          onEvent(event as PushStreamEvent);
        },
      );
    });
    return events;
  }
}

/** Sums the layers of a pull into one short text ("42% of 120 MB", or the last status while sizes are unknown). */
export class PullProgress {
  private readonly layers = new Map<string, { current: number; total: number }>();

  add(event: PullEvent): string | undefined {
    if (event.id && event.progressDetail?.total) {
      this.layers.set(event.id, { current: event.progressDetail.current ?? 0, total: event.progressDetail.total });
    } else if (event.id && /complete|already exists/i.test(event.status ?? '')) {
      const layer = this.layers.get(event.id);
      if (layer) layer.current = layer.total;
    }
    let current = 0;
    let total = 0;
    for (const layer of this.layers.values()) {
      current += layer.current;
      total += layer.total;
    }
    if (total > 0) return `${Math.floor((100 * current) / total)}% of ${Math.round(total / 1e6)} MB`;
    return event.status;
  }
}

/**
 * The engine's own message from a dockerode error, else the error's message. docker-modem puts the parsed body
 * in `json` only for non-streaming calls; for streaming ones (pull, save) the body is only inside its
 * "(HTTP code 500) server error - <message> " wrapper, which is taken off here.
 */
export function engineMessage(error: unknown): string {
  const e = error as { json?: { message?: string } | null; statusCode?: number; message?: string };
  if (e.json?.message) return e.json.message;
  if (typeof e.statusCode === 'number' && e.message) {
    const wrapped = /^\(HTTP code \d+\) .*? - (.*?)\s*$/s.exec(e.message);
    if (wrapped?.[1]) return wrapped[1];
  }
  return e.message ?? String(error);
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
