// Preflight on an existing cluster: kubectl auth can-i answers, a default StorageClass, nodes' architecture and memory.
import { describe, expect, it } from 'vitest';
import {
  clusterArchitecture,
  defaultStorageClasses,
  evaluateApiUnreachable,
  evaluateClusterMemory,
  evaluatePermissions,
  evaluateStorageClasses,
  nodeFacts,
  parseCanI,
  requiredPermissions,
  type NodeJson,
} from '../../../src/preflight/cluster.js';

const GiB = 1024 ** 3;
const pf = { verb: 'create', resource: 'pods', subresource: 'portforward' };
const where = { namespace: 'floe-platform', context: 'big', namespaceExists: false };

describe('parseCanI (kubectl pkg/cmd/auth/cani.go: yes → 0, no[ - reason] → 1)', () => {
  it.each([
    [0, 'yes\n', '', { allowed: true }],
    [1, 'no\n', '', { allowed: false }],
    [1, 'no - RBAC: role not found\n', '', { allowed: false }],
    [1, '', 'error: You must be logged in to the server (Unauthorized)', { error: 'error: You must be logged in to the server (Unauthorized)' }],
    [0, 'maybe', '', { error: 'maybe' }],
  ])('exit %i, %j', (code, stdout, stderr, want) => {
    expect(parseCanI(pf, code, stdout, stderr)).toEqual({ permission: pf, ...want });
  });
});

describe('requiredPermissions', () => {
  it('asks for what floe-dev does: apply, prune, delete, read, and port-forwards', () => {
    const asked = requiredPermissions().map((p) => `${p.verb} ${p.resource}${p.subresource ? `/${p.subresource}` : ''}`);
    for (const want of ['create namespaces', 'delete namespaces', 'patch deployments.apps', 'delete statefulsets.apps', 'create jobs.batch', 'patch secrets', 'delete persistentvolumeclaims', 'create configmaps', 'patch services', 'create pods/portforward']) {
      expect(asked).toContain(want);
    }
  });
});

describe('evaluatePermissions', () => {
  const all = requiredPermissions();
  it('ok when everything is allowed', () => {
    expect(evaluatePermissions(all.map((p) => ({ permission: p, allowed: true })), where).status).toBe('ok');
  });
  it('fails naming what is denied, with the admin role binding as the fix', () => {
    const f = evaluatePermissions(all.map((p) => ({ permission: p, allowed: p !== all.at(-1) })), where);
    expect(f).toMatchObject({ status: 'fail', detail: 'context big may not create pods/portforward in namespace floe-platform' });
    expect(f.fix).toContain('kubectl create rolebinding floe-dev --clusterrole=admin');
  });
  it('an existing namespace need not be creatable; a missing one must be (ask the admin for it)', () => {
    const answers = all.map((p) => ({ permission: p, allowed: p.resource !== 'namespaces' }));
    expect(evaluatePermissions(answers, { ...where, namespaceExists: true }).status).toBe('ok');
    const f = evaluatePermissions(answers, where);
    expect(f.status).toBe('fail');
    expect(f.fix).toMatch(/create namespace floe-platform for you/);
  });
  it('an error asking is not a denial', () => {
    expect(evaluatePermissions([{ permission: pf, error: 'Unauthorized' }], where)).toMatchObject({ status: 'fail', detail: expect.stringContaining('could not ask') });
  });
});

describe('StorageClass', () => {
  const sc = (name: string, annotations?: Record<string, string>) => ({ metadata: { name, ...(annotations ? { annotations } : {}) }, provisioner: 'x.csi' });
  it('finds the default by its annotation (and the beta one)', () => {
    expect(defaultStorageClasses([sc('a'), sc('b', { 'storageclass.kubernetes.io/is-default-class': 'true' })])).toEqual(['b']);
    expect(defaultStorageClasses([sc('c', { 'storageclass.beta.kubernetes.io/is-default-class': 'true' })])).toEqual(['c']);
    expect(defaultStorageClasses([sc('d', { 'storageclass.kubernetes.io/is-default-class': 'false' })])).toEqual([]);
  });
  it('fails without a default when volumes are claimed, with the command that marks one', () => {
    const f = evaluateStorageClasses([sc('slow')], true, 'big');
    expect(f.status).toBe('fail');
    expect(f.fix).toContain('kubectl --context big annotate storageclass slow storageclass.kubernetes.io/is-default-class=true');
    expect(evaluateStorageClasses([], true, 'big').detail).toContain('the cluster has none');
    expect(evaluateStorageClasses([], false, 'big').status).toBe('ok');
    expect(evaluateStorageClasses([sc('gp3', { 'storageclass.kubernetes.io/is-default-class': 'true' })], true, 'big')).toMatchObject({ status: 'ok', detail: 'default StorageClass gp3 (x.csi)' });
  });
});

describe('nodes', () => {
  const node = (name: string, arch: string, memory: string, extra: Partial<NodeJson> = {}): NodeJson => ({
    metadata: { name, labels: { 'kubernetes.io/arch': arch } },
    status: { allocatable: { memory }, nodeInfo: { architecture: arch }, conditions: [{ type: 'Ready', status: 'True' }] },
    ...extra,
  });
  it('counts only Ready, schedulable, untainted nodes; the architecture is theirs', () => {
    const facts = nodeFacts([
      node('a', 'arm64', '8Gi'),
      node('b', 'arm64', '7901952Ki'),
      node('c', 'amd64', '64Gi', { spec: { unschedulable: true } }),
      node('d', 'amd64', '64Gi', { spec: { taints: [{ key: 'gpu', effect: 'NoSchedule' }] } }),
      { ...node('e', 'amd64', '64Gi'), status: { allocatable: { memory: '64Gi' }, conditions: [{ type: 'Ready', status: 'Unknown' }] } },
    ]);
    expect(facts.usable.map((n) => n.name)).toEqual(['a', 'b']);
    expect(facts.total).toBe(5);
    expect(clusterArchitecture(facts)).toBe('arm64');
  });
  it('memory: fail below the requests, warn below the limits, ok above', () => {
    const facts = (gi: number) => nodeFacts([node('a', 'amd64', `${gi}Gi`)]);
    const needs = { requestsBytes: 3 * GiB, limitsBytes: 8 * GiB };
    expect(evaluateClusterMemory(facts(2), needs).status).toBe('fail');
    expect(evaluateClusterMemory(facts(4), needs).status).toBe('warn');
    expect(evaluateClusterMemory(facts(16), needs)).toMatchObject({ status: 'ok', detail: expect.stringContaining('16 GiB allocatable on 1 node') });
    expect(evaluateClusterMemory(nodeFacts([]), needs).status).toBe('fail');
  });
});

describe('evaluateApiUnreachable (kubectl\'s own messages)', () => {
  const t = { kubeconfig: '/home/ada/.kube/config', context: 'big', kubeconfigSource: 'default' };
  it.each([
    ['error: stat /home/ada/.kube/config: no such file or directory', /does not exist/, /cluster.existing.kubeconfig/],
    ['Error in configuration: context was not found for specified context: big', /context big is not in/, /kubectl config get-contexts/],
    ['error: You must be logged in to the server (Unauthorized)', /did not answer/, /log in to the cluster again/],
    ['The connection to the server big.example:6443 was refused - did you specify the right host or port?', /did not answer/, /cluster-info/],
  ])('%s', (message, detail, fix) => {
    const f = evaluateApiUnreachable(message, t);
    expect(f.status).toBe('fail');
    expect(f.detail).toMatch(detail);
    expect(f.fix).toMatch(fix);
  });
});
