// Cube: the semantic layer's API on port 4000, with a sample cube served from an in-process DuckDB.
import { stringify } from 'yaml';
import { clusterService, configChecksum, configMap, container, deployment, env, httpProbe, podSecurity, resources, secretEnv } from '../k8s.js';
import { COMPONENTS } from '../names.js';
import { SECRETS } from '../secrets.js';
import type { RenderContext, ServiceDefinition } from '../types.js';
import { CUBE_RELEASE, CUBESTORE_PORT, semanticCache } from './cubestore.js';

/**
 * Node-based image with every data source driver, DuckDB's included; Cube's release workflow builds it for
 * linux/amd64 and linux/arm64 (publish.yml, job docker-default). Release: see CUBE_RELEASE.
 */
const IMAGE = `cubejs/cube:${CUBE_RELEASE}`;
export const CUBE_PORT = 4000;
const MODEL_CONFIG_MAP = 'cube-model';
export const SAMPLE_CUBE = 'platform_components';
/** The image's WORKDIR is /cube/conf; CUBEJS_SCHEMA_PATH is relative to it. */
export const CUBE_MODEL_DIR = '/cube/conf/model';

/**
 * A sample cube over inline SQL, so `/cubejs-api/v1/meta` lists a cube on a fresh platform.
 *
 * Its data source is DuckDB in Cube's own process (CUBEJS_DB_TYPE=duckdb, in-memory): /readyz tests the
 * default data source, and an in-process database answers without another service, credentials or network
 * (the driver installs DuckDB extensions only when CUBEJS_DB_DUCKDB_EXTENSIONS asks for them).
 */
export function cubeModel(): Record<string, unknown> {
  const rows = COMPONENTS.map((c, i) => `SELECT '${c}' AS component, ${i + 1} AS layer`).join('\nUNION ALL ');
  return {
    cubes: [
      {
        name: SAMPLE_CUBE,
        title: 'Platform components',
        description: 'The components of the floe platform (a sample cube; replace it with your own models).',
        sql: rows,
        measures: [{ name: 'count', type: 'count' }],
        dimensions: [
          { name: 'component', sql: 'component', type: 'string', primary_key: true, public: true },
          { name: 'layer', sql: 'layer', type: 'number' },
        ],
      },
    ],
  };
}

function cubeEnv(ctx: RenderContext) {
  const cache: Record<string, string> =
    semanticCache(ctx.config) === 'cubestore'
      ? { CUBEJS_CACHE_AND_QUEUE_DRIVER: 'cubestore', CUBEJS_CUBESTORE_HOST: 'cubestore', CUBEJS_CUBESTORE_PORT: String(CUBESTORE_PORT) }
      : { CUBEJS_CACHE_AND_QUEUE_DRIVER: 'memory' };
  return [
    secretEnv('CUBEJS_API_SECRET', SECRETS.cube, 'api-secret'),
    ...env({
      // Production mode: JWTs are required, no playground, no file writes in /cube/conf.
      CUBEJS_DEV_MODE: 'false',
      CUBEJS_DB_TYPE: 'duckdb',
      CUBEJS_DB_DUCKDB_MEMORY_LIMIT: '128MB',
      CUBEJS_SCHEMA_PATH: 'model',
      CUBEJS_TELEMETRY: 'false',
      ...cache,
    }),
  ];
}

export const cube: ServiceDefinition = {
  name: 'cube',
  component: 'semantic',
  description: 'Cube semantic layer API on 4000 (sample cube on in-process DuckDB)',
  title: 'Cube',
  readyTimeout: '5m',
  kind: 'Deployment',
  image: IMAGE,
  architectures: ['amd64', 'arm64'],
  images: (ctx) => [ctx.image('cube')],
  // Service port 4000: a contract with the forwards and the simulated toolchain.
  ports: [{ name: 'http', port: CUBE_PORT, service: true }],
  readiness: { type: 'http', port: CUBE_PORT, path: '/readyz', expect: '{"health":"HEALTH"}' },
  // Only its cache. The sample model reads DuckDB inside Cube's own process, not the Iceberg catalog: Polaris
  // is not something Cube needs in order to start or answer (a model over Iceberg tables would add it back).
  dependsOn: ['cubestore'],
  // The real Cube server (npm @cubejs-backend/server 1.7.43 with DuckDB) measured 190 MiB RSS after start and
  // 266 MiB at its peak while compiling the sample model; DuckDB may take up to its 128MB memory limit on top.
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '640Mi' } },
  memoryFloor: { memory: '388Mi', source: 'measured: 266 MiB peak compiling the sample model (Cube 1.7.43) + 122 MiB (128 MB) CUBEJS_DB_DUCKDB_MEMORY_LIMIT' },
  forwards: [{ key: 'cube', service: 'cube', port: CUBE_PORT, portName: 'http' }],
  smoke: [
    { name: 'cube ready', forward: 'cube', method: 'GET', path: '/readyz', expect: { status: 200, jsonEquals: { health: 'HEALTH' } } },
    {
      name: 'cube meta',
      forward: 'cube',
      method: 'GET',
      path: '/cubejs-api/v1/meta',
      auth: 'cube-jwt',
      expect: { status: 200, nonEmptyArray: 'cubes' },
    },
  ],
  secrets: [SECRETS.cube],
  render: (ctx) => {
    const model = stringify(cubeModel(), { lineWidth: 0 });
    const files: Record<string, string> = { [`${SAMPLE_CUBE}.yml`]: model };
    return [
      configMap(ctx, cube, MODEL_CONFIG_MAP, files),
      clusterService(ctx, cube),
      deployment(
        ctx,
        cube,
        {
          // The image is node-based: its `node` user is uid 1000.
          securityContext: podSecurity(1000),
          containers: [
            container({
              name: 'cube',
              image: ctx.image('cube'),
              env: cubeEnv(ctx),
              ports: [{ name: 'http', containerPort: CUBE_PORT, protocol: 'TCP' }],
              readinessProbe: httpProbe('http', '/readyz', { periodSeconds: 5, timeoutSeconds: 5 }),
              livenessProbe: httpProbe('http', '/livez', { initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6 }),
              resources: resources(ctx.resources('cube')),
              volumeMounts: [
                // One file each (subPath), never the ConfigMap as a folder: the kubelet lays a ConfigMap volume
                // out as `..<timestamp>/x.yml`, a `..data` link and an `x.yml` link, and Cube's FileRepository
                // walks the model folder recursively with stat (links followed, dot-names included), so it would
                // compile every cube three times ("Found duplicate cube name"). A subPath mount does not follow
                // ConfigMap updates; the config-checksum annotation below rolls the pod instead.
                ...Object.keys(files).map((file) => ({ name: 'model', mountPath: `${CUBE_MODEL_DIR}/${file}`, subPath: file, readOnly: true })),
                { name: 'tmp', mountPath: '/tmp' },
              ],
            }),
          ],
          volumes: [
            { name: 'model', configMap: { name: MODEL_CONFIG_MAP } },
            { name: 'tmp', emptyDir: {} },
          ],
        },
        { annotations: configChecksum(model, semanticCache(ctx.config)) },
      ),
    ];
  },
};
