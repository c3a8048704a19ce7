// The configuration files rendered into ConfigMaps parse as what their service expects.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { configMapData, named, render } from './helpers.js';

function which(tool: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const objects = render();
const yamlOf = (cm: string, key: string) => parse(configMapData(objects, cm, key)) as Record<string, unknown>;

describe('Dagster', () => {
  const instance = yamlOf('dagster-instance', 'dagster.yaml');

  it('dagster.yaml keeps runs, events and schedules in the orchestrator PostgreSQL, password from the environment', () => {
    expect(instance.storage).toEqual({
      postgres: {
        postgres_db: { username: 'dagster', password: { env: 'DAGSTER_PG_PASSWORD' }, hostname: 'orchestrator-db', db_name: 'dagster', port: 5432 },
      },
    });
  });

  it('dagster.yaml uses the daemon scheduler and the queued run coordinator', () => {
    expect(instance.scheduler).toEqual({ module: 'dagster.core.scheduler', class: 'DagsterDaemonScheduler' });
    expect(instance.run_coordinator).toEqual({ module: 'dagster.core.run_coordinator', class: 'QueuedRunCoordinator' });
  });

  it('workspace.yaml points at the code location’s gRPC server on 3030, which its Service exposes', () => {
    const workspace = yamlOf('dagster-workspace', 'workspace.yaml');
    expect(workspace).toEqual({ load_from: [{ grpc_server: { host: 'dagster-code-location', port: 3030, location_name: 'example' } }] });
    expect(named(objects, 'Service', 'dagster-code-location').spec?.ports).toContainEqual(expect.objectContaining({ port: 3030 }));
  });

  it('the webserver and the daemon read that workspace file', () => {
    for (const name of ['dagster-webserver', 'dagster-daemon']) {
      const c = named(objects, 'Deployment', name).spec!.template.spec!.containers[0]!;
      expect(c.command).toEqual(expect.arrayContaining(['-w', '/dagster-workspace/workspace.yaml']));
      expect(c.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/dagster-workspace' }));
    }
  });

  it('the example code location serves a definitions file from a ConfigMap, with the same multi-arch image', () => {
    const d = named(objects, 'Deployment', 'dagster-code-location').spec!.template.spec!;
    const c = d.containers[0]!;
    expect(c.image).toBe('dagster/dagster-k8s:1.13.25');
    expect(c.args).toEqual(['dagster', 'api', 'grpc', '-h', '0.0.0.0', '-p', '3030', '-f', '/opt/dagster/example/definitions.py']);
    expect(c.volumeMounts).toContainEqual({ name: 'example-code', mountPath: '/opt/dagster/example/definitions.py', subPath: 'definitions.py', readOnly: true });
    expect(d.volumes).toContainEqual({ name: 'example-code', configMap: { name: 'dagster-example-code' } });
    const code = configMapData(objects, 'dagster-example-code', 'definitions.py');
    expect(code).toMatch(/^defs = dg\.Definitions\(assets=\[platform_greeting\], jobs=\[greeting_job\]\)$/m);
    expect(code).toContain('executor_def=dg.in_process_executor');
  });

  const python = which('python3');
  it.skipIf(!python)('the definitions file is Python that compiles (skipped without python3)', () => {
    const code = configMapData(objects, 'dagster-example-code', 'definitions.py');
    const r = spawnSync(python!, ['-c', 'import ast, sys; ast.parse(sys.stdin.read(), "definitions.py")'], { input: code, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const broken = spawnSync(python!, ['-c', 'import ast, sys; ast.parse(sys.stdin.read(), "definitions.py")'], { input: `${code}\ndef (:\n`, encoding: 'utf8' });
    expect(broken.status).not.toBe(0);
  });
});


describe('Polaris', () => {
  const properties = Object.fromEntries(
    configMapData(objects, 'polaris-config', 'application.properties')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const i = l.indexOf('=');
        return [l.slice(0, i), l.slice(i + 1)];
      }),
  );

  it('persists in PostgreSQL (relational-jdbc) on catalog-db', () => {
    expect(properties['polaris.persistence.type']).toBe('relational-jdbc');
    expect(properties['quarkus.datasource.jdbc.url']).toBe('jdbc:postgresql://catalog-db:5432/polaris');
  });

  it('serves the realm that polaris-credentials names, on 8181 and 8182', () => {
    expect(properties['polaris.realm-context.realms']).toBe('POLARIS');
    expect(properties['quarkus.http.port']).toBe('8181');
    expect(properties['quarkus.management.port']).toBe('8182');
  });

  it('mounts the file where the image reads its configuration', () => {
    const c = named(objects, 'Deployment', 'polaris').spec!.template.spec!.containers[0]!;
    expect(c.volumeMounts).toContainEqual(expect.objectContaining({ name: 'config', mountPath: '/deployments/config' }));
  });

  it('sends traces to the collector only when observability is installed', () => {
    const alone = render({ components: ['catalog'] });
    expect(configMapData(alone, 'polaris-config', 'application.properties')).toContain('quarkus.otel.sdk.disabled=true');
    expect(properties['quarkus.otel.exporter.otlp.endpoint']).toBe('http://otel-collector:4317');
  });
});

describe('OpenTelemetry collector', () => {
  const config = yamlOf('otel-collector-config', 'config.yaml') as {
    extensions: Record<string, { endpoint: string }>;
    receivers: Record<string, unknown>;
    processors: Record<string, unknown>;
    exporters: Record<string, unknown>;
    service: { extensions: string[]; pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
  };

  it('enables the health_check extension on the port the probes use', () => {
    expect(config.service.extensions).toContain('health_check');
    expect(config.extensions.health_check!.endpoint).toMatch(/:13133$/);
    const c = named(objects, 'Deployment', 'otel-collector').spec!.template.spec!.containers[0]!;
    expect(c.readinessProbe?.httpGet).toMatchObject({ path: '/', port: 'health' });
    expect(c.ports).toContainEqual(expect.objectContaining({ name: 'health', containerPort: 13133 }));
  });

  it('has traces, metrics and logs pipelines built only from declared components', () => {
    expect(Object.keys(config.service.pipelines).sort()).toEqual(['logs', 'metrics', 'traces']);
    for (const [name, p] of Object.entries(config.service.pipelines)) {
      for (const r of p.receivers) expect(config.receivers, `${name} receiver ${r}`).toHaveProperty(r);
      for (const x of p.processors) expect(config.processors, `${name} processor ${x}`).toHaveProperty(x);
      for (const e of p.exporters) expect(config.exporters, `${name} exporter ${e}`).toHaveProperty(e);
    }
  });

  it('caps Go’s heap below the memory limit', () => {
    const c = named(objects, 'Deployment', 'otel-collector').spec!.template.spec!.containers[0]!;
    expect(c.env).toContainEqual({ name: 'GOMEMLIMIT', value: '204MiB' });
  });
});

describe('Prometheus', () => {
  const text = configMapData(objects, 'prometheus-config', 'prometheus.yml');
  const config = parse(text) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };

  it('scrapes the OTel collector (its own and the OTLP-received metrics)', () => {
    const targets = config.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets));
    expect(targets).toEqual(expect.arrayContaining(['otel-collector:8888', 'otel-collector:8889']));
  });

  it('scrapes only services that are installed', () => {
    const jobs = (o: ReturnType<typeof render>) =>
      (parse(configMapData(o, 'prometheus-config', 'prometheus.yml')) as typeof config).scrape_configs.map((s) => s.job_name);
    expect(jobs(objects)).toEqual(expect.arrayContaining(['polaris', 'minio']));
    expect(jobs(render({ components: ['observability'] }))).toEqual(['prometheus', 'otel-collector', 'otel-collector-otlp']);
  });

  it('keeps two days of metrics through the configuration file, not the deprecated flag (prometheus#17026)', () => {
    expect((parse(text) as { storage: unknown }).storage).toEqual({ tsdb: { retention: { time: '2d' } } });
    const c = named(objects, 'StatefulSet', 'prometheus').spec!.template.spec!.containers[0]!;
    expect(c.args!.some((a) => a.startsWith('--storage.tsdb.retention'))).toBe(false);
  });

  const promtool = which('promtool');
  const dir = mkdtempSync(join(tmpdir(), 'floe-promtool-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** promtool's major version: Debian's prometheus package is 2.x, older than storage.tsdb.retention in the file. */
  const promtoolMajor = promtool ? Number(/version (\d+)\./.exec(execFileSync(promtool, ['--version'], { encoding: 'utf8' }))?.[1]) : undefined;
  const checked = promtoolMajor !== undefined && promtoolMajor < 3 ? withoutRetention(text) : text;

  if (!promtool) console.warn('skipping `promtool check config`: promtool not found (Debian package prometheus; .ci/run installs it)');
  it.skipIf(!promtool)('passes `promtool check config` (skipped without promtool: install Debian package prometheus)', () => {
    // A promtool before 3.x rejects the retention block (prometheus#12139: "field retention not found"): it checks
    // everything else, and the test above pins the block's shape to what Prometheus 3.14 reads.
    if (checked !== text) console.warn(`promtool ${promtoolMajor}.x predates storage.tsdb.retention in the file: checking the rest of prometheus.yml`);
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, checked);
    const out = execFileSync(promtool!, ['check', 'config', file], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS/);
  });

  it.skipIf(!promtool)('promtool does reject a broken configuration (the check above can fail)', () => {
    const file = join(dir, 'broken.yml');
    writeFileSync(file, `${checked.trimEnd()}\n  - job_name: prometheus\n    static_configs: [{ targets: ['not a target'] }]\n`);
    const r = spawnSync(promtool!, ['check', 'config', file], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
  });
});

/** prometheus.yml without its `storage` block (for a promtool older than the block). */
function withoutRetention(yaml: string): string {
  const doc = parse(yaml) as Record<string, unknown>;
  delete doc.storage;
  return stringify(doc);
}

describe('Grafana', () => {
  it('provisions Prometheus as the default data source, at its Service', () => {
    const ds = yamlOf('grafana-datasources', 'datasources.yaml') as { apiVersion: number; datasources: Record<string, unknown>[] };
    expect(ds.apiVersion).toBe(1);
    expect(ds.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true, access: 'proxy' })]);
    const c = named(objects, 'Deployment', 'grafana').spec!.template.spec!.containers[0]!;
    expect(c.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/etc/grafana/provisioning/datasources' }));
  });

  it('turns gzip off and caps Go’s heap below its limit (grafana#123017)', () => {
    const c = named(objects, 'Deployment', 'grafana').spec!.template.spec!.containers[0]!;
    expect(c.env).toContainEqual({ name: 'GF_SERVER_ENABLE_GZIP', value: 'false' });
    expect(c.env).toContainEqual({ name: 'GOMEMLIMIT', value: '409MiB' });
  });
});

