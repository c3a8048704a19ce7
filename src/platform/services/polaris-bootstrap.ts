// Polaris bootstrap: a Job that creates the schema, the realm and its root principal once, with the admin tool.
import { container, env, job, podSecurity, resources, secretEnv, waitForPostgres } from '../k8s.js';
import { SECRETS } from '../secrets.js';
import type { ServiceDefinition } from '../types.js';
import { CATALOG_DATABASE } from './catalog-db.js';

/** apache/polaris helm/polaris templates/bootstrap.yaml and getting-started/jdbc use this image. */
const IMAGE = 'apache/polaris-admin-tool:1.7.0';

/** JDBC URL of the catalog database (not a secret: user and password come from catalog-db-credentials). */
export const CATALOG_JDBC_URL = `jdbc:postgresql://catalog-db:5432/${CATALOG_DATABASE}`;

/**
 * The admin tool's image runs `java -jar /deployments/polaris-admin-tool.jar` directly (runtime/admin
 * Dockerfile.jvm), so the JVM reads JAVA_TOOL_OPTIONS rather than the run-java.sh ratio variables.
 */
export const ADMIN_TOOL_HEAP = '-XX:MaxRAMPercentage=50';

/**
 * Idempotent bootstrap. `bootstrap` creates the schema with CREATE ... IF NOT EXISTS, then fails with exit 3
 * and "It appears this metastore manager has already been bootstrapped" when the realm's root principal
 * exists (persistence/relational-jdbc JdbcMetaStoreManagerFactory, admintool BootstrapCommand): that outcome
 * is success here. Credentials go through a file (`--credentials-file`, YAML realm → client-id/client-secret,
 * RootCredentialsSet.fromUri) written from the environment, never through argv.
 * `$$(` is Kubernetes' escape for a literal `$(` in a command (it expands `$(VAR)` references itself).
 */
export const BOOTSTRAP_SCRIPT = `set -u
umask 077
creds="$WORK_DIR/credentials.yaml"
printf '%s:\\n  client-id: %s\\n  client-secret: %s\\n' "$POLARIS_REALM" "$POLARIS_CLIENT_ID" "$POLARIS_CLIENT_SECRET" > "$creds"
out=$$(java -jar /deployments/polaris-admin-tool.jar bootstrap --credentials-file="$creds" 2>&1)
code=$?
rm -f "$creds"
printf '%s\\n' "$out"
if [ "$code" -eq 0 ]; then exit 0; fi
case "$out" in
  *"already been bootstrapped"*) echo "realm $POLARIS_REALM was already bootstrapped: nothing to do"; exit 0 ;;
esac
exit "$code"
`;

export const polarisBootstrap: ServiceDefinition = {
  name: 'polaris-bootstrap',
  component: 'catalog',
  description: "Bootstraps Polaris' realm and root principal in the catalog database (re-runs succeed)",
  title: 'Polaris bootstrap',
  readyTimeout: '5m',
  kind: 'Job',
  image: IMAGE,
  images: (ctx) => [ctx.image('polaris-bootstrap'), ctx.image('catalog-db')],
  ports: [],
  readiness: { type: 'job-complete' },
  dependsOn: ['catalog-db'],
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '320Mi' } },
  secrets: [SECRETS.catalogDb, SECRETS.polaris],
  render: (ctx) => [
    job(ctx, polarisBootstrap, {
      // uid 10000 / gid 10001: the `polaris` user of the image (chart containerSecurityContext/podSecurityContext).
      securityContext: podSecurity(10000, 10001, 10001),
      initContainers: [waitForPostgres(ctx, 'catalog-db', ctx.credentials.catalogDb.username)],
      containers: [
        container({
          name: 'polaris-admin-tool',
          image: ctx.image('polaris-bootstrap'),
          command: ['/bin/sh', '-c', BOOTSTRAP_SCRIPT],
          env: [
            ...env({
              POLARIS_PERSISTENCE_TYPE: 'relational-jdbc',
              QUARKUS_DATASOURCE_JDBC_URL: CATALOG_JDBC_URL,
              JAVA_TOOL_OPTIONS: ADMIN_TOOL_HEAP,
              WORK_DIR: '/tmp/polaris-bootstrap',
            }),
            secretEnv('QUARKUS_DATASOURCE_USERNAME', SECRETS.catalogDb, 'username'),
            secretEnv('QUARKUS_DATASOURCE_PASSWORD', SECRETS.catalogDb, 'password'),
            secretEnv('POLARIS_REALM', SECRETS.polaris, 'realm'),
            secretEnv('POLARIS_CLIENT_ID', SECRETS.polaris, 'client-id'),
            secretEnv('POLARIS_CLIENT_SECRET', SECRETS.polaris, 'client-secret'),
          ],
          resources: resources(ctx.resources('polaris-bootstrap')),
          volumeMounts: [{ name: 'work', mountPath: '/tmp/polaris-bootstrap' }],
        }),
      ],
      volumes: [{ name: 'work', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }],
    }),
  ],
};
