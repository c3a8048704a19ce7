// The catalog's data and the contracts other stages rely on: names, images, forwards, smoke checks, Secrets, ports.
import { describe, expect, it } from 'vitest';
import { CATALOG, serviceByName } from '../../../src/platform/catalog.js';
import { COMPONENTS, SERVICES } from '../../../src/platform/names.js';
import type { IService } from 'kubernetes-models/v1';
import { CREDENTIALS, named, render } from './helpers.js';

describe('the catalog', () => {
  it('has exactly one module per service name of names.ts', () => {
    expect([...CATALOG.map((s) => s.name)].sort()).toEqual([...SERVICES].sort());
  });

  it.each(CATALOG.map((s) => [s.name, s] as const))('%s: a known component and a pinned default image', (_n, s) => {
    expect(COMPONENTS).toContain(s.component);
    expect(s.image).toMatch(/:[\w.-]+$/);
    expect(s.image).not.toMatch(/:latest$/);
    expect(s.description.length).toBeGreaterThan(10);
  });

  it('covers every component', () => {
    expect(new Set(CATALOG.map((s) => s.component))).toEqual(new Set(COMPONENTS));
  });

  it('pins the images of the design table', () => {
    const images = Object.fromEntries(CATALOG.map((s) => [s.name, s.image]));
    expect(images).toEqual({
      minio: 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z',
      'minio-bucket': 'quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z',
      'catalog-db': 'postgres:17.10',
      'polaris-bootstrap': 'apache/polaris-admin-tool:1.7.0',
      polaris: 'apache/polaris:1.7.0',
      'otel-collector': 'otel/opentelemetry-collector-contrib:0.158.0',
      prometheus: 'quay.io/prometheus/prometheus:v3.14.0',
      grafana: 'grafana/grafana:13.2.1',
      'orchestrator-db': 'postgres:17.10',
      'dagster-code-location': 'dagster/dagster-k8s:1.13.25',
      'dagster-webserver': 'dagster/dagster-k8s:1.13.25',
      'dagster-daemon': 'dagster/dagster-k8s:1.13.25',
      cubestore: 'cubejs/cubestore:v1.7.43',
      cube: 'cubejs/cube:v1.7.43',
    });
  });

  it('publishes every default image for amd64 and arm64, except Cube Store, which has an arm64 choice', () => {
    const missing = CATALOG.filter((s) => !(s.architectures.includes('amd64') && s.architectures.includes('arm64'))).map((s) => [s.name, s.architectures]);
    expect(missing).toEqual([['cubestore', ['amd64']]]);
  });

  it('unknown names are a bug, reported with the known ones', () => {
    expect(() => serviceByName('nope' as never)).toThrow(/no service named nope.*minio/);
  });
});

describe('forwards and smoke checks (data for the later stages)', () => {
  const forwards = CATALOG.flatMap((s) => (s.forwards ?? []).map((f) => ({ ...f, owner: s.name })));

  it('forward MinIO S3 on 9000, Polaris on 8181 (api) and 8182 (management), Dagster on 3000, Cube on 4000', () => {
    expect(forwards.map(({ key, service, port, portName }) => ({ key, service, port, portName }))).toEqual([
      { key: 'minio', service: 'minio', port: 9000, portName: 's3' },
      { key: 'polaris', service: 'polaris', port: 8181, portName: 'api' },
      { key: 'polarisManagement', service: 'polaris', port: 8182, portName: 'management' },
      { key: 'dagster', service: 'dagster-webserver', port: 3000, portName: 'http' },
      { key: 'cube', service: 'cube', port: 4000, portName: 'http' },
    ]);
  });

  it('each forward targets a port its Service exposes', () => {
    const objects = render();
    for (const f of forwards) {
      const svc: IService = named(objects, 'Service', f.service);
      expect(svc.spec?.ports).toContainEqual(expect.objectContaining({ name: f.portName, port: f.port }));
    }
  });

  it('each smoke check goes through a forward of its own service', () => {
    for (const s of CATALOG) {
      const keys = new Set((s.forwards ?? []).map((f) => f.key));
      for (const check of s.smoke ?? []) {
        expect(keys, `${s.name}: ${check.name}`).toContain(check.forward);
        expect(check.path).toMatch(/^\//);
        expect(check.expect.status).toBe(200);
      }
    }
  });

  it('covers the design §6 checks', () => {
    const paths = CATALOG.flatMap((s) => (s.smoke ?? []).map((c) => `${c.method} ${c.path}`));
    expect(paths).toEqual(
      expect.arrayContaining([
        'GET /server_info',
        'POST /graphql',
        'GET /q/health/ready',
        'POST /api/catalog/v1/oauth/tokens',
        'GET /api/management/v1/catalogs',
        'GET /readyz',
        'GET /cubejs-api/v1/meta',
      ]),
    );
  });

  it('never carries a credential in smoke data', () => {
    const text = JSON.stringify(CATALOG.map((s) => s.smoke ?? []));
    for (const value of Object.values(CREDENTIALS).flatMap((v) => (typeof v === 'object' ? Object.values(v) : []))) {
      if (String(value).length > 12) expect(text).not.toContain(value);
    }
  });
});

describe('contracts with the simulated toolchain and the smoke stage', () => {
  const objects = render();
  const secret = (name: string) => named(objects, 'Secret', name);
  const decoded = (name: string) =>
    Object.fromEntries(Object.entries(secret(name).data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));

  it('polaris-credentials holds realm, client-id and client-secret', () => {
    expect(decoded('polaris-credentials')).toEqual({
      realm: CREDENTIALS.polaris.realm,
      'client-id': CREDENTIALS.polaris.clientId,
      'client-secret': CREDENTIALS.polaris.clientSecret,
    });
  });

  it('cube-credentials holds api-secret', () => {
    expect(decoded('cube-credentials')).toEqual({ 'api-secret': CREDENTIALS.cube.apiSecret });
  });

  it.each([
    ['dagster-webserver', [{ name: 'http', port: 3000 }]],
    ['polaris', [{ name: 'api', port: 8181 }, { name: 'management', port: 8182 }]],
    ['cube', [{ name: 'http', port: 4000 }]],
  ])('Service %s exposes %j', (name, ports) => {
    const svc: IService = named(objects, 'Service', name);
    expect(svc.spec?.ports?.map((p) => ({ name: p.name, port: p.port }))).toEqual(ports);
  });
});
