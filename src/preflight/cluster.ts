// Pure judgements for an existing cluster (cluster.existing / --context): its API server, what floe-dev may do in
// its namespace (`kubectl auth can-i`), a default StorageClass, its nodes' architecture and allocatable memory.
import type { Finding } from './evaluate.js';
import { formatBytes } from './evaluate.js';
import { parseMemory } from '../quantity.js';

/** One `kubectl auth can-i VERB RESOURCE [--subresource S] -n NS` question. */
export interface Permission {
  verb: string;
  resource: string;
  subresource?: string;
  /** Cluster-scoped (namespaces): asked without -n. */
  clusterScoped?: boolean;
}

/**
 * What floe-dev does on a cluster: server-side apply (create + patch), pruning and `down` (delete), watching pods
 * for readiness (list), and port-forwards (create pods/portforward). Reading the other kinds is not asked on its
 * own: every built-in role that may change them (admin, edit) may read them.
 */
export const NAMESPACED_RESOURCES = ['deployments.apps', 'statefulsets.apps', 'jobs.batch', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims'] as const;

export function requiredPermissions(): Permission[] {
  const out: Permission[] = ['create', 'patch', 'delete'].map((verb) => ({ verb, resource: 'namespaces', clusterScoped: true }));
  for (const resource of NAMESPACED_RESOURCES) for (const verb of ['create', 'patch', 'delete']) out.push({ verb, resource });
  out.push({ verb: 'list', resource: 'pods' }, { verb: 'create', resource: 'pods', subresource: 'portforward' });
  return out;
}

/** `create pods/portforward`, as people write it. */
export function describePermission(p: Permission): string {
  return `${p.verb} ${p.resource}${p.subresource ? `/${p.subresource}` : ''}`;
}

/**
 * The answer of one can-i call. Real kubectl prints `yes` (exit 0) or `no` (exit 1, optionally ` - reason`);
 * anything else is an error talking to the cluster (kubectl pkg/cmd/auth/cani.go).
 */
export type CanIAnswer = { permission: Permission; allowed: boolean } | { permission: Permission; error: string };

export function parseCanI(permission: Permission, exitCode: number, stdout: string, stderr: string): CanIAnswer {
  const first = stdout.trim().split('\n')[0]?.trim() ?? '';
  if (exitCode === 0 && first === 'yes') return { permission, allowed: true };
  if (exitCode === 1 && (first === 'no' || first.startsWith('no - '))) return { permission, allowed: false };
  return { permission, error: (stderr.trim() || stdout.trim() || `exit code ${exitCode}`).split('\n').at(-1)! };
}

export function evaluatePermissions(answers: readonly CanIAnswer[], ctx: { namespace: string; context: string; namespaceExists: boolean }): Finding {
  const errors = answers.filter((a): a is Extract<CanIAnswer, { error: string }> => 'error' in a);
  if (errors.length > 0) return { status: 'fail', detail: `could not ask the cluster what floe-dev may do: ${errors[0]!.error}`, fix: 'get the API check passing first' };
  // An existing namespace need not be creatable: floe-dev then neither creates nor changes it (only its objects in it).
  const denied = answers.filter((a) => 'allowed' in a && !a.allowed && !(ctx.namespaceExists && a.permission.resource === 'namespaces')).map((a) => a.permission);
  if (denied.length === 0) return { status: 'ok', detail: `may do all floe-dev does in namespace ${ctx.namespace} (${answers.length} checks with kubectl auth can-i)` };
  const shown = denied.slice(0, 6).map(describePermission).join(', ');
  const more = denied.length > 6 ? ` and ${denied.length - 6} more` : '';
  const namespaceOnly = denied.every((p) => p.resource === 'namespaces');
  return {
    status: 'fail',
    detail: `context ${ctx.context} may not ${shown}${more} in namespace ${ctx.namespace}`,
    fix: namespaceOnly
      ? `ask your cluster admin to create namespace ${ctx.namespace} for you (floe-dev then installs into it), or use a namespace you have: --namespace NAME`
      : `ask your cluster admin for these rights in namespace ${ctx.namespace} (the built-in admin ClusterRole bound there covers them: kubectl create rolebinding floe-dev --clusterrole=admin --user=YOU -n ${ctx.namespace}), or use a namespace where you have them: --namespace NAME`,
  };
}

/** `kubectl version` against the cluster failed: what that usually means, in kubectl's words. */
export function evaluateApiUnreachable(message: string, ctx: { kubeconfig: string; context: string; kubeconfigSource: string }): Finding {
  const detail = `the API server of context ${ctx.context} did not answer: ${message}`;
  if (/no such file or directory/.test(message)) {
    return { status: 'fail', detail: `kubeconfig ${ctx.kubeconfig} does not exist`, fix: `name yours with cluster.existing.kubeconfig in floe-dev.yaml (${ctx.kubeconfigSource === 'default' ? 'default: ~/.kube/config' : `now from ${ctx.kubeconfigSource}`})` };
  }
  if (/context was not found/.test(message)) {
    return {
      status: 'fail',
      detail: `context ${ctx.context} is not in ${ctx.kubeconfig}`,
      fix: `pick one of \`kubectl config get-contexts --kubeconfig ${ctx.kubeconfig}\`, or name the file that holds it with cluster.existing.kubeconfig (floe-dev reads one file, not a merged $KUBECONFIG list)`,
    };
  }
  if (/Unauthorized|must be logged in|credentials|token/i.test(message)) {
    return { status: 'fail', detail, fix: `log in to the cluster again (your credentials for ${ctx.context} were refused or expired), then \`kubectl --context ${ctx.context} get ns\`` };
  }
  return { status: 'fail', detail, fix: `check that the cluster runs and you can reach it (VPN?): \`kubectl --kubeconfig ${ctx.kubeconfig} --context ${ctx.context} cluster-info\`` };
}

/** A StorageClass as `kubectl get storageclass -o json` lists it (fields read here). */
export interface StorageClassJson {
  metadata?: { name?: string; annotations?: Record<string, string> };
  provisioner?: string;
}

/**
 * The default StorageClass: the annotation storageclass.kubernetes.io/is-default-class=true (Kubernetes docs,
 * "Change the default StorageClass"; the beta annotation is still honoured by the admission plugin).
 */
export function defaultStorageClasses(classes: readonly StorageClassJson[]): string[] {
  const isDefault = (a: Record<string, string> | undefined) =>
    a?.['storageclass.kubernetes.io/is-default-class'] === 'true' || a?.['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
  return classes.filter((c) => isDefault(c.metadata?.annotations)).map((c) => c.metadata?.name ?? '?');
}

export function evaluateStorageClasses(classes: readonly StorageClassJson[], needsVolumes: boolean, context: string): Finding {
  const defaults = defaultStorageClasses(classes);
  if (defaults.length > 0) {
    const c = classes.find((x) => x.metadata?.name === defaults[0]);
    return { status: 'ok', detail: `default StorageClass ${defaults[0]}${c?.provisioner ? ` (${c.provisioner})` : ''}${defaults.length > 1 ? `; ${defaults.length} are marked default, Kubernetes uses the newest` : ''}` };
  }
  const names = classes.map((c) => c.metadata?.name).filter(Boolean);
  const detail = `no default StorageClass${names.length ? ` (there are ${names.join(', ')}, none marked default)` : ' (the cluster has none)'}`;
  if (!needsVolumes) return { status: 'ok', detail: `${detail}; the enabled components claim no volumes` };
  const annotate = `kubectl --context ${context} annotate storageclass ${names[0] ?? 'NAME'} storageclass.kubernetes.io/is-default-class=true`;
  return {
    status: 'fail',
    detail: `${detail}: the platform's databases, MinIO and Prometheus claim volumes without naming a class, so they would stay Pending`,
    fix: names.length ? `ask your cluster admin to mark one default: ${annotate}` : 'ask your cluster admin for a StorageClass marked default (storageclass.kubernetes.io/is-default-class=true)',
  };
}

/** A node as `kubectl get nodes -o json` lists it (fields read here). */
export interface NodeJson {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { unschedulable?: boolean; taints?: { key?: string; effect?: string }[] };
  status?: { allocatable?: { memory?: string }; nodeInfo?: { architecture?: string }; conditions?: { type?: string; status?: string }[] };
}

export interface NodeFacts {
  /** Ready, schedulable nodes without a NoSchedule taint: where the platform's pods can go. */
  usable: { name: string; arch: string; allocatableBytes: number }[];
  total: number;
}

export function nodeFacts(nodes: readonly NodeJson[]): NodeFacts {
  const usable = nodes
    .filter((n) => !n.spec?.unschedulable)
    .filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .filter((n) => !(n.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'))
    .map((n) => ({
      name: n.metadata?.name ?? '?',
      arch: n.status?.nodeInfo?.architecture || n.metadata?.labels?.['kubernetes.io/arch'] || '',
      allocatableBytes: (n.status?.allocatable?.memory && parseMemory(n.status.allocatable.memory)) || 0,
    }));
  return { usable, total: nodes.length };
}

/** The architecture the platform's pods run on: the usable nodes' (the most common one when mixed). */
export function clusterArchitecture(facts: NodeFacts): string | undefined {
  const counts = new Map<string, number>();
  for (const n of facts.usable) counts.set(n.arch, (counts.get(n.arch) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * Allocatable memory of the usable nodes against the platform's requests (fail: it cannot all schedule) and
 * limits (warn). Allocatable is before what other workloads already request, so ok is a necessary condition only.
 */
export function evaluateClusterMemory(facts: NodeFacts, needs: { requestsBytes: number; limitsBytes: number }): Finding {
  if (facts.usable.length === 0) {
    return { status: 'fail', detail: `none of the ${facts.total} node${facts.total === 1 ? '' : 's'} is Ready and schedulable`, fix: 'ask your cluster admin: `kubectl get nodes` shows why' };
  }
  const total = facts.usable.reduce((s, n) => s + n.allocatableBytes, 0);
  const largest = Math.max(...facts.usable.map((n) => n.allocatableBytes));
  const what = `${formatBytes(total)} allocatable on ${facts.usable.length} node${facts.usable.length === 1 ? '' : 's'} (largest ${formatBytes(largest)})`;
  const budget = `the platform requests ${formatBytes(needs.requestsBytes)}, limits ${formatBytes(needs.limitsBytes)}`;
  if (total < needs.requestsBytes) {
    return { status: 'fail', detail: `${what}; ${budget}: its pods cannot all be scheduled`, fix: 'use a bigger node pool, or fewer components (`--component orchestrator`)' };
  }
  if (total < needs.limitsBytes) {
    return { status: 'warn', detail: `${what}; ${budget}: services may be OOM-killed under load`, fix: 'use a bigger node pool for the full limits' };
  }
  return { status: 'ok', detail: `${what}; ${budget} (before what other workloads there already use)` };
}
