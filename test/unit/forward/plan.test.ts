// The forward plan: which forwards a configuration asks for, kubectl's argv, and when a running supervisor differs.
import { describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../../src/config/schema.js';
import { restartDelayMs } from '../../../src/forward/backoff.js';
import { planDifference, portForwardArgv, wantedForwards, type ForwardPlan } from '../../../src/forward/plan.js';
import { selectServices } from '../../../src/platform/select.js';

const wanted = (input: ConfigInput = {}) => {
  const config = configSchema.parse(input);
  return wantedForwards(config, selectServices(config));
};

describe('wantedForwards', () => {
  it('forwards MinIO S3, Polaris API and management, Dagster and Cube by default, each probed on its readiness path where it is on that port', () => {
    expect(wanted().map((f) => [f.key, `service/${f.service}:${f.port}`, f.wantedPort, f.probePath])).toEqual([
      ['minio', 'service/minio:9000', 9000, '/minio/health/ready'],
      ['polaris', 'service/polaris:8181', 8181, '/'],
      ['polarisManagement', 'service/polaris:8182', 8182, '/q/health/ready'],
      ['dagster', 'service/dagster-webserver:3000', 3000, '/server_info'],
      ['cube', 'service/cube:4000', 4000, '/readyz'],
    ]);
  });

  it.each<[string, ConfigInput, string[]]>([
    ['Grafana on its usual 3001', { forwards: { grafana: true } }, ['grafana service/grafana:3000 3001 /api/health']],
    ['the MinIO console on a chosen port', { forwards: { minioConsole: 19001 } }, ['minioConsole service/minio:9001 19001 /']],
    ['Prometheus', { forwards: { prometheus: true } }, ['prometheus service/prometheus:9090 9090 /-/ready']],
    ['none when false', { forwards: { grafana: false } }, []],
  ])('adds the optional forward for %s', (_what, input, extra) => {
    const optional = wanted(input).filter((f) => ['grafana', 'minioConsole', 'prometheus'].includes(f.key));
    expect(optional.map((f) => `${f.key} service/${f.service}:${f.port} ${f.wantedPort} ${f.probePath}`)).toEqual(extra);
  });

  it('forwards only what the selected components install', () => {
    expect(wanted({ components: ['catalog'] }).map((f) => f.key)).toEqual(['minio', 'polaris', 'polarisManagement']); // the catalog's warehouse is MinIO
    expect(wanted({ components: ['semantic'] }).map((f) => f.key)).toContain('cube');
    expect(wanted({ components: ['semantic'] }).map((f) => f.key)).not.toContain('dagster');
    expect(wanted({ components: ['observability'], forwards: { grafana: true } }).map((f) => f.key)).toEqual(['grafana']);
  });

  it('uses the configured local ports', () => {
    expect(wanted({ forwards: { cube: 4100 } }).find((f) => f.key === 'cube')?.wantedPort).toBe(4100);
  });
});

describe('portForwardArgv', () => {
  it('names the kubeconfig, context and namespace and listens on loopback only', () => {
    expect(
      portForwardArgv({ kubectl: '/bin/kubectl', kubeconfig: '/s/kubeconfig', context: 'kind-x', namespace: 'ns' }, { service: 'cube', port: 4000, localPort: 4001 }),
    ).toEqual(['/bin/kubectl', '--kubeconfig', '/s/kubeconfig', '--context', 'kind-x', '-n', 'ns', 'port-forward', '--address', '127.0.0.1', 'service/cube', '4001:4000']);
  });
});

describe('planDifference', () => {
  const base: ForwardPlan = {
    version: 1,
    cluster: 'c',
    namespace: 'ns',
    kubectl: 'kubectl',
    kubeconfig: '/k',
    context: 'kind-c',
    recordFile: '/r',
    forwards: [{ key: 'cube', service: 'cube', port: 4000, wantedPort: 4000, localPort: 4001, probePath: '/readyz' }],
  };
  const { localPort: _, ...cube } = base.forwards[0]!;

  it.each<[string, Parameters<typeof planDifference>[1], RegExp | undefined]>([
    ['nothing (a moved local port is not a change)', { ...base, forwards: [cube] }, undefined],
    ['a wanted port', { ...base, forwards: [{ ...cube, wantedPort: 4100 }] }, /now wanted: cube service\/cube:4000 local 4100; no longer wanted: cube service\/cube:4000 local 4000/],
    ['a new forward', { ...base, forwards: [cube, { ...cube, key: 'dagster', service: 'dagster-webserver', port: 3000, wantedPort: 3000 }] }, /now wanted: dagster/],
    ['the namespace', { ...base, namespace: 'other', forwards: [cube] }, /namespace changed from ns to other/],
  ])('reports %s', (_what, wantedPlan, difference) => {
    const d = planDifference(base, wantedPlan);
    if (difference) expect(d).toMatch(difference);
    else expect(d).toBeUndefined();
  });
});

describe('restartDelayMs', () => {
  it.each([
    [0, 200],
    [1, 400],
    [2, 800],
    [3, 1600],
    [4, 3200],
    [5, 5000],
    [50, 5000],
  ])('after %i failed attempts waits %i ms (first retry within 250 ms, cap 5 s)', (attempts, ms) => {
    expect(restartDelayMs(attempts)).toBe(ms);
  });
});
