// The shape of the platform catalog: what one service module declares, and the Kubernetes objects it renders.
import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { IConfigMap, INamespace, IPersistentVolumeClaim, ISecret, IService } from 'kubernetes-models/v1';
import type { Config } from '../config/schema.js';
import type { PlatformCredentials } from './credentials.js';
import type { ComponentName, ServiceName } from './names.js';

// Type-only imports from kubernetes-models (a devDependency): erased at build time, they make every object
// literal below checked against the Kubernetes API types, unknown fields included.

/** Every kind of object the platform renders. */
export type KubeObject = INamespace | ISecret | IConfigMap | IPersistentVolumeClaim | IService | IDeployment | IStatefulSet | IJob;

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'Job';

/** The OCI architectures kind node images exist for, hence the ones the platform runs on. */
export type Architecture = 'amd64' | 'arm64';

/** The least memory limit the evidence supports for a service's main container, and that evidence. */
export interface MemoryFloor {
  /** A Kubernetes memory quantity; the default limit must be at least this. */
  memory: string;
  /** Where the figure comes from (an upstream issue, chart or doc; "estimate: ..." says why when none exists). */
  source: string;
}

/** The local port keys of `config.forwards` that a service can ask for. */
export type ForwardKey = 'dagster' | 'polaris' | 'polarisManagement' | 'cube' | 'minio' | OptionalForwardKey;

/** Forwards that are off unless `forwards.<key>` is set (design §4: Grafana, MinIO console, Prometheus). */
export type OptionalForwardKey = 'grafana' | 'minioConsole' | 'prometheus';

/** A port-forward a service wants: local port `config.forwards[key]` → `service:port` in the namespace. */
export interface ForwardSpec {
  key: ForwardKey;
  /** Kubernetes Service name. */
  service: string;
  /** Service port (number) and its name. */
  port: number;
  portName: string;
}

export interface PortSpec {
  name: string;
  port: number;
  /** Exposed by the Kubernetes Service (otherwise only a container port). */
  service?: boolean;
}

/** How readiness is judged, as data (the ready/status stages read it; the manifests carry the real probe). */
export type ReadinessSpec =
  | { type: 'http'; port: number; path: string; expect?: string }
  | { type: 'exec'; command: readonly string[] }
  | { type: 'job-complete' };

/** A JSON value a smoke expectation compares with. */
export type SmokeScalar = string | number | boolean | null;

/**
 * A smoke check, as data only: the smoke stage sends it through the forward named by `forward`.
 * `auth` names credentials the smoke stage supplies (never stored here); `expect` is what a pass looks like.
 */
export interface SmokeCheck {
  name: string;
  forward: ForwardKey;
  method: 'GET' | 'POST';
  /** May name values captured by earlier checks: `/api/catalog/v1/{prefix}/namespaces`. */
  path: string;
  /** Checks (by name) that must pass first; when one fails, this one is skipped and says why. */
  needs?: readonly string[];
  /**
   * Values this check's JSON answer provides to later checks (name → dotted path), e.g. the OAuth token.
   * Captured values stay in memory: they are never printed, whatever the output mode.
   */
  capture?: Readonly<Record<string, string>>;
  /** JSON body, or form fields; values are never secrets (see `auth`). */
  body?: { json: unknown } | { form: Record<string, string> };
  /**
   * `polaris-client-credentials`: add client_id/client_secret (polaris-credentials) to the form;
   * `polaris-bearer`: `Authorization: Bearer <the OAuth check's captured polarisToken>`;
   * `cube-jwt`: `Authorization: <HS256 JWT signed with cube-credentials api-secret>`.
   */
  auth?: 'polaris-client-credentials' | 'polaris-bearer' | 'cube-jwt';
  expect: {
    /** The status a pass answers with; several when each means success (201 created, 409 already there). */
    status: number | readonly number[];
    /** Dotted JSON paths that must be present (non-null) in the response body. */
    jsonPaths?: readonly string[];
    /** Dotted JSON path to an array that must not be empty. */
    nonEmptyArray?: string;
    /** JSON fields that must equal these values (dotted path → value). */
    jsonEquals?: Readonly<Record<string, SmokeScalar>>;
    /** The array at `path` holds an element equal to `value` (an object value: an element with those fields). */
    includes?: { path: string; value: unknown };
    /**
     * Every element of the array at `path` (those matching `where`, when given) has the `equals` fields. A
     * failure names the elements by their `label` field and quotes their `reason` field (an error message).
     */
    every?: {
      path: string;
      where?: Readonly<Record<string, SmokeScalar>>;
      equals: Readonly<Record<string, SmokeScalar>>;
      label: string;
      reason?: string;
    };
  };
}

