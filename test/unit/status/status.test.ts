// `floe-dev status`: workload readiness from kubectl JSON, and the text layout of design §6.
import { describe, expect, it } from 'vitest';
import { formatStatus, serviceOk, type StatusReport } from '../../../src/status/layout.js';
import { workloadReadiness } from '../../../src/status/workloads.js';

describe('workloadReadiness', () => {
  it.each<[string, Record<string, unknown>, ReturnType<typeof workloadReadiness>]>([
    ['a ready Deployment', { kind: 'Deployment', metadata: { generation: 2 }, spec: { replicas: 1 }, status: { observedGeneration: 2, readyReplicas: 1, updatedReplicas: 1, replicas: 1 } }, { state: 'ready', ready: 1, desired: 1 }],
    ['a Deployment with no ready pod (zero counters are omitted)', { kind: 'Deployment', metadata: { generation: 1 }, spec: { replicas: 1 }, status: { observedGeneration: 1, replicas: 1 } }, { state: 'unready', ready: 0, desired: 1 }],
    ['a Deployment whose new generation is not observed yet', { kind: 'Deployment', metadata: { generation: 3 }, spec: { replicas: 1 }, status: { observedGeneration: 2, readyReplicas: 1, updatedReplicas: 1 } }, { state: 'unready', ready: 1, desired: 1 }],
    ['a Deployment still rolling (old pod ready, new one not)', { kind: 'Deployment', metadata: { generation: 2 }, spec: { replicas: 1 }, status: { observedGeneration: 2, readyReplicas: 1, updatedReplicas: 0 } }, { state: 'unready', ready: 1, desired: 1 }],
    ['a ready StatefulSet', { kind: 'StatefulSet', spec: { replicas: 1 }, status: { readyReplicas: 1 } }, { state: 'ready', ready: 1, desired: 1 }],
    ['a complete Job', { kind: 'Job', status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } }, { state: 'complete' }],
    ['a failed Job', { kind: 'Job', status: { failed: 7, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] } }, { state: 'failed', reason: 'BackoffLimitExceeded' }],
    ['a running Job', { kind: 'Job', status: { active: 1 } }, { state: 'running' }],
  ])('%s', (_what, object, want) => {
    expect(workloadReadiness(object)).toEqual(want);
  });
});

const report: StatusReport = {
  ok: false,
  platform: 'floe-dev',
  cluster: { name: 'floe-dev', kind: 'kind', kubernetesVersion: 'v1.33.4' },
  namespace: 'floe-platform',
  kubeconfig: '/home/ada/.local/state/floe-dev/clusters/floe-dev/kubeconfig',
  components: [
    {
      name: 'orchestrator',
      services: [
        { name: 'dagster-webserver', label: 'webserver', kind: 'Deployment', state: 'ready', ready: 1, desired: 1, health: { state: 'healthy' } },
        { name: 'dagster-daemon', label: 'daemon', kind: 'Deployment', state: 'ready', ready: 1, desired: 1 },
        { name: 'orchestrator-db', label: 'database', kind: 'StatefulSet', state: 'unready', ready: 0, desired: 1 },
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
        '    database: 0/1 ready',
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
