// The install step of `up` (design §5.4–5.6): Namespace, Secrets and ConfigMaps first, then each service applied
// the moment what it depends on is ready, watched until ready (failing fast with a diagnosis), then the bootstrap
// tasks, then what floe-dev no longer renders is pruned. Nothing unchanged is applied again.
import { BOOTSTRAP_RUNNERS } from '../bootstrap/tasks.js';
import { durationMs } from '../config/duration.js';
import type { Context } from '../context.js';
import { FloeError, withContext } from '../errors.js';
import { ApplyBatcher } from '../install/batch.js';
import { countChanges, planInstall, type Change, type InstallPlan, type LiveObject, type ServicePlan } from '../install/plan.js';
import {
  BOOTSTRAP,
  componentClosure,
  effectiveDependencies,
  ensureCredentials,
  renderPlatformByService,
  resolveResources,
  toYaml,
  workloadsOf,
  type BootstrapSpec,
  type PlatformCredentials,
} from '../platform/index.js';
import { runGraph, type GraphNode } from '../platform/graph.js';
import { diagnose, formatDiagnosis } from '../readiness/diagnose.js';
import { evaluateWorkload, type Workload } from '../readiness/evaluate.js';
import { PlatformObserver, type Snapshot } from '../readiness/observer.js';
import { NotReadyError, waitUntilReady } from '../readiness/wait.js';
import type { Kubectl } from '../tools/kubectl.js';
import type { IPod } from 'kubernetes-models/v1';
import { kubectlFor } from './cluster.js';
import { targetOf } from '../target.js';
import type { Step, StepReporter, TaskReporter } from './step.js';

export interface InstallOptions {
  /** `--component` was given: install those and their dependencies, leave the other components as they are. */
  partial: boolean;
  /** The least time between two looks at the namespace. */
  minPollGapMs?: number;
}

export interface ServiceOutcome {
  name: string;
  title: string;
  component: string;
  change: Change;
  /** From the start of the install to ready (ms); 0 when it was ready already. */
  readyAfterMs: number;
  summary: string;
}

export interface InstallResult {
  objects: Record<Change, number>;
  services: ServiceOutcome[];
  bootstrap: { name: string; title: string; summary: string }[];
  pruned: string[];
}

const MANAGED = 'app.kubernetes.io/managed-by=floe-dev';
/** What the install reads of the namespace in one call: what it may change, and the readiness of what is there. */
const LIVE_TYPES = 'namespaces,secrets,configmaps,services,deployments,statefulsets,jobs,persistentvolumeclaims,pods';

export function installStep(options: InstallOptions): Step {
  return {
    title: 'Platform services',
    run: async (ctx, report) => {
      try {
        ctx.cache.set('install', await install(ctx, options, report));
      } catch (error) {
        throw withContext('installing the platform', error);
      }
    },
  };
}

type Node = GraphNode & ({ kind: 'service'; plan: ServicePlan } | { kind: 'bootstrap'; spec: BootstrapSpec });

