// Pure judgements of preflight facts against what the platform needs: status, detail and the one-line fix.
import { describeEndpoint, type DockerEndpoint } from '../tools/docker-endpoint.js';
import type { EngineInfo } from '../tools/docker.js';
import type { PortHolder, BindResult } from './ports.js';
import { compareVersions, formatVersion, type Version } from './versions.js';
import { withCommand } from '../text.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** The judgement of one check; the check adds its id and title. */
export interface Finding {
  status: CheckStatus;
  detail: string;
  /** One line telling the user what to do (on warn and fail). */
  fix?: string;
}

export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;

/**
 * The design's dev-sizing budget for the default platform (design §4): memory requests ≤ 3 GiB and limits
 * ≤ 6 GiB in total, so that it runs in an 8 GB Docker VM.
 */
export const PLATFORM_MEMORY = { requestsBytes: 3 * GiB, limitsBytes: 6 * GiB } as const;

/**
 * Memory kind's single node uses besides the platform's pods: etcd, kube-apiserver, controller-manager,
 * scheduler, kubelet, containerd, kube-proxy, CoreDNS, kindnet and local-path-provisioner together settle
 * around 0.7-1 GiB on an idle cluster.
 */
export const KIND_OVERHEAD_BYTES = 1 * GiB;

/**
 * kubeadm's own preflight asks for 2 CPUs for a control plane; below that the API server starves. With 4,
 * the JVM services (Polaris, Cube Store) start within their startup probes while the others install in parallel.
 */
export const CPUS = { minimum: 2, recommended: 4 } as const;

/** kind v0.20.0 requires Docker 20.10.0+ (its release notes); older engines cannot run current node images. */
export const DOCKER_MINIMUM = { major: 20, minor: 10, patch: 0 } as const;

/**
 * kind ≥ 0.20: Docker 20.10+, cgroupns=private nodes (node images built with v0.20+ need it on cgroup v1
 * hosts), the v1alpha4 config floe-dev writes, and `kind load` of several images at once.
 */
export const KIND_MINIMUM = { major: 0, minor: 20, patch: 0 } as const;

/**
 * The kind release whose notes list DEFAULT_NODE_IMAGE's digest (src/config/schema.ts: keep the two in step).
 * kind only guarantees node images with the release that built them, so an older kind gets a warning.
 */
export const KIND_RECOMMENDED = { major: 0, minor: 30, patch: 0 } as const;

/**
 * kubectl ≥ 1.28: `kubectl events` is GA (KEP-1440) and `kubectl version` has its current form. Within
 * that, kubectl is supported one minor version either side of the API server (Kubernetes version skew
 * policy), so a kubectl further from the node image's Kubernetes gets a warning.
 */
export const KUBECTL_MINIMUM = { major: 1, minor: 28, patch: 0 } as const;

/**
 * Free disk: the platform's images (≈ 5-6 GiB unpacked for the default platform) are kept twice on the
 * engine's disk, once in its image store and once inside the kind node's containerd (a volume under
 * DockerRootDir), plus the PVCs of MinIO, PostgreSQL and Prometheus. 10 GiB lets a first `up` complete;
 * 20 GiB leaves room for updates and data. `kind load` writes an archive of the images it loads (≈ 6 GiB
 * on the first `up`) to the temp folder, or to the state folder with the containerd image store.
 */
export const DISK = {
  dockerData: { minBytes: 10 * GiB, wantBytes: 20 * GiB },
  imageArchive: { minBytes: 0, wantBytes: 6 * GiB },
  state: { minBytes: 100 * MiB, wantBytes: 100 * MiB },
} as const;

/** Which kind of Docker the user runs: the fixes for memory and CPUs differ. */
export type EngineFlavour = 'docker-desktop' | 'orbstack' | 'colima' | 'rancher-desktop' | 'podman' | 'linux';

export function engineFlavour(info: Pick<EngineInfo, 'product' | 'operatingSystem' | 'name'>): EngineFlavour {
  const os = info.operatingSystem.toLowerCase();
  const name = info.name.toLowerCase();
  if (/podman/i.test(info.product)) return 'podman';
  if (os.includes('docker desktop')) return 'docker-desktop';
  if (os.includes('orbstack')) return 'orbstack';
  if (os.includes('rancher desktop') || name.includes('rancher-desktop')) return 'rancher-desktop';
  if (name === 'colima' || name.startsWith('colima-')) return 'colima';
  return 'linux';
}

