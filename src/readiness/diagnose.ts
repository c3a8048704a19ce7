// What to tell the user when a service does not get ready: the reason, the pod, recent events, the last log
// lines of the failing container, how big the node is when it cannot schedule, and the fix.
import type { IPod } from 'kubernetes-models/v1';
import { formatMemory, parseCpu, parseMemory } from '../platform/quantity.js';
import type { Kubectl } from '../tools/kubectl.js';
import type { FailureReason } from './evaluate.js';
import type { NotReadyError } from './wait.js';

export interface Diagnosis {
  /** e.g. "Apache Polaris (polaris)". */
  service: string;
  reason: FailureReason | 'NotReady';
  headline: string;
  pod?: string;
  container?: string;
  message: string;
  events: string[];
  /** Which log the lines come from, e.g. "previous run of polaris". */
  logSource?: string;
  logs: string[];
  /** Only for a pod that cannot be scheduled: what the node has and what is asked. */
  capacity?: string;
  fix: string;
}

export interface DiagnoseInput {
  error: NotReadyError;
  /** How people call the service, and its catalog name (config keys use the name). */
  title: string;
  name: string;
  /** The service's memory limit now (for an OOM kill's fix). */
  memoryLimit?: string;
  /** How long it was given. */
  timeout: string;
  /** The `export KUBECONFIG=...` path, for the commands the fix suggests. */
  kubeconfig: string;
  /** An existing cluster (cluster.existing): it pulls images itself, and commands name its context. */
  existing?: boolean;
  context?: string;
}

/** Collects events, logs and node capacity with kubectl; a lookup that fails just leaves its part out. */
export async function diagnose(kubectl: Kubectl, input: DiagnoseInput): Promise<Diagnosis> {
  const { error } = input;
  const ns = error.ref.namespace;
  const r = error.readiness;
  const failure = r.state === 'failed' ? r.failure : undefined;
  const pods = error.snapshot.pods;
  const pod = failure?.pod ?? newestPodName(error);
  const container = failure?.container ?? firstUnready(pods.find((p) => p.metadata?.name === pod));
  const [events, logs, capacity] = await Promise.all([
    recentEvents(kubectl, ns, pod ?? error.ref.name).catch(() => []),
    pod && failure?.reason !== 'Unschedulable' && !isPullFailure(failure?.reason)
      ? kubectl.logs(pod, ns, { container, previous: failure?.previousLogs, tail: 15 }).catch(() => '')
      : Promise.resolve(''),
    failure?.reason === 'Unschedulable' ? nodeCapacity(kubectl, pods.find((p) => p.metadata?.name === pod)).catch(() => undefined) : Promise.resolve(undefined),
  ]);
  const service = `${input.title} (${input.name})`;
  const reason = failure?.reason ?? 'NotReady';
  const message = failure?.message ?? `${r.summary}${r.state === 'waiting' && r.detail ? `: ${r.detail}` : ''}`;
  return {
    service,
    reason,
    headline: failure ? `${service} failed: ${reason}` : `${service} is not ready after ${input.timeout}: ${r.state === 'waiting' ? (r.detail ?? r.summary) : r.summary}`,
    pod,
    container,
    message,
    events,
    logSource: container ? `${failure?.previousLogs ? 'previous run' : 'log'} of ${container}` : undefined,
    logs: logs.split('\n').map((l) => l.trimEnd()).filter(Boolean),
    capacity,
    fix: fixFor(reason, input, pod, container),
  };
}

/** The diagnosis as the lines the user reads (and the run's log file keeps). */
export function formatDiagnosis(d: Diagnosis): string {
  const lines = [d.headline];
  if (d.pod) lines.push(`  pod ${d.pod}${d.container ? `, container ${d.container}` : ''}: ${d.message}`);
  else lines.push(`  ${d.message}`);
  if (d.capacity) lines.push(`  ${d.capacity}`);
  if (d.events.length) lines.push('  recent events:', ...d.events.map((e) => `    ${e}`));
  if (d.logs.length) lines.push(`  last log lines (${d.logSource}):`, ...d.logs.map((l) => `    ${l}`));
  return lines.join('\n');
}

