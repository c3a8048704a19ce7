// Small manifest builders for the fakes' tests (the product renders its own; these only need to be valid).
import { stringify } from 'yaml';

export type Manifest = Record<string, unknown>;

export const yamlDocs = (...docs: Manifest[]): string => docs.map((d) => stringify(d)).join('---\n');

export const namespace = (name: string): Manifest => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

export interface WorkloadOptions {
  namespace?: string;
  image?: string;
  replicas?: number;
  ports?: { name?: string; containerPort: number }[];
  env?: Record<string, unknown>[];
  volumes?: Record<string, unknown>[];
  command?: string[];
  labels?: Record<string, string>;
}

const podSpec = (name: string, o: WorkloadOptions): Manifest => ({
  containers: [
    {
      name,
      image: o.image ?? 'example/app:1.0',
      ...(o.ports ? { ports: o.ports } : {}),
      ...(o.env ? { env: o.env } : {}),
      ...(o.command ? { command: o.command } : {}),
      ...(o.volumes ? { volumeMounts: o.volumes.map((v) => ({ name: v.name, mountPath: `/mnt/${String(v.name)}` })) } : {}),
    },
  ],
  ...(o.volumes ? { volumes: o.volumes } : {}),
});

export const deployment = (name: string, o: WorkloadOptions = {}): Manifest => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: o.namespace ?? 'floe-platform', labels: { 'app.kubernetes.io/name': name, ...(o.labels ?? {}) } },
  spec: {
    replicas: o.replicas ?? 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: podSpec(name, o) },
  },
});

export const statefulSet = (name: string, o: WorkloadOptions = {}): Manifest => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name, namespace: o.namespace ?? 'floe-platform' },
  spec: {
    serviceName: name,
    replicas: o.replicas ?? 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: podSpec(name, o) },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
  },
});

export const job = (name: string, o: WorkloadOptions = {}): Manifest => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: o.namespace ?? 'floe-platform' },
  spec: { backoffLimit: 2, template: { spec: { restartPolicy: 'OnFailure', ...podSpec(name, o) } } },
});

export const service = (name: string, ports: { name?: string; port: number; targetPort?: number | string }[], o: { namespace?: string; selector?: string } = {}): Manifest => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: o.namespace ?? 'floe-platform' },
  spec: { selector: { app: o.selector ?? name }, ports },
});

export const secret = (name: string, stringData: Record<string, string>, ns = 'floe-platform'): Manifest => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: ns },
  stringData,
});

export const configMap = (name: string, data: Record<string, string>, ns = 'floe-platform'): Manifest => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data,
});
