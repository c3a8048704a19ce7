// The component catalog: every service of the platform, one module each, in the seed's order.
import { SERVICES, type ServiceName } from './names.js';
import { catalogDb } from './services/catalog-db.js';
import { cube } from './services/cube.js';
import { cubestore } from './services/cubestore.js';
import { dagsterCodeLocation } from './services/dagster-code-location.js';
import { dagsterDaemon } from './services/dagster-daemon.js';
import { dagsterWebserver } from './services/dagster-webserver.js';
import { grafana } from './services/grafana.js';
import { minioBucket } from './services/minio-bucket.js';
import { minio } from './services/minio.js';
import { orchestratorDb } from './services/orchestrator-db.js';
import { otelCollector } from './services/otel-collector.js';
import { polarisBootstrap } from './services/polaris-bootstrap.js';
import { polaris } from './services/polaris.js';
import { prometheus } from './services/prometheus.js';
import type { ServiceDefinition } from './types.js';

/** Adding a service is one module plus one line here (and its name in names.ts). */
export const CATALOG: readonly ServiceDefinition[] = [
  minio,
  minioBucket,
  catalogDb,
  polarisBootstrap,
  polaris,
  otelCollector,
  prometheus,
  grafana,
  orchestratorDb,
  dagsterCodeLocation,
  dagsterWebserver,
  dagsterDaemon,
  cubestore,
  cube,
];

const byName = new Map<string, ServiceDefinition>(CATALOG.map((s) => [s.name, s]));

export function serviceByName(name: ServiceName): ServiceDefinition {
  const def = byName.get(name);
  if (!def) throw new Error(`no service named ${name} in the catalog (names.ts lists ${SERVICES.join(', ')})`);
  return def;
}
