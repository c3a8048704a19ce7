// The OpenTelemetry Collector (contrib): receives OTLP from the platform, exposes metrics to Prometheus.
import { stringify } from 'yaml';
import { clusterService, configMap, configChecksum, container, deployment, env, goMemLimit, httpProbe, podIpEnv, podSecurity, resources } from '../k8s.js';
import type { ServiceDefinition } from '../types.js';

/**
 * Distroless, user 10001; entrypoint /otelcol-contrib, default config /etc/otelcol-contrib/config.yaml.
 * Release v0.158.0 of open-telemetry/opentelemetry-collector-releases, whose goreleaser config publishes the
 * contrib image for linux/amd64 and arm64 (among others) as one manifest list.
 */
const IMAGE = 'otel/opentelemetry-collector-contrib:0.158.0';
const CONFIG_MAP = 'otel-collector-config';
export const OTLP_GRPC_PORT = 4317;
export const OTLP_HTTP_PORT = 4318;
export const HEALTH_PORT = 13133;
/** The collector's own metrics (service::telemetry). */
export const SELF_METRICS_PORT = 8888;
/** Metrics received over OTLP, re-exposed for Prometheus by the `prometheus` exporter. */
export const EXPORTED_METRICS_PORT = 8889;

/**
 * The pipelines, after the collector chart's defaults (open-telemetry/opentelemetry-helm-charts,
 * charts/opentelemetry-collector values.yaml): servers listen on the pod IP (since v0.104 they default to
 * localhost, which probes cannot reach), health_check is the probes' endpoint, memory_limiter guards the limit.
 * Internal metrics use the `readers` form (the `address` form is deprecated).
 */
export function otelCollectorConfig(): Record<string, unknown> {
  return {
    extensions: { health_check: { endpoint: `\${env:MY_POD_IP}:${HEALTH_PORT}` } },
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: `\${env:MY_POD_IP}:${OTLP_GRPC_PORT}` },
          http: { endpoint: `\${env:MY_POD_IP}:${OTLP_HTTP_PORT}` },
        },
      },
    },
    processors: {
      memory_limiter: { check_interval: '5s', limit_percentage: 80, spike_limit_percentage: 25 },
      batch: {},
    },
    exporters: {
      debug: { verbosity: 'basic' },
      prometheus: { endpoint: `\${env:MY_POD_IP}:${EXPORTED_METRICS_PORT}` },
    },
    service: {
      extensions: ['health_check'],
      telemetry: {
        metrics: {
          readers: [{ pull: { exporter: { prometheus: { host: '${env:MY_POD_IP}', port: SELF_METRICS_PORT } } } }],
        },
      },
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['debug'] },
        metrics: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['prometheus'] },
        logs: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['debug'] },
      },
    },
  };
}

export const otelCollector: ServiceDefinition = {
  name: 'otel-collector',
  component: 'observability',
  description: 'OpenTelemetry Collector (OTLP in; metrics out to Prometheus, traces and logs to its debug output)',
  title: 'OpenTelemetry Collector',
  readyTimeout: '2m',
  kind: 'Deployment',
  image: IMAGE,
  architectures: ['amd64', 'arm64'],
  images: (ctx) => [ctx.image('otel-collector')],
  ports: [
    { name: 'otlp-grpc', port: OTLP_GRPC_PORT, service: true },
    { name: 'otlp-http', port: OTLP_HTTP_PORT, service: true },
    { name: 'health', port: HEALTH_PORT, service: true },
    { name: 'metrics', port: SELF_METRICS_PORT, service: true },
    { name: 'prom-export', port: EXPORTED_METRICS_PORT, service: true },
  ],
  readiness: { type: 'http', port: HEALTH_PORT, path: '/' },
  dependsOn: [],
  // The collector chart suggests 512Mi for a typical deployment (values.yaml, resources); this one receives a
  // laptop's telemetry only, and memory_limiter (80% of the limit) sheds load before the limit is reached.
  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  memoryFloor: { memory: '128Mi', source: 'estimate: the contrib collector idle with three pipelines; the chart suggests 512Mi under real traffic (opentelemetry-helm-charts values.yaml)' },
  secrets: [],
  render: (ctx) => {
    const config = stringify(otelCollectorConfig(), { lineWidth: 0 });
    return [
      configMap(ctx, otelCollector, CONFIG_MAP, { 'config.yaml': config }),
      clusterService(ctx, otelCollector),
      deployment(
        ctx,
        otelCollector,
        {
          securityContext: podSecurity(10001),
          containers: [
            container({
              name: 'otel-collector',
              image: ctx.image('otel-collector'),
              args: ['--config=/etc/otelcol-contrib/config.yaml'],
              env: [podIpEnv(), ...env({ GOMEMLIMIT: goMemLimit(ctx.resources('otel-collector')) })],
              ports: otelCollector.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
              readinessProbe: httpProbe('health', '/', { periodSeconds: 5 }),
              livenessProbe: httpProbe('health', '/', { periodSeconds: 20, failureThreshold: 6 }),
              resources: resources(ctx.resources('otel-collector')),
              volumeMounts: [{ name: 'config', mountPath: '/etc/otelcol-contrib', readOnly: true }],
            }),
          ],
          volumes: [{ name: 'config', configMap: { name: CONFIG_MAP } }],
        },
        { annotations: configChecksum(config) },
      ),
    ];
  },
};
