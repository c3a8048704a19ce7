// A fake DockerApi: a scripted engine (info, or unreachable, or hanging) that records every call.
import type { DockerEndpoint } from '../../src/tools/docker-endpoint.js';
import type { ContainerSpec, ContainerView, DockerApi, EngineInfo, ExecResult, KindNode, PushStreamEvent } from '../../src/tools/docker.js';

const GiB = 1024 ** 3;

/** A healthy Docker Desktop-like engine with 8 GB and 4 CPUs; override what the test is about. */
export function engineInfo(overrides: Partial<EngineInfo> = {}): EngineInfo {
  return {
    product: 'Docker Engine',
    serverVersion: '28.2.2',
    apiVersion: '1.50',
    operatingSystem: 'Docker Desktop',
    osType: 'linux',
    architecture: 'arm64',
    memTotalBytes: 7.67 * GiB,
    cpus: 4,
    containerdImageStore: false,
    storageDriver: 'overlay2',
    dockerRootDir: '/var/lib/docker',
    name: 'docker-desktop',
    ...overrides,
  };
}

export const DEFAULT_TEST_ENDPOINT: DockerEndpoint = {
  protocol: 'unix',
  socketPath: '/var/run/docker.sock',
  url: 'unix:///var/run/docker.sock',
  source: { kind: 'default' },
};

export type FakeEngine =
  | { state: 'up'; info: EngineInfo }
  /** ping rejects with this error (e.g. connect ENOENT). */
  | { state: 'unreachable'; error: Error }
  /** Nothing answers until the caller's signal aborts. */
  | { state: 'hanging' };

/** Images, registry and kind nodes of the fake engine. Anything not scripted here fails loudly. */
export interface FakeImageWorld {
  /** Images on the host: ref → {id, architecture}. */
  host?: Map<string, { id: string; architecture?: string }>;
  /** What a pull of a ref does: adds the image, or fails with the registry's message. */
  registry?: Map<string, { id: string; architecture?: string } | { error: string }>;
  /** Node containers, each with the crictl answer for `crictl images -o json` (or a failing exec). */
  nodes?: (KindNode & { cluster: string; crictl?: ExecResult })[];
  /** Containers other than nodes, by name (the registry); created ones are added here. */
  containers?: Map<string, ContainerView>;
  /** Answers of other execs: `${container} ${argv joined by spaces}` → result. */
  execs?: Map<string, ExecResult>;
  /** Docker networks that exist. */
  networks?: Set<string>;
  /** What `start` of a container does: fails with this engine message (e.g. a port already in use). */
  startError?: string;
  /** Files written into containers with putArchive: `${container}:${path}` → archive. */
  archives?: Map<string, Buffer>;
  /** The push progress stream for a repository:tag (unscripted pushes fail). */
  pushes?: Map<string, PushStreamEvent[]>;
}

export class FakeDocker implements DockerApi {
  readonly calls: string[] = [];
  readonly host: Map<string, { id: string; architecture?: string }>;

  constructor(
    private readonly engine: FakeEngine = { state: 'up', info: engineInfo() },
    readonly endpoint: DockerEndpoint = DEFAULT_TEST_ENDPOINT,
    private readonly world: FakeImageWorld = {},
  ) {
    this.host = world.host ?? new Map();
  }

  async imageId(ref: string): Promise<string | undefined> {
    this.calls.push(`imageId ${ref}`);
    await this.answer();
    return this.host.get(ref)?.id;
  }

  async imageArchitecture(ref: string): Promise<string | undefined> {
    this.calls.push(`imageArchitecture ${ref}`);
    await this.answer();
    const image = this.host.get(ref);
    return image ? (image.architecture ?? (this.engine.state === 'up' ? this.engine.info.architecture : undefined)) : undefined;
  }

  async pullImage(ref: string, onProgress: (text: string) => void): Promise<void> {
    this.calls.push(`pull ${ref}`);
    await this.answer();
    const outcome = this.world.registry?.get(ref);
    if (!outcome) throw new Error(`FakeDocker: pull of ${ref} was not scripted`);
    if ('error' in outcome) throw new Error(outcome.error);
    onProgress('50% of 10 MB');
    this.host.set(ref, outcome);
  }

  async kindNodes(cluster: string): Promise<KindNode[]> {
    this.calls.push(`kindNodes ${cluster}`);
    await this.answer();
    return (this.world.nodes ?? []).filter((n) => n.cluster === cluster).map(({ id, name, running, role }) => ({ id, name, running, role }));
  }

