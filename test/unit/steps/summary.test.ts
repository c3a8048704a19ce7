// The run summary of `up`: facts from the steps, URLs only for forwards that were started, never a secret.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InstallResult } from '../../../src/steps/install.js';
import { formatUpSummary, upSummary } from '../../../src/steps/summary.js';
import { testContext } from '../../helpers/context.js';

const install: InstallResult = {
  objects: { create: 3, update: 1, unchanged: 35 },
  services: [
    { name: 'catalog-db', title: 'PostgreSQL', component: 'catalog', change: 'create', readyAfterMs: 4_210, summary: 'StatefulSet 1/1 ready' },
    { name: 'grafana', title: 'Grafana', component: 'observability', change: 'unchanged', readyAfterMs: 0, summary: 'Deployment 1/1 ready' },
  ],
  bootstrap: [{ name: 'warehouse-bucket', title: 'Warehouse bucket', summary: 's3://warehouse exists' }],
  pruned: ['statefulset/cubestore'],
};

function ctxWith(forwards?: Record<string, number>) {
  const ctx = testContext();
  ctx.cache.set('cluster', { name: 'floe-dev', kubernetes: 'v1.33.4', created: true });
  ctx.cache.set('install', install);
  if (forwards) {
    mkdirSync(dirname(ctx.paths.forwards), { recursive: true });
    writeFileSync(ctx.paths.forwards, JSON.stringify({ pid: 1, ports: forwards }));
  }
  return ctx;
}

describe('the up summary', () => {
  it('says what changed, each service’s time to ready, where the credentials are and the KUBECONFIG line', () => {
    const ctx = ctxWith();
    const s = upSummary(ctx, ctx.clock.now() - 12_340);
    expect(s).toMatchObject({ ok: true, cluster: { name: 'floe-dev', kubernetes: 'v1.33.4' }, objects: install.objects, removed: ['statefulset/cubestore'] });
    expect(s.services[0]).toMatchObject({ name: 'catalog-db', change: 'create', readyAfterSeconds: 4.2 });
    const text = formatUpSummary(s);
    expect(text).toContain('floe platform is up on kind cluster floe-dev (Kubernetes v1.33.4)');
    expect(text).toContain('3 objects created, 1 updated, 35 unchanged');
    expect(text).toMatch(/catalog-db\s+StatefulSet 1\/1 ready \(created, ready after 4.2s\)/);
    expect(text).toMatch(/grafana\s+Deployment 1\/1 ready \(unchanged\)/);
    expect(text).toContain(`export KUBECONFIG=${ctx.paths.kubeconfig}`);
    expect(text).toContain(ctx.paths.credentials);
    expect(text).toContain('floe-dev credentials');
  });

  it('prints no URL for a forward that was not started', () => {
    const ctx = ctxWith();
    expect(upSummary(ctx, 0).urls).toEqual({});
    expect(formatUpSummary(upSummary(ctx, 0))).not.toContain('http://');
  });

  it('prints the URLs of the forwards that run, on their recorded ports', () => {
    const s = upSummary(ctxWith({ dagster: 3005, polaris: 8181, cube: 4000, minio: 9000 }), 0);
    expect(s.urls).toEqual({ dagster: 'http://127.0.0.1:3005', polaris: 'http://127.0.0.1:8181/api/catalog', cube: 'http://127.0.0.1:4000/cubejs-api/v1', minio: 'http://127.0.0.1:9000' });
    expect(formatUpSummary(s)).toMatch(/Dagster\s+http:\/\/127\.0\.0\.1:3005/);
  });
});
