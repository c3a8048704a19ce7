// Cube Store: Cube's cache and queue (Cube removed its Redis driver in v0.36), single node.
import type { Config } from '../../config/schema.js';
import { clusterService, container, env, httpProbe, podSecurity, resources, statefulSet } from '../k8s.js';
import type { Architecture, ServiceDefinition } from '../types.js';

/**
 * Cube's release, for Cube and Cube Store alike: the npm registry's newest @cubejs-backend/server is 1.7.43
 * (2026-09-21), and Cube's release workflow (.github/workflows/publish.yml, on tag v1.7.43) publishes npm first,
 * then `cubejs/cube:v1.7.43` and `cubejs/cubestore:v1.7.43` from that tag. (v1.8.x has no npm release.)
 */
export const CUBE_RELEASE = 'v1.7.43';

/**
 * Same release as Cube. Cube's release workflow (.github/workflows/publish.yml, job docker-cubestore) pushes
 * `cubejs/cubestore:vX.Y.Z` from an amd64 runner (built WITH_AVX2=1) and the arm64 build as a separate tag,
 * `vX.Y.Z-arm64v8`: the versioned tag has no arm64 image and no manifest list joins them (cube-js/cube#8570).
 */
const IMAGE = `cubejs/cubestore:${CUBE_RELEASE}`;
/** Cube's own arm64 build of the same release (same workflow, `-arm64v8` postfix): an explicit choice, not a default. */
export const CUBESTORE_ARM64_IMAGE = `cubejs/cubestore:${CUBE_RELEASE}-arm64v8`;
/** Where the default tag is published. */
export const CUBESTORE_ARCHITECTURES: readonly Architecture[] = ['amd64'];
/** HTTP/WebSocket port Cube connects to; /livez and /readyz are on the status port (rust/cubestore config). */
export const CUBESTORE_PORT = 3030;
export const CUBESTORE_STATUS_PORT = 3031;

export type SemanticCache = 'cubestore' | 'memory';

/**
 * `semantic.cache` made concrete for the architecture the platform runs on: `auto` is Cube Store where its
 * versioned tag is published (amd64), Cube's in-process memory driver elsewhere (arm64). Without `arch`, the
 * machine floe-dev runs on (a laptop's Docker VM has its architecture).
 */
export function semanticCache(config: Pick<Config, 'semantic'>, arch: string = hostArchitecture()): SemanticCache {
  const chosen = config.semantic.cache;
  if (chosen !== 'auto') return chosen;
  return (CUBESTORE_ARCHITECTURES as readonly string[]).includes(arch) ? 'cubestore' : 'memory';
}

/** This machine's CPU as an OCI architecture name (Node says x64 for amd64). */
export function hostArchitecture(nodeArch: string = process.arch): string {
  return nodeArch === 'x64' ? 'amd64' : nodeArch;
}

export const cubestore: ServiceDefinition = {
  name: 'cubestore',
  component: 'semantic',
  description: "Cube Store, Cube's cache and queue (single node)",
  title: 'Cube Store',
  readyTimeout: '3m',
  kind: 'StatefulSet',
  image: IMAGE,
  architectures: CUBESTORE_ARCHITECTURES,
  images: (ctx) => [ctx.image('cubestore')],
  ports: [
    { name: 'http', port: CUBESTORE_PORT, service: true },
    { name: 'status', port: CUBESTORE_STATUS_PORT, service: true },
  ],
  readiness: { type: 'http', port: CUBESTORE_STATUS_PORT, path: '/readyz' },
  dependsOn: [],
  enabled: (config) => semanticCache(config) === 'cubestore',
  // A single node holding only Cube's query cache and queue for one developer (no pre-aggregations):
  // Cube publishes no sizing for that; its memory grows with pre-aggregation builds (cube-js/cube#9975).
  resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  memoryFloor: { memory: '256Mi', source: 'estimate: the cubestored process with its RocksDB cache and metastore, no pre-aggregations (Cube publishes no figure)' },
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
