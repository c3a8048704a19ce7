// A dev-sized PostgreSQL StatefulSet, shared by the catalog's and the orchestrator's databases.
import { clusterService, container, env, execProbe, podSecurity, resources, secretEnv, statefulSet } from '../k8s.js';
import type { KubeObject, RenderContext, ServiceDefinition } from '../types.js';

/**
 * Docker Official Image `postgres`, pinned to a 17 minor release (17.10, May 2026; the design asks for 17).
 * Multi-arch (amd64, arm64). Its `postgres` user is uid/gid 999, and the entrypoint runs unprivileged when
 * started as that user (docker-library/postgres, docker-entrypoint.sh).
 */
export const POSTGRES_IMAGE = 'postgres:17.10';
const POSTGRES_UID = 999;
const PORT = 5432;

/** Ready only once the real server listens on TCP: during initdb the entrypoint's temporary server does not. */
export function pgIsReady(): string[] {
  return ['sh', '-c', `pg_isready -h 127.0.0.1 -p ${PORT} -U "$POSTGRES_USER" -d "$POSTGRES_DB"`];
}

export function renderPostgres(ctx: RenderContext, def: ServiceDefinition, opts: { database: string; secret: string }): KubeObject[] {
  return [
    clusterService(ctx, def),
    statefulSet(
      ctx,
      def,
      {
        securityContext: podSecurity(POSTGRES_UID, POSTGRES_UID, POSTGRES_UID),
        containers: [
          container({
            name: 'postgres',
            image: ctx.image(def.name),
            // Fits the 256Mi dev limit: the default shared_buffers (128MB) would take half of it.
            args: ['-c', 'shared_buffers=32MB', '-c', 'max_connections=60'],
            env: [
              secretEnv('POSTGRES_USER', opts.secret, 'username'),
              secretEnv('POSTGRES_PASSWORD', opts.secret, 'password'),
              ...env({
                POSTGRES_DB: opts.database,
                // A subdirectory of the volume, so initdb never finds a lost+found or other files in it.
                PGDATA: '/var/lib/postgresql/data/pgdata',
              }),
            ],
            ports: [{ name: 'postgres', containerPort: PORT, protocol: 'TCP' }],
            readinessProbe: execProbe(pgIsReady(), { periodSeconds: 5, failureThreshold: 6 }),
            livenessProbe: execProbe(pgIsReady(), { initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6 }),
            resources: resources(ctx.resources(def.name)),
            volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
          }),
        ],
      },
      [{ name: 'data', size: '1Gi' }],
    ),
  ];
}

export function postgresDefinition(
  base: Pick<ServiceDefinition, 'name' | 'component' | 'description' | 'secrets'>,
  opts: { database: string; secret: string },
): ServiceDefinition {
  const def: ServiceDefinition = {
    ...base,
    kind: 'StatefulSet',
    title: 'PostgreSQL',
    readyTimeout: '3m',
    image: POSTGRES_IMAGE,
    images: (ctx) => [ctx.image(base.name)],
    ports: [{ name: 'postgres', port: PORT, service: true }],
    readiness: { type: 'exec', command: pgIsReady() },
    dependsOn: [],
    resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    render: (ctx) => renderPostgres(ctx, def, opts),
  };
  return def;
}
