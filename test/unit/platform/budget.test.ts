// The dev budget (design §4), each service's memory floor, and the resource summary `floe-dev render --summary` prints.
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../../src/platform/catalog.js';
import { formatCpu, formatMemory, parseCpu, parseMemory } from '../../../src/platform/quantity.js';
import { formatSummary, MEMORY_BUDGET, resourceSummary, summaryJson } from '../../../src/platform/summary.js';
import type { ServiceDefinition } from '../../../src/platform/types.js';
import { config, containers, render } from './helpers.js';

const GI = 2 ** 30;

describe('the dev budget', () => {
  const summary = resourceSummary(config());

  it.each(['amd64', 'arm64'])('keeps the default platform’s memory requests within 3 GiB and limits within 8 GiB on %s', (arch) => {
    const s = resourceSummary(config({}, arch));
    expect(s.services).toHaveLength(arch === 'amd64' ? 14 : 13);
    expect(s.total.requests.memory).toBeLessThanOrEqual(3 * GI);
    expect(s.total.limits.memory).toBeLessThanOrEqual(8 * GI);
    expect(s.budget.withinBudget).toBe(true);
  });

  it('counts what the rendered pods ask for (containers summed, init containers when larger)', () => {
    const objects = render();
    const mainOnly = containers(objects)
      .filter((p) => !p.init)
      .reduce((sum, p) => sum + parseMemory(String(p.container.resources!.limits!.memory))!, 0);
    expect(summary.total.limits.memory).toBe(mainOnly);
  });

  it('flags a configuration that goes over the budget', () => {
    const big = resourceSummary(config({ services: { polaris: { resources: { limits: { memory: '2Gi' } } }, cube: { resources: { limits: { memory: '1Gi' } } } } }));
    expect(big.total.limits.memory).toBe(summary.total.limits.memory + (GI) + (GI - parseMemory('640Mi')!));
    expect(big.budget.withinBudget).toBe(false);
    expect(formatSummary(big)).toMatch(/OVER the dev budget/);
  });

  it('shrinks with the lighter options', () => {
    const memory = resourceSummary(config({ semantic: { cache: 'memory' } }));
    expect(memory.services.map((s) => s.name)).not.toContain('cubestore');
    expect(memory.total.limits.memory).toBeLessThan(summary.total.limits.memory);
    expect(resourceSummary(config({ components: ['orchestrator'] })).services).toHaveLength(4);
  });

  it('prints a row per service, the totals and the verdict', () => {
    const text = formatSummary(summary);
    for (const s of summary.services) expect(text).toMatch(new RegExp(`^${s.name}\\s+${s.component}\\s+${s.kind}`, 'm'));
    // One unit per column (millicores, MiB), and the same unit on both sides of each comparison.
    expect(text).toMatch(/^TOTAL \(14 services\)\s+1060m\s+12500m\s+2912Mi\s+7936Mi$/m);
    expect(text).toMatch(/^Memory: requests 2\.84Gi of 3\.00Gi, limits 7\.75Gi of 8\.00Gi: within the dev budget\.$/m);
    expect(text).toMatch(/^CPU: requests 1060m \(1\.06 cores\), limits 12500m \(12\.5 cores\)\.$/m);
    for (const s of summary.services) expect(text).toMatch(new RegExp(`^${s.name}\\s.*\\s\\d+m\\s+\\d+m\\s+\\d+(\\.\\d)?Mi\\s+\\d+(\\.\\d)?Mi$`, 'm'));
    expect(MEMORY_BUDGET).toEqual({ requests: 3 * GI, limits: 8 * GI });
  });
});

/** Why a service's default memory limit does not meet its floor, or undefined when it does. */
function belowFloor(s: ServiceDefinition): string | undefined {
  const floor = parseMemory(s.memoryFloor.memory);
  const limit = parseMemory(s.resources.limits.memory);
  if (floor === undefined || limit === undefined) return `${s.name}: floor ${s.memoryFloor.memory} or limit ${s.resources.limits.memory} is not a quantity`;
  return limit < floor ? `${s.name}: limit ${s.resources.limits.memory} is below its floor ${s.memoryFloor.memory} (${s.memoryFloor.source})` : undefined;
}

