// Whose is the namespace floe-dev installs into on an existing cluster: floe-dev's (it created it: labelled so),
// someone else's holding only floe-dev's objects (fine), or someone else's with their objects in it (refused:
// floe-dev prunes and deletes by label there, and never touches what it did not make). Pure.

/** The label every object floe-dev renders carries (src/platform/k8s.ts). */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'floe-dev';

/** What `get namespace`/`get …` print, read field by field. */
export interface OwnedJson {
  kind?: string;
  type?: string;
  metadata?: { name?: string; labels?: Record<string, string>; deletionTimestamp?: string; ownerReferences?: { kind?: string; name?: string }[] };
  status?: { phase?: string };
}

/** What floe-dev reads of a namespace to judge it (every kind of object it makes, and pods). */
export const OWNERSHIP_TYPES = 'deployments,statefulsets,jobs,services,configmaps,secrets,persistentvolumeclaims,replicasets,pods';

export interface NamespaceOwnership {
  /** absent: floe-dev creates it; ours: floe-dev created it; theirs: it was there before floe-dev. */
  namespace: 'absent' | 'ours' | 'theirs';
  terminating: boolean;
  /** Objects without floe-dev's label, as `kind/name`. */
  foreign: string[];
  /** floe-dev's own objects, as `kind/name`. */
  ours: string[];
}

export function isOurs(o: OwnedJson): boolean {
  return o.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

/**
 * Objects Kubernetes itself puts in every namespace: the `kube-root-ca.crt` ConfigMap (the root CA publisher,
 * Kubernetes ≥ 1.20) and, before 1.24, service-account token Secrets.
 */
function isKubernetesOwn(o: OwnedJson): boolean {
  if (o.kind === 'ConfigMap' && o.metadata?.name === 'kube-root-ca.crt') return true;
  return o.kind === 'Secret' && o.type === 'kubernetes.io/service-account-token';
}

function ref(o: OwnedJson): string {
  return `${(o.kind ?? 'object').toLowerCase()}/${o.metadata?.name ?? '?'}`;
}

export function namespaceOwnership(namespace: OwnedJson | undefined, objects: readonly OwnedJson[]): NamespaceOwnership {
  // What a controller made (a Deployment's ReplicaSets, their pods) is named through its owner, listed too.
  const relevant = objects.filter((o) => !isKubernetesOwn(o) && (o.metadata?.ownerReferences?.length ?? 0) === 0);
  return {
    namespace: namespace === undefined ? 'absent' : isOurs(namespace) ? 'ours' : 'theirs',
    terminating: namespace?.status?.phase === 'Terminating' || Boolean(namespace?.metadata?.deletionTimestamp),
    foreign: relevant.filter((o) => !isOurs(o)).map(ref),
    ours: relevant.filter(isOurs).map(ref),
  };
}

/** "deployment/a, service/b, configmap/c and 4 more". */
export function nameSome(refs: readonly string[], max = 4): string {
  const shown = refs.slice(0, max).join(', ');
  return refs.length > max ? `${shown} and ${refs.length - max} more` : shown;
}
