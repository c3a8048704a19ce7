// An existing cluster (cluster.existing / --context) in place of kind: `up`'s namespace step (refuse a namespace
// holding objects floe-dev did not make) and `down`'s (delete floe-dev's namespace, or only floe-dev's objects in
// someone else's). No kind call, and the user's kubeconfig is only ever read (by kubectl).
import { rmSync } from 'node:fs';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, OWNERSHIP_TYPES, nameSome, namespaceOwnership, type NamespaceOwnership, type OwnedJson } from '../install/ownership.js';
import { targetOf, type ClusterTarget } from '../target.js';
import type { Kubectl } from '../tools/kubectl.js';
import { kubectlFor } from './cluster.js';
import type { DownOutcome } from './down.js';
import type { Step } from './step.js';

/** The namespace and every object of the kinds floe-dev makes in it, whoever made them. */
export async function readOwnership(kubectl: Kubectl, namespace: string): Promise<NamespaceOwnership> {
  // By name, not a list of every namespace: a user whose rights are bound in this namespace only may get it.
  const { stdout } = await kubectl.run(['get', 'namespace', namespace, '--ignore-not-found', '-o', 'json'], { timeoutMs: 30_000 });
  const ns = stdout.trim() ? (JSON.parse(stdout) as OwnedJson) : undefined;
  const objects = ns ? await kubectl.list<OwnedJson>(OWNERSHIP_TYPES, { namespace }) : [];
  return namespaceOwnership(ns, objects);
}

/** Refuses a namespace with objects floe-dev did not make (exit 2: the fix is another namespace). */
export function ownershipProblem(o: NamespaceOwnership, target: Extract<ClusterTarget, { mode: 'existing' }>, namespace: string): UsageError | undefined {
  if (o.terminating) {
    return new UsageError(`namespace ${namespace} in context ${target.context} is being deleted`, { hint: 'wait until it is gone and run up again, or use another: --namespace NAME' });
  }
  if (o.foreign.length === 0) return undefined;
  return new UsageError(
    `namespace ${namespace} in context ${target.context} holds ${o.foreign.length} object${o.foreign.length === 1 ? '' : 's'} floe-dev did not make (${nameSome(o.foreign)}): floe-dev installs only into a namespace of its own, where it may prune and delete`,
    { hint: `use a namespace of its own: --namespace floe-dev-${process.env.USER || 'me'} (or namespace: in floe-dev.yaml); floe-dev creates it` },
  );
}

/** up, existing cluster: the namespace is floe-dev's to use, or up stops before anything is changed. */
export function existingNamespaceStep(): Step {
  return {
    title: 'Namespace',
    enabled: (ctx) => targetOf(ctx).mode === 'existing',
    run: async (ctx, report) => {
      const target = targetOf(ctx) as Extract<ClusterTarget, { mode: 'existing' }>;
      const ns = ctx.config.namespace;
      report.progress(`looking at namespace ${ns}`);
      const ownership = await readOwnership(kubectlFor(ctx), ns);
      const problem = ownershipProblem(ownership, target, ns);
      if (problem) throw problem;
      // install leaves a namespace that was there before alone (it neither labels nor changes it).
      ctx.cache.set('existing.namespace', ownership.namespace);
      const kubernetes = (ctx.cache.get('cluster') as { kubernetes?: string } | undefined)?.kubernetes;
      ctx.cache.set('cluster', { name: target.context, kubernetes, created: false, existing: true });
      report.done(
        ownership.namespace === 'absent'
          ? `Namespace ${ns}: new, floe-dev creates it (context ${target.context})`
          : ownership.namespace === 'ours'
            ? `Namespace ${ns}: floe-dev's (context ${target.context})`
            : `Namespace ${ns}: yours, holding ${ownership.ours.length ? 'only floe-dev objects' : 'nothing'}; floe-dev installs into it and leaves the namespace itself alone`,
      );
    },
  };
}

/** down, existing cluster: floe-dev's namespace, or only floe-dev's objects in a namespace it did not create. */
export function existingDownStep(outcome: DownOutcome): Step {
  return {
    title: 'Namespace',
    run: async (ctx, report) => {
      const target = targetOf(ctx) as Extract<ClusterTarget, { mode: 'existing' }>;
      const ns = ctx.config.namespace;
      outcome.kindCluster = null;
      outcome.existing = { context: target.context, namespaceDeleted: false, objectsDeleted: [] };
      const kubectl = kubectlFor(ctx);
      report.progress(`looking at namespace ${ns} in context ${target.context}`);
      const ownership = await readOwnership(kubectl, ns);
      if (ownership.namespace === 'ours' && ownership.foreign.length === 0) {
        report.progress(`deleting namespace ${ns}`);
        outcome.existing.namespaceDeleted = await kubectl.deleteNamespace(ns, 180_000);
      } else if (ownership.namespace !== 'absent') {
        outcome.existing.objectsDeleted = await deleteOurObjects(ctx, kubectl, ns);
      }
      outcome.namespace = { name: ns, deleted: outcome.existing.namespaceDeleted };
      // The credentials, forwards and logs of a platform that is gone; the user's kubeconfig is not in there.
      rmSync(ctx.paths.dir, { recursive: true, force: true });
      const kept = ownership.namespace === 'ours' && ownership.foreign.length > 0 ? ` (kept: it also holds ${nameSome(ownership.foreign)})` : '';
      report.done(
        outcome.existing.namespaceDeleted
          ? `Namespace ${ns} deleted in context ${target.context} (the cluster is untouched)`
          : outcome.existing.objectsDeleted.length
            ? `Removed floe-dev's ${outcome.existing.objectsDeleted.length} objects from namespace ${ns}${kept}; the namespace and the cluster are untouched`
            : `Namespace ${ns} in context ${target.context}: nothing of floe-dev's to delete`,
      );
    },
  };
}

/** Deletes what carries floe-dev's label (workloads first, their pods go with them). */
async function deleteOurObjects(ctx: Context, kubectl: Kubectl, ns: string): Promise<string[]> {
  // Workloads and what floe-dev applies; ReplicaSets and pods go with their owners.
  const types = OWNERSHIP_TYPES.split(',').filter((t) => t !== 'pods' && t !== 'replicasets').join(',');
  const ours = await kubectl.list<OwnedJson>(types, { namespace: ns, selector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}` });
  const refs = ours.map((o) => `${(o.kind ?? '').toLowerCase()}/${o.metadata?.name ?? ''}`).filter((r) => !r.endsWith('/'));
  if (refs.length === 0) return [];
  await kubectl.delete(refs, ns, 180_000);
  ctx.log.debug(`deleted ${refs.join(', ')}`);
  return refs;
}
