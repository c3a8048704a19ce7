// Typed builders for the objects every service renders: labels, pods, probes, Services, workloads, ConfigMaps.
import { createHash } from 'node:crypto';
import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IJob } from 'kubernetes-models/batch/v1';
import type {
  IConfigMap,
  IContainer,
  IEnvVar,
  IPersistentVolumeClaim,
  IPodSecurityContext,
  IPodSpec,
  IProbe,
  IResourceRequirements,
  ISecurityContext,
  IService,
} from 'kubernetes-models/v1';
import type { ServiceName } from './names.js';
import { mebibytes, parseMemory } from './quantity.js';
import type { RenderContext, ResourceSpec, ServiceDefinition } from './types.js';

export const PART_OF = 'floe-platform';
export const MANAGED_BY = 'floe-dev';

type Named = Pick<ServiceDefinition, 'name' | 'component'>;

/** The labels every object carries (the status command groups services by `component`). */
export function labels(def: Named): Record<string, string> {
  return {
    'app.kubernetes.io/name': def.name,
    'app.kubernetes.io/component': def.component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/** Pod selector: stable across versions (selectors are immutable once applied). */
export function selectorLabels(def: Named): Record<string, string> {
  return { 'app.kubernetes.io/name': def.name, 'app.kubernetes.io/part-of': PART_OF };
}

export function meta(ctx: RenderContext, def: Named, name: string = def.name) {
  return { name, namespace: ctx.namespace, labels: labels(def) };
}

/**
 * Pod-level security: the image's non-root user, its group for volumes, the runtime's default seccomp profile.
 * (Every service here can run as non-root; the modules say which user their image expects.)
 */
export function podSecurity(user: number, fsGroup: number = user, group?: number): IPodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: user,
    ...(group === undefined ? {} : { runAsGroup: group }),
    fsGroup,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export const containerSecurity: ISecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};

export function resources(spec: ResourceSpec): IResourceRequirements {
  return {
    requests: { cpu: spec.requests.cpu, memory: spec.requests.memory },
    limits: { cpu: spec.limits.cpu, memory: spec.limits.memory },
  };
}

/**
 * GOMEMLIMIT at a share of the container's memory limit (80%, as the OpenTelemetry collector chart's
 * `useGOMEMLIMIT` sets it): the Go runtime collects harder near the limit instead of running into the OOM killer.
 */
export function goMemLimit(spec: ResourceSpec, share = 0.8): string {
  const limit = parseMemory(spec.limits.memory) ?? 0;
  return `${Math.max(1, mebibytes(limit * share))}MiB`;
}

/** Small and fixed: init containers only wait for something. */
export const INIT_RESOURCES: ResourceSpec = {
  requests: { cpu: '10m', memory: '16Mi' },
  limits: { cpu: '100m', memory: '32Mi' },
};

interface ProbeTiming {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
}

export function httpProbe(port: number | string, path: string, timing: ProbeTiming = {}): IProbe {
  return { httpGet: { path, port }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3, ...timing };
}

export function execProbe(command: string[], timing: ProbeTiming = {}): IProbe {
  return { exec: { command }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3, ...timing };
}

/** An environment variable read from a Secret: values never appear in manifests. */
export function secretEnv(name: string, secret: string, key: string, optional = false): IEnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key, ...(optional ? { optional: true } : {}) } } };
}

export function env(values: Record<string, string>): IEnvVar[] {
  return Object.entries(values).map(([name, value]) => ({ name, value }));
}

/** The pod IP from the downward API, for servers that should listen on it rather than on every address. */
export function podIpEnv(name = 'MY_POD_IP'): IEnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } };
}

/** A container with the platform's defaults: pinned image, IfNotPresent, no privilege escalation. */
export function container(spec: IContainer): IContainer {
  const { name, image, ...rest } = spec;
  return {
    name,
    image,
    ...rest,
    imagePullPolicy: spec.imagePullPolicy ?? 'IfNotPresent',
    securityContext: spec.securityContext ?? containerSecurity,
  };
}

