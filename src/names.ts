// The names of the platform's components and services: a leaf shared by the config schema and the catalog.

/** Components, as `floe platform deploy --component=...` names them (design §1). */
export const COMPONENTS = ['storage', 'catalog', 'observability', 'orchestrator', 'semantic'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

/** Every service of design §4, one catalog module each. Config overrides (`services.<name>`) use these keys. */
export const SERVICES = [
  'minio',
  'minio-bucket',
  'catalog-db',
  'polaris',
  'polaris-bootstrap',
  'otel-collector',
  'prometheus',
  'grafana',
  'orchestrator-db',
  'dagster-code-location',
  'dagster-webserver',
  'dagster-daemon',
  'cube',
  'cubestore',
] as const;
export type ServiceName = (typeof SERVICES)[number];