/** Where each kind of Docker sets its memory and CPUs: one line, absolute values (some tools set, not add). */
export function resourceFix(flavour: EngineFlavour, want: { memGb: number; cpus: number }, short: 'memory' | 'cpus'): string {
  const { memGb: m, cpus: c } = want;
  switch (flavour) {
    case 'docker-desktop':
      return `Docker Desktop → Settings → Resources: Memory ≥ ${m} GB, CPUs ≥ ${c}, then Apply & restart`;
    case 'orbstack':
      return `OrbStack → Settings → System: memory limit ≥ ${m} GB, CPU limit ≥ ${c}`;
    case 'colima':
      return `colima stop && colima start --memory ${m} --cpu ${c}`;
    case 'rancher-desktop':
      return `Rancher Desktop → Preferences → Virtual Machine: Memory ≥ ${m} GB, CPUs ≥ ${c}`;
    case 'podman':
      return `podman machine stop && podman machine set --memory ${m * 1024} --cpus ${c} && podman machine start`;
    case 'linux':
      return short === 'memory'
        ? `Docker Engine uses this machine's memory: free some (close programs, \`docker stop\` unused containers) or use a machine with ≥ ${m} GB`
        : `Docker Engine uses this machine's CPUs: use a machine with ≥ ${c} CPUs, or expect a slower first \`up\``;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(1).replace(/\.0$/, '')} GiB`;
  return `${Math.round(bytes / MiB)} MiB`;
}

// ----------------------------------------------------------------------------------------------------------
// Docker

/** Docker answered: is it an engine kind can use? */
export function evaluateDocker(info: EngineInfo, endpoint: DockerEndpoint): Finding {
  const what = `${info.product} ${info.serverVersion || '(version unknown)'}, ${info.operatingSystem || 'unknown OS'}, ${info.architecture || 'unknown architecture'}, at ${describeEndpoint(endpoint)}`;
  if (info.osType && info.osType !== 'linux') {
    return { status: 'fail', detail: `${what} runs ${info.osType} containers; kind needs Linux containers`, fix: 'switch Docker Desktop to Linux containers (its menu: "Switch to Linux containers...")' };
  }
  if (info.architecture && !['amd64', 'arm64'].includes(info.architecture)) {
    return { status: 'fail', detail: `${what}: kind node images exist only for amd64 and arm64`, fix: 'run floe-dev on an amd64 or arm64 machine' };
  }
  const version = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(info.serverVersion);
  if (info.product === 'Docker Engine' && version) {
    const v = { major: Number(version[1]), minor: Number(version[2]), patch: Number(version[3] ?? 0) };
    if (compareVersions(v, DOCKER_MINIMUM) < 0) {
      return { status: 'fail', detail: `${what}: kind needs Docker ${formatVersion(DOCKER_MINIMUM)} or newer`, fix: 'upgrade Docker: https://docs.docker.com/engine/install/' };
    }
  }
  return { status: 'ok', detail: what };
}

/** Docker did not answer: say where we looked and what usually fixes it. */
export function evaluateDockerUnreachable(endpoint: DockerEndpoint, error: unknown, platform: NodeJS.Platform): Finding {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof status === 'number') {
    // Something answered HTTP, but not as an engine does (a proxy, another service on that port, an old API).
    return {
      status: 'fail',
      detail: `${describeEndpoint(endpoint)} answered HTTP ${status}, not like a Docker Engine`,
      fix: `point DOCKER_HOST or your docker context at the Docker Engine (\`docker context ls\`, \`docker info\`)`,
    };
  }
  const detail = `no answer from Docker at ${describeEndpoint(endpoint)}: ${code === 'TIMEOUT' ? 'it did not reply in time' : message}`;
  const start =
    platform === 'darwin'
      ? 'start Docker (Docker Desktop, OrbStack, Rancher Desktop, or `colima start`)'
      : platform === 'win32'
        ? 'start Docker Desktop'
        : 'start Docker: `sudo systemctl start docker` (or start Docker Desktop, or `systemctl --user start podman.socket`)';
  const elsewhere =
    endpoint.source.kind === 'DOCKER_HOST'
      ? `; or unset DOCKER_HOST (it points at ${endpoint.url})`
      : endpoint.source.kind === 'context'
        ? `; or \`docker context use default\` if the context "${endpoint.source.name}" is stale`
        : '';
  if (code === 'EACCES' || code === 'EPERM') {
    return { status: 'fail', detail, fix: `you may not use ${endpoint.url}: \`sudo usermod -aG docker $USER\`, then log out and in again (or use rootless Docker)` };
  }
  if (code === 'TIMEOUT') {
    return { status: 'fail', detail, fix: `Docker at ${endpoint.url} is not answering: wait until it has started, or restart it${elsewhere}` };
  }
  return { status: 'fail', detail, fix: `${start}${elsewhere}` };
}

function errorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return 'TIMEOUT';
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? code : undefined;
}

/** A check that needs the engine when the engine did not answer. */
export function notCheckedWithoutDocker(): Finding {
  return { status: 'fail', detail: 'not checked: Docker is not reachable', fix: 'get the Docker check passing first' };
}

// ----------------------------------------------------------------------------------------------------------
// Engine resources

export interface MemoryNeeds {
  requestsBytes: number;
  limitsBytes: number;
  overheadBytes: number;
}

export const DEFAULT_MEMORY_NEEDS: MemoryNeeds = { ...PLATFORM_MEMORY, overheadBytes: KIND_OVERHEAD_BYTES };

/**
 * ok when the engine holds the platform's limits plus kind; warn when it holds only the requests plus kind
 * (pods schedule but may be OOM-killed under load); fail below that (pods stay Pending).
 */
export function evaluateMemory(info: Pick<EngineInfo, 'memTotalBytes' | 'cpus'>, needs: MemoryNeeds, flavour: EngineFlavour): Finding {
  const full = needs.limitsBytes + needs.overheadBytes;
  const least = needs.requestsBytes + needs.overheadBytes;
  const fix = resourceFix(flavour, { memGb: recommendedGb(full), cpus: Math.max(CPUS.recommended, info.cpus) }, 'memory');
  const have = info.memTotalBytes;
  if (!have) return { status: 'warn', detail: 'the engine did not report its memory', fix: `make sure Docker has ≥ ${formatBytes(full)}` };
  const budget = `the platform needs ${formatBytes(full)} (${formatBytes(needs.limitsBytes)} limits + ${formatBytes(needs.overheadBytes)} for kind)`;
  if (have >= full) return { status: 'ok', detail: `${formatBytes(have)} for Docker; ${budget}` };
  if (have >= least) {
    return {
      status: 'warn',
      detail: `${formatBytes(have)} for Docker: enough for the platform's requests (${formatBytes(least)} with kind) but not its limits; ${budget}, services may be OOM-killed under load`,
      fix,
    };
  }
  return { status: 'fail', detail: `${formatBytes(have)} for Docker; ${budget}, and at least ${formatBytes(least)} to start at all`, fix };
}

/** Docker Desktop's "8 GB" gives ≈ 7.7 GiB of MemTotal: recommend the setting that covers `bytes`. */
function recommendedGb(bytes: number): number {
  return Math.ceil(bytes / GiB + 0.5);
}

export function evaluateCpus(info: Pick<EngineInfo, 'cpus' | 'memTotalBytes'>, flavour: EngineFlavour, needs: MemoryNeeds = DEFAULT_MEMORY_NEEDS): Finding {
  // Settings like `colima start --memory` are absolute: never suggest less memory than the engine has, nor less
  // than the memory check asks for (the platform's limits as rendered, plus kind's overhead).
  const memGb = Math.max(recommendedGb(needs.limitsBytes + needs.overheadBytes), Math.round(info.memTotalBytes / GiB));
  const fix = resourceFix(flavour, { memGb, cpus: CPUS.recommended }, 'cpus');
  if (!info.cpus) return { status: 'warn', detail: 'the engine did not report its CPUs', fix };
  const n = `${info.cpus} CPU${info.cpus === 1 ? '' : 's'} for Docker`;
  if (info.cpus >= CPUS.recommended) return { status: 'ok', detail: n };
  if (info.cpus >= CPUS.minimum) return { status: 'warn', detail: `${n}; ${CPUS.recommended} recommended (the first \`up\` is slower and JVM services start close to their probe limits)`, fix };
  return { status: 'fail', detail: `${n}; a Kubernetes control plane needs at least ${CPUS.minimum}`, fix };
}

/** Informational: floe-dev side-loads either way, but with the containerd store it saves per platform first. */
export function evaluateImageStore(info: Pick<EngineInfo, 'containerdImageStore' | 'storageDriver'>): Finding {
  return info.containerdImageStore
    ? { status: 'ok', detail: `containerd image store on (${info.storageDriver || 'snapshotter'}): images are saved for the node's platform before \`kind load\` (kind#3795)` }
    : { status: 'ok', detail: `containerd image store off (classic ${info.storageDriver || 'graph driver'} store): \`kind load docker-image\` directly` };
}

