// The preflight step (also `floe-dev doctor`): Docker, memory, CPUs, image store, kind, kubectl, ports, disk.
import { hostname, tmpdir } from 'node:os';
import { DEFAULT_NODE_IMAGE, type Config } from '../config/schema.js';
import { ENV_VARS } from '../config/env.js';
import type { Context } from '../context.js';
import { CommandError, FloeError, PrerequisiteError } from '../errors.js';
import { readForwardRecord } from '../forward/state.js';
import { pidAlive } from '../state/lock.js';
import { diskSpace, type DiskSpace } from '../preflight/disk.js';
import { architectureFix, architectureNotes, forArchitecture, overriddenImages, unsupportedImages } from '../platform/architecture.js';
import { resourceSummary } from '../platform/summary.js';
import {
  DISK,
  KIND_OVERHEAD_BYTES,
  KIND_RECOMMENDED,
  engineFlavour,
  evaluateArchitecture,
  evaluateCpus,
  evaluateDisk,
  evaluateDocker,
  evaluateDockerUnreachable,
  evaluateImageStore,
  evaluateKind,
  evaluateKubectl,
  evaluateMemory,
  evaluatePort,
  notCheckedWithoutDocker,
  type DiskLocation,
  type Finding,
  type MemoryNeeds,
  type ToolProbe,
} from '../preflight/evaluate.js';
import { findPortHolder, nextFreePort, tryBind, type BindResult, type PortHolder } from '../preflight/ports.js';
import type { CheckResult, PreflightReport } from '../preflight/report.js';
import { nodeImageKubernetesVersion, parseKindVersion, parseKubectlClientVersion, parseVersion, type Version } from '../preflight/versions.js';
import {
  clusterArchitecture,
  evaluateApiUnreachable,
  evaluateClusterMemory,
  evaluatePermissions,
  evaluateStorageClasses,
  nodeFacts,
  parseCanI,
  requiredPermissions,
  type NodeFacts,
  type NodeJson,
  type StorageClassJson,
} from '../preflight/cluster.js';
import { selectServices } from '../platform/select.js';
import { targetOf, type ClusterTarget } from '../target.js';
import type { Kubectl } from '../tools/kubectl.js';
import { kubectlFor } from './cluster.js';
import { ownershipProblem, readOwnership } from './existing.js';
import { ociArchitecture, type DockerApi, type EngineInfo } from '../tools/docker.js';
import { CommandNotFoundError, type Runner } from '../tools/runner.js';
import { registryPortCheck } from './registry.js';
import type { Step } from './step.js';

/** The operating system as preflight sees it; injected so doctor is tested without touching real ports and disks. */
export interface PreflightSystem {
  platform: NodeJS.Platform;
  /** This machine's OCI architecture (download URLs in fixes). */
  arch: string;
  hostname: string;
  tmpdir: string;
  tryBind(port: number): Promise<BindResult>;
  nextFreePort(port: number): Promise<number | undefined>;
  findPortHolder(port: number, runner: Runner, signal: AbortSignal): Promise<PortHolder | undefined>;
  /** floe-dev's forward supervisor, if its record exists and its pid is alive. */
  forwardSupervisor(recordPath: string): { pid: number; ports: number[] } | undefined;
  diskSpace(path: string): Promise<DiskSpace>;
}

export const nodePreflightSystem: PreflightSystem = {
  platform: process.platform,
  arch: ociArchitecture(process.arch === 'x64' ? 'amd64' : process.arch),
  hostname: hostname(),
  tmpdir: tmpdir(),
  tryBind: (port) => tryBind(port),
  nextFreePort: (port) => nextFreePort(port),
  findPortHolder: (port, runner, signal) => findPortHolder(port, { platform: process.platform, runner, signal }),
  forwardSupervisor: (path) => {
    const record = readForwardRecord(path);
    return record && pidAlive(record.pid) ? { pid: record.pid, ports: Object.values(record.ports) } : undefined;
  },
  diskSpace: (path) => diskSpace(path),
};

/** The engine as the Docker check found it; the checks that need it share this one probe. */
export type EngineProbe = { ok: true; docker: DockerApi; info: EngineInfo } | { ok: false; finding: Finding };

/** An existing cluster's API server as the API check found it; the checks that need it share this one probe. */
export type ClusterProbe = { ok: true; kubectl: Kubectl; version: string } | { ok: false; finding: Finding };

