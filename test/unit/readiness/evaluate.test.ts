// Readiness evaluation over recorded `kubectl get -o json` (the fake kubectl's, see record.mjs) and hand-made edge cases.
import { readFileSync } from 'node:fs';
import type { IPod } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { evaluateWorkload, firstPodFailure, podsOf, type Workload } from '../../../src/readiness/evaluate.js';

interface Snapshot {
  items: (Workload | IPod)[];
}
const load = (name: string): Snapshot => JSON.parse(readFileSync(new URL(`./recorded/${name}.json`, import.meta.url), 'utf8')) as Snapshot;
const faults = load('faults');
const early = load('early');
const pods = (s: Snapshot) => s.items.filter((o): o is IPod => o.kind === 'Pod');
const workload = (s: Snapshot, name: string) => {
  const w = s.items.find((o) => o.kind !== 'Pod' && o.metadata?.name === name);
  if (!w) throw new Error(`no workload ${name} in the snapshot`);
  return w as Workload;
};

describe('readiness over a recorded snapshot with every fault', () => {
  it.each([
    ['polaris', 'CrashLoopBackOff', 'polaris', true],
    ['dagster-daemon', 'OOMKilled', 'daemon', true],
    ['cube', 'ImagePullBackOff', 'cube', false],
    ['grafana', 'CreateContainerConfigError', 'grafana', false],
  ])('%s fails fast with %s in container %s', (name, reason, container, previousLogs) => {
    const r = evaluateWorkload(workload(faults, name), pods(faults));
    expect(r.state).toBe('failed');
    if (r.state !== 'failed') return;
    expect(r.failure).toMatchObject({ reason, container, previousLogs });
    expect(r.failure.pod).toMatch(new RegExp(`^${name}-`));
    expect(r.summary).toContain(reason);
  });

  it('an image pull failure keeps the registry’s message', () => {
    const r = evaluateWorkload(workload(faults, 'cube'), pods(faults));
    expect(r.state === 'failed' && r.failure.message).toMatch(/cubejs\/cube/);
  });

  it('a missing Secret is named', () => {
    const r = evaluateWorkload(workload(faults, 'grafana'), pods(faults));
    expect(r.state === 'failed' && r.failure.message).toContain('secret "missing-credentials" not found');
  });

  it('an unschedulable pod (node too small) fails with the scheduler’s message', () => {
    const r = evaluateWorkload(workload(faults, 'catalog-db'), pods(faults));
    expect(r).toMatchObject({ state: 'failed', failure: { reason: 'Unschedulable', pod: 'catalog-db-0' } });
    expect(r.state === 'failed' && r.failure.message).toMatch(/Insufficient memory/);
  });

  it('a Job over its backoff limit fails, naming its last pod', () => {
    const r = evaluateWorkload(workload(faults, 'polaris-bootstrap'), pods(faults));
    expect(r).toMatchObject({ state: 'failed', summary: 'Job failed: BackoffLimitExceeded', failure: { reason: 'BackoffLimitExceeded' } });
    expect(r.state === 'failed' && r.failure.pod).toMatch(/^polaris-bootstrap-/);
  });

  it('a completed Job is ready, its Succeeded pod is not an unready pod', () => {
    expect(evaluateWorkload(workload(faults, 'minio-bucket'), pods(faults))).toMatchObject({ state: 'ready', summary: 'Job complete' });
  });

  it.each(['minio', 'orchestrator-db', 'cubestore'])('%s (StatefulSet) is ready with 1/1', (name) => {
    expect(evaluateWorkload(workload(faults, name), pods(faults))).toEqual({ state: 'ready', ready: 1, desired: 1, summary: 'StatefulSet 1/1 ready' });
  });

  it('a Deployment that is up is ready', () => {
    expect(evaluateWorkload(workload(faults, 'otel-collector'), pods(faults))).toMatchObject({ state: 'ready', summary: 'Deployment 1/1 ready' });
  });

  it('a pod that never gets ready is waiting (it times out, it does not fail fast)', () => {
    const r = evaluateWorkload(workload(faults, 'prometheus'), pods(faults));
    expect(r).toMatchObject({ state: 'waiting', summary: 'StatefulSet 0/1 ready' });
    expect(r.state === 'waiting' && r.detail).toMatch(/not ready yet/);
  });

  it('a slow service is waiting', () => {
    expect(evaluateWorkload(workload(faults, 'dagster-webserver'), pods(faults)).state).toBe('waiting');
  });
});

describe('readiness right after apply', () => {
  it('says what each pod is doing: creating containers, running its init container', () => {
    expect(evaluateWorkload(workload(early, 'minio'), pods(early))).toMatchObject({ state: 'waiting', detail: 'ContainerCreating' });
    const d = evaluateWorkload(workload(early, 'dagster-daemon'), pods(early));
    expect(d).toMatchObject({ state: 'waiting' });
    expect(d.state === 'waiting' && d.detail).toMatch(/init container wait-for-orchestrator-db running|PodInitializing/);
  });

  it('nothing has failed', () => {
    for (const o of early.items) if (o.kind !== 'Pod') expect(evaluateWorkload(o as Workload, pods(early)).state, o.metadata?.name).toBe('waiting');
  });
});

