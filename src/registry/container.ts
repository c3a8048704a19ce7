// The registry container on the engine: reuse a healthy one, start or reconnect one that is not, create it
// when absent, and say what is wrong when it cannot run (its port held by another process, say).
import type { Clock } from '../clock.js';
import { FloeError } from '../errors.js';
import type { ContainerView, DockerApi } from '../tools/docker.js';
import type { Http } from '../tools/http.js';
import {
  REGISTRY_CONTAINER_PORT,
  planRegistryContainer,
  registryLabels,
  type RegistryContainerView,
  type RegistryWanted,
} from './registry.js';

const PORT_KEY = `${REGISTRY_CONTAINER_PORT}/tcp`;

export interface RegistryDeps {
  docker: DockerApi;
  http: Http;
  clock: Clock;
  signal: AbortSignal;
  progress(text: string): void;
  /** Who holds a local port (preflight's finder), for the message when the registry cannot publish it. */
  portHolder?(port: number): Promise<string | undefined>;
  /** How long the registry may take to answer GET /v2/ after its start. */
  readyTimeoutMs?: number;
}

export interface RegistryOutcome {
  /** What was done: the container reused as it was, started, created, ... */
  action: 'reused' | 'started' | 'created' | 'recreated' | 'connected';
  id: string;
  why?: string;
}

export function toRegistryView(c: ContainerView): RegistryContainerView {
  return {
    id: c.id,
    image: c.image,
    running: c.running,
    labels: c.labels,
    bindings: c.bindings[PORT_KEY] ?? [],
    networks: c.networks,
    state: c.status,
    ...(c.error ? { error: c.error } : {}),
  };
}

/** Makes the registry container run as wanted, then waits until it answers on 127.0.0.1:<port>. */
export async function ensureRegistryContainer(deps: RegistryDeps, wanted: RegistryWanted): Promise<RegistryOutcome> {
  const { docker, signal } = deps;
  if (!(await docker.networkExists(wanted.network, signal))) {
    throw new FloeError(`the Docker network "${wanted.network}" that kind puts its nodes on does not exist`, {
      hint: 'kind creates it with the cluster: run floe-dev up (or floe-dev up --recreate if the cluster is there)',
    });
  }
  const existing = await docker.inspectContainer(wanted.name, signal);
  const plan = planRegistryContainer(existing && toRegistryView(existing), wanted);
  let outcome: RegistryOutcome;
  switch (plan.action) {
    case 'refuse':
      throw new FloeError(plan.why, {
        hint: `floe-dev leaves it alone: remove it yourself (docker rm -f ${wanted.name}) if it is not needed, or turn the registry off (registry.enabled: false)`,
      });
    case 'reuse':
      outcome = { action: 'reused', id: existing!.id };
      break;
    case 'connect':
      deps.progress(`connecting ${wanted.name} to the ${wanted.network} network`);
      await docker.connectNetwork(wanted.network, existing!.id, signal);
      outcome = { action: 'connected', id: existing!.id };
      break;
    case 'start':
      if (plan.connect) await docker.connectNetwork(wanted.network, existing!.id, signal);
      deps.progress(`starting the registry container ${wanted.name} (${existing!.status})`);
      await start(deps, wanted, existing!.id);
      outcome = { action: 'started', id: existing!.id };
      break;
    case 'recreate':
      deps.progress(`replacing the registry container ${wanted.name}: ${plan.why}`);
      await docker.removeContainer(existing!.id, signal);
      outcome = { action: 'recreated', id: await create(deps, wanted), why: plan.why };
      break;
    case 'create':
      deps.progress(`creating the registry container ${wanted.name} (${wanted.image}) on 127.0.0.1:${wanted.port}`);
      outcome = { action: 'created', id: await create(deps, wanted) };
      break;
  }
  await waitForRegistry(deps, wanted);
  return outcome;
}

async function create(deps: RegistryDeps, wanted: RegistryWanted): Promise<string> {
  const { docker, signal } = deps;
  if (!(await docker.imageId(wanted.image, signal))) {
    deps.progress(`pulling ${wanted.image}`);
    await docker.pullImage(wanted.image, (p) => deps.progress(`pulling ${wanted.image} ${p}`), signal).catch((error: unknown) => {
      throw new FloeError(`could not pull the registry image ${wanted.image}: ${(error as Error).message}`, {
        hint: 'check the network (`docker pull ' + wanted.image + '`), or set registry.image to a registry image you have',
      });
    });
  }
  const id = await docker.createContainer(
    {
      name: wanted.name,
      image: wanted.image,
      labels: registryLabels(wanted.cluster),
      // 127.0.0.1 only (design §8): the nodes reach it over the kind network, not through this port.
      publish: { [PORT_KEY]: { hostIp: '127.0.0.1', hostPort: wanted.port } },
      network: wanted.network,
      restart: 'always',
    },
    signal,
  );
  await start(deps, wanted, id);
  return id;
}

/** Starts it; a port that cannot be published is named with its holder, as preflight does for forwards. */
async function start(deps: RegistryDeps, wanted: RegistryWanted, id: string): Promise<void> {
  try {
    await deps.docker.startContainer(id, deps.signal);
  } catch (error) {
    const message = (error as Error).message;
    if (/address already in use|port is already allocated|bind/i.test(message)) {
      const holder = await deps.portHolder?.(wanted.port).catch(() => undefined);
      throw new FloeError(`the registry cannot listen on 127.0.0.1:${wanted.port}: it is in use${holder ? ` by ${holder}` : ''}`, {
        hint: `stop ${holder ?? 'what holds it'}, or choose another port: registry.port: ${wanted.port + 1} in floe-dev.yaml (or FLOE_DEV_REGISTRY_PORT=${wanted.port + 1})`,
        cause: error,
      });
    }
    throw new FloeError(`the registry container ${wanted.name} did not start: ${message}`, {
      hint: `docker logs ${wanted.name} shows why; floe-dev down removes it, up makes a new one`,
      cause: error,
    });
  }
}

/** The registry answers `GET /v2/` (200, or 401 behind a login) once it listens (distribution API "base"). */
async function waitForRegistry(deps: RegistryDeps, wanted: RegistryWanted): Promise<void> {
  const url = `http://127.0.0.1:${wanted.port}/v2/`;
  const deadline = deps.clock.now() + (deps.readyTimeoutMs ?? 30_000);
  let last = '';
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await deps.http.request({ url, timeoutMs: 2_000, retries: 0, signal: deps.signal });
      if (r.status === 200 || r.status === 401) return;
      last = `GET /v2/ answered ${r.status}`;
    } catch (error) {
      if (deps.signal.aborted) throw error;
      last = (error as Error).message;
    }
    if (deps.clock.now() >= deadline) {
      throw new FloeError(`the registry ${wanted.name} does not answer on ${url}: ${last}`, {
        hint: `docker logs ${wanted.name} shows why; floe-dev down removes it, up makes a new one`,
      });
    }
    await deps.clock.sleep(Math.min(100 * 2 ** attempt, 1_000), deps.signal);
  }
}

/** Removes the cluster's registry container, if floe-dev made it; says what it found. */
export async function removeRegistryContainer(docker: DockerApi, name: string, cluster: string, signal?: AbortSignal): Promise<'removed' | 'absent' | 'not-ours'> {
  const existing = await docker.inspectContainer(name, signal);
  if (!existing) return 'absent';
  const labels = registryLabels(cluster);
  if (Object.entries(labels).some(([k, v]) => existing.labels[k] !== v)) return 'not-ours';
  await docker.removeContainer(existing.id, signal);
  return 'removed';
}
