// The text of `floe-dev status`, in the platform's status layout (design §6). Pure.
import { formatForwardLines, type ForwardView } from '../forward/control.js';
import type { ComponentName, ServiceName } from '../platform/names.js';
import type { WorkloadKind } from '../platform/types.js';

/** A service's state in status terms: Deployments and StatefulSets are ready or not, Jobs complete or running. */
export type WorkloadState = 'ready' | 'unready' | 'complete' | 'running' | 'failed';

export interface ServiceStatus {
  name: ServiceName;
  /** Its name under its component: "webserver", "database". */
  label: string;
  kind: WorkloadKind;
  /** `missing`: not installed (no workload). */
  state: WorkloadState | 'missing';
  ready?: number;
  desired?: number;
  reason?: string;
  /** Its readiness endpoint, asked through its forward (only services that have one). */
  health?: { state: 'healthy' | 'unhealthy' | 'unknown'; reason?: string };
}

export interface StatusReport {
  /** Every service ready (Jobs complete), healthy where asked, and every forward up. */
  ok: boolean;
  platform: string;
  cluster: { name: string; kind: 'kind' | 'existing'; context?: string; kubernetesVersion: string };
  namespace: string;
  kubeconfig: string;
  /** How to reach the platform with plain kubectl: `export KUBECONFIG=…` (kind), or the flags for your own context. */
  kubectl: string;
  components: { name: ComponentName; services: ServiceStatus[] }[];
  supervisor?: { pid: number; running: boolean; log: string };
  forwards: ForwardView[];
  /** The local registry (registry.enabled only). */
  registry?: RegistryStatus;
}

export interface RegistryStatus {
  url: string;
  container: string;
  /** `up`: running and answering GET /v2/; `down`: not running (or not answering); `missing`: no container. */
  state: 'up' | 'down' | 'missing' | 'unknown';
  reason?: string;
}

/** What each service is called under its component in the layout. */
const LABELS: Partial<Record<ServiceName, string>> = {
  'dagster-webserver': 'webserver',
  'dagster-daemon': 'daemon',
  'dagster-code-location': 'code location',
  'orchestrator-db': 'database',
  'catalog-db': 'database',
  'polaris-bootstrap': 'bootstrap',
  'minio-bucket': 'bucket',
  cubestore: 'cube store',
};

export function serviceLabel(name: ServiceName): string {
  return LABELS[name] ?? name;
}

export function serviceOk(s: ServiceStatus): boolean {
  return (s.state === 'ready' || s.state === 'complete') && s.health?.state !== 'unhealthy';
}

function serviceLine(s: ServiceStatus): string {
  let text: string;
  switch (s.state) {
    case 'ready':
      text = `${s.ready ?? 0}/${s.desired ?? 1} ready`;
      break;
    case 'unready':
      text = `${s.ready ?? 0}/${s.desired ?? 1} ready${s.reason ? `: ${s.reason}` : ''}`;
      break;
    case 'complete':
      text = 'complete';
      break;
    case 'running':
      text = 'running (not complete yet)';
      break;
    case 'failed':
      text = `${s.kind === 'Job' ? '' : `${s.ready ?? 0}/${s.desired ?? 1} ready: `}failed${s.reason ? `: ${s.reason}` : ''}`;
      break;
    case 'missing':
      text = 'not installed';
      break;
  }
  if (s.health) text += ` (${s.health.state}${s.health.reason ? `: ${s.health.reason}` : ''})`;
  return `${s.label}: ${text}`;
}

export function formatStatus(r: StatusReport): string {
  const lines = [
    `Platform: ${r.platform} (${r.cluster.kind === 'kind' ? `kind cluster ${r.cluster.name}` : `existing cluster, context ${r.cluster.context ?? r.cluster.name}`}, Kubernetes ${r.cluster.kubernetesVersion})`,
    `Namespace: ${r.namespace}`,
    '',
    'Services:',
  ];
  for (const component of r.components) {
    lines.push(`  ${component.name}:`);
    for (const s of component.services) lines.push(`    ${serviceLine(s)}`);
  }
  lines.push('Forwards:');
  lines.push(...formatForwardLines(r.forwards));
  if (r.registry) {
    lines.push('Registry:');
    lines.push(`  ${r.registry.url}  (${r.registry.state}${r.registry.reason ? `: ${r.registry.reason}` : ''}; container ${r.registry.container})`);
  }
  lines.push('', r.kubectl);
  return `${lines.join('\n')}\n`;
}
