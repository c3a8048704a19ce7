// A dev-sized PostgreSQL StatefulSet, shared by the catalog's and the orchestrator's databases.
import { clusterService, container, env, execProbe, podSecurity, resources, secretEnv, statefulSet } from '../k8s.js';
import type { KubeObject, RenderContext, ServiceDefinition } from '../types.js';

/**
 * Docker Official Image `postgres`, pinned to a 17 minor release (17.10, May 2026; the design asks for 17).
 * Its index lists linux/amd64, arm64 v8 and more (docker-library/repo-info repos/postgres/remote/17.10.md).
 * Its `postgres` user is uid/gid 999, and the entrypoint runs unprivileged when started as that user
 * (docker-library/postgres, docker-entrypoint.sh).
 */
export const POSTGRES_IMAGE = 'postgres:17.10';
/**
 * The index digest docker-library/repo-info publishes for that tag (repos/postgres/remote/17.10.md, build of
 * 2026-08-05). Pods name the tag, not the digest: kind side-loads images without their registry digest
 * (kubernetes-sigs/kind#2394, #2734), so a digest reference would make the kubelet pull. `npm run check-images`
 * reports when the tag no longer resolves to it (Docker Official Images rebuild tags on base image updates).
 */
export const POSTGRES_INDEX_DIGEST = 'sha256:7958605b474b3d264a969cb3a123d6aa00ad1e1fe9da8a69984dabb704d93317';
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
    architectures: ['amd64', 'arm64'],
    images: (ctx) => [ctx.image(base.name)],
    ports: [{ name: 'postgres', port: PORT, service: true }],
    readiness: { type: 'exec', command: pgIsReady() },
    dependsOn: [],
    // shared_buffers (32MB) plus a few MiB per connection (PostgreSQL docs, "Resource Consumption": each backend
    // has its own work_mem and catalog caches); max_connections=60 bounds it.
    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    memoryFloor: { memory: '192Mi', source: 'estimate: 32 MB shared_buffers + ~25 backends at ~5 MiB (Dagster and Polaris connection pools) + the postmaster' },
    render: (ctx) => renderPostgres(ctx, def, opts),
  };
  return def;
}