/** What a check can use: the run's context, the system, and the shared engine (kind) or cluster (existing) probes. */
export interface PreflightEnv {
  ctx: Context;
  system: PreflightSystem;
  memoryNeeds: MemoryNeeds;
  engine(): Promise<EngineProbe>;
  cluster(): Promise<ClusterProbe>;
}

export interface PreflightCheck {
  id: string;
  title: string;
  /** After this long the check is abandoned and reported as failed (nothing may hang doctor). */
  timeoutMs: number;
  /** What to do when it timed out. */
  timeoutFix: string;
  run(env: PreflightEnv, signal: AbortSignal): Promise<Finding>;
}

/** Ping and info together must answer within this (an unreachable engine fails fast; a stuck one here). */
export const DOCKER_TIMEOUT_MS = 5_000;
const TOOL_TIMEOUT_MS = 8_000;

export const dockerCheck: PreflightCheck = {
  id: 'docker',
  title: 'Docker',
  timeoutMs: DOCKER_TIMEOUT_MS + 2_000,
  timeoutFix: 'Docker is not answering: wait until it has started, or restart it',
  run: async (env) => {
    const probe = await env.engine();
    return probe.ok ? evaluateDocker(probe.info, probe.docker.endpoint) : probe.finding;
  },
};

/** A check over the engine's info; without an engine it fails, pointing at the Docker check. */
function engineCheck(id: string, title: string, evaluate: (info: EngineInfo, env: PreflightEnv) => Finding): PreflightCheck {
  return {
    id,
    title,
    timeoutMs: DOCKER_TIMEOUT_MS + 2_000,
    timeoutFix: dockerCheck.timeoutFix,
    run: async (env) => {
      const probe = await env.engine();
      return probe.ok ? evaluate(probe.info, env) : notCheckedWithoutDocker();
    },
  };
}

export const memoryCheck = engineCheck('memory', 'Memory', (info, env) => evaluateMemory(info, env.memoryNeeds, engineFlavour(info)));
export const cpusCheck = engineCheck('cpus', 'CPUs', (info, env) => evaluateCpus(info, engineFlavour(info), env.memoryNeeds));
export const imageStoreCheck = engineCheck('image-store', 'Image store', (info) => evaluateImageStore(info));

/**
 * Whether the platform's images run on the engine's architecture (the kind node's), with `semantic.cache: auto`
 * resolved for it, and what the platform chose there.
 */
export const architectureCheck = engineCheck('architecture', 'Architecture', (info, { ctx }) => {
  const arch = info.architecture;
  const config = forArchitecture(ctx.config, arch);
  return evaluateArchitecture({
    arch,
    unsupported: unsupportedImages(config, arch).map((u) => ({ service: u.service, image: u.image, fix: architectureFix(config, u.image, arch) })),
    overridden: overriddenImages(config),
    notes: architectureNotes(ctx.config, arch),
  });
});

/** Runs `argv` for its version; a missing executable and a failing one are findings, not errors. */
async function probeTool(runner: Runner, argv: [string, ...string[]], parse: (stdout: string) => Version | undefined, signal: AbortSignal): Promise<ToolProbe> {
  const bin = argv[0];
  try {
    const r = await runner.run(argv, { timeoutMs: TOOL_TIMEOUT_MS, signal });
    const version = parse(r.stdout);
    return version ? { bin, version } : { bin, error: `unexpected output: ${JSON.stringify(r.stdout.trim().slice(0, 120))}` };
  } catch (error) {
    if (error instanceof CommandNotFoundError) return { bin, missing: true };
    if (error instanceof CommandError) {
      if (error.result.aborted) throw error;
      return { bin, error: error.result.timedOut ? 'it did not answer in time' : error.message };
    }
    throw error;
  }
}

function hostOf(system: PreflightSystem) {
  return { platform: system.platform, arch: system.arch };
}

export const kindCheck: PreflightCheck = {
  id: 'kind',
  title: 'kind',
  timeoutMs: TOOL_TIMEOUT_MS + 2_000,
  timeoutFix: '`kind version` did not answer: check the executable (FLOE_DEV_KIND or `kind` on PATH)',
  run: async ({ ctx, system }, signal) => {
    const probe = await probeTool(ctx.tools.runner, [ctx.tools.kindPath, 'version'], parseKindVersion, signal);
    // The node image's own kind release matters only for the default image (a custom one is the user's call).
    const release = ctx.config.cluster.nodeImage === DEFAULT_NODE_IMAGE ? KIND_RECOMMENDED : undefined;
    return evaluateKind(probe, hostOf(system), release);
  },
};

