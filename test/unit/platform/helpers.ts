// Test helpers for the platform: configurations, fixed credentials, rendered objects and their containers.
import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import type { IContainer, IPodSpec } from 'kubernetes-models/v1';
import { configSchema, type Config, type ConfigInput } from '../../../src/config/schema.js';
import { forArchitecture } from '../../../src/platform/architecture.js';
import type { PlatformCredentials } from '../../../src/platform/credentials.js';
import { renderPlatform } from '../../../src/platform/render.js';
import type { KubeObject } from '../../../src/platform/types.js';

/**
 * A configuration as the schema makes it, with its architecture choices made for `arch` (amd64 unless a test
 * says otherwise), so a result never depends on the machine the tests run on.
 */
export function config(input: ConfigInput = {}, arch = 'amd64'): Config {
  return forArchitecture(configSchema.parse(input), arch);
}

/** The schema's configuration as it is, `semantic.cache: auto` unresolved. */
export function rawConfig(input: ConfigInput = {}): Config {
  return configSchema.parse(input);
}

/** Recognisable values, so a test can search the output for any of them. */
export const CREDENTIALS: PlatformCredentials = {
  version: 1,
  polaris: { realm: 'POLARIS', clientId: 'floe-clientid0001', clientSecret: 'PolarisSecretValue0000000000001' },
  catalogDb: { username: 'polaris', password: 'CatalogDbPasswordValue000000001' },
  orchestratorDb: { username: 'dagster', password: 'OrchestratorDbPasswordValue0001' },
  minio: { rootUser: 'floe-admin', rootPassword: 'MinioRootPasswordValue000000001' },
  grafana: { adminUser: 'admin', adminPassword: 'GrafanaAdminPasswordValue000001' },
  cube: { apiSecret: 'CubeApiSecretValue00000000000000000000000000000000000000000000001' },
};

export function render(input: ConfigInput = {}, arch = 'amd64'): KubeObject[] {
  return renderPlatform({ config: config(input, arch), credentials: CREDENTIALS });
}

/** The configurations every structural and policy test runs over. */
export const CONFIGS: [string, ConfigInput][] = [
  ['default', {}],
  ['storage only', { components: ['storage'] }],
  ['catalog only', { components: ['catalog'] }],
  ['observability only', { components: ['observability'] }],
  ['orchestrator only', { components: ['orchestrator'] }],
  ['semantic only', { components: ['semantic'] }],
  ['memory cache', { semantic: { cache: 'memory' } }],
  ['Cube Store explicitly', { semantic: { cache: 'cubestore' } }],
  ['custom namespace', { namespace: 'data-dev' }],
  [
    'overrides',
    {
      services: {
        cube: { image: 'cubejs/cube:v1.7.42', resources: { limits: { memory: '1Gi' }, requests: { cpu: '200m' } } },
        'orchestrator-db': { image: 'postgres:17.9' },
        polaris: { resources: { limits: { memory: '1536Mi', cpu: '3' } } },
      },
    },
  ],
];

/** Each object's kubernetes-models class: validates against the Kubernetes OpenAPI schema. */
export function model(o: KubeObject): { validate(): void } {
  switch (o.kind) {
    case 'Namespace':
      return new Namespace(o);
    case 'Secret':
      return new Secret(o);
    case 'ConfigMap':
      return new ConfigMap(o);
    case 'Service':
      return new Service(o);
    case 'PersistentVolumeClaim':
      return new PersistentVolumeClaim(o);
    case 'Deployment':
      return new Deployment(o);
    case 'StatefulSet':
      return new StatefulSet(o);
    case 'Job':
      return new Job(o);
  }
}

export function podOf(o: KubeObject): IPodSpec | undefined {
  return o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'Job' ? o.spec?.template.spec : undefined;
}

export interface Placed {
  object: KubeObject;
  pod: IPodSpec;
  container: IContainer;
  init: boolean;
}

/** Every container and init container of every workload, with where it lives. */
export function containers(objects: readonly KubeObject[]): Placed[] {
  return objects.flatMap((object) => {
    const pod = podOf(object);
    if (!pod) return [];
    return [
      ...(pod.initContainers ?? []).map((container) => ({ object, pod, container, init: true })),
      ...pod.containers.map((container) => ({ object, pod, container, init: false })),
    ];
  });
}

export function named<K extends KubeObject['kind']>(objects: readonly KubeObject[], kind: K, name: string): Extract<KubeObject, { kind: K }> {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered platform`);
  return found as Extract<KubeObject, { kind: K }>;
}

export function configMapData(objects: readonly KubeObject[], name: string, key: string): string {
  const cm = named(objects, 'ConfigMap', name);
  const value = cm.data?.[key];
  if (value === undefined) throw new Error(`ConfigMap ${name} has no key ${key}`);
  return value;
}

export function label(o: { metadata?: { name?: string } }, c?: IContainer): string {
  return c ? `${o.metadata?.name}/${c.name}` : String(o.metadata?.name);
}
