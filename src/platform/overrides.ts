// Per-service overrides from the configuration (`services.<name>.image` / `.resources`), checked and applied.
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { serviceByName } from './catalog.js';
import type { ServiceName } from './names.js';
import { formatCpu, formatMemory, parseCpu, parseMemory } from './quantity.js';
import type { ResourceSpec } from './types.js';

/** The main image of a service after `services.<name>.image`. */
export function resolveImage(config: Config, name: ServiceName): string {
  return config.services[name]?.image ?? serviceByName(name).image;
}

/**
 * A service's main-container resources after `services.<name>.resources`. Throws a ConfigError naming the key
 * when a quantity is one Kubernetes would refuse, or when a request ends up above its limit.
 */
export function resolveResources(config: Config, name: ServiceName): ResourceSpec {
  const base = serviceByName(name).resources;
  const override = config.services[name]?.resources;
  const merged: ResourceSpec = {
    requests: { ...base.requests, ...override?.requests },
    limits: { ...base.limits, ...override?.limits },
  };
  for (const kind of ['requests', 'limits'] as const) {
    for (const resource of ['cpu', 'memory'] as const) {
      const value = override?.[kind]?.[resource];
      if (value !== undefined && parse(resource, value) === undefined) {
        throw new ConfigError(
          `\`services.${name}.resources.${kind}.${resource}\`: value ${JSON.stringify(value)} is not a Kubernetes ${resource} quantity`,
          `services.${name}.resources.${kind}.${resource}`,
          { hint: resource === 'cpu' ? 'use e.g. 250m or 0.5' : 'use e.g. 256Mi, 1Gi or 512M (Kubernetes suffixes are case-sensitive: k, Ki, M, Mi, ...)' },
        );
      }
    }
  }
  for (const resource of ['cpu', 'memory'] as const) {
    const request = parse(resource, merged.requests[resource])!;
    const limit = parse(resource, merged.limits[resource])!;
    if (request > limit) {
      const blamed = override?.requests?.[resource] !== undefined ? 'requests' : 'limits';
      const show = resource === 'cpu' ? formatCpu : formatMemory;
      throw new ConfigError(
        `\`services.${name}.resources.${blamed}.${resource}\`: the ${resource} request (${show(request)}) would be above the limit (${show(limit)}); Kubernetes refuses that`,
        `services.${name}.resources.${blamed}.${resource}`,
        { hint: `set services.${name}.resources.requests.${resource} at most services.${name}.resources.limits.${resource}` },
      );
    }
  }
  return merged;
}

function parse(resource: 'cpu' | 'memory', value: string): number | undefined {
  return resource === 'cpu' ? parseCpu(value) : parseMemory(value);
}