export const kubectlCheck: PreflightCheck = {
  id: 'kubectl',
  title: 'kubectl',
  timeoutMs: TOOL_TIMEOUT_MS + 2_000,
  timeoutFix: '`kubectl version --client` did not answer: check the executable (FLOE_DEV_KUBECTL or `kubectl` on PATH)',
  run: async ({ ctx, system, cluster }, signal) => {
    const probe = await probeTool(ctx.tools.runner, [ctx.tools.kubectlPath, 'version', '--client', '-o', 'json'], parseKubectlClientVersion, signal);
    // The skew that matters is with the cluster's Kubernetes: kind's node image, or what an existing cluster says.
    let kubernetes = nodeImageKubernetesVersion(ctx.config.cluster.nodeImage);
    if (ctx.config.cluster.existing) {
      const api = probe.version ? await cluster() : undefined;
      kubernetes = api?.ok ? parseVersion(api.version) : undefined;
    }
    return evaluateKubectl(probe, hostOf(system), kubernetes);
  },
};

/** Parallel `kubectl auth can-i` calls at most (each is one kubectl process). */
const CAN_I_CONCURRENCY = 8;

function existingTarget(ctx: Context): Extract<ClusterTarget, { mode: 'existing' }> {
  const target = targetOf(ctx);
  if (target.mode !== 'existing') throw new Error('an existing-cluster check ran for a kind cluster');
  return target;
}

/** An existing cluster: its API server answers (the version proves it), through the user's kubeconfig and context. */
export const apiCheck: PreflightCheck = {
  id: 'api',
  title: 'API server',
  timeoutMs: 20_000,
  timeoutFix: 'the API server did not answer within 20s: check the network (VPN?) and `kubectl cluster-info` with that context',
  run: async ({ ctx, cluster }) => {
    const probe = await cluster();
    if (!probe.ok) return probe.finding;
    const target = existingTarget(ctx);
    return { status: 'ok', detail: `Kubernetes ${probe.version} at context ${target.context} (${target.kubeconfig})` };
  },
};

/** A check that needs the existing cluster's API; without it, it fails pointing at the API check. */
function clusterCheck(id: string, title: string, run: (kubectl: Kubectl, env: PreflightEnv, signal: AbortSignal) => Promise<Finding>): PreflightCheck {
  return {
    id,
    title,
    timeoutMs: 30_000,
    timeoutFix: 'the API server did not answer in time: run `floe-dev doctor` again',
    run: async (env, signal) => {
      const probe = await env.cluster();
      return probe.ok ? run(probe.kubectl, env, signal) : { status: 'fail', detail: 'not checked: the API server did not answer', fix: 'get the API server check passing first' };
    },
  };
}

export const permissionsCheck = clusterCheck('permissions', 'Permissions', async (kubectl, { ctx }, signal) => {
  const ns = ctx.config.namespace;
  const { default: pLimit } = await import('p-limit');
  const limit = pLimit(CAN_I_CONCURRENCY);
  const [nsExists, answers] = await Promise.all([
    readOwnership(kubectl, ns).then((o) => o.namespace !== 'absent'),
    Promise.all(
      requiredPermissions().map((p) =>
        limit(async () => {
          // `--subresource`, not pods/portforward: that would ask about a pod named "portforward" (kubectl auth can-i --help).
          const args = ['auth', 'can-i', p.verb, p.resource, ...(p.subresource ? ['--subresource', p.subresource] : []), ...(p.clusterScoped ? [] : ['-n', ns])];
          const r = await kubectl.run(args, { allowFailure: true, timeoutMs: 15_000, signal });
          return parseCanI(p, r.exitCode ?? -1, r.stdout, r.stderr);
        }),
      ),
    ),
  ]);
  return evaluatePermissions(answers, { namespace: ns, context: existingTarget(ctx).context, namespaceExists: nsExists });
});

/**
 * StorageClasses and nodes are cluster-scoped: a user whose rights are bound in one namespace may not list them.
 * That is a warning (floe-dev cannot judge, the install may still work), not a missing prerequisite.
 */
