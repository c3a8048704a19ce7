// Which checks run for a configuration, and the catalog rules the runner relies on (needs declared first).
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { CATALOG } from '../../../src/platform/catalog.js';
import type { ServiceDefinition, SmokeCheck } from '../../../src/platform/types.js';
import { plannedChecks } from '../../../src/smoke/checks.js';

const names = (components?: string[]) => plannedChecks(configSchema.parse(components ? { components } : {})).map((c) => c.check.name);

describe('plannedChecks', () => {
  it('runs the design §6 checks of the whole platform', () => {
    expect(names()).toEqual([
      'polaris health',
      'polaris oauth token',
      'polaris catalogs',
      'polaris iceberg config',
      'polaris namespace',
      'polaris namespaces listed',
      'dagster server info',
      'dagster graphql',
      'dagster code location',
      'dagster daemon',
      'cube ready',
      'cube meta',
      'cube load',
    ]);
  });

  it('runs only the selected components’ checks', () => {
    expect(names(['orchestrator'])).toEqual(['dagster server info', 'dagster graphql', 'dagster code location', 'dagster daemon']);
  });

  const service = (smoke: SmokeCheck[]): ServiceDefinition => ({ ...CATALOG.find((s) => s.name === 'cube')!, smoke });
  const c = (name: string, needs?: string[]): SmokeCheck => ({ name, forward: 'cube', method: 'GET', path: '/', expect: { status: 200 }, ...(needs ? { needs } : {}) });

  it.each<[string, SmokeCheck[], RegExp]>([
    ['an unknown need', [c('a', ['nope'])], /"a" needs "nope", which no selected service declares/],
    ['a need declared later (a cycle could hide there)', [c('a', ['b']), c('b')], /"a" needs "b", which is declared after it/],
    ['a name used twice', [c('a'), c('a')], /"a" is declared twice/],
  ])('rejects %s', (_what, smoke, error) => {
    expect(() => plannedChecks(configSchema.parse({}), [service(smoke)])).toThrow(error);
  });
});
