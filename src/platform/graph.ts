// The dependency graph: validation (unknown dependencies, cycles), a stable install order, and concurrent waves.

export interface GraphNode {
  readonly name: string;
  readonly dependsOn: readonly string[];
}

/** A broken catalog (a bug in floe-dev, not a user mistake): an unknown dependency, a cycle, a duplicate. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
}

/** Throws a CatalogError naming a duplicate service, an unknown dependency, or the services forming a cycle. */
export function validateGraph(nodes: readonly GraphNode[]): void {
  const names = new Set<string>();
  for (const node of nodes) {
    if (names.has(node.name)) throw new CatalogError(`service ${node.name} is defined twice`);
    names.add(node.name);
  }
  for (const node of nodes) {
    for (const dep of node.dependsOn) {
      if (!names.has(dep)) throw new CatalogError(`service ${node.name} depends on unknown service ${dep}`);
      if (dep === node.name) throw new CatalogError(`service ${node.name} depends on itself`);
    }
  }
  const cycle = findCycle(nodes);
  if (cycle) throw new CatalogError(`dependency cycle: ${cycle.join(' → ')}`);
}

function findCycle(nodes: readonly GraphNode[]): string[] | undefined {
  const deps = new Map(nodes.map((n) => [n.name, n.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    path.push(name);
    for (const dep of deps.get(name) ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const node of nodes) {
    const found = visit(node.name);
    if (found) return found;
  }
  return undefined;
}

/**
 * Nodes grouped so that each group depends only on earlier groups: everything in a wave can be installed at
 * once. Within a wave, nodes keep their input order.
 */
export function waves<T extends GraphNode>(nodes: readonly T[]): T[][] {
  validateGraph(nodes);
  const placed = new Set<string>();
  const remaining = [...nodes];
  const result: T[][] = [];
  while (remaining.length > 0) {
    const wave = remaining.filter((n) => n.dependsOn.every((d) => placed.has(d)));
    // validateGraph ruled out cycles, so every round places at least one node.
    for (const n of wave) placed.add(n.name);
    result.push(wave);
    for (const n of wave) remaining.splice(remaining.indexOf(n), 1);
  }
  return result;
}

/**
 * A dependency-respecting order (Kahn's algorithm); ties keep the input order, so the catalog's own order
 * (storage → catalog → observability → orchestrator → semantic) shows through.
 */
export function topoOrder<T extends GraphNode>(nodes: readonly T[]): T[] {
  validateGraph(nodes);
  const done = new Set<string>();
  const order: T[] = [];
  while (order.length < nodes.length) {
    const next = nodes.find((n) => !done.has(n.name) && n.dependsOn.every((d) => done.has(d)))!;
    done.add(next.name);
    order.push(next);
  }
  return order;
}

/** name → direct dependencies: enough to start each install as soon as what it needs is ready. */
export function dependencyMap(nodes: readonly GraphNode[]): Map<string, string[]> {
  validateGraph(nodes);
  return new Map(nodes.map((n) => [n.name, [...n.dependsOn]]));
}

export interface GraphRun {
  /** Finished, in the order they finished. */
  done: string[];
  /** The first failure, and any that failed while it was being reported. */
  failed: { name: string; error: unknown }[];
  /** Never started because something they wait for failed or the run was stopped. */
  skipped: string[];
  /** Started, then stopped because another node failed (or the run was stopped). */
  stopped: string[];
}

export interface GraphRunOptions<T extends GraphNode> {
  /** Stops the run: running nodes see their signal aborted, nothing new starts. */
  signal?: AbortSignal;
  /** A node waits on these before it starts (e.g. to show "waiting for catalog-db"). */
  onWaiting?(node: T, waitingFor: string[]): void;
  onSkipped?(node: T, because: string): void;
}

/**
 * Runs every node as soon as the nodes it depends on have finished: no waves, so a slow service holds up only
 * what depends on it. The first failure stops the run (fail fast): running nodes are aborted through their
 * signal, and nodes not yet started are skipped. Resolves when every started node has settled.
 */
export async function runGraph<T extends GraphNode>(
  nodes: readonly T[],
  run: (node: T, signal: AbortSignal) => Promise<void>,
  options: GraphRunOptions<T> = {},
): Promise<GraphRun> {
  validateGraph(nodes);
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const outcome: GraphRun = { done: [], failed: [], skipped: [], stopped: [] };
  const finished = new Map<string, Promise<boolean>>();
  const settled = new Set<string>();

  const start = (node: T): Promise<boolean> => {
    const existing = finished.get(node.name);
    if (existing) return existing;
    const promise = (async () => {
      const deps = node.dependsOn.map((d) => ({ name: d, ok: start(byName.get(d)!) }));
      const pending = node.dependsOn.filter((d) => !settled.has(d));
      if (pending.length > 0) options.onWaiting?.(node, pending);
      const results = await Promise.all(deps.map(async (d) => ({ name: d.name, ok: await d.ok })));
      const blocked = results.find((r) => !r.ok);
      if (blocked || signal.aborted) {
        const because = blocked ? `${blocked.name} did not finish` : 'the run was stopped';
        outcome.skipped.push(node.name);
        settled.add(node.name);
        options.onSkipped?.(node, because);
        return false;
      }
      try {
        await run(node, signal);
        outcome.done.push(node.name);
        return true;
      } catch (error) {
        // Failing because the run was already stopping is not a failure of its own.
        if (signal.aborted) outcome.stopped.push(node.name);
        else {
          outcome.failed.push({ name: node.name, error });
          stop.abort(error);
        }
        return false;
      } finally {
        settled.add(node.name);
      }
    })();
    finished.set(node.name, promise);
    return promise;
  };

  const byName = new Map(nodes.map((n) => [n.name, n]));
  await Promise.all(nodes.map(start));
  return outcome;
}
