// A fake DockerApi: a scripted engine (info, or unreachable, or hanging) that records every call.
import type { DockerEndpoint } from '../../src/tools/docker-endpoint.js';
import type { DockerApi, EngineInfo } from '../../src/tools/docker.js';

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

export class FakeDocker implements DockerApi {
  readonly calls: string[] = [];

  constructor(
    private readonly engine: FakeEngine = { state: 'up', info: engineInfo() },
    readonly endpoint: DockerEndpoint = DEFAULT_TEST_ENDPOINT,
  ) {}

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
