// How a data engineer reaches the platform from the laptop: each service's URL through its forward and its
// login, from the cluster's credentials (`floe-dev credentials`). Pure: ports and credentials come in.
import type { Config } from '../config/schema.js';
import type { PlatformCredentials } from './credentials.js';
import { GRAFANA_PORT } from './services/grafana.js';
import { WAREHOUSE_BUCKET } from './services/minio-bucket.js';
import { PLATFORM_CATALOG, platformCatalog } from './services/polaris.js';

/** Polaris' OAuth scope for a principal's roles (its client-credentials flow). */
export const POLARIS_SCOPE = 'PRINCIPAL_ROLE:ALL';

export interface AccessInput {
  config: Config;
  credentials: PlatformCredentials;
  credentialsFile: string;
  kubeconfig: string;
  /** The kubeconfig context: kind's `kind-<cluster>`, or an existing cluster's (src/target.ts decides). */
  context: string;
  /** An existing cluster: named by its context in the notes. */
  existing?: boolean;
  /** Local port of each forward: the supervisor's record where it has one, else the configuration. */
  port(key: string): number | undefined;
  forwardsRunning: boolean;
  clusterCreated: boolean;
}

export interface PlatformAccess {
  cluster: string;
  /** An existing cluster (cluster.existing): `cluster` is its context. */
  existing?: boolean;
  credentialsFile: string;
  clusterCreated: boolean;
  forwardsRunning: boolean;
  dagster: { url: string; login: null };
  polaris: {
    /** The Iceberg REST catalog URI (PyIceberg `uri`, Spark `spark.sql.catalog.<name>.uri`). */
    uri: string;
    managementUrl: string;
    warehouse: string;
    realm: string;
    clientId: string;
    clientSecret: string;
    /** `client_id:client_secret`, as Iceberg clients take it. */
    credential: string;
    scope: string;
  };
  s3: { endpoint: string; region: string; pathStyleAccess: true; accessKey: string; secretKey: string; bucket: string };
  cube: { url: string; apiUrl: string; apiSecret: string; tokenCommand: string };
  grafana: { url: string | null; portForward: string | null; user: string; password: string };
}

export function platformAccess(input: AccessInput): PlatformAccess {
  const { config, credentials: c } = input;
  const local = (key: string, fallback: number) => `http://127.0.0.1:${input.port(key) ?? fallback}`;
  const s3Port = input.port('minio') ?? config.forwards.minio;
  // The catalog's own storage settings: what Polaris tells Iceberg clients (no STS, so no vended keys).
  const storage = platformCatalog({ namespace: config.namespace, bucket: WAREHOUSE_BUCKET, clientS3Port: s3Port }).storageConfigInfo;
  const grafanaPort = input.port('grafana');
  const context = input.context;
  return {
    cluster: input.existing ? context : config.cluster.name,
    credentialsFile: input.credentialsFile,
    clusterCreated: input.clusterCreated,
    ...(input.existing ? { existing: true } : {}),
    forwardsRunning: input.forwardsRunning,
    dagster: { url: local('dagster', config.forwards.dagster), login: null },
    polaris: {
      uri: `${local('polaris', config.forwards.polaris)}/api/catalog`,
      managementUrl: local('polarisManagement', config.forwards.polarisManagement),
      warehouse: PLATFORM_CATALOG,
      realm: c.polaris.realm,
      clientId: c.polaris.clientId,
      clientSecret: c.polaris.clientSecret,
      credential: `${c.polaris.clientId}:${c.polaris.clientSecret}`,
      scope: POLARIS_SCOPE,
    },
    s3: {
      endpoint: storage.endpoint,
      region: storage.region,
      pathStyleAccess: storage.pathStyleAccess,
      accessKey: c.minio.rootUser,
      secretKey: c.minio.rootPassword,
      bucket: WAREHOUSE_BUCKET,
    },
    cube: {
      url: local('cube', config.forwards.cube),
      apiUrl: `${local('cube', config.forwards.cube)}/cubejs-api/v1`,
      apiSecret: c.cube.apiSecret,
      tokenCommand: 'floe-dev credentials --cube-token',
    },
    grafana: {
      url: grafanaPort ? `http://127.0.0.1:${grafanaPort}` : null,
      // Not forwarded by default (design §4): one kubectl command reaches it, with floe-dev's kubeconfig.
      portForward: grafanaPort
        ? null
        : `kubectl --kubeconfig ${input.kubeconfig} --context ${context} -n ${config.namespace} port-forward svc/grafana 3001:${GRAFANA_PORT}`,
      user: c.grafana.adminUser,
      password: c.grafana.adminPassword,
    },
  };
}

