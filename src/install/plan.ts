// What an install has to do, from what floe-dev renders and what the namespace holds: create, update or leave each
// object, recreate changed (or failed) Jobs, and prune what floe-dev made before but no longer renders. Pure.
import { createHash } from 'node:crypto';
import type { ComponentName } from '../platform/names.js';
import type { KubeObject, RenderedPlatform, ServiceDefinition } from '../platform/index.js';

/** Every object floe-dev applies carries the hash of what it applied: equal hash, nothing to apply. */
export const APPLIED_HASH = 'floe.dev/applied-hash';
const MANAGED_BY = 'app.kubernetes.io/managed-by';

/** What the namespace holds of floe-dev's, as `kubectl get -o json` printed it. */
export interface LiveObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  status?: { conditions?: { type?: string; status?: string }[] };
}

export type Change = 'create' | 'update' | 'unchanged';

export interface ObjectPlan {
  object: KubeObject;
  change: Change;
}

export interface ServicePlan {
  service: ServiceDefinition;
  /** Its Service and workload (ConfigMaps are applied with the base). */
  objects: ObjectPlan[];
  /** created when its workload is new, updated when any of its objects changed, else unchanged. */
  change: Change;
  /** A Job whose template changed (templates are immutable) or that failed: deleted, then applied again. */
  recreateJob: boolean;
}

export interface InstallPlan {
  /** Namespace, Secrets and every ConfigMap: applied first, together. */
  base: ObjectPlan[];
  services: ServicePlan[];
  /** `kind/name` of floe-dev's objects in the namespace that it no longer renders. */
  prune: string[];
}

export interface PlanScope {
  namespace: string;
  /** Set when `--component` limits the run: pruning then stays within these components. */
  components?: ReadonlySet<ComponentName>;
}

/** The object with its applied-hash annotation: the hash of everything else in it. */
export function withAppliedHash<T extends KubeObject>(object: T): T {
  const copy = structuredClone(object);
  const annotations = { ...(copy.metadata?.annotations ?? {}) };
  delete annotations[APPLIED_HASH];
  copy.metadata = { ...copy.metadata, annotations };
  const hash = createHash('sha256').update(JSON.stringify(copy)).digest('hex').slice(0, 20);
  copy.metadata.annotations = { ...annotations, [APPLIED_HASH]: hash };
  return copy;
}

export function planInstall(rendered: RenderedPlatform, live: readonly LiveObject[], scope: PlanScope): InstallPlan {
  const liveByKey = new Map(live.filter(ours(scope.namespace)).map((o) => [keyOf(o.kind, o.metadata?.name), o]));
  const plan = (object: KubeObject): ObjectPlan => {
    const annotated = withAppliedHash(object);
    const existing = liveByKey.get(keyOf(object.kind, object.metadata?.name));
    const change: Change = !existing
      ? 'create'
      : existing.metadata?.annotations?.[APPLIED_HASH] === annotated.metadata?.annotations?.[APPLIED_HASH]
        ? 'unchanged'
        : 'update';
    return { object: annotated, change };
  };

  const configMaps = dedupe(rendered.services.flatMap((s) => s.objects.filter((o) => o.kind === 'ConfigMap')));
  const base = [rendered.namespace, ...rendered.secrets, ...configMaps].map(plan);
  const services = rendered.services.map(({ service, objects }): ServicePlan => {
    const planned = objects.filter((o) => o.kind !== 'ConfigMap').map(plan);
    const workload = planned.find((p) => p.object.kind === service.kind);
    const change: Change = !workload || workload.change === 'create' ? 'create' : planned.some((p) => p.change !== 'unchanged') ? 'update' : 'unchanged';
    const liveJob = service.kind === 'Job' ? liveByKey.get(keyOf('Job', service.name)) : undefined;
    const failed = liveJob?.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True') ?? false;
    const recreateJob = liveJob !== undefined && (workload?.change === 'update' || failed);
    return { service, objects: planned, change: recreateJob && change === 'unchanged' ? 'update' : change, recreateJob };
  });

  const wanted = new Set([...base, ...services.flatMap((s) => s.objects)].map((p) => keyOf(p.object.kind, p.object.metadata?.name)));
  const renderedServices = new Set(rendered.services.map((s) => s.service.name));
  const prune = live
    .filter(ours(scope.namespace))
    .filter((o) => o.kind !== 'Namespace' && o.kind !== 'Pod')
    .filter((o) => !wanted.has(keyOf(o.kind, o.metadata?.name)))
    // A StatefulSet's volume claims are not rendered themselves: they go only with their service.
    .filter((o) => o.kind !== 'PersistentVolumeClaim' || !renderedServices.has(o.metadata?.labels?.['app.kubernetes.io/name'] as never))
    .filter((o) => inScope(o, scope))
    .sort((a, b) => pruneOrder(a.kind) - pruneOrder(b.kind) || String(a.metadata?.name).localeCompare(String(b.metadata?.name)))
    .map((o) => `${o.kind!.toLowerCase()}/${o.metadata!.name!}`);
  return { base, services, prune };
}

/** Workloads go first (their pods stop using the rest), volume claims last (a claim in use waits for its pod). */
const PRUNE_ORDER = ['Deployment', 'StatefulSet', 'Job', 'Service', 'ConfigMap', 'Secret', 'PersistentVolumeClaim'];
function pruneOrder(kind: string | undefined): number {
  const i = PRUNE_ORDER.indexOf(kind ?? '');
  return i < 0 ? PRUNE_ORDER.length : i;
}

/** How many objects are created, updated and left as they are. */
export function countChanges(plan: InstallPlan): Record<Change, number> {
  const counts: Record<Change, number> = { create: 0, update: 0, unchanged: 0 };
  for (const p of [...plan.base, ...plan.services.flatMap((s) => s.objects)]) counts[p.change] += 1;
  return counts;
}

/** With `--component`, only objects of the selected components are pruned (Secrets have no component: kept). */
function inScope(o: LiveObject, scope: PlanScope): boolean {
  if (!scope.components) return true;
  const component = o.metadata?.labels?.['app.kubernetes.io/component'];
  return component !== undefined && scope.components.has(component as ComponentName);
}

function ours(namespace: string): (o: LiveObject) => boolean {
  return (o) =>
    o.metadata?.labels?.[MANAGED_BY] === 'floe-dev' && (o.kind === 'Namespace' ? o.metadata.name === namespace : o.metadata?.namespace === namespace);
}

function keyOf(kind: string | undefined, name: string | undefined): string {
  return `${kind ?? ''}/${name ?? ''}`;
}

function dedupe(objects: readonly KubeObject[]): KubeObject[] {
  const seen = new Set<string>();
  return objects.filter((o) => {
    const key = keyOf(o.kind, o.metadata?.name);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
