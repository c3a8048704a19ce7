// Whose namespace it is on an existing cluster, and which objects in it are not floe-dev's.
import { describe, expect, it } from 'vitest';
import { nameSome, namespaceOwnership, type OwnedJson } from '../../../src/install/ownership.js';

const ours = { 'app.kubernetes.io/managed-by': 'floe-dev' };
const obj = (kind: string, name: string, extra: Partial<OwnedJson> & { labels?: Record<string, string>; owned?: boolean } = {}): OwnedJson => ({
  kind,
  ...(extra.type ? { type: extra.type } : {}),
  metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}), ...(extra.owned ? { ownerReferences: [{ kind: 'ReplicaSet', name: 'x' }] } : {}) },
});

describe('namespaceOwnership', () => {
  it('absent: nothing there', () => {
    expect(namespaceOwnership(undefined, [])).toEqual({ namespace: 'absent', terminating: false, foreign: [], ours: [] });
  });

  it('floe-dev\'s namespace with its objects', () => {
    const o = namespaceOwnership(obj('Namespace', 'floe-platform', { labels: ours }), [obj('Deployment', 'polaris', { labels: ours }), obj('Secret', 'polaris-credentials', { labels: ours })]);
    expect(o).toMatchObject({ namespace: 'ours', foreign: [], ours: ['deployment/polaris', 'secret/polaris-credentials'] });
  });

  it('someone else\'s namespace: Kubernetes\'s own objects and what controllers made do not count; the rest is foreign', () => {
    const o = namespaceOwnership(obj('Namespace', 'team'), [
      obj('ConfigMap', 'kube-root-ca.crt'),
      obj('Secret', 'default-token-abcde', { type: 'kubernetes.io/service-account-token' }),
      obj('Deployment', 'superset', { labels: { app: 'superset' } }),
      obj('ReplicaSet', 'superset-7d9f', { owned: true }),
      obj('Pod', 'superset-7d9f-abcde', { owned: true }),
      obj('Pod', 'debug'),
      obj('Deployment', 'polaris', { labels: ours }),
    ]);
    expect(o.namespace).toBe('theirs');
    expect(o.foreign).toEqual(['deployment/superset', 'pod/debug']);
    expect(o.ours).toEqual(['deployment/polaris']);
  });

  it('a namespace being deleted says so', () => {
    expect(namespaceOwnership({ kind: 'Namespace', metadata: { name: 'x' }, status: { phase: 'Terminating' } }, []).terminating).toBe(true);
  });

  it('names a few and counts the rest', () => {
    expect(nameSome(['a', 'b', 'c', 'd', 'e', 'f'])).toBe('a, b, c, d and 2 more');
    expect(nameSome(['a', 'b'])).toBe('a, b');
  });
});
