// The local OCI registry, as pure facts: its container's name and shape, the containerd wiring kind documents
// (config_path in the kind config, a hosts.toml per node), the KEP-1755 ConfigMap, and image references in it.
import { stringify } from 'yaml';

/** The port the registry listens on inside its container (the official image's config.yml: `addr: :5000`). */
export const REGISTRY_CONTAINER_PORT = 5000;

/** The Docker network kind puts its nodes on (kind pkg/cluster/internal/providers/docker/network.go: "kind"). */
export const KIND_NETWORK = 'kind';

/**
 * kind's docker provider uses another network when `KIND_EXPERIMENTAL_DOCKER_NETWORK` names one (kind
 * pkg/cluster/internal/providers/docker/provision.go), so the registry joins the network the nodes are on.
 */
export function kindNetwork(env: NodeJS.ProcessEnv): string {
  return env.KIND_EXPERIMENTAL_DOCKER_NETWORK || KIND_NETWORK;
}

/** Labels on the registry container: floe-dev made it, for this cluster (down removes only such a container). */
export const REGISTRY_LABEL = 'floe-dev/registry';
export const CLUSTER_LABEL = 'floe-dev/cluster';

export function registryLabels(cluster: string): Record<string, string> {
  return { [REGISTRY_LABEL]: 'true', [CLUSTER_LABEL]: cluster };
}

/** `<cluster>-registry`: next to kind's `<cluster>-control-plane`, and the host name nodes reach it by. */
export function registryContainerName(cluster: string): string {
  return `${cluster}-registry`;
}

/** The name pods and the host both use for the registry (kind docs "Local Registry"). */
export function registryHost(port: number): string {
  return `localhost:${port}`;
}

/**
 * The kind config patch that makes containerd read per-registry `hosts.toml` files, verbatim from kind's docs
 * ("Local Registry", site/static/examples/kind-with-registry.sh; containerd docs/hosts.md "CRI").
 */
export const CONTAINERD_CONFIG_PATCH = `[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/etc/containerd/certs.d"`;

/** Where containerd looks for the registry host `localhost:<port>` (containerd docs/hosts.md, host namespace). */
export function hostsTomlPath(port: number): string {
  return `/etc/containerd/certs.d/${registryHost(port)}/hosts.toml`;
}

/**
 * The node's view of `localhost:<port>`: the registry container on the kind network, over plain HTTP. Inside a
 * node, localhost is the node itself (kind docs: "localhost in the container is not localhost on the host").
 */
export function hostsToml(containerName: string): string {
  return `[host."http://${containerName}:${REGISTRY_CONTAINER_PORT}"]\n`;
}

export const LOCAL_REGISTRY_CONFIG_MAP = 'local-registry-hosting';
export const LOCAL_REGISTRY_NAMESPACE = 'kube-public';
export const LOCAL_REGISTRY_HELP = 'https://kind.sigs.k8s.io/docs/user/local-registry/';

/**
 * KEP-1755 ("Communicating a local registry", kubernetes/enhancements keps/sig-cluster-lifecycle/generic/1755):
 * ConfigMap `local-registry-hosting` in `kube-public`, key `localRegistryHosting.v1`, a YAML document with `host`
 * (where the host pushes) and `help`. Tilt, Skaffold and ctlptl read it.
 */
export function localRegistryConfigMap(port: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: LOCAL_REGISTRY_CONFIG_MAP,
      namespace: LOCAL_REGISTRY_NAMESPACE,
      labels: { 'app.kubernetes.io/managed-by': 'floe-dev' },
    },
    data: { 'localRegistryHosting.v1': stringify({ host: registryHost(port), help: LOCAL_REGISTRY_HELP }) },
  };
}

/** An image reference split the way docker does: registry host (if any), repository path, tag, digest. */
export interface ParsedRef {
  domain?: string;
  path: string;
  tag?: string;
  digest?: string;
}

/**
 * Splits a reference (distribution/reference: the first component is a registry host when it has a `.` or `:`,
 * or is `localhost`). `docker.io` and its `library/` prefix are folded away, as docker shows names.
 */