function notListable(what: string, error: unknown): Finding | undefined {
  const reason = error instanceof CommandError ? error.reason || error.message : '';
  if (!/forbidden/i.test(reason)) return undefined;
  return { status: 'warn', detail: `not checked: this context may not list ${what} (${reason.split('\n').at(-1)})`, fix: `ask your cluster admin, or check yourself that ${what === 'nodes' ? 'the nodes have the memory and architecture the platform needs' : 'the cluster has a default StorageClass'}` };
}

export const storageClassCheck = clusterCheck('storage-class', 'StorageClass', async (kubectl, { ctx }) => {
  let classes: StorageClassJson[];
  try {
    classes = await kubectl.list<StorageClassJson>('storageclasses', { timeoutMs: 15_000 });
  } catch (error) {
    const finding = notListable('StorageClasses', error);
    if (finding) return finding;
    throw error;
  }
  // StatefulSets are the services that claim volumes (databases, MinIO, Prometheus, Cube Store).
  const needsVolumes = selectServices(ctx.config).some((s) => s.kind === 'StatefulSet');
  return evaluateStorageClasses(classes, needsVolumes, existingTarget(ctx).context);
});

/** The nodes, read once for the architecture and memory checks; a Finding when this context may not list them. */
async function clusterNodes(env: PreflightEnv, kubectl: Kubectl): Promise<NodeFacts | Finding> {
  const cached = env.ctx.cache.get('cluster.nodes.read') as Promise<NodeFacts | Finding> | undefined;
  if (cached) return cached;
  const facts = kubectl.list<NodeJson>('nodes', { timeoutMs: 15_000 }).then(nodeFacts);
  // What preflightStep reads for the architecture (absent when the nodes could not be listed).
  env.ctx.cache.set('cluster.nodes', facts.catch(() => undefined));
  const read = facts.catch((error: unknown) => {
    const finding = notListable('nodes', error);
    if (finding) return finding;
    throw error;
  });
  env.ctx.cache.set('cluster.nodes.read', read);
  return read;
}

function isFinding(x: NodeFacts | Finding): x is Finding {
  return 'status' in x;
}

/** The nodes' architecture decides the architecture-dependent choices, as the engine's does for kind. */
export const clusterArchitectureCheck = clusterCheck('architecture', 'Architecture', async (kubectl, env) => {
  const facts = await clusterNodes(env, kubectl);
  if (isFinding(facts)) return facts;
  const arch = clusterArchitecture(facts);
  if (!arch) return { status: 'fail', detail: 'no Ready, schedulable node to run on', fix: 'ask your cluster admin: `kubectl get nodes` shows why' };
  const config = forArchitecture(env.ctx.config, arch);
  const finding = evaluateArchitecture({
    arch,
    unsupported: unsupportedImages(config, arch).map((u) => ({ service: u.service, image: u.image, fix: architectureFix(config, u.image, arch) })),
    overridden: overriddenImages(config),
    notes: architectureNotes(env.ctx.config, arch),
  });
  const mixed = new Set(facts.usable.map((n) => n.arch)).size > 1;
  return mixed ? { ...finding, status: finding.status === 'ok' ? 'warn' : finding.status, detail: `${finding.detail}; the nodes mix ${[...new Set(facts.usable.map((n) => n.arch))].join(' and ')}: a pod may land on either`, fix: finding.fix ?? 'pin the platform to one architecture with a node selector, or use a pool of one architecture' } : finding;
});

export const clusterMemoryCheck = clusterCheck('memory', 'Memory', async (kubectl, env) => {
  const facts = await clusterNodes(env, kubectl);
  return isFinding(facts) ? facts : evaluateClusterMemory(facts, env.memoryNeeds);
});

/** doctor, existing cluster: the namespace holds nothing floe-dev did not make (up refuses it otherwise, exit 2). */
export const namespaceCheck = clusterCheck('namespace', 'Namespace', async (kubectl, { ctx }) => {
  const ns = ctx.config.namespace;
  const ownership = await readOwnership(kubectl, ns);
  const problem = ownershipProblem(ownership, existingTarget(ctx), ns);
  if (problem) return { status: 'fail', detail: problem.message, fix: problem.hint };
  const what = { absent: 'does not exist yet: floe-dev creates it', ours: "floe-dev's", theirs: 'yours, holding nothing of anyone else: floe-dev installs into it' }[ownership.namespace];
  return { status: 'ok', detail: `${ns} ${what}` };
});

