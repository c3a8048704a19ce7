// Grafana, provisioned with Prometheus as its default data source.
import { stringify } from 'yaml';
import { clusterService, configChecksum, configMap, container, deployment, env, goMemLimit, httpProbe, podSecurity, resources, secretEnv } from '../k8s.js';
import { SECRETS } from '../secrets.js';
import type { ServiceDefinition } from '../types.js';
import { PROMETHEUS_PORT } from './prometheus.js';

/**
 * Runs as grafana (uid 472); data in /var/lib/grafana; provisioning in /etc/grafana/provisioning (grafana docs).
 * 13.2.1: the first 13.2.x with the fix for the goroutine and buffer leak of gzip-accepting HEAD requests
 * (grafana/grafana#132743, fixed by #130893, backported to release-13.2.1 in #131366). Grafana publishes its
 * images for linux/amd64 and arm64 (among others) as one manifest list.
 */
const IMAGE = 'grafana/grafana:13.2.1';
const CONFIG_MAP = 'grafana-datasources';
export const GRAFANA_PORT = 3000;

/** Data source provisioning file (Grafana docs, "Provision Grafana": apiVersion 1, datasources). */
export function grafanaDatasources(): Record<string, unknown> {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        uid: 'prometheus',
        type: 'prometheus',
        access: 'proxy',
        url: `http://prometheus:${PROMETHEUS_PORT}`,
        isDefault: true,
        editable: false,
      },
    ],
  };
}

export const grafana: ServiceDefinition = {
  name: 'grafana',
  component: 'observability',
  description: 'Grafana with Prometheus provisioned as its data source',
  title: 'Grafana',
  readyTimeout: '3m',
  kind: 'Deployment',
  image: IMAGE,
  architectures: ['amd64', 'arm64'],
  images: (ctx) => [ctx.image('grafana')],
  ports: [{ name: 'http', port: GRAFANA_PORT, service: true }],
  readiness: { type: 'http', port: GRAFANA_PORT, path: '/api/health', expect: '"database"' },
  dependsOn: ['prometheus'],
  // Grafana 13 idles at ~330 MiB (from ~180 MiB in 12.4) and was OOMKilled at 300Mi and still at 400Mi limits
  // (grafana/grafana#123017).
  resources: { requests: { cpu: '50m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  memoryFloor: { memory: '400Mi', source: 'grafana/grafana#123017: 330 MiB idle on 13.0, OOMKilled at 300Mi and intermittently at 400Mi' },
  secrets: [SECRETS.grafana],
  render: (ctx) => {
    const datasources = stringify(grafanaDatasources(), { lineWidth: 0 });
    return [
      configMap(ctx, grafana, CONFIG_MAP, { 'datasources.yaml': datasources }),
      clusterService(ctx, grafana),
      deployment(
        ctx,
        grafana,
        {
          securityContext: podSecurity(472),
          containers: [
            container({
              name: 'grafana',
              image: ctx.image('grafana'),
              env: [
                secretEnv('GF_SECURITY_ADMIN_USER', SECRETS.grafana, 'admin-user'),
                secretEnv('GF_SECURITY_ADMIN_PASSWORD', SECRETS.grafana, 'admin-password'),
                // A laptop platform: no usage reporting, no update checks, no sign-up.
                ...env({
                  GF_ANALYTICS_REPORTING_ENABLED: 'false',
                  GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
                  GF_USERS_ALLOW_SIGN_UP: 'false',
                  // On by default since 13.0 and behind its larger footprint (the workaround in #123017);
                  // compressing responses to 127.0.0.1 saves nothing.
                  GF_SERVER_ENABLE_GZIP: 'false',
                  GOMEMLIMIT: goMemLimit(ctx.resources('grafana')),
                }),
              ],
              ports: [{ name: 'http', containerPort: GRAFANA_PORT, protocol: 'TCP' }],
              readinessProbe: httpProbe('http', '/api/health', { periodSeconds: 5 }),
              livenessProbe: httpProbe('http', '/api/health', { initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6 }),
              resources: resources(ctx.resources('grafana')),
              volumeMounts: [
                { name: 'datasources', mountPath: '/etc/grafana/provisioning/datasources', readOnly: true },
                { name: 'data', mountPath: '/var/lib/grafana' },
              ],
            }),
          ],
          volumes: [
            { name: 'datasources', configMap: { name: CONFIG_MAP } },
            // Dashboards and data sources are provisioned: nothing in Grafana's database needs to survive.
            { name: 'data', emptyDir: {} },
          ],
        },
        { annotations: configChecksum(datasources) },
      ),
    ];
  },
};