function fixFor(reason: Diagnosis['reason'], input: DiagnoseInput, pod: string | undefined, container: string | undefined): string {
  const kc = input.existing && input.context ? `kubectl --kubeconfig ${input.kubeconfig} --context ${input.context}` : `KUBECONFIG=${input.kubeconfig} kubectl`;
  switch (reason) {
    case 'ImagePullBackOff':
    case 'ErrImagePull':
    case 'ErrImageNeverPull':
    case 'InvalidImageName':
      if (input.existing) {
        return `the cluster pulls images itself and could not pull this one: make sure its nodes reach the image's registry (a private registry needs an imagePullSecret; a local one is not reachable from a remote cluster), or point services.${input.name}.image at an image it can pull`;
      }
      return `the node does not hold the image and cannot pull it: keep images.load: true (floe-dev side-loads every image), check the tag with \`docker pull <image>\`, or point services.${input.name}.image at one you have`;
    case 'CrashLoopBackOff':
      return `its last log lines above say why it exits; the whole log: ${kc} logs --previous -n ${namespaceOf(input)} ${pod ?? input.name}${container ? ` -c ${container}` : ''}`;
    case 'OOMKilled':
      return `give it more memory: services.${input.name}.resources.limits.memory in floe-dev.yaml${input.memoryLimit ? ` (now ${input.memoryLimit})` : ''}, and Docker enough memory to hold it`;
    case 'CreateContainerConfigError':
    case 'CreateContainerError':
      return 'a Secret or ConfigMap it reads is missing or lacks a key: run `floe-dev up` again (it applies them first); if it persists, report it with the run log';
    case 'Unschedulable':
      return 'give Docker more memory (Docker Desktop: Settings → Resources; Colima: colima start --memory 8), or turn off components you do not need (components: in floe-dev.yaml)';
    case 'BackoffLimitExceeded':
    case 'DeadlineExceeded':
      return 'its last log lines above say why it failed; `floe-dev up` runs it again (a failed Job is recreated)';
    case 'NotReady':
      return `give it longer with timeouts.ready in floe-dev.yaml (or FLOE_DEV_READY_TIMEOUT=15m), or look at the events above; the pod: ${kc} describe pod -n ${namespaceOf(input)} ${pod ?? input.name}`;
  }
}

function namespaceOf(input: DiagnoseInput): string {
  return input.error.ref.namespace;
}

function isPullFailure(reason: FailureReason | undefined): boolean {
  return reason === 'ImagePullBackOff' || reason === 'ErrImagePull' || reason === 'ErrImageNeverPull' || reason === 'InvalidImageName';
}

function newestPodName(error: NotReadyError): string | undefined {
  const { ref, snapshot } = error;
  const mine = snapshot.pods.filter((p) => p.metadata?.namespace === ref.namespace && p.metadata?.name?.startsWith(`${ref.name}-`));
  return mine.at(-1)?.metadata?.name;
}

function firstUnready(pod: IPod | undefined): string | undefined {
  return pod?.status?.containerStatuses?.find((c) => !c.ready)?.name ?? pod?.spec?.containers?.[0]?.name;
}

interface EventJson {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
}

/** The last few events about an object, newest last: "Warning BackOff (x4): Back-off restarting ...". */
async function recentEvents(kubectl: Kubectl, namespace: string, name: string): Promise<string[]> {
  const events = await kubectl.list<EventJson>('events', { namespace, fieldSelector: `involvedObject.name=${name}`, timeoutMs: 15_000 });
  return events
    .sort((a, b) => String(a.lastTimestamp ?? a.eventTime ?? '').localeCompare(String(b.lastTimestamp ?? b.eventTime ?? '')))
    .slice(-6)
    .map((e) => `${e.type ?? 'Normal'} ${e.reason ?? ''}${e.count && e.count > 1 ? ` (x${e.count})` : ''}: ${e.message ?? ''}`);
}

interface NodeJson {
  metadata?: { name?: string };
  status?: { allocatable?: Record<string, string> };
}

/**
 * "the node has 7.6Gi allocatable memory; running pods request 2.1Gi; this pod asks 96Mi": the scheduler's
 * arithmetic, so the user sees how much Docker needs.
 */
async function nodeCapacity(kubectl: Kubectl, pending: IPod | undefined): Promise<string | undefined> {
  const [nodes, pods] = await Promise.all([kubectl.list<NodeJson>('nodes'), kubectl.list<IPod>('pods', { allNamespaces: true })]);
  const node = nodes[0];
  const allocatable = parseMemory(String(node?.status?.allocatable?.memory ?? '')) ?? 0;
  if (!allocatable) return undefined;
  const requested = pods
    .filter((p) => p.spec?.nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    .reduce((sum, p) => sum + podMemory(p), 0);
  const asks = pending ? podMemory(pending) : 0;
  const cpu = parseCpu(String(node?.status?.allocatable?.cpu ?? '')) ?? 0;
  return `the node has ${formatMemory(allocatable)} allocatable memory${cpu ? ` and ${cpu / 1000} CPUs` : ''}; running pods request ${formatMemory(requested)}; this pod asks ${formatMemory(asks)} more`;
}

function podMemory(pod: IPod): number {
  return (pod.spec?.containers ?? []).reduce((sum, c) => sum + (parseMemory(String(c.resources?.requests?.memory ?? '0')) ?? 0), 0);
}
