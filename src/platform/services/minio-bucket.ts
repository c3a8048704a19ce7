// The warehouse bucket: a Job that creates it in MinIO with `mc`, idempotently.
import { container, env, job, podSecurity, resources, secretEnv } from '../k8s.js';
import { SECRETS } from '../secrets.js';
import type { ServiceDefinition } from '../types.js';

/**
 * minio/mc release RELEASE.2025-08-13T08-35-41Z, the last mc release before the pinned server (the last
 * community server, 2025-09-07), still served from quay.io for linux/amd64 and arm64 among others.
 * ENTRYPOINT is `mc`, so the Job passes mc's arguments only and needs no shell.
 */
const IMAGE = 'quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z';

/** The bucket Polaris' catalog uses as its warehouse (`s3://warehouse`). */
export const WAREHOUSE_BUCKET = 'warehouse';

export const minioBucket: ServiceDefinition = {
  name: 'minio-bucket',
  component: 'storage',
  description: `Creates the "${WAREHOUSE_BUCKET}" bucket in MinIO (mc mb --ignore-existing)`,
  title: 'MinIO bucket',
  readyTimeout: '3m',
  kind: 'Job',
  image: IMAGE,
  architectures: ['amd64', 'arm64'],
  images: (ctx) => [ctx.image('minio-bucket')],
  ports: [],
  readiness: { type: 'job-complete' },
  dependsOn: ['minio'],
  resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
  memoryFloor: { memory: '64Mi', source: 'estimate: one mc (Go) process making one bucket request' },
  secrets: [SECRETS.minio],
  render: (ctx) => [
    job(ctx, minioBucket, {
      securityContext: podSecurity(1000),
      containers: [
        container({
          name: 'mc',
          image: ctx.image('minio-bucket'),
          // --ignore-existing: a second run succeeds without changing anything.
          args: ['mb', '--ignore-existing', `floe/${WAREHOUSE_BUCKET}`],
          env: [
            secretEnv('MINIO_ROOT_USER', SECRETS.minio, 'root-user'),
            secretEnv('MINIO_ROOT_PASSWORD', SECRETS.minio, 'root-password'),
            // mc reads an alias from MC_HOST_<alias>; Kubernetes expands $(VAR) from the variables above,
            // so the credentials stay in the Secret (they are alphanumeric: safe inside a URL).
            ...env({
              MC_HOST_floe: `http://$(MINIO_ROOT_USER):$(MINIO_ROOT_PASSWORD)@minio:9000`,
              MC_CONFIG_DIR: '/tmp/.mc',
            }),
          ],
          resources: resources(ctx.resources('minio-bucket')),
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        }),
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    }),
  ],
};
