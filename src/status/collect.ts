// What `floe-dev status` looks at: the cluster (kind and the API server), each selected service's workload
// and, through its forward, its readiness endpoint; and the forwards (proven by a probe, never the record alone).
import { existsSync } from 'node:fs';
import type { Context } from '../context.js';
import { FloeError } from '../errors.js';
import { forwardsStatus, type ForwardView } from '../forward/control.js';
import { workloadsOf } from '../platform/render.js';
import { selectServices } from '../platform/select.js';
import type { ServiceDefinition } from '../platform/types.js';
import { Kind } from '../tools/kind.js';
import { Kubectl } from '../tools/kubectl.js';
import { kubectlHint, targetOf } from '../target.js';
import { serviceLabel, serviceOk, type RegistryStatus, type ServiceStatus, type StatusReport } from './layout.js';
import type { IPod } from 'kubernetes-models/v1';
import { evaluateWorkload, type Workload } from '../readiness/evaluate.js';

export const HEALTH_TIMEOUT_MS = 3_000;

export async function collectStatus(ctx: Context): Promise<StatusReport> {
  const name = ctx.config.cluster.name;
  const target = targetOf(ctx);
  if (target.mode === 'kind') {
    const kind = new Kind(ctx.tools.runner, ctx.tools.kindPath, { signal: ctx.signal });
    const noCluster = new FloeError(`no cluster ${name}: run floe-dev up`, { hint: 'floe-dev up creates the cluster and installs the platform' });
    if (!existsSync(ctx.paths.kubeconfig) || !(await kind.getClusters()).includes(name)) throw noCluster;
  } else if (!existsSync(ctx.paths.credentials)) {
    // Nothing of floe-dev's there yet (it generates the credentials before it installs anything): no kind to ask.
    throw new FloeError(`floe-dev has not installed the platform in context ${target.context} (namespace ${ctx.config.namespace})`, { hint: 'floe-dev up installs it' });
  }
  const kubectl = new Kubectl(ctx.tools.runner, ctx.tools.kubectlPath, target.kubeconfig, target.context, { signal: ctx.signal });
  const ns = ctx.config.namespace;
  const [version, objects, forwards, registry] = await Promise.all([
    kubectl.serverVersion(),
    kubectl.list<Workload | IPod>('deployments,statefulsets,jobs,pods', { namespace: ns, selector: 'app.kubernetes.io/managed-by=floe-dev' }),
    forwardsStatus(ctx),
    ctx.config.registry.enabled ? registryStatus(ctx) : undefined,
  ]);
  const pods = objects.filter((o): o is IPod => o.kind === 'Pod');
  const workloads = objects.filter((o): o is Workload => o.kind !== 'Pod');
  const services = selectServices(ctx.config);
  const statuses = await Promise.all(services.map((def) => serviceStatus(ctx, def, workloads, pods, forwards.forwards)));
  const components = [...new Set(services.map((s) => s.component))].map((component) => ({
    name: component,
    services: statuses.filter((_, i) => services[i]!.component === component),
  }));
  return {
    ok: statuses.every(serviceOk) && forwards.forwards.every((f) => f.state === 'up') && (!registry || registry.state === 'up'),
    platform: 'floe-dev',
    cluster: target.mode === 'kind' ? { name, kind: 'kind', kubernetesVersion: version } : { name: target.context, kind: 'existing', context: target.context, kubernetesVersion: version },
    namespace: ns,
    kubeconfig: target.kubeconfig,
    kubectl: kubectlHint(target, ns),
    components,
    ...(forwards.supervisor ? { supervisor: forwards.supervisor } : {}),
    forwards: forwards.forwards,
    ...(registry ? { registry } : {}),
  };
}

