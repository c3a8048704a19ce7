// The summary `up` ends with (text, or `--json` with the same facts): what changed, how long each service took,
// the URLs, where the credentials are, the KUBECONFIG line. Never a secret.
import type { Context } from '../context.js';
import { readForwardRecord } from '../forward/state.js';
import type { ForwardKey } from '../platform/index.js';
import { PLATFORM_CATALOG } from '../platform/services/polaris.js';
import type { InstallResult } from './install.js';
import type { StepTiming } from './run-steps.js';
import { kubectlHint, targetOf } from '../target.js';

export interface UpSummary {
  ok: true;
  cluster: { name: string; kubernetes?: string; created?: boolean; existing?: boolean };
  namespace: string;
  objects?: InstallResult['objects'];
  services: { name: string; title: string; component: string; change: string; readyAfterSeconds: number; status: string }[];
  bootstrap: { name: string; title: string; status: string }[];
  removed: string[];
  /** Only forwards that were started: a URL that does not answer is never printed. */
  urls: Partial<Record<ForwardKey, string>>;
  credentials: { file: string; show: string };
  kubeconfig: string;
  export: string;
  notes: string[];
  /** The local registry, when it is on: where to push (`docker push localhost:<port>/name:tag`). */
  registry?: { url: string; container: string };
  /** Each step's time, in the order they ran. */
  steps: { title: string; seconds: number }[];
  durationSeconds: number;
}

const URL_PATHS: Record<ForwardKey, string> = {
  dagster: '',
  polaris: '/api/catalog',
  polarisManagement: '/q/health',
  cube: '/cubejs-api/v1',
  minio: '',
  grafana: '',
  minioConsole: '',
  prometheus: '',
};

export function upSummary(ctx: Context, startedAt: number, notes: string[] = []): UpSummary {
  const cluster = (ctx.cache.get('cluster') as UpSummary['cluster'] | undefined) ?? { name: ctx.config.cluster.name };
  const install = ctx.cache.get('install') as InstallResult | undefined;
  const record = readForwardRecord(ctx.paths.forwards);
  const urls: UpSummary['urls'] = {};
  for (const [key, port] of Object.entries(record?.ports ?? {}) as [ForwardKey, number][]) {
    if (key in URL_PATHS) urls[key] = `http://127.0.0.1:${port}${URL_PATHS[key]}`;
  }
  return {
    ok: true,
    cluster,
    namespace: ctx.config.namespace,
    objects: install?.objects,
    services: (install?.services ?? []).map((s) => ({
      name: s.name,
      title: s.title,
      component: s.component,
      change: s.change,
      readyAfterSeconds: Math.round(s.readyAfterMs / 100) / 10,
      status: s.summary,
    })),
    bootstrap: (install?.bootstrap ?? []).map((b) => ({ name: b.name, title: b.title, status: b.summary })),
    removed: install?.pruned ?? [],
    urls,
    credentials: { file: ctx.paths.credentials, show: 'floe-dev credentials' },
    kubeconfig: targetOf(ctx).kubeconfig,
    export: kubectlHint(targetOf(ctx), ctx.config.namespace),
    notes,
    ...registrySummary(ctx),
    steps: ((ctx.cache.get('steps') as StepTiming[] | undefined) ?? []).map((t) => ({ title: t.title, seconds: Math.round(t.ms / 100) / 10 })),
    durationSeconds: Math.round((ctx.clock.now() - startedAt) / 100) / 10,
  };
}

function registrySummary(ctx: Context): Pick<UpSummary, 'registry'> {
  const r = ctx.cache.get('registry') as { url: string; name: string } | undefined;
  return r ? { registry: { url: r.url, container: r.name } } : {};
}

const LABELS: Record<keyof UpSummary['urls'], string> = {
  dagster: 'Dagster',
  polaris: 'Polaris (Iceberg REST)',
  polarisManagement: 'Polaris health',
  cube: 'Cube API',
  minio: 'MinIO S3',
  grafana: 'Grafana',
  minioConsole: 'MinIO console',
  prometheus: 'Prometheus',
};

export function formatUpSummary(s: UpSummary): string {
  const lines: string[] = [];
  const counts = s.objects ? ` (${s.objects.create} objects created, ${s.objects.update} updated, ${s.objects.unchanged} unchanged)` : '';
  lines.push(`floe platform is up on ${s.cluster.existing ? `existing cluster, context ${s.cluster.name}` : `kind cluster ${s.cluster.name}`}${s.cluster.kubernetes ? ` (Kubernetes ${s.cluster.kubernetes})` : ''} in ${s.durationSeconds}s${counts}`);
  if (s.services.length) {
    const width = Math.max(...s.services.map((x) => x.name.length));
    lines.push('', 'Services:');
    for (const x of s.services) {
      const when = x.change === 'unchanged' ? 'unchanged' : `${x.change === 'create' ? 'created' : 'updated'}, ready after ${x.readyAfterSeconds}s`;
      lines.push(`  ${x.name.padEnd(width)}  ${x.status} (${when})`);
    }
  }
  for (const b of s.bootstrap) lines.push(`  ${b.title}: ${b.status}`);
  if (s.removed.length) lines.push(`  removed (no longer installed): ${s.removed.join(', ')}`);
  const urls = Object.entries(s.urls) as [keyof UpSummary['urls'], string][];
  if (urls.length) {
    lines.push('', 'Open:');
    for (const [key, url] of urls) lines.push(`  ${LABELS[key].padEnd(22)} ${url}`);
    if (s.urls.polaris) lines.push(`  Iceberg catalog: ${PLATFORM_CATALOG}`);
  }
  if (s.registry) lines.push(`Registry:    ${s.registry.url} (docker push ${s.registry.url.replace(/^http:\/\//, '')}/<name>:<tag>, or floe-dev load)`);
  lines.push('', `Credentials: \`${s.credentials.show}\` (kept in ${s.credentials.file}, mode 0600)`);
  lines.push(`kubectl:     ${s.export}`);
  for (const n of s.notes) lines.push(`Note: ${n}`);
  return `${lines.join('\n')}\n`;
}
