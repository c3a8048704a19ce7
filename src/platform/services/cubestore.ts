// Cube Store: Cube's cache and queue (Cube removed its Redis driver in v0.36), single node.
import { clusterService, container, env, httpProbe, podSecurity, resources, statefulSet } from '../k8s.js';
import type { ServiceDefinition } from '../types.js';

/**
 * Same version as Cube (cubejs-docker 1.8.26). NOTE: Cube publishes versioned Cube Store tags for amd64 only;
 * arm64 has a separate, unversioned `cubejs/cubestore:arm64v8` tag (cube-js/cube#8570, Cube docs "Deploying
 * Cube Core with Docker"). On Apple Silicon, `semantic.cache: memory` avoids this image altogether.
 */
const IMAGE = 'cubejs/cubestore:v1.8.26';
/** HTTP/WebSocket port Cube connects to; /livez and /readyz are on the status port (rust/cubestore config). */
export const CUBESTORE_PORT = 3030;
export const CUBESTORE_STATUS_PORT = 3031;

export const cubestore: ServiceDefinition = {
  name: 'cubestore',
  component: 'semantic',
  description: "Cube Store, Cube's cache and queue (single node)",
  title: 'Cube Store',
  readyTimeout: '3m',
  kind: 'StatefulSet',
  image: IMAGE,
  images: (ctx) => [ctx.image('cubestore')],
  ports: [
    { name: 'http', port: CUBESTORE_PORT, service: true },
    { name: 'status', port: CUBESTORE_STATUS_PORT, service: true },
  ],
  readiness: { type: 'http', port: CUBESTORE_STATUS_PORT, path: '/readyz' },
  dependsOn: [],
  enabled: (config) => config.semantic.cache === 'cubestore',
  resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  secrets: [],
  render: (ctx) => [
    clusterService(ctx, cubestore),
    statefulSet(
      ctx,
      cubestore,
      {
        // The image sets no USER; the Rust binary needs only writable data directories.
        securityContext: podSecurity(1000),
        containers: [
          container({
            name: 'cubestore',
            image: ctx.image('cubestore'),
            env: env({
              // Persistent storage for a single-node Cube Store (Cube docs: CUBESTORE_REMOTE_DIR=/cube/data).
              CUBESTORE_REMOTE_DIR: '/cube/data',
              CUBESTORE_TELEMETRY: 'false',
            }),
            ports: [
              { name: 'http', containerPort: CUBESTORE_PORT, protocol: 'TCP' },
              { name: 'status', containerPort: CUBESTORE_STATUS_PORT, protocol: 'TCP' },
            ],
            readinessProbe: httpProbe('status', '/readyz', { periodSeconds: 5 }),
            livenessProbe: httpProbe('status', '/livez', { initialDelaySeconds: 10, periodSeconds: 20, failureThreshold: 6 }),
            resources: resources(ctx.resources('cubestore')),
            volumeMounts: [
              { name: 'data', mountPath: '/cube/data' },
              // The local working copy (default .cubestore/data under the image's /cube workdir).
              { name: 'local', mountPath: '/cube/.cubestore' },
            ],
          }),
        ],
        volumes: [{ name: 'local', emptyDir: {} }],
      },
      [{ name: 'data', size: '1Gi' }],
    ),
  ],
};