/** The registry container's state, and whether it answers GET /v2/ on 127.0.0.1:<port>. */
async function registryStatus(ctx: Context): Promise<RegistryStatus> {
  const { registryContainerName, registryHost } = await import('../registry/registry.js');
  const { port } = ctx.config.registry;
  const container = registryContainerName(ctx.config.cluster.name);
  const base = { url: `http://${registryHost(port)}`, container };
  try {
    const docker = await ctx.tools.docker();
    const c = await docker.inspectContainer(container, ctx.signal);
    if (!c) return { ...base, state: 'missing', reason: 'floe-dev up creates it' };
    if (!c.running) return { ...base, state: 'down', reason: `container ${c.status}${c.error ? `: ${c.error}` : ''}` };
    const r = await ctx.tools.http.request({ url: `http://127.0.0.1:${port}/v2/`, timeoutMs: HEALTH_TIMEOUT_MS, retries: 0, signal: ctx.signal });
    return r.status === 200 || r.status === 401 ? { ...base, state: 'up' } : { ...base, state: 'down', reason: `GET /v2/ answered ${r.status}` };
  } catch (error) {
    return { ...base, state: 'unknown', reason: (error as Error).message };
  }
}

async function serviceStatus(ctx: Context, def: ServiceDefinition, workloads: readonly Workload[], pods: readonly IPod[], forwards: readonly ForwardView[]): Promise<ServiceStatus> {
  const base = { name: def.name, label: serviceLabel(def.name), kind: def.kind };
  // A service may run several workloads (one per Dagster code location): it is as well as the worst of them.
  const found = workloadsOf(def, ctx.config).map((ref) => workloads.find((w) => w.kind === ref.kind && w.metadata?.name === ref.name));
  if (found.length === 0 || found.some((w) => !w)) return { ...base, state: 'missing' };
  const states = found.map((w) => evaluateWorkload(w!, pods));
  const worst = states.find((r) => r.state === 'failed') ?? states.find((r) => r.state === 'waiting') ?? states[0]!;
  const merged = { ...worst, ready: states.reduce((n, r) => n + r.ready, 0), desired: states.reduce((n, r) => n + r.desired, 0) };
  const status: ServiceStatus = { ...base, ...serviceState(def.kind, merged) };
  const health = await healthOf(ctx, def, forwards);
  return health ? { ...status, health } : status;
}

/** The readiness evaluator's verdict in status terms: a Job is complete or running, a service ready or not. */
export function serviceState(kind: ServiceDefinition['kind'], r: ReturnType<typeof evaluateWorkload>): Pick<ServiceStatus, 'state' | 'ready' | 'desired' | 'reason'> {
  if (r.state === 'failed') {
    const reason = `${r.failure.reason}${r.failure.message && r.failure.message !== r.failure.reason ? ` (${r.failure.message})` : ''}`;
    return kind === 'Job' ? { state: 'failed', reason } : { state: 'failed', ready: r.ready, desired: r.desired, reason };
  }
  if (kind === 'Job') return { state: r.state === 'ready' ? 'complete' : 'running' };
  return r.state === 'ready'
    ? { state: 'ready', ready: r.ready, desired: r.desired }
    : { state: 'unready', ready: r.ready, desired: r.desired, ...(r.detail ? { reason: r.detail } : {}) };
}

/** The readiness endpoint through the forward to its port, for services that have such a forward. */
async function healthOf(ctx: Context, def: ServiceDefinition, forwards: readonly ForwardView[]): Promise<ServiceStatus['health']> {
  const readiness = def.readiness;
  if (readiness.type !== 'http') return undefined;
  const spec = (def.forwards ?? []).find((f) => f.port === readiness.port);
  if (!spec) return undefined;
  const forward = forwards.find((f) => f.key === spec.key);
  if (!forward) return undefined;
  if (forward.state !== 'up') return { state: 'unknown', reason: `forward ${spec.key} is ${forward.state}` };
  try {
    const r = await ctx.tools.http.request({ url: `${forward.url}${readiness.path}`, timeoutMs: HEALTH_TIMEOUT_MS, retries: 0, signal: ctx.signal });
    const answered = r.status >= 200 && r.status < 300 && (!readiness.expect || r.body.includes(readiness.expect));
    return answered ? { state: 'healthy' } : { state: 'unhealthy', reason: `${readiness.path} answered ${r.status}` };
  } catch (error) {
    const { networkReason } = await import('../forward/probe.js');
    return { state: 'unknown', reason: `${readiness.path}: ${networkReason(error)}` };
  }
}
