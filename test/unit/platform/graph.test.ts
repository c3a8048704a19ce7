// The dependency graph: validation, order, waves, and component selection.
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../../src/platform/catalog.js';
import { CatalogError, dependencyMap, topoOrder, validateGraph, waves, type GraphNode } from '../../../src/platform/graph.js';
import type { ServiceName } from '../../../src/platform/names.js';
import { installWaves, platformDependencies, selectServices } from '../../../src/platform/select.js';
import type { ServiceDefinition } from '../../../src/platform/types.js';
import { config } from './helpers.js';

const node = (name: string, ...dependsOn: string[]): GraphNode => ({ name, dependsOn });

describe('validateGraph', () => {
  it.each([
    ['an unknown dependency', [node('a'), node('b', 'a', 'ghost')], /service b depends on unknown service ghost/],
    ['a cycle', [node('a', 'c'), node('b', 'a'), node('c', 'b')], /dependency cycle: a → c → b → a/],
    ['a self-dependency', [node('a', 'a')], /service a depends on itself/],
    ['a duplicate', [node('a'), node('a')], /service a is defined twice/],
  ])('rejects %s, naming it', (_n, nodes, message) => {
    expect(() => validateGraph(nodes)).toThrow(CatalogError);
    expect(() => validateGraph(nodes)).toThrow(message);
  });

  it('accepts the real catalog', () => {
    expect(() => validateGraph(CATALOG)).not.toThrow();
  });
});

describe('order and waves', () => {
  const diamond = [node('d', 'b', 'c'), node('b', 'a'), node('c', 'a'), node('a')];

  it('puts every node after its dependencies, keeping input order on ties', () => {
    expect(topoOrder(diamond).map((n) => n.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('groups independent nodes into waves', () => {
    expect(waves(diamond).map((w) => w.map((n) => n.name))).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('maps each node to its direct dependencies', () => {
    expect(dependencyMap(diamond).get('d')).toEqual(['b', 'c']);
  });

  it.each([topoOrder, waves, dependencyMap])('%o refuses a cyclic graph', (fn) => {
    expect(() => fn([node('x', 'y'), node('y', 'x')])).toThrow(/cycle/);
  });
});

describe('the platform graph', () => {
  const names = (defs: readonly ServiceDefinition[]) => defs.map((s) => s.name);

  it('orders the default platform dependencies-first', () => {
    const order = names(selectServices(config()));
    expect(order).toHaveLength(14);
    for (const def of CATALOG) {
      for (const dep of def.dependsOn) expect(order.indexOf(dep), `${dep} before ${def.name}`).toBeLessThan(order.indexOf(def.name));
    }
  });

  it('has the seed order storage → catalog → observability → orchestrator → semantic as a valid linearisation', () => {
    const seed = ['storage', 'catalog', 'observability', 'orchestrator', 'semantic'];
    const components = selectServices(config()).map((s) => seed.indexOf(s.component));
    expect(components).toEqual([...components].sort((a, b) => a - b));
  });

  it('installs independent services together: the first wave holds every service without dependencies', () => {
    const first = names(installWaves(config())[0]!);
    expect(first.sort()).toEqual(['catalog-db', 'cubestore', 'minio', 'orchestrator-db', 'otel-collector', 'prometheus']);
    expect(installWaves(config()).flat()).toHaveLength(14);
  });

  it('knows what each service waits for', () => {
    const deps = platformDependencies(config());
    expect(deps.get('dagster-webserver')).toEqual(['orchestrator-db', 'dagster-code-location']);
    expect(deps.get('polaris')).toEqual(['catalog-db', 'polaris-bootstrap']);
    expect(deps.get('cube')).toEqual(['cubestore']);
    expect(deps.get('minio')).toEqual([]);
  });

  it.each<[string, string[], ServiceName[]]>([
    ['storage', ['storage'], ['minio', 'minio-bucket']],
    // The platform's Iceberg catalog lives in the MinIO bucket: catalog brings storage.
    ['catalog', ['catalog'], ['minio', 'minio-bucket', 'catalog-db', 'polaris-bootstrap', 'polaris']],
    ['observability', ['observability'], ['otel-collector', 'prometheus', 'grafana']],
    ['orchestrator', ['orchestrator'], ['orchestrator-db', 'dagster-code-location', 'dagster-webserver', 'dagster-daemon']],
    // Cube reads its sample model from in-process DuckDB: the semantic component needs no catalog.
    ['semantic', ['semantic'], ['cubestore', 'cube']],
    ['orchestrator + storage', ['orchestrator', 'storage'], ['minio', 'minio-bucket', 'orchestrator-db', 'dagster-code-location', 'dagster-webserver', 'dagster-daemon']],
  ])('--component %s selects it and what it depends on', (_n, components, expected) => {
    expect(names(selectServices(config({ components: components as never })))).toEqual(expected);
  });

  it('drops Cube Store, and Cube’s dependency on it, with semantic.cache: memory', () => {
    const cfg = config({ components: ['semantic'], semantic: { cache: 'memory' } });
    expect(names(selectServices(cfg))).toEqual(['cube']);
    expect(platformDependencies(cfg).get('cube')).toEqual([]);
  });

  it('reports a catalog whose service depends on an unknown one, naming both', () => {
    const broken: ServiceDefinition[] = [...CATALOG.filter((s) => s.name !== 'cube'), { ...CATALOG.at(-1)!, dependsOn: ['ghost' as ServiceName] }];
    expect(() => selectServices(config(), broken)).toThrow(/service cube depends on unknown service ghost/);
  });

  it('reports a catalog with a dependency cycle, naming it', () => {
    const cyclic = CATALOG.map((s) => (s.name === 'minio' ? { ...s, dependsOn: ['minio-bucket' as ServiceName] } : s));
    expect(() => selectServices(config(), cyclic)).toThrow(/dependency cycle: minio → minio-bucket → minio/);
  });
});