/** The forwards of design §5.7, by their key under `forwards`. */
export const FORWARD_TITLES: Record<ForwardName, string> = {
  dagster: 'Dagster',
  polaris: 'Polaris API',
  polarisManagement: 'Polaris management',
  cube: 'Cube',
  minio: 'MinIO S3 API',
};
export type ForwardName = 'dagster' | 'polaris' | 'polarisManagement' | 'cube' | 'minio';

export function portCheck(name: ForwardName, port: number): PreflightCheck {
  return {
    id: `port-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    title: `Port ${port} (${FORWARD_TITLES[name]})`,
    timeoutMs: 5_000,
    timeoutFix: `check port ${port} yourself: \`lsof -nP -iTCP:${port} -sTCP:LISTEN\``,
    run: async ({ ctx, system }, signal) => {
      const bind = await system.tryBind(port);
      const busy = bind.outcome === 'busy';
      const [holder, nextFree] = await Promise.all([
        busy ? system.findPortHolder(port, ctx.tools.runner, signal) : undefined,
        bind.outcome === 'free' ? undefined : system.nextFreePort(port),
      ]);
      const envVar = Object.entries(ENV_VARS).find(([, spec]) => spec.path.join('.') === `forwards.${name}`)?.[0];
      return evaluatePort({
        port,
        configKey: `forwards.${name}`,
        envVar,
        bind,
        holder,
        supervisor: busy ? system.forwardSupervisor(ctx.paths.forwards) : undefined,
        nextFreePort: ctx.config.forwards.nextFreePort,
        nextFree,
      });
    },
  };
}

export const diskCheck: PreflightCheck = {
  id: 'disk',
  title: 'Disk',
  timeoutMs: 8_000,
  timeoutFix: 'measuring free space did not finish (a hung network filesystem?): check `df -h` yourself',
  run: async ({ ctx, system, engine }) => {
    const probe = await engine();
    const wanted: { label: string; path: string; minBytes: number; wantBytes: number }[] = [];
    const notes: string[] = [];
    if (!probe.ok) {
      notes.push('Docker data not measured: Docker is not reachable');
    } else if (engineIsLocal(probe.docker, probe.info, system) && probe.info.dockerRootDir) {
      wanted.push({ label: 'Docker data', path: probe.info.dockerRootDir, ...DISK.dockerData });
    } else {
      notes.push(`Docker data is on the engine's own machine (${probe.info.operatingSystem || probe.info.name || 'a VM'}), not measured here: keep ≥ ${DISK.dockerData.minBytes / 1024 ** 3} GiB free there`);
    }
    if (ctx.config.images.load) {
      // `kind load docker-image` writes its archive to the temp folder; with the containerd image store floe-dev saves it in the state folder.
      const archiveDir = probe.ok && probe.info.containerdImageStore ? ctx.paths.dir : system.tmpdir;
      wanted.push({ label: 'image archive', path: archiveDir, ...DISK.imageArchive });
    }
    wanted.push({ label: 'state', path: ctx.paths.dir, ...DISK.state });
    const locations: DiskLocation[] = await Promise.all(
      wanted.map(async (w) => {
        const space = await system.diskSpace(w.path);
        return { ...w, path: space.measured, freeBytes: space.freeBytes, device: space.device };
      }),
    );
    return evaluateDisk(locations, notes);
  },
};

/**
 * The engine's DockerRootDir is a folder on this machine only for a native engine here: a unix socket on
 * Linux whose engine has this host's name (Docker Desktop, Colima and friends run in a VM of their own name).
 */
export function engineIsLocal(docker: Pick<DockerApi, 'endpoint'>, info: Pick<EngineInfo, 'name'>, system: Pick<PreflightSystem, 'platform' | 'hostname'>): boolean {
  return docker.endpoint.protocol === 'unix' && system.platform === 'linux' && info.name === system.hostname;
}

/** An existing cluster: only floe-dev's own state is written on this machine. */
export const stateDiskCheck: PreflightCheck = {
  id: 'disk',
  title: 'Disk',
  timeoutMs: 8_000,
  timeoutFix: diskCheck.timeoutFix,
  run: async ({ ctx, system }) => {
    const space = await system.diskSpace(ctx.paths.dir);
    return evaluateDisk([{ label: 'state', path: space.measured, freeBytes: space.freeBytes, device: space.device, ...DISK.state }], ['images are pulled by the cluster, not stored here']);
  },
};