  async exec(container: string, cmd: readonly string[]): Promise<ExecResult> {
    this.calls.push(`exec ${container} ${cmd.join(' ')}`);
    await this.answer();
    const node = this.world.nodes?.find((n) => n.id === container);
    const scripted = this.world.execs?.get(`${container} ${cmd.join(' ')}`);
    if (scripted) return scripted;
    if (!node?.crictl || cmd.join(' ') !== 'crictl images -o json') throw new Error(`FakeDocker: exec ${cmd.join(' ')} in ${container} was not scripted`);
    return node.crictl;
  }

  async saveImages(refs: readonly string[], platform: string, file: string): Promise<void> {
    this.calls.push(`save ${platform} ${refs.join(' ')} > ${file}`);
    await this.answer();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'fake archive');
  }

  async inspectContainer(name: string): Promise<ContainerView | undefined> {
    this.calls.push(`inspectContainer ${name}`);
    await this.answer();
    return [...(this.world.containers?.values() ?? [])].find((c) => c.name === name || c.id === name);
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    this.calls.push(`createContainer ${spec.name} ${spec.image} ${Object.entries(spec.publish).map(([p, b]) => `${b.hostIp}:${b.hostPort}->${p}`).join(',')} ${spec.network}`);
    await this.answer();
    if (!this.world.containers) throw new Error(`FakeDocker: createContainer ${spec.name} was not scripted`);
    const id = `id-${spec.name}`;
    this.world.containers.set(spec.name, {
      id,
      name: spec.name,
      image: spec.image,
      running: false,
      status: 'created',
      labels: spec.labels,
      bindings: Object.fromEntries(Object.entries(spec.publish).map(([p, b]) => [p, [b]])),
      networks: [spec.network],
    });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    this.calls.push(`startContainer ${id}`);
    await this.answer();
    const c = [...(this.world.containers?.values() ?? [])].find((x) => x.id === id);
    if (!c) throw new Error(`FakeDocker: start of ${id} was not scripted`);
    if (this.world.startError) throw new Error(this.world.startError);
    c.running = true;
    c.status = 'running';
  }

  async removeContainer(id: string): Promise<void> {
    this.calls.push(`removeContainer ${id}`);
    await this.answer();
    for (const [name, c] of this.world.containers ?? []) if (c.id === id) this.world.containers!.delete(name);
  }

  async networkExists(name: string): Promise<boolean> {
    this.calls.push(`networkExists ${name}`);
    await this.answer();
    return this.world.networks?.has(name) ?? false;
  }

  async connectNetwork(network: string, container: string): Promise<void> {
    this.calls.push(`connectNetwork ${network} ${container}`);
    await this.answer();
    const c = [...(this.world.containers?.values() ?? [])].find((x) => x.id === container || x.name === container);
    if (!c) throw new Error(`FakeDocker: connect of ${container} was not scripted`);
    c.networks.push(network);
  }

  async putArchive(container: string, path: string, tar: Buffer): Promise<void> {
    this.calls.push(`putArchive ${container} ${path}`);
    await this.answer();
    if (!this.world.archives) throw new Error(`FakeDocker: putArchive into ${container} was not scripted`);
    this.world.archives.set(`${container}:${path}`, tar);
  }

  async tagImage(source: string, repository: string, tag: string): Promise<void> {
    this.calls.push(`tag ${source} ${repository}:${tag}`);
    await this.answer();
    const image = this.host.get(source);
    if (!image) throw new Error(`No such image: ${source}`);
    this.host.set(`${repository}:${tag}`, image);
  }

  async pushImage(repository: string, tag: string, onEvent: (event: PushStreamEvent) => void): Promise<PushStreamEvent[]> {
    this.calls.push(`push ${repository}:${tag}`);
    await this.answer();
    const events = this.world.pushes?.get(`${repository}:${tag}`);
    if (!events) throw new Error(`FakeDocker: push of ${repository}:${tag} was not scripted`);
    for (const e of events) onEvent(e);
    return events;
  }

  async ping(signal?: AbortSignal): Promise<void> {
    this.calls.push('ping');
    await this.answer(signal);
  }

  async info(signal?: AbortSignal): Promise<EngineInfo> {
    this.calls.push('info');
    await this.answer(signal);
    if (this.engine.state !== 'up') throw new Error('unreachable');
    return this.engine.info;
  }

  private answer(signal?: AbortSignal): Promise<void> {
    if (this.engine.state === 'up') return Promise.resolve();
    if (this.engine.state === 'unreachable') return Promise.reject(this.engine.error);
    return new Promise((_, reject) => {
      const abort = (): void => {
        const e = new Error('The operation was aborted');
        e.name = 'AbortError';
        reject(e);
      };
      if (signal?.aborted) abort();
      signal?.addEventListener('abort', abort, { once: true });
    });
  }
}

/** A connect error as node's net module raises it. */
export function connectError(code: string, path = '/var/run/docker.sock'): Error {
  return Object.assign(new Error(`connect ${code} ${path}`), { code, errno: -2, syscall: 'connect', address: path });
}
