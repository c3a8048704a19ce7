// Apache Polaris: the Iceberg REST catalog, persisted in PostgreSQL (relational-jdbc).
import { clusterService, configChecksum, configMap, container, deployment, env, httpProbe, podSecurity, resources, secretEnv } from '../k8s.js';
import { SECRETS } from '../secrets.js';
import type { RenderContext, ServiceDefinition } from '../types.js';
import { CATALOG_JDBC_URL } from './polaris-bootstrap.js';

/**
 * Quarkus server on UBI9 OpenJDK 21; the entrypoint is run-java.sh (runtime/server/src/main/docker/Dockerfile.jvm
 * at apache-polaris-1.7.0). Tag: the Polaris chart at that git tag pulls `apache/polaris:1.7.0` (helm/polaris
 * values.yaml image.tag), as the manual release guide publishes it (`-Dquarkus.container-image.tag=x.y.z`, for
 * linux/amd64 and linux/arm64). The semi-automated release-4 workflow at that tag would push
 * `apache-polaris-1.7.0` and `latest` instead, but its Docker Hub login pointed at ghcr.io ("denied"; fixed after
 * the tag by apache/polaris#5218), so it could not push. `npm run check-images` confirms the tag in the registry.
 */
const IMAGE = 'apache/polaris:1.7.0';
export const POLARIS_API_PORT = 8181;
export const POLARIS_MANAGEMENT_PORT = 8182;
/**
 * Heap = 50% of the memory limit (run-java.sh's JAVA_MAX_MEM_RATIO, which sets -XX:MaxRAMPercentage; its default
 * is 80%, site/content/in-dev/unreleased/configuration/configuring-polaris.md): the rest is the JVM's own
 * memory (metaspace, code cache, thread stacks, direct buffers).
 */
export const POLARIS_HEAP_RATIO = '50';
const CONFIG_MAP = 'polaris-config';

/** The Iceberg catalog `up` creates in Polaris (the `warehouse` Iceberg clients name). */
export const PLATFORM_CATALOG = 'floe';

/**
 * The platform catalog as Polaris' management API takes it (spec/polaris-management-service.yml at
 * apache-polaris-1.7.0, AwsStorageConfigInfo; site/content/guides/minio): its warehouse is the MinIO bucket,
 * addressed path-style. Clients see `endpoint` (MinIO through its forward on the laptop); Polaris itself uses
 * `endpointInternal` (the in-cluster Service). MinIO offers no STS here, so no credentials are vended: clients
 * bring MinIO's own keys (`floe-dev credentials`).
 */
export function platformCatalog(opts: { namespace: string; bucket: string; clientS3Port: number }) {
  const location = `s3://${opts.bucket}`;
  return {
    name: PLATFORM_CATALOG,
    type: 'INTERNAL',
    readOnly: false,
    properties: { 'default-base-location': location },
    storageConfigInfo: {
      storageType: 'S3',
      allowedLocations: [location],
      region: 'us-east-1',
      endpoint: `http://localhost:${opts.clientS3Port}`,
      endpointInternal: `http://minio.${opts.namespace}.svc.cluster.local:9000`,
      pathStyleAccess: true,
      stsUnavailable: true,
    },
  } as const;
}

/**
 * The privilege the catalog's `catalog_admin` role (granted to the root principal's service_admin) needs to
 * create namespaces and tables; Polaris grants only CATALOG_MANAGE_ACCESS on creation (the MinIO guide adds
 * this one as its "extra grants" step).
 */
export const CATALOG_CONTENT_GRANT = { role: 'catalog_admin', grant: { type: 'catalog', privilege: 'CATALOG_MANAGE_CONTENT' } } as const;

/**
 * application.properties, as the Polaris chart renders it (helm/polaris templates/configmap.yaml) and mounts
 * it in the image's config directory /deployments/config. Secrets (datasource user and password) come from
 * the environment instead.
 */
export function polarisProperties(ctx: RenderContext): string {
  const tracing = ctx.selected.has('otel-collector')
    ? // The chart's tracing.endpoint: OTLP over gRPC to the collector.
      ['quarkus.otel.sdk.disabled=false', 'quarkus.otel.exporter.otlp.endpoint=http://otel-collector:4317']
    : ['quarkus.otel.sdk.disabled=true'];
  return [
    '# Rendered by floe-dev: Polaris with relational-jdbc persistence on catalog-db.',
    'polaris.persistence.type=relational-jdbc',
    `quarkus.datasource.jdbc.url=${CATALOG_JDBC_URL}`,
    'polaris.realm-context.type=default',
    `polaris.realm-context.realms=${ctx.credentials.polaris.realm}`,
    `quarkus.http.port=${POLARIS_API_PORT}`,
    `quarkus.management.port=${POLARIS_MANAGEMENT_PORT}`,
    'quarkus.log.level=INFO',
    ...tracing,
    '',
  ].join('\n');
}

