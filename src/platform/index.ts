// The platform's public API: catalog, selection and graph, rendering, images, resources, credentials, kind config.
export { CATALOG, serviceByName } from './catalog.js';
export { COMPONENTS, SERVICES, type ComponentName, type ServiceName } from './names.js';
export type {
  Architecture,
  ForwardKey,
  ForwardSpec,
  KubeObject,
  MemoryFloor,
  PortSpec,
  ReadinessSpec,
  RenderContext,
  ResourceSpec,
  ServiceDefinition,
  SmokeCheck,
  WorkloadKind,
} from './types.js';

export { CatalogError, dependencyMap, topoOrder, validateGraph, waves, type GraphNode } from './graph.js';
export {
  componentClosure,
  effectiveDependencies,
  installWaves,
  isEnabled,
  platformDependencies,
  selectServices,
  serviceGraph,
} from './select.js';

export {
  imagesFor,
  namespaceObject,
  renderPlatform,
  renderPlatformByService,
  toYaml,
  validateOverrides,
  workloadsOf,
  type RenderedPlatform,
  type RenderedService,
  type RenderInput,
} from './render.js';
export { resolveImage, resolveResources } from './overrides.js';
export {
  ARCHITECTURES,
  architectureFix,
  architectureNotes,
  forArchitecture,
  hostArchitecture,
  imageExpectations,
  semanticCache,
  type ImageExpectation,
} from './architecture.js';
export { formatSummary, MEMORY_BUDGET, resourceSummary, summaryJson, type ResourceSummary, type ServiceResources } from './summary.js';

export {
  ensureCredentials,
  generateCredentials,
  loadOrCreateCredentials,
  POLARIS_REALM,
  type LoadedCredentials,
  type PlatformCredentials,
} from './credentials.js';
export { SECRETS, secretValues } from './secrets.js';
export { WAREHOUSE_BUCKET } from './services/minio-bucket.js';
export { BOOTSTRAP, type BootstrapName, type BootstrapSpec } from './bootstrap.js';

export { KIND_TEMPLATE, renderKindConfig, type KindConfig } from './kind-config.js';
