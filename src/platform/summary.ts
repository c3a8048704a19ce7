// The platform's resource summary: per-service and total CPU/memory requests and limits, against the dev budget.
import type { IContainer, IPodSpec } from 'kubernetes-models/v1';
import type { Config } from '../config/schema.js';
import { generateCredentials } from './credentials.js';
import type { ServiceName } from './names.js';
import { parseCpu, parseMemory } from './quantity.js';
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

/** Memory in the table: always MiB, so a column reads down without switching units. */
const mib = (bytes: number): string => `${Math.round((bytes / 2 ** 20) * 10) / 10}Mi`;
/** Memory in the verdict: GiB to two decimals on both sides of "of". */
const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)}Gi`;
/** CPU: always millicores, as Kubernetes writes small amounts. */
const millicores = (millis: number): string => `${Math.round(millis)}m`;

/** A table for people; `--output json` prints summaryJson. */
export function formatSummary(summary: ResourceSummary): string {
  const header = ['SERVICE', 'COMPONENT', 'KIND', 'CPU REQ', 'CPU LIM', 'MEM REQ', 'MEM LIM'];
  const cells = (a: { requests: Amounts; limits: Amounts }) => [millicores(a.requests.cpu), millicores(a.limits.cpu), mib(a.requests.memory), mib(a.limits.memory)];
  const rows = summary.services.map((s) => [s.name, s.component, s.kind, ...cells(s)]);
  const t = summary.total;
  rows.push([`TOTAL (${summary.services.length} services)`, '', '', ...cells(t)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Numbers align right, names left.
  const line = (cells: string[]) => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const b = summary.budget;
  const verdict = b.withinBudget
    ? 'within the dev budget'
    : 'OVER the dev budget (the default platform fits an 8 GB Docker VM; your overrides do not)';
  const cores = (millis: number) => `${Math.round(millis / 10) / 100} cores`;
  return [
    line(header),
    ...rows.slice(0, -1).map(line),
    line(widths.map((w) => '-'.repeat(w))),
    line(rows.at(-1)!),
    '',
    `Memory: requests ${gib(t.requests.memory)} of ${gib(b.requests)}, limits ${gib(t.limits.memory)} of ${gib(b.limits)}: ${verdict}.`,
    `CPU: requests ${millicores(t.requests.cpu)} (${cores(t.requests.cpu)}), limits ${millicores(t.limits.cpu)} (${cores(t.limits.cpu)}).`,
    'Jobs run to completion during install; init containers count only when larger than their pod.',
    '',
  ].join('\n');
}

interface AmountsJson {
  cpuMillicores: number;
  memoryBytes: number;
}

const amountsJson = (a: Amounts): AmountsJson => ({ cpuMillicores: a.cpu, memoryBytes: a.memory });

/** `render --summary --json`: every figure names its unit (millicores, bytes). */
export function summaryJson(summary: ResourceSummary): unknown {
  return {
    services: summary.services.map((s) => ({
      name: s.name,
      component: s.component,
      kind: s.kind,
      requests: amountsJson(s.requests),
      limits: amountsJson(s.limits),
    })),
    total: { requests: amountsJson(summary.total.requests), limits: amountsJson(summary.total.limits) },
    budget: {
      memoryRequestsBytes: summary.budget.requests,
      memoryLimitsBytes: summary.budget.limits,
      withinBudget: summary.budget.withinBudget,
    },
  };
}