export async function install(ctx: Context, options: InstallOptions, report: StepReporter): Promise<InstallResult> {
  const { config } = ctx;
  const namespace = config.namespace;
  const { credentials } = ensureCredentials(ctx.paths.credentials);
  // The images step's host IDs: a code location rebuilt under the same tag rolls its pods.
  // Images pushed to the local registry run from there, pinned by digest.
  const images = ctx.cache.get('images') as { ids?: Record<string, string>; refs?: Record<string, string> } | undefined;
  const rendered = renderPlatformByService({ config, credentials, imageIds: images?.ids, imageRefs: images?.refs });
  const kubectl = kubectlFor(ctx);
  const started = ctx.clock.now();

  report.progress(`reading namespace ${namespace}`);
  const live = await kubectl.list<LiveObject>(LIVE_TYPES, { namespace, selector: MANAGED });
  const plan = planInstall(rendered, live, { namespace, components: options.partial ? componentClosure(config) : undefined });
  // An existing cluster's namespace that was there before floe-dev: used as it is, never labelled or changed.
  if (ctx.cache.get('existing.namespace') === 'theirs') plan.base = plan.base.filter((p) => p.object.kind !== 'Namespace');
  const initial: Snapshot = { ...splitSnapshot(live), takenAt: Number.NEGATIVE_INFINITY };

  const nodes = graphNodes(ctx, plan);
  const lines = report.tasks(nodes.map((n) => ({ key: n.name, title: nodeTitle(n) })));
  const line = (name: string) => lines.get(name)!;

  const baseChanges = plan.base.filter((p) => p.change !== 'unchanged');
  if (baseChanges.length > 0) {
    report.progress(`applying ${plan.base.some((p) => p.object.kind === 'Namespace') ? 'the namespace, ' : ''}Secrets and ConfigMaps`);
    await kubectl.apply(toYaml(baseChanges.map((p) => p.object)));
  }

  const observer = new PlatformObserver(
    async () => splitSnapshot(await kubectl.list<LiveObject>('deployments,statefulsets,jobs,pods', { namespace, selector: MANAGED })),
    ctx.clock,
    ctx.signal,
    options.minPollGapMs,
  );
  const batcher = new ApplyBatcher((objects) => kubectl.apply(toYaml(objects)));
  const services: ServiceOutcome[] = [];
  const bootstrap: InstallResult['bootstrap'] = [];
  // What is done so far, for the message when a run is stopped half-way.
  ctx.cache.set('install.progress', { ready: services, total: plan.services.length });
  report.progress(`installing ${plan.services.length} services`);

  const outcome = await runGraph(
    nodes,
    async (node, signal) => {
      if (node.kind === 'service') {
        services.push(await installService(ctx, kubectl, batcher, observer, initial, node.plan, line(node.name), started));
      } else {
        const summary = await runBootstrap(ctx, kubectl, credentials, node.spec, line(node.name), signal);
        bootstrap.push({ name: node.name, title: node.spec.title, summary });
      }
    },
    {
      signal: ctx.signal,
      onWaiting: (node, deps) => line(node.name).progress(`waiting for ${deps.join(', ')}`),
      onSkipped: (node, because) => line(node.name).skip(`not started: ${because}`),
    },
  );
  if (ctx.signal.aborted) throw ctx.signal.reason;
  if (outcome.failed.length > 0) {
    for (const name of outcome.stopped) line(name).skip('stopped: another service failed');
    throw outcome.failed[0]!.error;
  }

  if (plan.prune.length > 0) {
    report.progress(`removing what floe-dev no longer installs: ${plan.prune.join(', ')}`);
    await kubectl.delete(plan.prune, namespace);
  }
  const objects = countChanges(plan);
  const ready = services.length;
  report.done(
    `Platform: ${ready} service${ready === 1 ? '' : 's'} ready (${objects.create} objects created, ${objects.update} updated, ${objects.unchanged} unchanged${plan.prune.length ? `, ${plan.prune.length} removed` : ''})`,
  );
  return { objects, services: orderLike(plan, services), bootstrap, pruned: plan.prune };
}

/** The selected services and the bootstrap tasks whose dependencies are all in the run, as graph nodes. */
function graphNodes(ctx: Context, plan: InstallPlan): Node[] {
  const selected = new Set(plan.services.map((s) => s.service.name));
  const serviceNodes: Node[] = plan.services.map((p) => ({
    kind: 'service',
    name: p.service.name,
    dependsOn: effectiveDependencies(p.service, ctx.config).filter((d) => selected.has(d)),
    plan: p,
  }));
  const present = new Set<string>(selected);
  const bootstrapNodes: Node[] = [];
  for (const spec of BOOTSTRAP) {
    if (!spec.dependsOn.every((d) => present.has(d))) continue;
    present.add(spec.name);
    bootstrapNodes.push({ kind: 'bootstrap', name: spec.name, dependsOn: [...spec.dependsOn], spec });
  }
  return [...serviceNodes, ...bootstrapNodes];
}

function nodeTitle(node: Node): string {
  return node.kind === 'service' ? `${node.plan.service.title} (${node.name})` : node.spec.title;
}