// Hand-made cases for what the fake does not produce.
const meta = (name: string, labels: Record<string, string> = { app: name }) => ({ name, namespace: 'ns', labels, uid: `uid-${name}` });
const pod = (name: string, status: IPod['status'], labels: Record<string, string> = { app: 'svc' }, extra: Partial<IPod['metadata']> = {}): IPod =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { ...meta(name, labels), ...extra }, spec: { containers: [] }, status }) as IPod;
const deployment = (status: Record<string, unknown>, generation = 1): Workload =>
  ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { ...meta('svc'), generation }, spec: { replicas: 1, selector: { matchLabels: { app: 'svc' } }, template: {} }, status }) as unknown as Workload;
const running = (name: string, ready: boolean) => ({ name, ready, restartCount: 0, image: 'x', imageID: '', state: { running: { startedAt: '2026-01-01T00:00:00Z' } } });

describe('readiness edge cases', () => {
  it('multi-container: a crashing sidecar fails the pod even when the main container is ready', () => {
    const p = pod('svc-1', {
      phase: 'Running',
      containerStatuses: [running('main', true), { name: 'sidecar', ready: false, restartCount: 3, image: 'x', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } }, lastState: { terminated: { exitCode: 2, reason: 'Error' } } }],
    });
    expect(firstPodFailure([p])).toMatchObject({ reason: 'CrashLoopBackOff', container: 'sidecar', init: false, previousLogs: true });
  });

  it('init container crash-looping is named as an init container', () => {
    const p = pod('svc-1', {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'wait-for-db', ready: false, restartCount: 2, image: 'x', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } } }],
      containerStatuses: [{ name: 'main', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'PodInitializing' } } }],
    });
    expect(firstPodFailure([p])).toMatchObject({ reason: 'CrashLoopBackOff', container: 'wait-for-db', init: true });
  });

  it('OOMKilled is seen in the last state even while the container runs again', () => {
    const p = pod('svc-1', { phase: 'Running', containerStatuses: [{ ...running('main', false), restartCount: 1, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] });
    expect(firstPodFailure([p])).toMatchObject({ reason: 'OOMKilled', container: 'main', previousLogs: true });
  });

  it('unschedulable only while its volume is provisioned is waiting, not failed', () => {
    const p = pod('svc-0', { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.' }] });
    expect(firstPodFailure([p])).toBeUndefined();
    expect(evaluateWorkload(deployment({ replicas: 1, updatedReplicas: 1, observedGeneration: 1 }), [p])).toMatchObject({ state: 'waiting', detail: expect.stringMatching(/not scheduled yet/) });
  });

  it('a Deployment whose controller has not seen the new spec is waiting, whatever its counters say', () => {
    const r = evaluateWorkload(deployment({ observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 }, 2), []);
    expect(r).toMatchObject({ state: 'waiting', detail: expect.stringMatching(/new spec/) });
  });

  it('a Deployment rolling out (old replica still there) is waiting; done is ready', () => {
    expect(evaluateWorkload(deployment({ observedGeneration: 1, replicas: 2, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2 }), []).state).toBe('waiting');
    expect(evaluateWorkload(deployment({ observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 }), []).state).toBe('ready');
  });

  it('zero counters omitted by the API server read as zero', () => {
    expect(evaluateWorkload(deployment({ observedGeneration: 1 }), [])).toMatchObject({ state: 'waiting', ready: 0, desired: 1 });
  });

  it('a StatefulSet on an old revision is waiting', () => {
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { ...meta('db'), generation: 1 }, spec: { replicas: 1, selector: { matchLabels: { app: 'db' } } }, status: { observedGeneration: 1, readyReplicas: 1, currentRevision: 'db-a', updateRevision: 'db-b' } } as unknown as Workload;
    expect(evaluateWorkload(sts, [])).toMatchObject({ state: 'waiting', detail: 'rolling out the new revision' });
  });

  it('a Job retrying after a failed attempt waits on its running pod; the failed attempt is history', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: meta('boot'), spec: {}, status: { active: 1, failed: 1 } } as unknown as Workload;
    const owner = { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'boot', uid: 'uid-boot' }] };
    const failed = pod('boot-a', { phase: 'Failed', containerStatuses: [{ name: 'main', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 1, reason: 'Error' } } }] }, { 'job-name': 'boot' }, owner);
    const current = pod('boot-b', { phase: 'Running', containerStatuses: [running('main', true)] }, { 'job-name': 'boot' }, owner);
    expect(podsOf(job, [failed, current]).map((p) => p.metadata?.name)).toEqual(['boot-a', 'boot-b']);
    expect(evaluateWorkload(job, [failed, current])).toMatchObject({ state: 'waiting', summary: 'Job running' });
  });

  it('terminating pods and other namespaces are not the workload’s pods', () => {
    const mine = pod('svc-1', { phase: 'Running' });
    const gone = pod('svc-0', { phase: 'Running' }, { app: 'svc' }, { deletionTimestamp: '2026-01-01T00:00:00Z' });
    const elsewhere = { ...pod('svc-2', { phase: 'Running' }), metadata: { ...meta('svc-2', { app: 'svc' }), namespace: 'other' } } as IPod;
    expect(podsOf(deployment({}), [mine, gone, elsewhere]).map((p) => p.metadata?.name)).toEqual(['svc-1']);
  });
});
