// Readiness as floe-dev computes it: from a workload's and its pods' JSON to ready, waiting, or failed with a reason.
// Pure: the install step, `status` and the tests feed it what `kubectl get -o json` printed.
import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { IContainerStatus, IPod } from 'kubernetes-models/v1';

export type Workload = IDeployment | IStatefulSet | IJob;

/** Why a pod will not get ready by waiting longer: each one fails `up` at once, not at the timeout. */
export type FailureReason =
  | 'ImagePullBackOff'
  | 'ErrImagePull'
  | 'ErrImageNeverPull'
  | 'InvalidImageName'
  | 'CrashLoopBackOff'
  | 'OOMKilled'
  | 'CreateContainerConfigError'
  | 'CreateContainerError'
  | 'Unschedulable'
  | 'BackoffLimitExceeded'
  | 'DeadlineExceeded';

/** Container waiting reasons that never clear by themselves (kubelet's image and container-creation errors). */
const FATAL_WAITING = new Set<string>([
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

export interface PodFailure {
  reason: FailureReason;
  /** The pod and container at fault (a Job's own failure names its last pod, if any). */
  pod?: string;
  container?: string;
  /** The container is an init container. */
  init?: boolean;
  /** The kubelet's or controller's message, as it gave it. */
  message: string;
  /** The failing container's output is in its previous run (it crashed and is waiting to restart). */
  previousLogs: boolean;
}

export type Readiness =
  | { state: 'ready'; ready: number; desired: number; summary: string }
  | { state: 'waiting'; ready: number; desired: number; summary: string; detail?: string }
  | { state: 'failed'; ready: number; desired: number; summary: string; failure: PodFailure };

/** The pods a workload owns: its selector's labels (Deployment, StatefulSet) or its controller uid (Job). */
export function podsOf(workload: Workload, pods: readonly IPod[]): IPod[] {
  const ns = workload.metadata?.namespace;
  const inNs = pods.filter((p) => p.metadata?.namespace === ns && !p.metadata?.deletionTimestamp);
  if (workload.kind === 'Job') {
    const uid = workload.metadata?.uid;
    const name = workload.metadata?.name;
    return inNs.filter(
      (p) =>
        (uid !== undefined && p.metadata?.ownerReferences?.some((o) => o.kind === 'Job' && o.uid === uid)) ||
        (uid === undefined && p.metadata?.labels?.['job-name'] === name),
    );
  }
  const match = workload.spec?.selector?.matchLabels ?? {};
  const keys = Object.entries(match);
  if (keys.length === 0) return [];
  return inNs.filter((p) => keys.every(([k, v]) => p.metadata?.labels?.[k] === v));
}

/** Evaluates one workload now. `pods` may be every pod of the namespace: the workload's own are picked out. */
export function evaluateWorkload(workload: Workload, allPods: readonly IPod[]): Readiness {
  const pods = podsOf(workload, allPods);
  if (workload.kind === 'Job') return evaluateJob(workload, pods);
  const desired = workload.spec?.replicas ?? 1;
  const status = workload.status ?? {};
  const ready = status.readyReplicas ?? 0;
  const kind = workload.kind;
  const count = `${kind} ${ready}/${desired} ready`;

  const failure = firstPodFailure(pods);
  if (failure) return { state: 'failed', ready, desired, summary: `${count}: ${failure.reason}`, failure };

  // As `kubectl rollout status` judges it (kubectl's polymorphichelpers/rollout_status.go).
  const generation = workload.metadata?.generation ?? 0;
  const observed = status.observedGeneration ?? 0;
  if (observed < generation) return { state: 'waiting', ready, desired, summary: count, detail: 'waiting for the controller to see the new spec' };
  if (workload.kind === 'Deployment') {
    const d = workload.status ?? {};
    const progressing = d.conditions?.find((c) => c.type === 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') {
      return { state: 'waiting', ready, desired, summary: count, detail: progressing.message ?? 'progress deadline exceeded' };
    }
    const updated = d.updatedReplicas ?? 0;
    const replicas = d.replicas ?? 0;
    const available = d.availableReplicas ?? 0;
    if (updated < desired) return waiting(ready, desired, count, `${updated} of ${desired} updated`, pods);
    if (replicas > updated) return waiting(ready, desired, count, `${replicas - updated} old replica(s) terminating`, pods);
    if (available < updated) return waiting(ready, desired, count, undefined, pods);
    return { state: 'ready', ready, desired, summary: count };
  }
  const s = workload.status;
  if (ready < desired) return waiting(ready, desired, count, undefined, pods);
  if (s?.updateRevision && s.currentRevision && s.updateRevision !== s.currentRevision) {
    return waiting(ready, desired, count, 'rolling out the new revision', pods);
  }
  return { state: 'ready', ready, desired, summary: count };
}

function evaluateJob(job: IJob, pods: IPod[]): Readiness {
  const conditions = job.status?.conditions ?? [];
  const complete = conditions.some((c) => c.type === 'Complete' && c.status === 'True');
  if (complete) return { state: 'ready', ready: 1, desired: 1, summary: 'Job complete' };
  const failed = conditions.find((c) => (c.type === 'Failed' || c.type === 'FailureTarget') && c.status === 'True');
  if (failed) {
    const last = [...pods].sort(byCreation).at(-1);
    const container = last?.status?.containerStatuses?.find((c) => c.state?.terminated && c.state.terminated.exitCode !== 0) ?? last?.status?.containerStatuses?.[0];
    const reason: FailureReason = failed.reason === 'DeadlineExceeded' ? 'DeadlineExceeded' : 'BackoffLimitExceeded';
    return {
      state: 'failed',
      ready: 0,
      desired: 1,
      summary: `Job failed: ${reason}`,
      failure: { reason, pod: last?.metadata?.name, container: container?.name, message: failed.message ?? reason, previousLogs: false },
    };
  }
  // Completed (Succeeded) or failed-and-retried pods are not unready pods: only the running attempt counts.
  const active = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const failure = firstPodFailure(active);
  if (failure) return { state: 'failed', ready: 0, desired: 1, summary: `Job: ${failure.reason}`, failure };
  return waiting(0, 1, 'Job running', undefined, active);
}

/** The first reason, over the pods, that waiting will not fix. */
export function firstPodFailure(pods: readonly IPod[]): PodFailure | undefined {
  for (const pod of pods) {
    const name = pod.metadata?.name;
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable' && isResourceShortage(scheduled.message)) {
      return { reason: 'Unschedulable', pod: name, message: scheduled.message ?? 'no node can run it', previousLogs: false };
    }
    const containers: [IContainerStatus, boolean][] = [
      ...(pod.status?.initContainerStatuses ?? []).map((c): [IContainerStatus, boolean] => [c, true]),
      ...(pod.status?.containerStatuses ?? []).map((c): [IContainerStatus, boolean] => [c, false]),
    ];
    for (const [c, init] of containers) {
      const waitingReason = c.state?.waiting?.reason;
      const lastTerminated = c.lastState?.terminated;
      // An OOM kill shows as the previous run's reason, whatever the container does now (restarting, backing off).
      if (lastTerminated?.reason === 'OOMKilled' || c.state?.terminated?.reason === 'OOMKilled') {
        return { reason: 'OOMKilled', pod: name, container: c.name, init, message: `container ${c.name} was killed for using more memory than its limit (exit code ${lastTerminated?.exitCode ?? c.state?.terminated?.exitCode ?? 137})`, previousLogs: Boolean(lastTerminated) };
      }
      if (waitingReason && FATAL_WAITING.has(waitingReason)) {
        return {
          reason: waitingReason as FailureReason,
          pod: name,
          container: c.name,
          init,
          message: c.state?.waiting?.message ?? waitingReason,
          previousLogs: waitingReason === 'CrashLoopBackOff',
        };
      }
    }
  }
  return undefined;
}

/**
 * A scheduling failure that waiting will not fix: the node is too small (or does not fit the pod). A pod can
 * also be unschedulable for a moment while its volume is provisioned ("unbound immediate PersistentVolumeClaims"):
 * that one clears by itself.
 */
function isResourceShortage(message: string | undefined): boolean {
  return /Insufficient (cpu|memory|ephemeral-storage|pods)|untolerated taint|didn't match|Too many pods/i.test(message ?? '');
}

/** Waiting, with the pods' most telling state ("ContainerCreating", "PodInitializing", "not ready yet"). */
function waiting(ready: number, desired: number, summary: string, detail: string | undefined, pods: readonly IPod[]): Readiness {
  return { state: 'waiting', ready, desired, summary, detail: detail ?? podProgress(pods) };
}

export function podProgress(pods: readonly IPod[]): string {
  if (pods.length === 0) return 'no pod yet';
  const pod = [...pods].sort(byCreation).at(-1)!;
  const phase = pod.status?.phase ?? 'Pending';
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') return `not scheduled yet${scheduled.message ? ` (${scheduled.message})` : ''}`;
  const init = pod.status?.initContainerStatuses?.find((c) => !c.state?.terminated || c.state.terminated.exitCode !== 0);
  if (init && phase === 'Pending') return `init container ${init.name} ${init.state?.running ? 'running' : (init.state?.waiting?.reason ?? 'waiting')}`;
  const waitingContainer = pod.status?.containerStatuses?.find((c) => c.state?.waiting);
  if (waitingContainer) return waitingContainer.state?.waiting?.reason ?? 'waiting';
  const unready = pod.status?.containerStatuses?.filter((c) => !c.ready).map((c) => c.name) ?? [];
  if (phase === 'Running' && unready.length) return `running, not ready yet (${unready.join(', ')})`;
  return phase;
}

function byCreation(a: IPod, b: IPod): number {
  return String(a.metadata?.creationTimestamp ?? '').localeCompare(String(b.metadata?.creationTimestamp ?? ''));
}