// ----------------------------------------------------------------------------------------------------------
// Architecture

/** What the platform will run on the engine's architecture (computed from the catalog by the check). */
export interface ArchitectureFacts {
  /** The engine's (and so the kind node's) OCI architecture. */
  arch: string;
  /** Default images the configuration runs that are not published for `arch`, each with its fix. */
  unsupported: readonly { service: string; image: string; fix: string }[];
  /** Services whose image the user overrode: their architecture is checked once pulled. */
  overridden: readonly string[];
  /** The choices the platform makes for `arch` (e.g. Cube's cache in memory on arm64). */
  notes: readonly string[];
}

/** fail when a default image cannot run on the node; otherwise ok, saying what was chosen for this architecture. */
export function evaluateArchitecture(f: ArchitectureFacts): Finding {
  if (!['amd64', 'arm64'].includes(f.arch)) {
    return { status: 'fail', detail: `no platform images for ${f.arch || 'an unknown architecture'} (kind runs on amd64 and arm64)`, fix: 'run floe-dev on an amd64 or arm64 machine' };
  }
  const overridden = f.overridden.length
    ? `; ${f.overridden.length === 1 ? 'the image' : 'the images'} you set for ${f.overridden.join(', ')} ${f.overridden.length === 1 ? 'is' : 'are'} checked after pulling`
    : '';
  if (f.unsupported.length > 0) {
    const what = f.unsupported.map((u) => `${u.image} (${u.service})`).join(', ');
    return {
      status: 'fail',
      detail: `${f.arch} node: ${what} ${f.unsupported.length === 1 ? 'is' : 'are'} not published for linux/${f.arch}${overridden}`,
      fix: [...new Set(f.unsupported.map((u) => u.fix))].join('; '),
    };
  }
  const notes = f.notes.length ? `; ${f.notes.join(' ')}` : '';
  return { status: 'ok', detail: `${f.arch}: every platform image is published for linux/${f.arch}${overridden}${notes}` };
}

// ----------------------------------------------------------------------------------------------------------
// kind and kubectl

export interface ToolProbe {
  /** The executable as configured (`kind`, or FLOE_DEV_KIND). */
  bin: string;
  /** Parsed version, when the tool ran and printed one. */
  version?: Version;
  /** The tool could not be found or started. */
  missing?: boolean;
  /** It ran but failed, or printed nothing we understand. */
  error?: string;
}

export interface HostPlatform {
  platform: NodeJS.Platform;
  /** OCI architecture of this machine (download URLs). */
  arch: string;
}

/** The install fix for kind: what and where, then the command for this OS on a line of its own (copy-pasteable). */
export function kindInstallFix(host: HostPlatform): string {
  const v = `v${formatVersion(KIND_RECOMMENDED)}`;
  const command =
    host.platform === 'darwin'
      ? 'brew install kind'
      : host.platform === 'win32'
        ? 'winget install Kubernetes.kind'
        : `curl -Lo ./kind https://kind.sigs.k8s.io/dl/${v}/kind-linux-${host.arch} && chmod +x ./kind && sudo mv ./kind /usr/local/bin/kind`;
  return withCommand(`install kind ${v} (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), or set FLOE_DEV_KIND to its path:`, command);
}

/** The install fix for kubectl, matching the cluster's Kubernetes when known (kubectl's skew policy is ±1 minor). */
export function kubectlInstallFix(host: HostPlatform, kubernetes: Version | undefined): string {
  const v = kubernetes ? `v${formatVersion(kubernetes)}` : 'a current version';
  const command =
    host.platform === 'darwin'
      ? 'brew install kubectl'
      : host.platform === 'win32'
        ? 'winget install Kubernetes.kubectl'
        : kubernetes
          ? `curl -LO https://dl.k8s.io/release/${v}/bin/linux/${host.arch}/kubectl && sudo install -m 0755 kubectl /usr/local/bin/kubectl`
          : undefined;
  const what = `install kubectl ${v} (https://kubernetes.io/docs/tasks/tools/), or set FLOE_DEV_KUBECTL to its path`;
  return command ? withCommand(`${what}:`, command) : what;
}

