// The bootstrap tasks' code, by name (their data is in platform/bootstrap.ts): each reaches its service through a
// short-lived `kubectl port-forward` on a free 127.0.0.1 port, never through a pod IP, and returns what it found.
import type { Config } from '../config/schema.js';
import type { BootstrapName, PlatformCredentials } from '../platform/index.js';
import { WAREHOUSE_BUCKET } from '../platform/index.js';
import { MINIO_S3_PORT } from '../platform/services/minio.js';
import { CATALOG_CONTENT_GRANT, PLATFORM_CATALOG, POLARIS_API_PORT, platformCatalog } from '../platform/services/polaris.js';
import type { Http } from '../tools/http.js';
import type { Kubectl } from '../tools/kubectl.js';
import { throughForward } from '../tools/through-forward.js';
import { ensureBucket } from './bucket.js';
import { ensureCatalog, ensureGrant, rootToken } from './polaris.js';

export interface BootstrapEnv {
  kubectl: Kubectl;
  http: Http;
  config: Config;
  credentials: PlatformCredentials;
  signal: AbortSignal;
  progress(text: string): void;
}

/** Each task makes its effect true (idempotently) and says what it found, e.g. "s3://warehouse exists". */
export const BOOTSTRAP_RUNNERS: Record<BootstrapName, (env: BootstrapEnv) => Promise<string>> = {
  'warehouse-bucket': async (env) => {
    const { rootUser, rootPassword } = env.credentials.minio;
    const outcome = await through(env, 'minio', MINIO_S3_PORT, (endpoint) =>
      ensureBucket(env.http, { endpoint, credentials: { accessKeyId: rootUser, secretAccessKey: rootPassword }, signal: env.signal }, WAREHOUSE_BUCKET),
    );
    return outcome === 'exists' ? `s3://${WAREHOUSE_BUCKET} exists` : `s3://${WAREHOUSE_BUCKET} created (the bucket Job had not made it)`;
  },

  'polaris-catalog': async (env) =>
    through(env, 'polaris', POLARIS_API_PORT, async (baseUrl) => {
      const target = { baseUrl, signal: env.signal };
      const { realm, clientId, clientSecret } = env.credentials.polaris;
      env.progress(`realm ${realm}: getting a token for the root principal`);
      const token = await rootToken(env.http, target, { realm, clientId, clientSecret });
      env.progress(`catalog ${PLATFORM_CATALOG}: checking`);
      const wanted = platformCatalog({ namespace: env.config.namespace, bucket: WAREHOUSE_BUCKET, clientS3Port: env.config.forwards.minio });
      const outcome = await ensureCatalog(env.http, target, token, { ...wanted, properties: { ...wanted.properties }, storageConfigInfo: { ...wanted.storageConfigInfo } });
      await ensureGrant(env.http, target, token, PLATFORM_CATALOG, CATALOG_CONTENT_GRANT.role, CATALOG_CONTENT_GRANT.grant);
      return `realm ${realm} answers; catalog ${PLATFORM_CATALOG} on s3://${WAREHOUSE_BUCKET} ${outcome === 'created' ? 'created' : 'exists'}`;
    }),
};

const through = <T>(env: BootstrapEnv, service: string, port: number, fn: (base: string) => Promise<T>) =>
  throughForward(env.kubectl, service, port, fn, { namespace: env.config.namespace, signal: env.signal, progress: env.progress });