/**
 * Every check, in the order the report lists them; one port check per forward. An existing cluster needs no
 * Docker or kind: its API, what floe-dev may do there, storage, nodes instead (and, for doctor, the namespace).
 */
export function preflightChecks(config: Config, options: { namespace?: boolean } = {}): PreflightCheck[] {
  const forwards = (Object.keys(FORWARD_TITLES) as ForwardName[]).map((name) => portCheck(name, config.forwards[name]));
  if (config.cluster.existing) {
    return [kubectlCheck, apiCheck, permissionsCheck, storageClassCheck, clusterArchitectureCheck, clusterMemoryCheck, ...(options.namespace ? [namespaceCheck] : []), ...forwards, stateDiskCheck];
  }
  // registry.enabled: its port, free or already floe-dev's registry's (steps/registry.ts).
  const registry = config.registry.enabled ? [registryPortCheck(config.registry.port)] : [];
  return [dockerCheck, memoryCheck, cpusCheck, imageStoreCheck, architectureCheck, kindCheck, kubectlCheck, ...forwards, ...registry, diskCheck];
}

export interface PreflightOptions {
  checks?: readonly PreflightCheck[];
  /** doctor: also judge an existing cluster's namespace (up does that in its own step, exit 2). */
  namespace?: boolean;
  system?: PreflightSystem;
  /** The platform's memory needs; the design's budget until the catalog provides the enabled components' sum. */
  memoryNeeds?: MemoryNeeds;
  /** How long ping and info may take together (tests shorten it). */
  dockerTimeoutMs?: number;
}

/** What the enabled components ask for (the catalog's sum of requests and limits) plus kind's own overhead. */
export function platformMemoryNeeds(config: Config): MemoryNeeds {
  const { total } = resourceSummary(config);
  return { requestsBytes: total.requests.memory, limitsBytes: total.limits.memory, overheadBytes: config.cluster.existing ? 0 : KIND_OVERHEAD_BYTES };
}

/** Runs every check concurrently, each under its own timeout; never throws for a failing check. */
export async function runPreflight(ctx: Context, options: PreflightOptions = {}): Promise<PreflightReport> {
  const system = options.system ?? nodePreflightSystem;
  let engine: Promise<EngineProbe> | undefined;
  const env: PreflightEnv = {
    ctx,
    system,
    // The platform `up` renders here: `semantic.cache: auto` resolves for this machine (so Cube Store counts on amd64 only).
    memoryNeeds: options.memoryNeeds ?? platformMemoryNeeds(forArchitecture(ctx.config, system.arch)),
    engine: () => (engine ??= probeEngine(ctx, system, options.dockerTimeoutMs ?? DOCKER_TIMEOUT_MS)),
    cluster: () => (cluster ??= probeCluster(ctx)),
  };
  let cluster: Promise<ClusterProbe> | undefined;
  const checks = options.checks ?? preflightChecks(ctx.config, { namespace: options.namespace });
  const results = await Promise.all(checks.map((check) => runCheck(check, env)));
  // Ctrl-C: whatever the checks made of their aborted work is not a report.
  if (ctx.signal.aborted) throw ctx.signal.reason;
  const unexpected = results.some((r) => r.unexpected);
  const clean: CheckResult[] = results.map(({ unexpected: _, ...r }) => r);
  return { ok: clean.every((r) => r.status !== 'fail'), checks: clean, unexpected };
}

/** `kubectl version` through the user's kubeconfig and context: the server's version, or why it did not answer. */
async function probeCluster(ctx: Context): Promise<ClusterProbe> {
  const target = existingTarget(ctx);
  const kubectl = kubectlFor(ctx);
  try {
    const version = await kubectl.serverVersion(15_000);
    ctx.cache.set('cluster', { name: target.context, kubernetes: version, created: false, existing: true });
    return { ok: true, kubectl, version };
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (error instanceof PrerequisiteError) return { ok: false, finding: { status: 'fail', detail: error.message, fix: error.hint } };
    const message = error instanceof CommandError ? error.reason || error.message : error instanceof Error ? error.message : String(error);
    return { ok: false, finding: evaluateApiUnreachable(message, target) };
  }
}