export const polaris: ServiceDefinition = {
  name: 'polaris',
  component: 'catalog',
  description: 'Apache Polaris Iceberg REST catalog (relational-jdbc persistence on catalog-db)',
  title: 'Apache Polaris',
  // A JVM: its startup probe alone allows 5 minutes before readiness takes over.
  readyTimeout: '10m',
  kind: 'Deployment',
  image: IMAGE,
  architectures: ['amd64', 'arm64'],
  images: (ctx) => [ctx.image('polaris')],
  // Port names are a contract with the forwards and the simulated toolchain.
  ports: [
    { name: 'api', port: POLARIS_API_PORT, service: true },
    { name: 'management', port: POLARIS_MANAGEMENT_PORT, service: true },
  ],
  readiness: { type: 'http', port: POLARIS_MANAGEMENT_PORT, path: '/q/health/ready', expect: '"status":"UP"' },
  dependsOn: ['catalog-db', 'polaris-bootstrap'],
  // The chart sets no default (helm/polaris values.yaml resources: {}; its production guide shows 8Gi); the
  // distribution README's example runs the server with -Xms512m -Xmx1g. A 1Gi limit gives a 512 MiB heap.
  resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } },
  memoryFloor: { memory: '768Mi', source: 'runtime/distribution/README.md at apache-polaris-1.7.0: example heap -Xms512m; plus ~256 MiB JVM non-heap (estimate)' },
  forwards: [
    { key: 'polaris', service: 'polaris', port: POLARIS_API_PORT, portName: 'api' },
    { key: 'polarisManagement', service: 'polaris', port: POLARIS_MANAGEMENT_PORT, portName: 'management' },
  ],
  smoke: [
    {
      name: 'polaris health',
      forward: 'polarisManagement',
      method: 'GET',
      path: '/q/health/ready',
      expect: { status: 200, jsonEquals: { status: 'UP' } },
    },
    {
      name: 'polaris oauth token',
      forward: 'polaris',
      method: 'POST',
      path: '/api/catalog/v1/oauth/tokens',
      body: { form: { grant_type: 'client_credentials', scope: 'PRINCIPAL_ROLE:ALL' } },
      auth: 'polaris-client-credentials',
      expect: { status: 200, jsonPaths: ['access_token'] },
    },
    {
      name: 'polaris catalogs',
      forward: 'polaris',
      method: 'GET',
      path: '/api/management/v1/catalogs',
      auth: 'polaris-bearer',
      expect: { status: 200, jsonPaths: ['catalogs'] },
    },
  ],
  // minio-credentials is read optionally (rendered only with the storage component).
  secrets: [SECRETS.catalogDb, SECRETS.polaris],
  render: (ctx) => {
    const properties = polarisProperties(ctx);
    return [
      configMap(ctx, polaris, CONFIG_MAP, { 'application.properties': properties }),
      clusterService(ctx, polaris),
      deployment(
        ctx,
        polaris,
        {
          // uid 10000 / gid 10001: the image's `polaris` user (chart containerSecurityContext.runAsUser, podSecurityContext.fsGroup).
          securityContext: podSecurity(10000, 10001, 10001),
          containers: [
            container({
              name: 'polaris',
              image: ctx.image('polaris'),
              env: [
                secretEnv('QUARKUS_DATASOURCE_USERNAME', SECRETS.catalogDb, 'username'),
                secretEnv('QUARKUS_DATASOURCE_PASSWORD', SECRETS.catalogDb, 'password'),
                // S3 credentials for the MinIO warehouse (getting-started/minio); optional: absent without storage.
                secretEnv('AWS_ACCESS_KEY_ID', SECRETS.minio, 'root-user', true),
                secretEnv('AWS_SECRET_ACCESS_KEY', SECRETS.minio, 'root-password', true),
                ...env({ AWS_REGION: 'us-east-1', JAVA_MAX_MEM_RATIO: POLARIS_HEAP_RATIO }),
              ],
              ports: [
                { name: 'api', containerPort: POLARIS_API_PORT, protocol: 'TCP' },
                { name: 'management', containerPort: POLARIS_MANAGEMENT_PORT, protocol: 'TCP' },
              ],
              // JVM start: up to 5 minutes on a busy laptop before readiness and liveness take over.
              startupProbe: httpProbe('management', '/q/health/live', { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60 }),
              // Chart defaults: period 10, timeout 10, failure 3.
              readinessProbe: httpProbe('management', '/q/health/ready', { periodSeconds: 10, timeoutSeconds: 10 }),
              livenessProbe: httpProbe('management', '/q/health/live', { periodSeconds: 10, timeoutSeconds: 10 }),
              resources: resources(ctx.resources('polaris')),
              volumeMounts: [
                { name: 'config', mountPath: '/deployments/config', readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            }),
          ],
          volumes: [
            { name: 'config', configMap: { name: CONFIG_MAP } },
            { name: 'tmp', emptyDir: {} },
          ],
        },
        { annotations: configChecksum(properties) },
      ),
    ];
  },
};