describe('MinIO', () => {
  it('runs with the CI/CD sizing its maintainers give 256 MiB for (minio#18906)', () => {
    const c = named(objects, 'StatefulSet', 'minio').spec!.template.spec!.containers[0]!;
    expect(c.env).toContainEqual({ name: 'MINIO_CI_CD', value: 'true' });
  });
});

describe('Cube', () => {
  it('ships one sample cube with a measure and dimensions, from inline SQL', () => {
    const model = yamlOf('cube-model', 'platform_components.yml') as {
      cubes: { name: string; sql: string; measures: unknown[]; dimensions: { primary_key?: boolean }[] }[];
    };
    expect(model.cubes).toHaveLength(1);
    const cube = model.cubes[0]!;
    expect(cube.name).toBe('platform_components');
    expect(cube.sql).toMatch(/^SELECT 'storage' AS component/);
    expect(cube.sql.split('UNION ALL')).toHaveLength(5);
    expect(cube.measures.length).toBeGreaterThan(0);
    expect(cube.dimensions.some((d) => d.primary_key)).toBe(true);
  });

  it('mounts each model file on its own (subPath), so none of the ConfigMap volume’s ..data layout reaches the model folder', () => {
    const pod = named(objects, 'Deployment', 'cube').spec!.template.spec!;
    const mounts = pod.containers[0]!.volumeMounts!.filter((m) => m.name === 'model');
    expect(mounts).toEqual([{ name: 'model', mountPath: '/cube/conf/model/platform_components.yml', subPath: 'platform_components.yml', readOnly: true }]);
    expect(pod.containers[0]!.volumeMounts!.some((m) => m.mountPath === '/cube/conf/model')).toBe(false);
    expect(pod.volumes).toContainEqual({ name: 'model', configMap: { name: 'cube-model' } });
  });

  it.each([
    ['cubestore', 'amd64', { CUBEJS_CACHE_AND_QUEUE_DRIVER: 'cubestore', CUBEJS_CUBESTORE_HOST: 'cubestore', CUBEJS_CUBESTORE_PORT: '3030' }],
    ['memory', 'amd64', { CUBEJS_CACHE_AND_QUEUE_DRIVER: 'memory' }],
    ['auto', 'amd64', { CUBEJS_CACHE_AND_QUEUE_DRIVER: 'cubestore', CUBEJS_CUBESTORE_HOST: 'cubestore', CUBEJS_CUBESTORE_PORT: '3030' }],
    ['auto', 'arm64', { CUBEJS_CACHE_AND_QUEUE_DRIVER: 'memory' }],
  ] as const)('semantic.cache %s on %s: the right cache driver, an in-process DuckDB and production mode', (cache, arch, expected) => {
    const o = render({ semantic: { cache } }, arch);
    const env = Object.fromEntries(
      named(o, 'Deployment', 'cube').spec!.template.spec!.containers[0]!.env!.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]),
    );
    expect(env).toMatchObject({ ...expected, CUBEJS_DB_TYPE: 'duckdb', CUBEJS_DEV_MODE: 'false' });
    const cubestore = expected.CUBEJS_CACHE_AND_QUEUE_DRIVER === 'cubestore';
    if (!cubestore) expect(env).not.toHaveProperty('CUBEJS_CUBESTORE_HOST');
    expect(o.some((x) => x.metadata?.name === 'cubestore')).toBe(cubestore);
  });
});