async function probeEngine(ctx: Context, system: PreflightSystem, timeoutMs: number): Promise<EngineProbe> {
  let docker: DockerApi;
  try {
    docker = await ctx.tools.docker();
  } catch (error) {
    // DOCKER_HOST or the docker context is unusable: that is the finding.
    if (error instanceof FloeError) return { ok: false, finding: { status: 'fail', detail: error.message, fix: error.hint } };
    throw error;
  }
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
  try {
    await docker.ping(signal);
    const info = await docker.info(signal);
    ctx.cache.set('docker.engine', info);
    return { ok: true, docker, info };
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    return { ok: false, finding: evaluateDockerUnreachable(docker.endpoint, error, system.platform) };
  }
}

async function runCheck(check: PreflightCheck, env: PreflightEnv): Promise<CheckResult & { unexpected?: boolean }> {
  const { ctx } = env;
  const controller = new AbortController();
  const signal = AbortSignal.any([ctx.signal, controller.signal]);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Finding>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      const limit = check.timeoutMs >= 1000 ? `${Math.round(check.timeoutMs / 1000)}s` : `${check.timeoutMs}ms`;
      resolve({ status: 'fail', detail: `did not finish within ${limit}`, fix: check.timeoutFix });
    }, check.timeoutMs);
  });
  try {
    const finding = await Promise.race([check.run(env, signal), timedOut]);
    return { id: check.id, title: check.title, ...finding };
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (error instanceof FloeError) return { id: check.id, title: check.title, status: 'fail', detail: error.message, fix: error.hint };
    ctx.log.debug(`preflight check ${check.id} crashed: ${(error as Error)?.stack ?? String(error)}`);
    return {
      id: check.id,
      title: check.title,
      status: 'fail',
      detail: `floe-dev could not run this check: ${error instanceof Error ? error.message : String(error)}`,
      fix: 'run again with --verbose and report it',
      unexpected: true,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The first step of `up`: stops with the failing checks and their fixes; warnings are printed and passed. */
export function preflightStep(options: PreflightOptions = {}): Step {
  return {
    title: 'Preflight',
    run: async (ctx, report) => {
      const result = await runPreflight(ctx, options);
      for (const c of result.checks.filter((c) => c.status === 'warn')) ctx.log.warn(`${c.title}: ${c.detail}${c.fix ? ` (fix: ${c.fix})` : ''}`);
      const failed = result.checks.filter((c) => c.status === 'fail');
      if (failed.length > 0) {
        const lines = failed.map((c) => `  ✗ ${c.title}: ${c.detail}${c.fix ? `\n    fix: ${c.fix}` : ''}`);
        const what = `${failed.length} prerequisite${failed.length === 1 ? ' is' : 's are'} missing`;
        throw new PrerequisiteError(`preflight: ${what}\n${lines.join('\n')}`, {
          hint: 'apply the fixes above; `floe-dev doctor` shows the full report',
        });
      }
      const existing = ctx.config.cluster.existing ? existingTarget(ctx) : undefined;
      if (existing) {
        // The platform runs on the cluster's nodes: make the architecture-dependent choices for theirs.
        const facts = await (ctx.cache.get('cluster.nodes') as Promise<NodeFacts> | undefined);
        const arch = facts ? clusterArchitecture(facts) : undefined;
        if (arch) {
          ctx.cache.set('architecture.notes', architectureNotes(ctx.config, arch));
          ctx.config = forArchitecture(ctx.config, arch);
        }
        const kubernetes = (ctx.cache.get('cluster') as { kubernetes?: string } | undefined)?.kubernetes;
        report.done(`Preflight passed: existing cluster, context ${existing.context}${kubernetes ? `, Kubernetes ${kubernetes}` : ''}${facts ? `, ${facts.usable.length} node${facts.usable.length === 1 ? '' : 's'}${arch ? ` (${arch})` : ''}` : ''}`);
        return;
      }
      const engine = ctx.cache.get('docker.engine') as EngineInfo | undefined;
      if (engine) {
        // The kind node runs on the engine's architecture: make the architecture-dependent choices for it
        // (semantic.cache: auto), so images, install and the summary agree with what preflight judged.
        ctx.cache.set('architecture.notes', architectureNotes(ctx.config, engine.architecture));
        ctx.config = forArchitecture(ctx.config, engine.architecture);
      }
      report.done(`Preflight passed${engine ? `: ${engine.product} ${engine.serverVersion}, ${engine.cpus} CPUs, ${engine.architecture}` : ''}`);
    },
  };
}
