// The platform's Secrets, built from the cluster's credentials: the only objects that hold secret values.
import type { ISecret } from 'kubernetes-models/v1';
import type { PlatformCredentials } from './credentials.js';
import { MANAGED_BY, PART_OF } from './k8s.js';

/**
 * Secret names and keys. `polaris-credentials` (realm, client-id, client-secret) and `cube-credentials`
 * (api-secret) are a contract: the smoke stage and the simulated services read them.
 */
export const SECRETS = {
  polaris: 'polaris-credentials',
  cube: 'cube-credentials',
  catalogDb: 'catalog-db-credentials',
  orchestratorDb: 'orchestrator-db-credentials',
  minio: 'minio-credentials',
  grafana: 'grafana-credentials',
} as const;

export type SecretName = (typeof SECRETS)[keyof typeof SECRETS];

function secretData(credentials: PlatformCredentials): Record<SecretName, Record<string, string>> {
  return {
    [SECRETS.polaris]: {
      realm: credentials.polaris.realm,
      'client-id': credentials.polaris.clientId,
      'client-secret': credentials.polaris.clientSecret,
    },
    [SECRETS.cube]: { 'api-secret': credentials.cube.apiSecret },
    [SECRETS.catalogDb]: { username: credentials.catalogDb.username, password: credentials.catalogDb.password },
    [SECRETS.orchestratorDb]: { username: credentials.orchestratorDb.username, password: credentials.orchestratorDb.password },
    [SECRETS.minio]: { 'root-user': credentials.minio.rootUser, 'root-password': credentials.minio.rootPassword },
    [SECRETS.grafana]: { 'admin-user': credentials.grafana.adminUser, 'admin-password': credentials.grafana.adminPassword },
  };
}

/**
 * The Secret objects, values base64-encoded in `data` (not `stringData`, which server-side apply reports as a
 * change on every run).
 */
export function renderSecrets(names: Iterable<string>, credentials: PlatformCredentials, namespace: string): ISecret[] {
  const all = secretData(credentials);
  return [...new Set(names)].sort().map((name) => {
    const values = all[name as SecretName];
    if (!values) throw new Error(`no Secret named ${name} in the platform (a catalog module names an unknown Secret)`);
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        name,
        namespace,
        labels: { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': MANAGED_BY },
      },
      data: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
    };
  });
}

/** Every secret value, for tests and log redaction. */
export function secretValues(credentials: PlatformCredentials): string[] {
  return [
    credentials.polaris.clientSecret,
    credentials.catalogDb.password,
    credentials.orchestratorDb.password,
    credentials.minio.rootPassword,
    credentials.grafana.adminPassword,
    credentials.cube.apiSecret,
  ];
}
