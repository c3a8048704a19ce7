// MinIO: the S3-compatible object storage that holds the Iceberg warehouse.
import { clusterService, container, env, httpProbe, podSecurity, resources, secretEnv, statefulSet } from '../k8s.js';
import { SECRETS } from '../secrets.js';
import type { ServiceDefinition } from '../types.js';

/**
 * The last community build still served from quay.io (Docker Hub's minio/minio was deleted): release
 * RELEASE.2025-09-07T16-13-09Z of minio/minio, published for linux/amd64 and arm64 among others.
 * Ports, flags, env and health paths: MinIO docs and minio/minio README (`server /data --console-address`,
 * MINIO_ROOT_USER/PASSWORD, GET /minio/health/live and /minio/health/ready).
 */
const IMAGE = 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z';
export const MINIO_S3_PORT = 9000;
const S3_PORT = MINIO_S3_PORT;
const CONSOLE_PORT = 9001;

export const minio: ServiceDefinition = {
  name: 'minio',
  component: 'storage',
  description: 'MinIO object storage (S3 API) for the Iceberg warehouse',
  title: 'MinIO',
  // How long it may take to become ready on a busy laptop (`timeouts.ready` overrides it for every service).
  readyTimeout: '3m',
  kind: 'StatefulSet',
  image: IMAGE,
  architectures: ['amd64', 'arm64'],
  images: (ctx) => [ctx.image('minio')],
  ports: [
    { name: 's3', port: S3_PORT, service: true },
    { name: 'console', port: CONSOLE_PORT, service: true },
  ],
  readiness: { type: 'http', port: S3_PORT, path: '/minio/health/ready' },
  dependsOn: [],
  // The S3 API on the laptop: Iceberg clients there read and write the warehouse's files through it.
  forwards: [{ key: 'minio', service: 'minio', port: S3_PORT, portName: 's3' }],
  // MinIO's maintainers: a single node needs 1 GiB, 256 MiB with CI=true (minio/minio#18906). MINIO_CI_CD (or
  // CI) sizes its buffer pool at 256 x 1 MiB instead of 1024 (cmd/erasure-server-pool.go): set below.
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  memoryFloor: { memory: '256Mi', source: 'minio/minio#18906 (maintainer): 256 MiB minimum with CI=true / MINIO_CI_CD, 1 GiB without' },
  secrets: [SECRETS.minio],
  render: (ctx) => [
    clusterService(ctx, minio),
    statefulSet(
      ctx,
      minio,
      {
        // The image sets no USER; MinIO runs unprivileged when /data is writable (the MinIO chart uses 1000).
        securityContext: podSecurity(1000),
        containers: [
          container({
            name: 'minio',
            image: ctx.image('minio'),
            // --certs-dir: the default ${HOME}/.minio/certs is not writable for a non-root user.
            args: ['server', '/data', '--address', `:${S3_PORT}`, '--console-address', `:${CONSOLE_PORT}`, '--certs-dir', '/tmp/certs'],
            env: [
              secretEnv('MINIO_ROOT_USER', SECRETS.minio, 'root-user'),
              secretEnv('MINIO_ROOT_PASSWORD', SECRETS.minio, 'root-password'),
              ...env({
                // Lets Prometheus scrape /minio/v2/metrics/cluster without a bearer token (dev only).
                MINIO_PROMETHEUS_AUTH_TYPE: 'public',
                // The CI/CD sizing: a 256 MiB buffer pool (globalIsCICD, cmd/common-main.go; minio#18906).
                MINIO_CI_CD: 'true',
              }),
            ],
            ports: [
              { name: 's3', containerPort: S3_PORT, protocol: 'TCP' },
              { name: 'console', containerPort: CONSOLE_PORT, protocol: 'TCP' },
            ],
            readinessProbe: httpProbe('s3', '/minio/health/ready', { periodSeconds: 5 }),
            livenessProbe: httpProbe('s3', '/minio/health/live', { initialDelaySeconds: 10, periodSeconds: 20, failureThreshold: 6 }),
            resources: resources(ctx.resources('minio')),
            volumeMounts: [
              { name: 'data', mountPath: '/data' },
              { name: 'tmp', mountPath: '/tmp' },
            ],
          }),
        ],
        volumes: [{ name: 'tmp', emptyDir: {} }],
      },
      [{ name: 'data', size: '2Gi' }],
    ),
  ],
};