/**
 * The pod defaults: no service account token (no pod talks to the API server), and no Docker-link
 * environment variables — Kubernetes would otherwise inject e.g. CUBESTORE_PORT=tcp://10.96.x.x:3030 into
 * every pod, which Cube Store reads as its own port setting (cube-js/cube, rust/cubestore config) and
 * Dagster's CLIs read through their DAGSTER_* auto-envvar prefixes.
 */
export function podSpec(spec: IPodSpec): IPodSpec {
  return { enableServiceLinks: false, automountServiceAccountToken: false, ...spec };
}

/** A ClusterIP Service over the service's pods for the ports marked `service`. */
export function clusterService(ctx: RenderContext, def: ServiceDefinition): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(ctx, def),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(def),
      ports: def.ports
        .filter((p) => p.service)
        .map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: 'TCP' })),
    },
  };
}

export interface WorkloadOptions {
  /** Pod template annotations, e.g. a config checksum so that a changed ConfigMap rolls the pods. */
  annotations?: Record<string, string>;
  /** `Recreate`: never two pods at once (Dagster's daemon must be a singleton). */
  strategy?: 'Recreate';
}

/** An annotation that changes whenever the given configuration files change (as the Dagster chart does). */
export function configChecksum(...contents: string[]): Record<string, string> {
  const hash = createHash('sha256');
  for (const c of contents) hash.update(c).update('\0');
  return { 'floe.dev/config-checksum': hash.digest('hex').slice(0, 16) };
}

function template(def: ServiceDefinition, pod: IPodSpec, opts: WorkloadOptions) {
  return {
    metadata: { labels: labels(def), ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: podSpec(pod),
  };
}

export function deployment(ctx: RenderContext, def: ServiceDefinition, pod: IPodSpec, opts: WorkloadOptions = {}): IDeployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(ctx, def),
    spec: {
      replicas: 1,
      revisionHistoryLimit: 2,
      ...(opts.strategy ? { strategy: { type: opts.strategy } } : {}),
      selector: { matchLabels: selectorLabels(def) },
      template: template(def, pod, opts),
    },
  };
}

export interface VolumeClaim {
  name: string;
  size: string;
}

/** A single-replica StatefulSet; its PersistentVolumeClaims come from `claims` (kind's default StorageClass). */
export function statefulSet(
  ctx: RenderContext,
  def: ServiceDefinition,
  pod: IPodSpec,
  claims: VolumeClaim[],
  opts: WorkloadOptions = {},
): IStatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(ctx, def),
    spec: {
      replicas: 1,
      serviceName: def.name,
      revisionHistoryLimit: 2,
      selector: { matchLabels: selectorLabels(def) },
      template: template(def, pod, opts),
      volumeClaimTemplates: claims.map((c): IPersistentVolumeClaim => ({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: c.name, labels: labels(def) },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: c.size } } },
      })),
    },
  };
}

/**
 * A run-to-completion Job. Its pod template is immutable once created: re-applying the same manifest is a
 * no-op, while a changed one (e.g. a new image) needs the Job deleted first.
 */
export function job(ctx: RenderContext, def: ServiceDefinition, pod: IPodSpec): IJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(ctx, def),
    spec: {
      backoffLimit: 6,
      activeDeadlineSeconds: 900,
      template: { metadata: { labels: labels(def) }, spec: podSpec({ restartPolicy: 'OnFailure', ...pod }) },
    },
  };
}

export function configMap(ctx: RenderContext, def: Named, name: string, data: Record<string, string>): IConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(ctx, def, name), data };
}

/** The PostgreSQL services and the user each one's clients connect as. */
export type PostgresService = Extract<ServiceName, 'catalog-db' | 'orchestrator-db'>;

/**
 * An init container that waits for a PostgreSQL service with `pg_isready`, as the Dagster chart does
 * (helm/dagster templates, "check-db-ready"). It reuses that database's image, so it adds none to load.
 */
export function waitForPostgres(ctx: RenderContext, db: PostgresService, user: string): IContainer {
  return container({
    name: `wait-for-${db}`,
    image: ctx.image(db),
    command: ['sh', '-c', `until pg_isready -h ${db} -p 5432 -U ${user}; do echo waiting for ${db}; sleep 2; done`],
    resources: resources(INIT_RESOURCES),
  });
}
