// The install plan: what to create, update, leave, recreate and prune, from what is rendered and what is there.
import { describe, expect, it } from 'vitest';
import { APPLIED_HASH, countChanges, planInstall, withAppliedHash, type LiveObject } from '../../../src/install/plan.js';
import { generateCredentials, renderPlatformByService, type KubeObject } from '../../../src/platform/index.js';
import { config } from '../platform/helpers.js';

const NS = 'floe-platform';
const credentials = generateCredentials();
const render = (input: Parameters<typeof config>[0] = {}) => renderPlatformByService({ config: config(input), credentials });

/** What the namespace would hold after applying everything rendered (labels and hashes as applied). */
function liveOf(rendered: ReturnType<typeof render>): LiveObject[] {
  const objects: KubeObject[] = [rendered.namespace, ...rendered.secrets, ...rendered.services.flatMap((s) => s.objects)];
  return objects.map((o) => withAppliedHash(o) as LiveObject);
}

describe('withAppliedHash', () => {
  it('annotates with a hash of everything else, stable and sensitive to any change', () => {
    const [a, b] = [render(), render()];
    const grafana = (r: typeof a) => r.services.find((s) => s.service.name === 'grafana')!.objects.find((o) => o.kind === 'Deployment')!;
    const hashA = withAppliedHash(grafana(a)).metadata?.annotations?.[APPLIED_HASH];
    expect(hashA).toMatch(/^[0-9a-f]{20}$/);
    expect(withAppliedHash(grafana(b)).metadata?.annotations?.[APPLIED_HASH]).toBe(hashA);
    expect(withAppliedHash(withAppliedHash(grafana(a))).metadata?.annotations?.[APPLIED_HASH]).toBe(hashA); // idempotent
    const changed = render({ services: { grafana: { image: 'grafana/grafana:13.2.9' } } });
    expect(withAppliedHash(grafana(changed)).metadata?.annotations?.[APPLIED_HASH]).not.toBe(hashA);
  });
});

describe('planInstall', () => {
  it('on an empty namespace creates everything: base first (namespace, Secrets, every ConfigMap once), then services', () => {
    const plan = planInstall(render(), [], { namespace: NS });
    expect(plan.base[0]!.object.kind).toBe('Namespace');
    expect(plan.base.every((p) => p.change === 'create')).toBe(true);
    const maps = plan.base.filter((p) => p.object.kind === 'ConfigMap').map((p) => p.object.metadata?.name);
    expect(new Set(maps).size).toBe(maps.length);
    expect(maps).toContain('dagster-instance');
    for (const s of plan.services) {
      expect(s.change).toBe('create');
      expect(s.objects.some((p) => p.object.kind === 'ConfigMap')).toBe(false);
    }
    expect(plan.prune).toEqual([]);
  });

  it('on what it applied before changes nothing', () => {
    const rendered = render();
    const plan = planInstall(rendered, liveOf(rendered), { namespace: NS });
    expect(countChanges(plan)).toMatchObject({ create: 0, update: 0 });
    expect(plan.services.every((s) => s.change === 'unchanged' && !s.recreateJob)).toBe(true);
    expect(plan.prune).toEqual([]);
  });

  it('an image override updates only its service', () => {
    const before = liveOf(render());
    const plan = planInstall(render({ services: { grafana: { image: 'grafana/grafana:13.2.9' } } }), before, { namespace: NS });
    expect(plan.services.filter((s) => s.change !== 'unchanged').map((s) => s.service.name)).toEqual(['grafana']);
    expect(plan.base.every((p) => p.change === 'unchanged')).toBe(true);
  });

  it('a changed Job is recreated (its template is immutable); a failed one too, even unchanged', () => {
    const live = liveOf(render());
    const changed = planInstall(render({ services: { 'minio-bucket': { image: 'quay.io/minio/mc:RELEASE.2025-09-09T09-09-09Z' } } }), live, { namespace: NS });
    expect(changed.services.find((s) => s.service.name === 'minio-bucket')).toMatchObject({ change: 'update', recreateJob: true });
    const failed = live.map((o) =>
      o.kind === 'Job' && o.metadata?.name === 'polaris-bootstrap' ? { ...o, status: { conditions: [{ type: 'Failed', status: 'True' }] } } : o,
    );
    expect(planInstall(render(), failed, { namespace: NS }).services.find((s) => s.service.name === 'polaris-bootstrap')).toMatchObject({ change: 'update', recreateJob: true });
  });

  it('prunes what is no longer rendered (workloads first, claims last), and a StatefulSet’s claims only with it', () => {
    const live = [
      ...liveOf(render()),
      { kind: 'PersistentVolumeClaim', metadata: { name: 'data-cubestore-0', namespace: NS, labels: { 'app.kubernetes.io/managed-by': 'floe-dev', 'app.kubernetes.io/name': 'cubestore', 'app.kubernetes.io/component': 'semantic' } } },
      { kind: 'PersistentVolumeClaim', metadata: { name: 'data-minio-0', namespace: NS, labels: { 'app.kubernetes.io/managed-by': 'floe-dev', 'app.kubernetes.io/name': 'minio', 'app.kubernetes.io/component': 'storage' } } },
    ];
    const plan = planInstall(render({ semantic: { cache: 'memory' } }), live, { namespace: NS });
    expect(plan.prune).toEqual(['statefulset/cubestore', 'service/cubestore', 'persistentvolumeclaim/data-cubestore-0']);
  });

  it('never prunes what floe-dev did not make, nor what lives in another namespace', () => {
    const foreign: LiveObject[] = [
      { kind: 'Deployment', metadata: { name: 'mine-not', namespace: NS, labels: { app: 'x' } } },
      { kind: 'Deployment', metadata: { name: 'elsewhere', namespace: 'other', labels: { 'app.kubernetes.io/managed-by': 'floe-dev' } } },
    ];
    expect(planInstall(render(), [...liveOf(render()), ...foreign], { namespace: NS }).prune).toEqual([]);
  });

  it('with --component prunes only within the selected components (and no Secret)', () => {
    const live = liveOf(render());
    const plan = planInstall(render({ components: ['orchestrator'] }), live, { namespace: NS, components: new Set(['orchestrator']) });
    expect(plan.prune).toEqual([]);
    const full = planInstall(render({ components: ['orchestrator'] }), live, { namespace: NS });
    expect(full.prune).toContain('deployment/polaris');
    expect(full.prune).toContain('secret/grafana-credentials');
  });
});