export interface ResourceList {
  cpu: string;
  memory: string;
}

export interface ResourceSpec {
  requests: ResourceList;
  limits: ResourceList;
}

/** What every service module renders from. */
export interface RenderContext {
  config: Config;
  credentials: PlatformCredentials;
  namespace: string;
  /** The services being rendered (after component selection and their dependencies). */
  selected: ReadonlySet<ServiceName>;
  /** A service's main image after `services.<name>.image`. */
  image(service: ServiceName): string;
  /** A service's main-container resources after `services.<name>.resources`. */
  resources(service: ServiceName): ResourceSpec;
  /**
   * Image IDs on the host, by reference, when `up` knows them (after its images step): a rebuilt image under
   * the same tag then rolls the pods that run it (the code locations annotate their pods with it).
   */
  imageIds?: Readonly<Record<string, string>>;
  /**
   * Images pushed to the local registry (registry.enabled), by the reference the configuration names: what the
   * pods run instead, pinned by digest (`localhost:<port>/...@sha256:...`) so that a new push rolls them.
   */
  imageRefs?: Readonly<Record<string, string>>;
}

/** A Deployment, StatefulSet or Job of a service, by name. */
export interface WorkloadRef {
  kind: WorkloadKind;
  name: string;
}

/** One module per service: image, ports, health, dependencies, sizing, forward and smoke checks side by side. */
export interface ServiceDefinition {
  name: ServiceName;
  component: ComponentName;
  description: string;
  /** What people call it in progress lines: "PostgreSQL (catalog-db): StatefulSet 1/1 ready". */
  title: string;
  /**
   * How long it may take to become ready (a duration such as 3m): a JVM gets longer than PostgreSQL.
   * `timeouts.ready`, when set, replaces it for every service.
   */
  readyTimeout: string;
  kind: WorkloadKind;
  /** Default main image (pinned; `services.<name>.image` overrides it). */
  image: string;
  /** Where the default main image is published (`npm run check-images` confirms it against the registry). */
  architectures: readonly Architecture[];
  /** Every image the service's pods use, main container first (init containers use other services' images). */
  images(ctx: Pick<RenderContext, 'image' | 'config'>): string[];
  /** Its workloads, when it has more than the one named like it (Dagster's code locations: one per location). */
  workloads?(ctx: Pick<RenderContext, 'image' | 'config'>): WorkloadRef[];
  ports: readonly PortSpec[];
  readiness: ReadinessSpec;
  /** Services this one waits for. A dependency on a service disabled by configuration is dropped. */
  dependsOn: readonly ServiceName[];
  /** False when configuration turns the service off (e.g. Cube Store when `semantic.cache` resolves to memory). */
  enabled?(config: Config): boolean;
  /** Dev-sized requests and limits of the main container. */
  resources: ResourceSpec;
  /** What the main container's memory limit may not go below, with its source. */
  memoryFloor: MemoryFloor;
  forwards?: readonly ForwardSpec[];
  smoke?: readonly SmokeCheck[];
  /** Secret names the service's pods read (rendered once even when several services share one). */
  secrets: readonly string[];
  render(ctx: RenderContext): KubeObject[];
}
