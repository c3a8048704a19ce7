// Prometheus: scrapes the OTel collector (its own and the OTLP-received metrics) and the platform's services.
import { stringify } from 'yaml';
import { clusterService, configChecksum, configMap, container, httpProbe, podSecurity, resources, statefulSet } from '../k8s.js';
import type { RenderContext, ServiceDefinition } from '../types.js';
import { EXPORTED_METRICS_PORT, SELF_METRICS_PORT } from './otel-collector.js';
import { POLARIS_MANAGEMENT_PORT } from './polaris.js';

/**
 * Runs as nobody (65534); data in /prometheus; health /-/ready and /-/healthy (prometheus/prometheus Dockerfile,
 * docs). Release v3.14.0 of prometheus/prometheus, whose release pipeline pushes quay.io and Docker Hub images for
 * linux/amd64 and arm64 (among others) as one manifest list.
 */
const IMAGE = 'quay.io/prometheus/prometheus:v3.14.0';
/** A laptop keeps two days of metrics. */
export const RETENTION = '2d';
const CONFIG_MAP = 'prometheus-config';
export const PROMETHEUS_PORT = 9090;

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  honor_labels?: boolean;
  static_configs: { targets: string[] }[];
}

/** prometheus.yml: itself, the collector, and each selected service that serves Prometheus metrics. */
export function prometheusConfig(ctx: Pick<RenderContext, 'selected'>): Record<string, unknown> {
  const scrape: ScrapeConfig[] = [
    { job_name: 'prometheus', static_configs: [{ targets: [`localhost:${PROMETHEUS_PORT}`] }] },
    { job_name: 'otel-collector', static_configs: [{ targets: [`otel-collector:${SELF_METRICS_PORT}`] }] },
    // Metrics the platform sends over OTLP keep their own labels.
    { job_name: 'otel-collector-otlp', honor_labels: true, static_configs: [{ targets: [`otel-collector:${EXPORTED_METRICS_PORT}`] }] },
  ];
  if (ctx.selected.has('polaris')) {
    // Quarkus Micrometer on the management port (the Polaris chart's ServiceMonitor scrapes the same).
    scrape.push({ job_name: 'polaris', metrics_path: '/q/metrics', static_configs: [{ targets: [`polaris:${POLARIS_MANAGEMENT_PORT}`] }] });
  }
  if (ctx.selected.has('minio')) {
    // Public because MinIO runs with MINIO_PROMETHEUS_AUTH_TYPE=public (dev only).
    scrape.push({ job_name: 'minio', metrics_path: '/minio/v2/metrics/cluster', static_configs: [{ targets: ['minio:9000'] }] });
  }
  return {
    global: { scrape_interval: '30s', evaluation_interval: '30s' },
    // In the configuration file since prometheus/prometheus#17026: v3.14 marks the --storage.tsdb.retention.*
    // flags deprecated.
    storage: { tsdb: { retention: { time: RETENTION } } },
    scrape_configs: scrape,
  };
}

export const prometheus: ServiceDefinition = {
  name: 'prometheus',
  component: 'observability',
  description: 'Prometheus (scrapes the OTel collector and the platform services)',
  title: 'Prometheus',
  readyTimeout: '3m',
  kind: 'StatefulSet',
  image: IMAGE,
  architectures: ['amd64', 'arm64'],
  images: (ctx) => [ctx.image('prometheus')],
  ports: [{ name: 'http', port: PROMETHEUS_PORT, service: true }],
  readiness: { type: 'http', port: PROMETHEUS_PORT, path: '/-/ready' },
  dependsOn: [],
  // The prometheus-community chart's suggested server size is 512Mi (charts/prometheus values.yaml, resources).
  // Prometheus 3 sets GOMEMLIMIT to 90% of the container limit itself (--auto-gomemlimit.ratio).
  resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  memoryFloor: { memory: '256Mi', source: 'estimate: a few thousand series from five scrape jobs, two days kept; the prometheus-community chart suggests 512Mi' },
  secrets: [],
  render: (ctx) => {
    const config = stringify(prometheusConfig(ctx), { lineWidth: 0 });
    return [
      configMap(ctx, prometheus, CONFIG_MAP, { 'prometheus.yml': config }),
      clusterService(ctx, prometheus),
      statefulSet(
        ctx,
        prometheus,
        {
          securityContext: podSecurity(65534),
          containers: [
            container({
              name: 'prometheus',
              image: ctx.image('prometheus'),
              // Retention is in prometheus.yml (storage.tsdb.retention), not a flag.
              args: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus'],
              ports: [{ name: 'http', containerPort: PROMETHEUS_PORT, protocol: 'TCP' }],
              readinessProbe: httpProbe('http', '/-/ready', { periodSeconds: 5 }),
              livenessProbe: httpProbe('http', '/-/healthy', { initialDelaySeconds: 10, periodSeconds: 20, failureThreshold: 6 }),
              resources: resources(ctx.resources('prometheus')),
              volumeMounts: [
                { name: 'config', mountPath: '/etc/prometheus', readOnly: true },
                { name: 'data', mountPath: '/prometheus' },
              ],
            }),
          ],
          volumes: [{ name: 'config', configMap: { name: CONFIG_MAP } }],
        },
        [{ name: 'data', size: '2Gi' }],
        { annotations: configChecksum(config) },
      ),
    ];
  },
};
