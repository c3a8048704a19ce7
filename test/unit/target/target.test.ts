// The one decision point: which kubeconfig and context every kubectl call names, and where the state lives.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { clusterTarget, kubectlHint, stateKey, statePaths } from '../../../src/target.js';

const paths = { kubeconfig: '/state/clusters/floe-dev/kubeconfig' };
const env = { HOME: '/home/ada' };
const existing = (e: { kubeconfig?: string; context: string }, namespace = 'floe-platform') => configSchema.parse({ cluster: { existing: e }, namespace });

describe('clusterTarget', () => {
  it('kind: floe-dev\'s own kubeconfig and kind\'s context', () => {
    expect(clusterTarget(configSchema.parse({ cluster: { name: 'x' } }), paths, env, '/w')).toEqual({ mode: 'kind', cluster: 'x', kubeconfig: paths.kubeconfig, context: 'kind-x' });
  });

  it.each([
    ['no kubeconfig, no KUBECONFIG: ~/.kube/config', { context: 'big' }, env, '/home/ada/.kube/config', 'default'],
    ['no kubeconfig: the first entry of KUBECONFIG, as kubectl', { context: 'big' }, { ...env, KUBECONFIG: ':/a/one:/b/two' }, '/a/one', 'KUBECONFIG'],
    ['~ expands', { context: 'big', kubeconfig: '~/work/kc.yaml' }, env, '/home/ada/work/kc.yaml', 'cluster.existing.kubeconfig'],
    ['relative to the working directory', { context: 'big', kubeconfig: 'kc.yaml' }, env, '/w/kc.yaml', 'cluster.existing.kubeconfig'],
  ])('existing, %s', (_n, e, environment, kubeconfig, source) => {
    expect(clusterTarget(existing(e), paths, environment, '/w')).toEqual({ mode: 'existing', kubeconfig, context: 'big', kubeconfigSource: source });
  });
});

describe('the state folder', () => {
  it('is the kind cluster\'s name, or one per kubeconfig, context and namespace that no kind cluster can have', () => {
    expect(stateKey(configSchema.parse({}), env, '/w')).toBe('floe-dev');
    const a = stateKey(existing({ context: 'arn:aws:eks:eu-west-1:123:cluster/Big' }), env, '/w');
    expect(a).toMatch(/^@arn-aws-eks-eu-west-1-123-cluster-big-floe-platform-[0-9a-f]{8}$/);
    expect(stateKey(existing({ context: 'arn:aws:eks:eu-west-1:123:cluster/Big' }, 'other'), env, '/w')).not.toBe(a);
    expect(stateKey(existing({ context: 'arn:aws:eks:eu-west-1:123:cluster/Big', kubeconfig: '/other' }), env, '/w')).not.toBe(a);
    expect(statePaths(existing({ context: 'c' }), { FLOE_DEV_HOME: '/h' }, '/w').dir).toMatch(/^\/h\/clusters\/@c-floe-platform-/);
  });
});

describe('kubectlHint', () => {
  it('exports floe-dev\'s kubeconfig for kind; for an existing cluster names the context (and the file only when it is not kubectl\'s own)', () => {
    expect(kubectlHint(clusterTarget(configSchema.parse({}), paths, env, '/w'), 'floe-platform')).toBe(`export KUBECONFIG=${paths.kubeconfig}`);
    expect(kubectlHint(clusterTarget(existing({ context: 'big' }), paths, env, '/w'), 'ns')).toBe('kubectl --context big -n ns get pods');
    expect(kubectlHint(clusterTarget(existing({ context: 'big', kubeconfig: '/k' }), paths, env, '/w'), 'ns')).toBe('kubectl --kubeconfig /k --context big -n ns get pods');
  });
});
