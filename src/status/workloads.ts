// A workload's readiness from its own status (kubectl get deploy,sts,job -o json), as `status` shows it. Pure.

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- kubectl JSON, read field by field

export type WorkloadState = 'ready' | 'unready' | 'complete' | 'running' | 'failed';

export interface WorkloadReadiness {
  state: WorkloadState;
  /** Deployments and StatefulSets: ready replicas of those wanted. */
  ready?: number;
  desired?: number;
  /** Why a Job failed, from its Failed condition. */
  reason?: string;
}

/**
 * Deployment/StatefulSet: ready when the current generation was observed and every wanted replica is ready
 * (and, for a Deployment, updated). Job: complete, failed (with the condition's reason) or running.
 */
export function workloadReadiness(object: Obj): WorkloadReadiness {
  const status = object.status ?? {};
  if (object.kind === 'Job') {
    const conditions: Obj[] = status.conditions ?? [];
    const failed = conditions.find((c) => (c.type === 'Failed' || c.type === 'FailureTarget') && c.status === 'True');
    if (failed) return { state: 'failed', reason: failed.reason ?? failed.message };
    if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) return { state: 'complete' };
    return { state: 'running' };
  }
  const desired = typeof object.spec?.replicas === 'number' ? object.spec.replicas : 1;
  const ready = status.readyReplicas ?? 0;
  const observed = status.observedGeneration === undefined || object.metadata?.generation === undefined || status.observedGeneration >= object.metadata.generation;
  const updated = object.kind !== 'Deployment' || (status.updatedReplicas ?? 0) >= desired;
  return { state: observed && updated && ready >= desired ? 'ready' : 'unready', ready, desired };
}
