// What Dagster's webserver, daemon and code location share: the instance (dagster.yaml), the workspace, the pods.
import { stringify } from 'yaml';
import type { IContainer, IEnvVar, IVolume, IVolumeMount } from 'kubernetes-models/v1';
import { configMap, env, podSecurity, secretEnv, waitForPostgres } from '../k8s.js';
import { SECRETS } from '../secrets.js';
import type { KubeObject, RenderContext } from '../types.js';
import { ORCHESTRATOR_DATABASE } from './orchestrator-db.js';

/** Dagster release of the chart, the webserver/daemon image and the example code location (1.13.25). */
export const DAGSTER_VERSION = '1.13.25';
/** The chart's webserver and daemon image (helm/dagster values: dagsterWebserver.image). */
export const DAGSTER_IMAGE = `dagster/dagster-celery-k8s:${DAGSTER_VERSION}`;
/** The chart's example code location (dagster-user-deployments values). */
export const CODE_LOCATION_IMAGE = `dagster/user-code-example:${DAGSTER_VERSION}`;

export const DAGSTER_HOME = '/opt/dagster/dagster_home';
export const INSTANCE_CONFIG_MAP = 'dagster-instance';
export const WORKSPACE_CONFIG_MAP = 'dagster-workspace';
export const CODE_LOCATION_PORT = 3030;
export const CODE_LOCATION_NAME = 'example';
export const WEBSERVER_PORT = 3000;

/**
 * dagster.yaml as the chart renders it (helm/dagster templates/configmap-instance.yaml and helpers/instance):
 * PostgreSQL for run, event-log and schedule storage (password from DAGSTER_PG_PASSWORD), the daemon
 * scheduler, the queued run coordinator. The run launcher is left at Dagster's default (runs as processes of
 * the code location's gRPC server): no Kubernetes RBAC, no extra run images on a laptop.
 */
export function dagsterInstance(ctx: RenderContext): Record<string, unknown> {
  const postgres = {
    postgres_db: {
      username: ctx.credentials.orchestratorDb.username,
      password: { env: 'DAGSTER_PG_PASSWORD' },
      hostname: 'orchestrator-db',
      db_name: ORCHESTRATOR_DATABASE,
      port: 5432,
    },
  };
  return {
    storage: { postgres },
    scheduler: { module: 'dagster.core.scheduler', class: 'DagsterDaemonScheduler' },
    run_coordinator: { module: 'dagster.core.run_coordinator', class: 'QueuedRunCoordinator' },
    telemetry: { enabled: false },
  };
}

/** workspace.yaml: the code location's gRPC server (helm/dagster templates/configmap-workspace.yaml). */
export function dagsterWorkspace(): Record<string, unknown> {
  return {
    load_from: [{ grpc_server: { host: 'dagster-code-location', port: CODE_LOCATION_PORT, location_name: CODE_LOCATION_NAME } }],
  };
}

export function dagsterInstanceYaml(ctx: RenderContext): string {
  return stringify(dagsterInstance(ctx), { lineWidth: 0 });
}

export function dagsterWorkspaceYaml(): string {
  return stringify(dagsterWorkspace(), { lineWidth: 0 });
}

/**
 * The instance and workspace ConfigMaps. Each Dagster service renders them (identical objects, deduplicated
 * by the renderer) so that any one of the three can be installed alone.
 */
export function dagsterConfigMaps(ctx: RenderContext): KubeObject[] {
  const owner = { name: 'dagster-webserver', component: 'orchestrator' } as const;
  return [
    configMap(ctx, owner, INSTANCE_CONFIG_MAP, { 'dagster.yaml': dagsterInstanceYaml(ctx) }),
    configMap(ctx, owner, WORKSPACE_CONFIG_MAP, { 'workspace.yaml': dagsterWorkspaceYaml() }),
  ];
}

/**
 * The Dagster images set no USER and are Debian-based Python images: they run as `nobody` (65534, present in
 * their /etc/passwd) with DAGSTER_HOME on an emptyDir it can write (compute logs, run artifacts).
 */
export const DAGSTER_POD_SECURITY = podSecurity(65534);

export function dagsterEnv(extra: Record<string, string> = {}): IEnvVar[] {
  return [
    ...env({ DAGSTER_HOME, ...extra }),
    secretEnv('DAGSTER_PG_PASSWORD', SECRETS.orchestratorDb, 'password'),
  ];
}

/** DAGSTER_HOME (writable) with dagster.yaml in it, and optionally the workspace. */
export function dagsterVolumes(withWorkspace: boolean): { volumes: IVolume[]; mounts: IVolumeMount[] } {
  const volumes: IVolume[] = [
    { name: 'dagster-home', emptyDir: {} },
    { name: 'instance', configMap: { name: INSTANCE_CONFIG_MAP } },
  ];
  const mounts: IVolumeMount[] = [
    { name: 'dagster-home', mountPath: DAGSTER_HOME },
    { name: 'instance', mountPath: `${DAGSTER_HOME}/dagster.yaml`, subPath: 'dagster.yaml', readOnly: true },
  ];
  if (withWorkspace) {
    volumes.push({ name: 'workspace', configMap: { name: WORKSPACE_CONFIG_MAP } });
    mounts.push({ name: 'workspace', mountPath: '/dagster-workspace', readOnly: true });
  }
  return { volumes, mounts };
}

/** The chart's init container: wait for PostgreSQL with pg_isready before starting. */
export function waitForOrchestratorDb(ctx: RenderContext): IContainer {
  return waitForPostgres(ctx, 'orchestrator-db', ctx.credentials.orchestratorDb.username);
}
