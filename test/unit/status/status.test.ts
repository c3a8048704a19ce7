// `floe-dev status`: workload readiness from kubectl JSON, and the text layout of design §6.
import { describe, expect, it } from 'vitest';
import { formatStatus, serviceOk, type StatusReport } from '../../../src/status/layout.js';
import { serviceState } from '../../../src/status/collect.js';
import { evaluateWorkload } from '../../../src/readiness/evaluate.js';

describe('serviceState (the readiness evaluator in status terms)', () => {
  it.each<[string, 'Deployment' | 'StatefulSet' | 'Job', Parameters<typeof serviceState>[1], ReturnType<typeof serviceState>]>([
    ['a ready Deployment', 'Deployment', { state: 'ready', ready: 1, desired: 1, summary: '' }, { state: 'ready', ready: 1, desired: 1 }],
    ['a Deployment still starting', 'Deployment', { state: 'waiting', ready: 0, desired: 1, summary: '', detail: 'running, not ready yet (grafana)' }, { state: 'unready', ready: 0, desired: 1, reason: 'running, not ready yet (grafana)' }],
    [
      'a crash-looping StatefulSet',
      'StatefulSet',
      { state: 'failed', ready: 0, desired: 1, summary: '', failure: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container', previousLogs: true } },
      { state: 'failed', ready: 0, desired: 1, reason: 'CrashLoopBackOff (back-off 40s restarting failed container)' },
    ],
    ['a complete Job', 'Job', { state: 'ready', ready: 1, desired: 1, summary: 'Job complete' }, { state: 'complete' }],
    ['a running Job', 'Job', { state: 'waiting', ready: 0, desired: 1, summary: 'Job running' }, { state: 'running' }],
    ['a failed Job', 'Job', { state: 'failed', ready: 0, desired: 1, summary: '', failure: { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', previousLogs: false } }, { state: 'failed', reason: 'BackoffLimitExceeded (Job has reached the specified backoff limit)' }],
  ])('%s', (_what, kind, readiness, want) => {
    expect(serviceState(kind, readiness)).toEqual(want);
  });

  it('reads a Deployment whose only pod is not ready yet from kubectl JSON', () => {
    const labels = { 'app.kubernetes.io/name': 'grafana' };
    const deployment = { kind: 'Deployment', metadata: { name: 'grafana', namespace: 'ns', generation: 1 }, spec: { replicas: 1, selector: { matchLabels: labels } }, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1 } };
    const pod = {
      kind: 'Pod',
      metadata: { name: 'grafana-1', namespace: 'ns', labels },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'grafana', ready: false, restartCount: 0, image: 'g', imageID: 'g', state: { running: {} } }] },
    };
    expect(serviceState('Deployment', evaluateWorkload(deployment as never, [pod as never]))).toEqual({ state: 'unready', ready: 0, desired: 1, reason: 'running, not ready yet (grafana)' });
  });
});

const report: StatusReport = {
  ok: false,
  platform: 'floe-dev',
  cluster: { name: 'floe-dev', kind: 'kind', kubernetesVersion: 'v1.33.4' },
  namespace: 'floe-platform',
  kubeconfig: '/home/ada/.local/state/floe-dev/clusters/floe-dev/kubeconfig',
  kubectl: 'export KUBECONFIG=/home/ada/.local/state/floe-dev/clusters/floe-dev/kubeconfig',
  components: [
    {
      name: 'orchestrator',
      services: [
        { name: 'dagster-webserver', label: 'webserver', kind: 'Deployment', state: 'ready', ready: 1, desired: 1, health: { state: 'healthy' } },
        { name: 'dagster-daemon', label: 'daemon', kind: 'Deployment', state: 'ready', ready: 1, desired: 1 },
        { name: 'orchestrator-db', label: 'database', kind: 'StatefulSet', state: 'unready', ready: 0, desired: 1, reason: 'ContainerCreating' },
      ],
    },
    {
      name: 'catalog',
      services: [
        { name: 'polaris', label: 'polaris', kind: 'Deployment', state: 'ready', ready: 1, desired: 1, health: { state: 'unhealthy', reason: '/q/health/ready answered 503' } },
        { name: 'polaris-bootstrap', label: 'bootstrap', kind: 'Job', state: 'complete' },
      ],
    },
    { name: 'semantic', services: [{ name: 'cube', label: 'cube', kind: 'Deployment', state: 'missing' }] },
  ],
  forwards: [
    { key: 'dagster', url: 'http://127.0.0.1:3000', localPort: 3000, state: 'up' },
    { key: 'cube', url: 'http://127.0.0.1:4001', localPort: 4001, state: 'dead', reason: 'kubectl exited with code 1: error: lost connection to pod' },
  ],
};

describe('formatStatus', () => {
  it('follows the platform status layout', () => {
    expect(formatStatus(report)).toBe(
      [
        'Platform: floe-dev (kind cluster floe-dev, Kubernetes v1.33.4)',
        'Namespace: floe-platform',
        '',
        'Services:',
        '  orchestrator:',
        '    webserver: 1/1 ready (healthy)',
        '    daemon: 1/1 ready',
        '    database: 0/1 ready: ContainerCreating',
        '  catalog:',
        '    polaris: 1/1 ready (unhealthy: /q/health/ready answered 503)',
        '    bootstrap: complete',
        '  semantic:',
        '    cube: not installed',
        'Forwards:',
        '  dagster  http://127.0.0.1:3000  (up)',
        '  cube     http://127.0.0.1:4001  (dead: kubectl exited with code 1: error: lost connection to pod)',
        '',
        'export KUBECONFIG=/home/ada/.local/state/floe-dev/clusters/floe-dev/kubeconfig',
        '',
      ].join('\n'),
    );
  });

  it.each<[string, Parameters<typeof serviceOk>[0], boolean]>([
    ['ready', report.components[0]!.services[0]!, true],
    ['unready', report.components[0]!.services[2]!, false],
    ['ready but unhealthy', report.components[1]!.services[0]!, false],
    ['a complete Job', report.components[1]!.services[1]!, true],
    ['not installed', report.components[2]!.services[0]!, false],
  ])('counts a service that is %s as well: %s', (_what, s, ok) => {
    expect(serviceOk(s)).toBe(ok);
  });
});
