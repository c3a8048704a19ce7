#!/usr/bin/env node
// Re-records the snapshots the readiness tests read: the rendered platform applied to the fake kubectl under a
// scenario, then `kubectl get deployments,statefulsets,jobs,pods -o json`, trimmed to what readiness reads.
//   node test/unit/readiness/record.mjs faults   (every fault, after they show)
//   node test/unit/readiness/record.mjs early    (just applied: ContainerCreating, PodInitializing)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');
const which = process.argv[2];
const scenarios = {
  faults: {
    defaults: { readyAfterMs: 100 },
    services: {
      polaris: { fault: 'CrashLoopBackOff' },
      'dagster-daemon': { fault: 'OOMKilled' },
      cube: { fault: 'ImagePullBackOff' },
      grafana: { fault: 'CreateContainerConfigError' },
      'catalog-db': { fault: 'Unschedulable' },
      'polaris-bootstrap': { fault: 'BackoffLimitExceeded' },
      prometheus: { fault: 'NeverReady' },
      'dagster-webserver': { readyAfterMs: 600_000 },
    },
    waitMs: 2_500,
  },
  early: { defaults: { readyAfterMs: 600_000 }, waitMs: 100 },
};
const chosen = scenarios[which];
if (!chosen) throw new Error(`usage: record.mjs ${Object.keys(scenarios).join('|')}`);
const state = mkdtempSync(join(tmpdir(), 'floe-record-'));
const env = { ...process.env, FAKE_TOOLS_STATE: state };
const kc = join(state, 'kubeconfig');
const k = (...args) => execFileSync(join(repo, 'fixtures', 'bin', 'kubectl'), ['--kubeconfig', kc, '--context', 'kind-rec', ...args], { env, encoding: 'utf8' });
try {
  writeFileSync(join(state, 'scenario.json'), JSON.stringify(chosen));
  execFileSync(join(repo, 'fixtures', 'bin', 'kind'), ['create', 'cluster', '--name', 'rec', '--kubeconfig', kc], { env, stdio: 'ignore' });
  const manifests = execFileSync(process.execPath, [join(repo, 'bin', 'floe-dev.js'), 'render'], { env: { ...env, FLOE_DEV_HOME: state, HOME: state }, encoding: 'utf8' });
  execFileSync(join(repo, 'fixtures', 'bin', 'kubectl'), ['--kubeconfig', kc, '--context', 'kind-rec', 'apply', '--server-side', '--field-manager', 'floe-dev', '-f', '-'], { env, input: manifests, stdio: ['pipe', 'ignore', 'inherit'] });
  execFileSync('sleep', [String(chosen.waitMs / 1000)]);
  const snap = JSON.parse(k('get', 'deployments,statefulsets,jobs,pods', '-n', 'floe-platform', '-o', 'json'));
  const trimContainer = ({ name, image, resources }) => ({ name, image, resources });
  const trimPod = (spec) => ({ ...(spec.nodeName ? { nodeName: spec.nodeName } : {}), containers: spec.containers.map(trimContainer), ...(spec.initContainers ? { initContainers: spec.initContainers.map(trimContainer) } : {}) });
  const items = snap.items.map((o) => {
    const { name, namespace, uid, labels, generation, ownerReferences } = o.metadata;
    const metadata = { name, namespace, uid, labels, ...(generation ? { generation } : {}), ...(ownerReferences ? { ownerReferences } : {}) };
    if (o.kind === 'Pod') return { apiVersion: o.apiVersion, kind: o.kind, metadata, spec: trimPod(o.spec), status: o.status };
    const { replicas, selector, backoffLimit } = o.spec;
    return { apiVersion: o.apiVersion, kind: o.kind, metadata, spec: { replicas, selector, backoffLimit, template: { metadata: { labels: o.spec.template.metadata?.labels }, spec: trimPod(o.spec.template.spec) } }, status: o.status };
  });
  writeFileSync(join(here, 'recorded', `${which}.json`), `${JSON.stringify({ recordedWith: 'fixtures/bin/kubectl (fake v1.32)', scenario: chosen, items }, null, 1)}\n`);
  console.log(`wrote recorded/${which}.json (${items.length} objects)`);
} finally {
  rmSync(state, { recursive: true, force: true });
}
