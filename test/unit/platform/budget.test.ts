// The dev budget (design §4) and the resource summary `floe-dev render --summary` prints.
import { describe, expect, it } from 'vitest';
import { formatCpu, formatMemory, parseCpu, parseMemory } from '../../../src/platform/quantity.js';
import { formatSummary, MEMORY_BUDGET, resourceSummary, summaryJson } from '../../../src/platform/summary.js';
import { config, containers, render } from './helpers.js';

const GI = 2 ** 30;

describe('the dev budget', () => {
  const summary = resourceSummary(config());

  it('keeps the default platform’s memory requests within 3 GiB and limits within 6 GiB', () => {
    expect(summary.services).toHaveLength(14);
    expect(summary.total.requests.memory).toBeLessThanOrEqual(3 * GI);
    expect(summary.total.limits.memory).toBeLessThanOrEqual(6 * GI);
    expect(summary.budget.withinBudget).toBe(true);
  });

  it('counts what the rendered pods ask for (containers summed, init containers when larger)', () => {
    const objects = render();
    const mainOnly = containers(objects)
      .filter((p) => !p.init)
      .reduce((sum, p) => sum + parseMemory(String(p.container.resources!.limits!.memory))!, 0);
    expect(summary.total.limits.memory).toBe(mainOnly);
  });

  it('flags a configuration that goes over the budget', () => {
    const big = resourceSummary(config({ services: { polaris: { resources: { limits: { memory: '2Gi' } } } } }));
    expect(big.total.limits.memory).toBe(summary.total.limits.memory + (2 * GI - parseMemory('768Mi')!));
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
    expect(text).toMatch(/^TOTAL \(14 services\)\s+1060m\s+12500m\s+2304Mi\s+6080Mi$/m);
    expect(text).toMatch(/^Memory: requests 2\.25Gi of 3\.00Gi, limits 5\.94Gi of 6\.00Gi: within the dev budget\.$/m);
    expect(text).toMatch(/^CPU: requests 1060m \(1\.06 cores\), limits 12500m \(12\.5 cores\)\.$/m);
    for (const s of summary.services) expect(text).toMatch(new RegExp(`^${s.name}\\s.*\\s\\d+m\\s+\\d+m\\s+\\d+(\\.\\d)?Mi\\s+\\d+(\\.\\d)?Mi$`, 'm'));
    expect(MEMORY_BUDGET).toEqual({ requests: 3 * GI, limits: 6 * GI });
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
      budget: { memoryRequestsBytes: 3 * GI, memoryLimitsBytes: 6 * GI, withinBudget: true },
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
