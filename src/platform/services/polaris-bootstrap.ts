// Polaris bootstrap: a Job that creates the schema, the realm and its root principal once, with the admin tool.
import { container, env, job, podSecurity, resources, secretEnv, waitForPostgres } from '../k8s.js';
import { SECRETS } from '../secrets.js';
import type { ServiceDefinition } from '../types.js';
import { CATALOG_DATABASE } from './catalog-db.js';

/**
 * The admin tool of the same release (runtime/admin at apache-polaris-1.7.0; its docs run
 * `apache/polaris-admin-tool bootstrap`, site/content/in-dev/unreleased/admin-tool.md). Tag and architectures as
 * for the server: see polaris.ts.
 */
const IMAGE = 'apache/polaris-admin-tool:1.7.0';

/** JDBC URL of the catalog database (not a secret: user and password come from catalog-db-credentials). */
export const CATALOG_JDBC_URL = `jdbc:postgresql://catalog-db:5432/${CATALOG_DATABASE}`;

/**
 * The image's ENTRYPOINT is run-java.sh with JAVA_APP_JAR=/deployments/polaris-admin-tool.jar
 * (runtime/admin/src/main/docker/Dockerfile.jvm). The Job runs a shell script instead (for the credentials file)
 * that starts `java -jar` itself, so run-java.sh's JAVA_MAX_MEM_RATIO does not apply: the JVM reads the heap cap
 * from JAVA_TOOL_OPTIONS.
 */
export const ADMIN_TOOL_HEAP = '-XX:MaxRAMPercentage=50';

/**
 * Idempotent bootstrap. In 1.7.0 `bootstrap` creates the schema if needed and, for a realm whose root principal
 * exists, prints "Realm '<realm>' is already bootstrapped; skipping." and exits 0 (runtime/admin
 * BootstrapCommand.java; CHANGELOG 1.7.0 "Changes"): a re-run needs no special case. Credentials go through a
 * file (`--credentials-file`, YAML realm → client-id/client-secret, RootCredentialsSet.fromUri) written from the
 * environment, never through argv, and removed whatever the outcome. `$$(` would be Kubernetes' escape for a
 * literal `$(` in a command; the script needs none.
 */
export const BOOTSTRAP_SCRIPT = `set -u
umask 077
creds="$WORK_DIR/credentials.yaml"
printf '%s:\\n  client-id: %s\\n  client-secret: %s\\n' "$POLARIS_REALM" "$POLARIS_CLIENT_ID" "$POLARIS_CLIENT_SECRET" > "$creds"
java -jar /deployments/polaris-admin-tool.jar bootstrap --credentials-file="$creds"
code=$?
rm -f "$creds"
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
  architectures: ['amd64', 'arm64'],
  images: (ctx) => [ctx.image('polaris-bootstrap'), ctx.image('catalog-db')],
  ports: [],
  readiness: { type: 'job-complete' },
  dependsOn: ['catalog-db'],
  // A short-lived Quarkus command-line JVM (JDBC, schema creation): 512Mi gives a 256 MiB heap and room for the
  // non-heap memory a Quarkus application loads (320Mi left it a 160 MiB heap beside that).
  resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  memoryFloor: { memory: '384Mi', source: 'estimate: 50% MaxRAMPercentage heap of at least 192 MiB + ~192 MiB JVM non-heap for a Quarkus command line app' },
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