function located(bin: string): string {
  return bin.includes('/') ? bin : `\`${bin}\` on PATH`;
}

/** `nodeImageRelease`: the kind release the configured node image was built for, when it is the default one. */
export function evaluateKind(probe: ToolProbe, host: HostPlatform, nodeImageRelease: typeof KIND_RECOMMENDED | undefined): Finding {
  if (probe.missing) return { status: 'fail', detail: `not found (looked for ${located(probe.bin)})`, fix: kindInstallFix(host) };
  if (!probe.version) {
    return { status: 'fail', detail: `${located(probe.bin)} did not tell its version: ${probe.error ?? 'no output'}`, fix: kindInstallFix(host) };
  }
  const v = probe.version;
  if (compareVersions(v, KIND_MINIMUM) < 0) {
    return { status: 'fail', detail: `v${formatVersion(v)} is too old: floe-dev needs kind ≥ v${formatVersion(KIND_MINIMUM)}`, fix: kindInstallFix(host) };
  }
  if (nodeImageRelease && compareVersions(v, nodeImageRelease) < 0) {
    return {
      status: 'warn',
      detail: `v${formatVersion(v)}: the pinned node image was built for kind v${formatVersion(nodeImageRelease)}; an older kind may fail to create the cluster or load images`,
      fix: kindInstallFix(host),
    };
  }
  return { status: 'ok', detail: `v${formatVersion(v)} (${located(probe.bin)})` };
}