/** The text `floe-dev credentials` prints: one block per service, names aligned. */
export function formatAccess(a: PlatformAccess): string {
  const block = (title: string, rows: [string, string][]) => {
    const width = Math.max(...rows.map(([k]) => k.length));
    return [title, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
  };
  const notes: string[] = [];
  if (!a.clusterCreated && !a.existing) notes.push(`Cluster ${a.cluster} does not exist yet: \`floe-dev up\` creates it with these credentials.`);
  else if (!a.forwardsRunning) notes.push('The forwards are not running: `floe-dev forward start` (or `floe-dev up`) brings the URLs back.');
  return `${[
    `Platform credentials of cluster ${a.cluster} (from ${a.credentialsFile}; keep them to yourself)`,
    ...notes,
    block('Dagster', [
      ['URL', a.dagster.url],
      ['login', 'none'],
    ]),
    block('Polaris (Iceberg REST catalog)', [
      ['catalog URI', a.polaris.uri],
      ['warehouse', a.polaris.warehouse],
      ['credential', a.polaris.credential],
      ['client id', a.polaris.clientId],
      ['client secret', a.polaris.clientSecret],
      ['scope', a.polaris.scope],
      ['realm', a.polaris.realm],
      ['management', `${a.polaris.managementUrl} (health: /q/health/ready)`],
    ]),
    block(`MinIO (S3 storage of the ${a.polaris.warehouse} catalog; no vended credentials: clients use these keys)`, [
      ['endpoint', `${a.s3.endpoint} (path-style access, region ${a.s3.region})`],
      ['access key', a.s3.accessKey],
      ['secret key', a.s3.secretKey],
      ['bucket', a.s3.bucket],
    ]),
    block('Cube (semantic layer)', [
      ['API URL', a.cube.apiUrl],
      ['API secret', a.cube.apiSecret],
      ['token', `${a.cube.tokenCommand}  (an HS256 JWT for the Authorization header, valid 1 hour)`],
    ]),
    block('Grafana', [
      ['URL', a.grafana.url ?? `not forwarded by default; run ${a.grafana.portForward} and open http://127.0.0.1:3001`],
      ['user', a.grafana.user],
      ['password', a.grafana.password],
    ]),
  ].join('\n\n')}\n`;
}

/**
 * `floe-dev credentials --env`: shell `export` lines, so snippets can use $FLOE_POLARIS_CREDENTIAL and friends
 * (`eval "$(floe-dev credentials --env)"`). Values are single-quoted; none holds a quote (random letters and digits).
 */
export function accessEnv(a: PlatformAccess): string {
  const vars: [string, string][] = [
    ['FLOE_DAGSTER_URL', a.dagster.url],
    ['FLOE_POLARIS_URI', a.polaris.uri],
    ['FLOE_POLARIS_CREDENTIAL', a.polaris.credential],
    ['FLOE_POLARIS_SCOPE', a.polaris.scope],
    ['FLOE_WAREHOUSE', a.polaris.warehouse],
    ['FLOE_S3_ENDPOINT', a.s3.endpoint],
    ['FLOE_S3_REGION', a.s3.region],
    ['FLOE_S3_ACCESS_KEY', a.s3.accessKey],
    ['FLOE_S3_SECRET_KEY', a.s3.secretKey],
    ['FLOE_CUBE_API_URL', a.cube.apiUrl],
    ['FLOE_CUBE_API_SECRET', a.cube.apiSecret],
    ['FLOE_GRAFANA_USER', a.grafana.user],
    ['FLOE_GRAFANA_PASSWORD', a.grafana.password],
  ];
  return vars.map(([name, value]) => `export ${name}='${value.replaceAll("'", "'\\''")}'`).join('\n') + '\n';
}