export function parseRef(ref: string): ParsedRef {
  const [named, digest] = ref.split('@') as [string, string | undefined];
  const slash = named.indexOf('/');
  const first = slash === -1 ? '' : named.slice(0, slash);
  const hasDomain = slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let domain = hasDomain ? first : undefined;
  let rest = hasDomain ? named.slice(slash + 1) : named;
  const colon = rest.lastIndexOf(':');
  const tag = colon === -1 ? undefined : rest.slice(colon + 1);
  if (colon !== -1) rest = rest.slice(0, colon);
  if (domain === 'docker.io' || domain === 'index.docker.io') {
    domain = undefined;
    if (rest.startsWith('library/')) rest = rest.slice('library/'.length);
  }
  return { ...(domain ? { domain } : {}), path: rest, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/**
 * Where an image goes in the local registry: `localhost:<port>/<path>:<tag>`. The source registry's host is
 * dropped (the path stays), so `my-org/code:1.0` and `ghcr.io/my-org/code:1.0` both become
 * `localhost:5001/my-org/code:1.0`. An image named by digest only gets a tag from it (a push needs a tag).
 */
export function registryTarget(ref: string, port: number): { repository: string; tag: string; ref: string } {
  const p = parseRef(ref);
  const tag = p.tag ?? (p.digest ? p.digest.replace(':', '-').slice(0, 19) : 'latest');
  const repository = `${registryHost(port)}/${p.path}`;
  return { repository, tag, ref: `${repository}:${tag}` };
}

/** What pods run: the pushed image pinned by its manifest digest, so a new push under the same tag rolls them. */
export function pinnedRef(repository: string, digest: string): string {
  return `${repository}@${digest}`;
}

/** The registry container as the engine describes it (only what floe-dev judges). */
export interface RegistryContainerView {
  id: string;
  image: string;
  running: boolean;
  labels: Record<string, string>;
  /** Host bindings of the container's port 5000/tcp. */
  bindings: { hostIp: string; hostPort: number }[];
  networks: string[];
  /** Exit code, state text ("exited", "created") and the engine's error of the last start, if any. */
  state: string;
  error?: string;
}

export interface RegistryWanted {
  name: string;
  cluster: string;
  image: string;
  port: number;
  network: string;
}

/** What to do about the registry container; `why` says it for the user. */
export type RegistryPlan =
  | { action: 'create' }
  | { action: 'reuse' }
  | { action: 'start'; connect: boolean }
  | { action: 'connect' }
  | { action: 'recreate'; why: string }
  | { action: 'refuse'; why: string };

/** Compares the existing container (if any) with the wanted one (pure). */
export function planRegistryContainer(existing: RegistryContainerView | undefined, wanted: RegistryWanted): RegistryPlan {
  if (!existing) return { action: 'create' };
  if (existing.labels[REGISTRY_LABEL] !== 'true' || existing.labels[CLUSTER_LABEL] !== wanted.cluster) {
    return { action: 'refuse', why: `a container named ${wanted.name} exists, but floe-dev did not create it for cluster ${wanted.cluster}` };
  }
  if (existing.image !== wanted.image) return { action: 'recreate', why: `it runs ${existing.image}, registry.image is ${wanted.image}` };
  const published = existing.bindings.map((b) => `${b.hostIp || '0.0.0.0'}:${b.hostPort}`);
  if (published.length !== 1 || published[0] !== `127.0.0.1:${wanted.port}`) {
    return { action: 'recreate', why: `it publishes ${published.join(', ') || 'no port'}, registry.port asks for 127.0.0.1:${wanted.port}` };
  }
  const connect = !existing.networks.includes(wanted.network);
  if (!existing.running) return { action: 'start', connect };
  return connect ? { action: 'connect' } : { action: 'reuse' };
}

/** One layer's fate in a push, from the engine's progress stream (moby distribution/push_v2.go statuses). */
export interface PushSummary {
  /** Layers sent to the registry. */
  pushed: string[];
  /** Layers the registry already had ("Layer already exists"): nothing moved. */
  existed: string[];
  /** Layers mounted from another repository of the same registry ("Mounted from ..."): nothing moved either. */
  mounted: string[];
  /** The manifest digest the registry stored (the final `aux.Digest`, or the "digest: sha256:..." line). */
  digest?: string;
}

export interface PushEvent {
  id?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { Tag?: string; Digest?: string; Size?: number };
}

/** Folds a push's progress events into what moved (pure). Throws the engine's error when the stream reports one. */
export function summarizePush(events: readonly PushEvent[]): PushSummary {
  const pushed = new Set<string>();
  const existed = new Set<string>();
  const mounted = new Set<string>();
  let digest: string | undefined;
  for (const e of events) {
    if (e.error || e.errorDetail?.message) throw new Error(e.errorDetail?.message ?? e.error);
    if (e.aux?.Digest) digest = e.aux.Digest;
    const status = e.status ?? '';
    const fromLine = /digest: (sha256:[a-f0-9]{64})/.exec(status);
    if (fromLine) digest ??= fromLine[1];
    if (!e.id) continue;
    if (/^Layer already exists/i.test(status)) existed.add(e.id);
    else if (/^Mounted from/i.test(status)) mounted.add(e.id);
    else if (/^Pushed$/i.test(status)) pushed.add(e.id);
  }
  return { pushed: [...pushed], existed: [...existed], mounted: [...mounted], ...(digest ? { digest } : {}) };
}

/** "2 layers pushed, 3 already there" for progress and summaries. */
export function describePush(s: PushSummary): string {
  const there = s.existed.length + s.mounted.length;
  const parts = [`${s.pushed.length} layer${s.pushed.length === 1 ? '' : 's'} pushed`];
  if (there > 0) parts.push(`${there} already there`);
  return parts.join(', ');
}
