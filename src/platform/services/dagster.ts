// What Dagster's webserver, daemon and code location share: the instance (dagster.yaml), the workspace, the pods.
import { stringify } from 'yaml';
import type { IContainer, IEnvVar, IVolume, IVolumeMount } from 'kubernetes-models/v1';
import { configMap, env, podSecurity, secretEnv, waitForPostgres } from '../k8s.js';
import { SECRETS } from '../secrets.js';
import type { KubeObject, RenderContext } from '../types.js';
import { codeLocations } from '../code-locations.js';
import { ORCHESTRATOR_DATABASE } from './orchestrator-db.js';

export { CODE_LOCATION_NAME, CODE_LOCATION_PORT, EXAMPLE_CODE_DIR, EXAMPLE_DEFINITIONS_FILE } from '../code-locations.js';

/** Dagster release (its Helm chart carries the same version). */
export const DAGSTER_VERSION = '1.13.25';
/**
 * One image for the webserver, the daemon and the example code location. The chart's defaults,
 * `dagster/dagster-celery-k8s` and `dagster/user-code-example`, are published for amd64 only
 * (dagster-io/dagster#34134, #11841); dagster-io/dagster#34145 (merged 2026-08-20, after 1.13.18) publishes
 * `dagster/dagster-k8s` for linux/amd64 and linux/arm64 in one manifest list. That image is `python:3.10-slim`
 * plus pip-installed dagster, dagster-postgres, dagster-k8s, dagster-graphql and the webserver
 * (python_modules/automation/automation/docker/images/dagster-k8s/Dockerfile): what the webserver, the daemon
 * and a gRPC code server need with PostgreSQL storage. Celery is not used: the default run launcher runs runs
 * in the code server.
 */
export const DAGSTER_IMAGE = `dagster/dagster-k8s:${DAGSTER_VERSION}`;
export const CODE_LOCATION_IMAGE = DAGSTER_IMAGE;
export const DAGSTER_ARCHITECTURES = ['amd64', 'arm64'] as const;

export const DAGSTER_HOME = '/opt/dagster/dagster_home';
export const INSTANCE_CONFIG_MAP = 'dagster-instance';
export const WORKSPACE_CONFIG_MAP = 'dagster-workspace';
export const EXAMPLE_CODE_CONFIG_MAP = 'dagster-example-code';

/**
 * The example code location's definitions, loaded with `dagster api grpc -f` (the way the chart's example image
 * loads its repo.py). One asset and a job over it that runs in-process: a run is then one Python process next
 * to the gRPC server (the default multiprocess executor would start one more per step, inside the same limit).
 */
export const EXAMPLE_DEFINITIONS = [
  '"""floe-dev\'s example code location: one asset and a job, so a fresh platform has definitions to show."""',
  'import dagster as dg',
  '',
  '',
  '@dg.asset(description="A greeting from the floe platform\'s example code location.")',
  'def platform_greeting() -> str:',
  '    return "hello from the floe platform"',
  '',
  '',
  'greeting_job = dg.define_asset_job("greeting", selection=[platform_greeting], executor_def=dg.in_process_executor)',
  '',
  'defs = dg.Definitions(assets=[platform_greeting], jobs=[greeting_job])',
  '',
].join('\n');
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

/**
 * workspace.yaml: one gRPC server per code location (helm/dagster templates/configmap-workspace.yaml;
 * Dagster docs "Workspace files": `load_from: - grpc_server: {host, port, location_name}`).
 */
export function dagsterWorkspace(ctx: Pick<RenderContext, 'config' | 'image'>): Record<string, unknown> {
  return {
    load_from: codeLocations(ctx.config, ctx.image('dagster-code-location')).map((l) => ({ grpc_server: { host: l.workload, port: l.port, location_name: l.name } })),
  };
}

export function dagsterInstanceYaml(ctx: RenderContext): string {
  return stringify(dagsterInstance(ctx), { lineWidth: 0 });
}

export function dagsterWorkspaceYaml(ctx: Pick<RenderContext, 'config' | 'image'>): string {
  return stringify(dagsterWorkspace(ctx), { lineWidth: 0 });
}

/**
 * The instance and workspace ConfigMaps. Each Dagster service renders them (identical objects, deduplicated
 * by the renderer) so that any one of the three can be installed alone.
 */
export function dagsterConfigMaps(ctx: RenderContext): KubeObject[] {
  const owner = { name: 'dagster-webserver', component: 'orchestrator' } as const;
  return [
    configMap(ctx, owner, INSTANCE_CONFIG_MAP, { 'dagster.yaml': dagsterInstanceYaml(ctx) }),
    configMap(ctx, owner, WORKSPACE_CONFIG_MAP, { 'workspace.yaml': dagsterWorkspaceYaml(ctx) }),
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
