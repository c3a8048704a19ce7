// The platform's resource summary: per-service and total CPU/memory requests and limits, against the dev budget.
import type { IContainer, IPodSpec } from 'kubernetes-models/v1';
import type { Config } from '../config/schema.js';
import { generateCredentials } from './credentials.js';
import type { ServiceName } from './names.js';
import { formatCpu, formatMemory, parseCpu, parseMemory } from './quantity.js';
import { renderPlatformByService } from './render.js';
import type { KubeObject, WorkloadKind } from './types.js';

/**
 * Design §4: the default platform's requests fit an 8 GB Docker VM next to kind (~1 GiB); its limits, sized from
 * what the services really use (each catalog entry's memoryFloor), may sum to 8 GiB.
 */
export const MEMORY_BUDGET = {
  requests: 3 * 2 ** 30,
  limits: 8 * 2 ** 30,
} as const;

export interface Amounts {
  /** Millicores. */
  cpu: number;
  /** Bytes. */
  memory: number;
}

export interface ServiceResources {
  name: ServiceName;
  component: string;
  kind: WorkloadKind;
  requests: Amounts;
  limits: Amounts;
}

export interface ResourceSummary {
  services: ServiceResources[];
  total: { requests: Amounts; limits: Amounts };
  budget: { requests: number; limits: number; withinBudget: boolean };
}

/**
 * What each selected service's pod asks for, the way the scheduler counts it: the larger of its containers'
 * sum and its largest init container. Jobs are counted too (they run during install, next to everything else).
 */
export function resourceSummary(config: Config): ResourceSummary {
  // Credentials do not change any resource: render with throwaway ones.
  const rendered = renderPlatformByService({ config, credentials: generateCredentials() });
  const services = rendered.services.map(({ service, objects }) => {
    const pods = objects.map(podOf).filter((p): p is IPodSpec => p !== undefined);
    const sum = (pick: (c: IContainer) => Amounts) => pods.reduce((acc, pod) => add(acc, effective(pod, pick)), zero());
    return {
      name: service.name,
      component: service.component,
      kind: service.kind,
      requests: sum((c) => amounts(c.resources?.requests)),
      limits: sum((c) => amounts(c.resources?.limits)),
    };
  });
  const total = {
    requests: services.reduce((acc, s) => add(acc, s.requests), zero()),
    limits: services.reduce((acc, s) => add(acc, s.limits), zero()),
  };
  return {
    services,
    total,
    budget: {
      requests: MEMORY_BUDGET.requests,
      limits: MEMORY_BUDGET.limits,
      withinBudget: total.requests.memory <= MEMORY_BUDGET.requests && total.limits.memory <= MEMORY_BUDGET.limits,
    },
  };
}

function podOf(o: KubeObject): IPodSpec | undefined {
  if (o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'Job') return o.spec?.template.spec;
  return undefined;
}

function effective(pod: IPodSpec, pick: (c: IContainer) => Amounts): Amounts {
  const main = pod.containers.map(pick).reduce(add, zero());
  const init = (pod.initContainers ?? []).map(pick);
  return {
    cpu: Math.max(main.cpu, ...init.map((a) => a.cpu)),
    memory: Math.max(main.memory, ...init.map((a) => a.memory)),
  };
}

function amounts(list: Record<string, string | number> | undefined): Amounts {
  return {
    cpu: parseCpu(String(list?.cpu ?? '0')) ?? 0,
    memory: parseMemory(String(list?.memory ?? '0')) ?? 0,
  };
}

const zero = (): Amounts => ({ cpu: 0, memory: 0 });
const add = (a: Amounts, b: Amounts): Amounts => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory });

/** A table for people; `--output json` prints the summary object itself. */
export function formatSummary(summary: ResourceSummary): string {
  const header = ['SERVICE', 'COMPONENT', 'KIND', 'CPU REQ', 'CPU LIM', 'MEM REQ', 'MEM LIM'];
  const rows = summary.services.map((s) => [
    s.name,
    s.component,
    s.kind,
    formatCpu(s.requests.cpu),
    formatCpu(s.limits.cpu),
    formatMemory(s.requests.memory),
    formatMemory(s.limits.memory),
  ]);
  const t = summary.total;
  rows.push([
    `TOTAL (${summary.services.length} services)`,
    '',
    '',
    formatCpu(t.requests.cpu),
    formatCpu(t.limits.cpu),
    formatMemory(t.requests.memory),
    formatMemory(t.limits.memory),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const b = summary.budget;
  const verdict = b.withinBudget
    ? 'within the dev budget'
    : 'OVER the dev budget (the default platform fits an 8 GB Docker VM; your overrides do not)';
  return [
    line(header),
    ...rows.slice(0, -1).map(line),
    line(rows.at(-1)!.map(() => '').map((_, i) => '-'.repeat(widths[i]!))),
    line(rows.at(-1)!),
    '',
    `Memory: requests ${formatMemory(t.requests.memory)} of ${formatMemory(b.requests)}, limits ${formatMemory(t.limits.memory)} of ${formatMemory(b.limits)}: ${verdict}.`,
    'Jobs run to completion during install; init containers count only when larger than their pod.',
    '',
  ].join('\n');
}