describe('memory floors (what each service really needs, with its source)', () => {
  it.each(CATALOG.map((s) => [s.name, s] as const))('%s: the default limit is at least its floor, the request at most the limit', (_n, s) => {
    expect(belowFloor(s)).toBeUndefined();
    expect(parseMemory(s.resources.requests.memory)!).toBeLessThanOrEqual(parseMemory(s.resources.limits.memory)!);
    expect(s.memoryFloor.source.length, `${s.name}: name where the floor comes from`).toBeGreaterThan(20);
  });

  it('catches a limit below its floor (Grafana at its old 256Mi)', () => {
    const grafana = CATALOG.find((s) => s.name === 'grafana')!;
    const old = { ...grafana, resources: { ...grafana.resources, limits: { ...grafana.resources.limits, memory: '256Mi' } } };
    expect(belowFloor(old)).toMatch(/grafana: limit 256Mi is below its floor 400Mi \(grafana\/grafana#123017/);
  });

  it('renders the limits the floors were checked against', () => {
    const limits = new Map(containers(render()).filter((p) => !p.init).map((p) => [p.object.metadata?.name, p.container.resources?.limits?.memory]));
    for (const s of CATALOG) expect(limits.get(s.name), s.name).toBe(s.resources.limits.memory);
  });
});

describe('the summary as JSON', () => {
  it('names the unit of every number (millicores, bytes)', () => {
    const summary = resourceSummary(config());
    const json = summaryJson(summary) as Record<string, unknown>;
    const numbers: string[] = [];
    const walk = (value: unknown, key: string): void => {
      if (typeof value === 'number') numbers.push(key);
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, Array.isArray(value) ? key : k);
    };
    walk(json, '');
    expect(numbers.length).toBeGreaterThan(50);
    expect(numbers.filter((k) => !/(Millicores|Bytes)$/.test(k))).toEqual([]);
    expect(json).toMatchObject({
      total: { requests: { cpuMillicores: summary.total.requests.cpu, memoryBytes: summary.total.requests.memory } },
      budget: { memoryRequestsBytes: MEMORY_BUDGET.requests, memoryLimitsBytes: MEMORY_BUDGET.limits, withinBudget: true },
    });
  });
});

describe('quantities', () => {
  it.each([
    ['256Mi', 256 * 2 ** 20],
    ['1Gi', GI],
    ['1.5Gi', 1.5 * GI],
    ['512M', 512e6],
    ['128k', 128e3],
    ['1073741824', GI],
  ])('memory %s = %d bytes', (q, bytes) => {
    expect(parseMemory(q)).toBe(bytes);
  });

  it.each(['-1Gi', '1K', '1gb', 'lots', '0', '', '100m'])('memory %j is not a Kubernetes memory quantity', (q) => {
    expect(parseMemory(q)).toBeUndefined();
  });

  it.each([
    ['250m', 250],
    ['0.5', 500],
    ['2', 2000],
    ['1.5', 1500],
  ])('cpu %s = %d millicores', (q, m) => {
    expect(parseCpu(q)).toBe(m);
  });

  it.each(['-1', '0.1m', '1Gi', 'x', '0'])('cpu %j is not a CPU quantity', (q) => {
    expect(parseCpu(q)).toBeUndefined();
  });

  it.each([
    [768 * 2 ** 20, '768Mi'],
    [2.25 * GI, '2.25Gi'],
    [6080 * 2 ** 20, '6080Mi'],
    [3 * GI, '3Gi'],
  ])('formats %d bytes as %s', (bytes, text) => {
    expect(formatMemory(bytes)).toBe(text);
  });

  it.each([
    [250, '250m'],
    [1000, '1'],
    [1060, '1.06'],
    [12500, '12.5'],
  ])('formats %d millicores as %s', (m, text) => {
    expect(formatCpu(m)).toBe(text);
  });
});