async function installService(
  ctx: Context,
  kubectl: Kubectl,
  batcher: ApplyBatcher,
  observer: PlatformObserver,
  initial: Snapshot,
  plan: ServicePlan,
  line: TaskReporter,
  installStarted: number,
): Promise<ServiceOutcome> {
  const def = plan.service;
  const title = `${def.title} (${def.name})`;
  const refs = workloadsOf(def, ctx.config).map((w) => ({ ...w, namespace: ctx.config.namespace }));
  const begun = ctx.clock.now();
  let since = initial.takenAt;
  if (plan.change === 'unchanged') {
    // Already there as wanted: if it is ready too, there is nothing to wait for.
    const states = refs.map((ref) => {
      const workload = initial.workloads.find((w) => w.kind === ref.kind && w.metadata?.name === ref.name);
      return workload ? evaluateWorkload(workload, initial.pods) : undefined;
    });
    if (states.every((r) => r?.state === 'ready')) {
      const summary = combined(states.map((r) => r!.summary));
      line.done(`${title}: ${summary}`);
      return outcomeOf(def, plan.change, 0, summary);
    }
  } else {
    if (plan.recreateJob) {
      line.progress('the Job changed (or failed): deleting it to run it again');
      await kubectl.delete([`job/${def.name}`], ctx.config.namespace);
    }
    const changed = plan.objects.filter((p) => p.change !== 'unchanged' || plan.recreateJob);
    line.progress(`applying ${changed.map((p) => `${p.object.kind}/${p.object.metadata?.name}`).join(', ')}`);
    await batcher.submit(changed.map((p) => p.object));
    since = ctx.clock.now();
  }
  const timeout = ctx.config.timeouts.ready ?? def.readyTimeout;
  const summaries = await Promise.all(
    refs.map(async (ref) => {
      try {
        const ready = await waitUntilReady(observer, ctx.clock, ref, {
          since,
          deadline: begun + durationMs(timeout),
          onProgress: (r) => line.progress(`${refs.length > 1 ? `${ref.name}: ` : ''}${r.state === 'waiting' && r.detail ? `${r.summary}: ${r.detail}` : r.summary}`),
        });
        return ready.summary;
      } catch (error) {
        if (!(error instanceof NotReadyError)) throw error;
        const d = await diagnose(kubectl, {
          error,
          title: refs.length > 1 ? `${def.title} ${ref.name}` : def.title,
          name: def.name,
          memoryLimit: resolveResources(ctx.config, def.name).limits.memory,
          timeout,
          kubeconfig: targetOf(ctx).kubeconfig,
          existing: targetOf(ctx).mode === 'existing',
          context: targetOf(ctx).context,
        });
        const text = formatDiagnosis(d);
        ctx.runLog?.write(text);
        line.fail(d.reason === 'NotReady' ? `not ready after ${timeout}` : d.reason);
        throw new FloeError(text, { hint: d.fix });
      }
    }),
  );
  const summary = combined(summaries);
  line.done(`${title}: ${summary}`);
  return outcomeOf(def, plan.change, ctx.clock.now() - installStarted, summary);
}

/** "Deployment 1/1 ready", or for several workloads "3 workloads ready". */
function combined(summaries: string[]): string {
  if (summaries.length === 1) return summaries[0]!;
  return `${summaries.length} workloads ready`;
}

async function runBootstrap(ctx: Context, kubectl: Kubectl, credentials: PlatformCredentials, spec: BootstrapSpec, line: TaskReporter, signal: AbortSignal): Promise<string> {
  try {
    const summary = await BOOTSTRAP_RUNNERS[spec.name]({ kubectl, http: ctx.tools.http, config: ctx.config, credentials, signal, progress: (t) => line.progress(t) });
    line.done(`${spec.title}: ${summary}`);
    return summary;
  } catch (error) {
    line.fail(error instanceof Error ? error.message.split('\n')[0]!.slice(0, 80) : 'failed');
    throw withContext(spec.title.toLowerCase(), error);
  }
}

function outcomeOf(def: ServicePlan['service'], change: Change, readyAfterMs: number, summary: string): ServiceOutcome {
  return { name: def.name, title: def.title, component: def.component, change, readyAfterMs, summary };
}

function orderLike(plan: InstallPlan, services: ServiceOutcome[]): ServiceOutcome[] {
  const order: string[] = plan.services.map((s) => s.service.name);
  return [...services].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}

function splitSnapshot(items: readonly LiveObject[]): Omit<Snapshot, 'takenAt'> {
  return {
    workloads: items.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'Job') as unknown as Workload[],
    pods: items.filter((o) => o.kind === 'Pod') as unknown as IPod[],
  };
}
