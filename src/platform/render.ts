// Renders the selected platform to Kubernetes objects, and objects to multi-document YAML for `kubectl apply -f -`.
import type { INamespace, ISecret } from 'kubernetes-models/v1';
import { stringify } from 'yaml';
import type { Config } from '../config/schema.js';
import type { PlatformCredentials } from './credentials.js';
import { MANAGED_BY, PART_OF } from './k8s.js';
import type { ServiceName } from './names.js';
import { resolveImage, resolveResources } from './overrides.js';
import { renderSecrets } from './secrets.js';
import { selectServices } from './select.js';
import type { KubeObject, RenderContext, ServiceDefinition, WorkloadRef } from './types.js';

export interface RenderInput {
  config: Config;
  credentials: PlatformCredentials;
  /** Host image IDs by reference (`up` knows them after its images step). */
  imageIds?: Readonly<Record<string, string>>;
  /** Images pushed to the local registry: reference → what pods run (localhost:<port>/...@sha256:...). */
  imageRefs?: Readonly<Record<string, string>>;
}

/** Checks every `services.<name>` override, selected or not, so a mistake never waits for the day it is used. */
export function validateOverrides(config: Config): void {
  for (const name of Object.keys(config.services) as ServiceName[]) {
    resolveResources(config, name);
  }
}

export function renderContext(
  config: Config,
  credentials: PlatformCredentials,
  selected: readonly ServiceDefinition[],
  imageIds?: Readonly<Record<string, string>>,
  imageRefs?: Readonly<Record<string, string>>,
): RenderContext {
  return {
    config,
    credentials,
    namespace: config.namespace,
    selected: new Set(selected.map((s) => s.name)),
    image: (name) => resolveImage(config, name),
    resources: (name) => resolveResources(config, name),
    ...(imageIds ? { imageIds } : {}),
    ...(imageRefs ? { imageRefs } : {}),
  };
}

export interface RenderedService {
  service: ServiceDefinition;
  /** Its ConfigMaps, Service and workload; shared ConfigMaps appear with each service that mounts them. */
  objects: KubeObject[];
}

export interface RenderedPlatform {
  namespace: INamespace;
  secrets: ISecret[];
  /** In dependency order. */
  services: RenderedService[];
}

/** The platform split by service, for an install that applies each service once its dependencies are ready. */
export function renderPlatformByService({ config, credentials, imageIds, imageRefs }: RenderInput): RenderedPlatform {
  validateOverrides(config);
  const selected = selectServices(config);
  const ctx = renderContext(config, credentials, selected, imageIds, imageRefs);
  return {
    namespace: namespaceObject(config.namespace),
    secrets: renderSecrets(
      selected.flatMap((s) => s.secrets),
      credentials,
      config.namespace,
    ),
    services: selected.map((service) => ({ service, objects: service.render(ctx) })),
  };
}

/**
 * Every object of the selected platform, in apply order: Namespace, Secrets, ConfigMaps, then each service's
 * Service and workload in dependency order. Objects shared by several services appear once.
 */
export function renderPlatform(input: RenderInput): KubeObject[] {
  const rendered = renderPlatformByService(input);
  const all = rendered.services.flatMap((s) => s.objects);
  const unique = dedupe(all);
  const configMaps = unique.filter((o) => o.kind === 'ConfigMap');
  const rest = unique.filter((o) => o.kind !== 'ConfigMap');
  return [rendered.namespace, ...rendered.secrets, ...configMaps, ...rest];
}

function dedupe(objects: readonly KubeObject[]): KubeObject[] {
  const seen = new Map<string, string>();
  const out: KubeObject[] = [];
  for (const o of objects) {
    const key = `${o.kind}/${o.metadata?.name}`;
    const text = JSON.stringify(o);
    const previous = seen.get(key);
    if (previous === undefined) {
      seen.set(key, text);
      out.push(o);
    } else if (previous !== text) {
      throw new Error(`two services render different ${key} objects (a bug in the catalog)`);
    }
  }
  return out;
}

export function namespaceObject(name: string): INamespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': MANAGED_BY } },
  };
}

/**
 * Multi-document YAML. YAML 1.1 quoting, because kubectl reads YAML 1.1: strings such as "yes", "on" or
 * "0755" are quoted rather than turning into booleans or octal numbers on the way in.
 */
export function toYaml(objects: readonly KubeObject[]): string {
  return objects
    .map((o) => stringify(o, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false }))
    .join('---\n');
}

/** Every image the services' pods use (containers, init containers, Jobs), after overrides, without repeats. */
export function imagesFor(services: readonly ServiceDefinition[], config: Config): string[] {
  const image = (name: ServiceName) => resolveImage(config, name);
  return [...new Set(services.flatMap((s) => s.images({ image, config })))];
}

/** A service's workloads: the one named like it, or those it declares (one per Dagster code location). */
export function workloadsOf(service: ServiceDefinition, config: Config): WorkloadRef[] {
  return service.workloads?.({ config, image: (name) => resolveImage(config, name) }) ?? [{ kind: service.kind, name: service.name }];
}