/** `kubernetes`: the node image's Kubernetes version (from its tag), when known. */
export function evaluateKubectl(probe: ToolProbe, host: HostPlatform, kubernetes: Version | undefined): Finding {
  if (probe.missing) return { status: 'fail', detail: `not found (looked for ${located(probe.bin)})`, fix: kubectlInstallFix(host, kubernetes) };
  if (!probe.version) {
    return { status: 'fail', detail: `${located(probe.bin)} did not tell its version: ${probe.error ?? 'no output'}`, fix: kubectlInstallFix(host, kubernetes) };
  }
  const v = probe.version;
  const shown = v.text.startsWith('v') ? v.text : `v${v.text}`;
  if (compareVersions(v, KUBECTL_MINIMUM) < 0) {
    return { status: 'fail', detail: `${shown} is too old: floe-dev needs kubectl ≥ v${KUBECTL_MINIMUM.major}.${KUBECTL_MINIMUM.minor}`, fix: kubectlInstallFix(host, kubernetes) };
  }
  if (kubernetes && (v.major !== kubernetes.major || Math.abs(v.minor - kubernetes.minor) > 1)) {
    return {
      status: 'warn',
      detail: `${shown} is outside the supported skew for the cluster's Kubernetes ${kubernetes.major}.${kubernetes.minor} (kubectl ${kubernetes.major}.${kubernetes.minor - 1}-${kubernetes.major}.${kubernetes.minor + 1})`,
      fix: kubectlInstallFix(host, kubernetes),
    };
  }
  return { status: 'ok', detail: `${shown} (${located(probe.bin)})${kubernetes ? `; supported with the cluster's Kubernetes ${kubernetes.major}.${kubernetes.minor} (skew ±1)` : ''}` };
}

// ----------------------------------------------------------------------------------------------------------
// Forward ports

export interface PortFacts {
  port: number;
  /** `forwards.dagster` */
  configKey: string;
  /** FLOE_DEV_FORWARD_DAGSTER */
  envVar: string | undefined;
  bind: BindResult;
  holder: PortHolder | undefined;
  /** floe-dev's forward supervisor, when its record exists and the pid is alive. */
  supervisor: { pid: number; ports: number[] } | undefined;
  /** forwards.nextFreePort is on. */
  nextFreePort: boolean;
  /** A free port after `port`, to suggest. */
  nextFree: number | undefined;
}

/** Processes that hold a port because a container publishes it. */
const CONTAINER_PROXIES = /^(docker-proxy|com\.docke|com\.docker|vpnkit|gvproxy|limactl|OrbStack|rootlessport)/;

export function describeHolder(holder: PortHolder | undefined): string {
  if (!holder) return 'a process the OS does not name';
  if (holder.pid === undefined) {
    const who = holder.user ? `${holder.user} (uid ${holder.uid})` : holder.uid !== undefined ? `uid ${holder.uid}` : 'another user';
    return `a process of ${who} that you may not inspect`;
  }
  const line = holder.commandLine && holder.commandLine !== holder.command ? `: ${holder.commandLine}` : '';
  return `${holder.command ?? 'process'} (pid ${holder.pid}${line})`;
}

export function evaluatePort(f: PortFacts): Finding {
  const elsewhere = (p: number | undefined): string => {
    const port = p ?? f.port + 1;
    return `${f.configKey}: ${port} in floe-dev.yaml${f.envVar ? ` (or ${f.envVar}=${port})` : ''}`;
  };
  switch (f.bind.outcome) {
    case 'free':
      return { status: 'ok', detail: 'free on 127.0.0.1' };
    case 'denied':
      return {
        status: 'fail',
        detail: `floe-dev may not listen on port ${f.port}${f.port < 1024 ? ' (ports below 1024 need privileges)' : ''}`,
        fix: `choose a port from 1024 up: ${elsewhere(f.nextFree && f.nextFree >= 1024 ? f.nextFree : undefined)}`,
      };
    case 'error':
      return { status: 'fail', detail: `cannot listen on 127.0.0.1:${f.port}: ${f.bind.message}`, fix: `choose another port: ${elsewhere(f.nextFree)}` };
    case 'busy':
      break;
  }
  const sup = f.supervisor;
  const holderIsOurs = f.holder?.pid !== undefined && sup !== undefined && (f.holder.pid === sup.pid || f.holder.ppid === sup.pid);
  const holderUnknown = f.holder?.pid === undefined;
  if (sup && (holderIsOurs || (holderUnknown && sup.ports.includes(f.port)))) {
    return { status: 'ok', detail: `in use by floe-dev's own port-forward (supervisor pid ${sup.pid})` };
  }
  const who = describeHolder(f.holder);
  if (f.nextFreePort) {
    return {
      status: 'warn',
      detail: `in use by ${who}; forwards.nextFreePort is on, so floe-dev will use ${f.nextFree ?? 'the next free port'}`,
      fix: `free port ${f.port} to keep the usual address`,
    };
  }
  const container = f.holder?.command && CONTAINER_PROXIES.test(f.holder.command);
  const stop = container
    ? `a container publishes it (\`docker ps --filter publish=${f.port}\`): stop it`
    : f.holder?.pid !== undefined
      ? `stop ${f.holder.command ?? 'it'} (pid ${f.holder.pid})`
      : `find it with \`lsof -nP -iTCP:${f.port} -sTCP:LISTEN\` and stop it`;
  return { status: 'fail', detail: `in use by ${who}`, fix: `${stop}, or choose another port: ${elsewhere(f.nextFree)}` };
}

// ----------------------------------------------------------------------------------------------------------
// Disk

export interface DiskLocation {
  /** What is kept there: "Docker data", "image archive", "state". */
  label: string;
  /** The folder measured. */
  path: string;
  freeBytes: number;
  device: number;
  minBytes: number;
  wantBytes: number;
}

/**
 * Locations on the same filesystem share its free space, so their needs add up. fail below the sum of the
 * minimums, warn below the sum of what we want.
 */
export function evaluateDisk(locations: readonly DiskLocation[], notes: readonly string[] = []): Finding {
  const groups = new Map<number, DiskLocation[]>();
  for (const l of locations) groups.set(l.device, [...(groups.get(l.device) ?? []), l]);
  let status: CheckStatus = 'ok';
  const parts: string[] = [];
  const short: string[] = [];
  for (const group of groups.values()) {
    const free = Math.min(...group.map((l) => l.freeBytes));
    const min = group.reduce((s, l) => s + l.minBytes, 0);
    const want = group.reduce((s, l) => s + l.wantBytes, 0);
    const where = group.map((l) => `${l.label} ${l.path}`).join(', ');
    parts.push(`${formatBytes(free)} free for ${where} (needs ${formatBytes(min)}, ${formatBytes(want)} recommended)`);
    if (free < min) {
      status = 'fail';
      short.push(`${group[0]?.path ?? ''} needs ${formatBytes(min - free)} more`);
    } else if (free < want && status !== 'fail') {
      status = 'warn';
      short.push(`${group[0]?.path ?? ''} is short by ${formatBytes(want - free)}`);
    }
  }
  const detail = [...parts, ...notes].join('; ') || 'nothing to measure';
  if (status === 'ok') return { status, detail };
  return {
    status,
    detail,
    fix: `free disk space (${short.join('; ')}): \`docker system df\` shows what Docker uses, \`docker image prune\` removes dangling images`,
  };
}
