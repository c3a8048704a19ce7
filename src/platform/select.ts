// Which services a configuration installs: enabled components, the components they depend on, and the order.
import type { Config } from '../config/schema.js';
import { BOOTSTRAP, type BootstrapSpec } from './bootstrap.js';
import { CATALOG } from './catalog.js';
import { CatalogError, dependencyMap, topoOrder, validateGraph, waves, type GraphNode } from './graph.js';
import type { ComponentName, ServiceName } from './names.js';
import type { ServiceDefinition } from './types.js';

export function isEnabled(def: ServiceDefinition, config: Config): boolean {
  return def.enabled?.(config) ?? true;
}

/** A service's dependencies under this configuration: those on services the configuration turns off drop out. */
export function effectiveDependencies(def: ServiceDefinition, config: Config, catalog: readonly ServiceDefinition[] = CATALOG): ServiceName[] {
  return def.dependsOn.filter((dep) => {
    const target = catalog.find((s) => s.name === dep);
    return target === undefined || isEnabled(target, config);
  });
}

/**
 * The enabled components plus, transitively, every component their services and bootstrap tasks depend on
 * (the catalog's Iceberg catalog lives in the storage component's bucket, so `catalog` brings `storage`).
 */
export function componentClosure(
  config: Config,
  catalog: readonly ServiceDefinition[] = CATALOG,
  bootstrap: readonly BootstrapSpec[] = catalog === CATALOG ? BOOTSTRAP : [],
): Set<ComponentName> {
  validateGraph(catalog);
  const componentOf = new Map<string, ComponentName>([...catalog.map((s) => [s.name, s.component] as const), ...bootstrap.map((b) => [b.name, b.component] as const)]);
  const components = new Set<ComponentName>(config.components);
  const needs = [
    ...catalog.filter((def) => isEnabled(def, config)).map((def) => ({ component: def.component, deps: effectiveDependencies(def, config, catalog) as readonly string[] })),
    ...bootstrap.map((b) => ({ component: b.component, deps: b.dependsOn as readonly string[] })),
  ];
  let grew = true;
  while (grew) {
    grew = false;
    for (const need of needs) {
      if (!components.has(need.component)) continue;
      for (const dep of need.deps) {
        const target = componentOf.get(dep);
        if (target && !components.has(target)) {
          components.add(target);
          grew = true;
        }
      }
    }
  }
  return components;
}

/**
 * The services to install, dependencies first: every enabled service of the selected components and of the
 * components they depend on (`--component orchestrator` brings only Dagster and its database).
 */
export function selectServices(config: Config, catalog: readonly ServiceDefinition[] = CATALOG): ServiceDefinition[] {
  const components = componentClosure(config, catalog);
  const selected = catalog.filter((s) => components.has(s.component) && isEnabled(s, config));
  const names = new Set(selected.map((s) => s.name));
  for (const def of selected) {
    for (const dep of effectiveDependencies(def, config, catalog)) {
      if (!names.has(dep)) throw new CatalogError(`service ${def.name} needs ${dep}, which the selection left out`);
    }
  }
  const order = topoOrder(graphOf(selected, config, catalog));
  return order.map((n) => selected.find((s) => s.name === n.name)!);
}

function graphOf(selected: readonly ServiceDefinition[], config: Config, catalog: readonly ServiceDefinition[]): GraphNode[] {
  return selected.map((s) => ({ name: s.name, dependsOn: effectiveDependencies(s, config, catalog) }));
}

/** The selection as graph nodes (name and effective dependencies), in install order. */
export function serviceGraph(config: Config, catalog: readonly ServiceDefinition[] = CATALOG): GraphNode[] {
  return graphOf(selectServices(config, catalog), config, catalog);
}

/** The selected services grouped into waves that can be installed concurrently. */
export function installWaves(config: Config, catalog: readonly ServiceDefinition[] = CATALOG): ServiceDefinition[][] {
  const selected = selectServices(config, catalog);
  return waves(graphOf(selected, config, catalog)).map((wave) => wave.map((n) => selected.find((s) => s.name === n.name)!));
}

/** Each selected service → the selected services it waits for. */
export function platformDependencies(config: Config, catalog: readonly ServiceDefinition[] = CATALOG): Map<ServiceName, ServiceName[]> {
  return dependencyMap(serviceGraph(config, catalog)) as Map<ServiceName, ServiceName[]>;
}
