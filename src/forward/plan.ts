// What the supervisor forwards: from the selected services' `forwards` and `config.forwards`, as data the
// CLI writes once (ports resolved) and the detached supervisor reads. Pure, apart from the file helpers.
import type { Config } from '../config/schema.js';
import type { ForwardKey, ServiceDefinition } from '../platform/types.js';

export interface PlannedForward {
  key: ForwardKey;
  /** The Kubernetes Service forwarded to, and its port. */
  service: string;
  port: number;
  /** The local port asked for in `forwards.<key>`. */
  wantedPort: number;
  /** The local port used (another one when `forwards.nextFreePort` found the wanted one busy). */
  localPort: number;
  /** Probed over HTTP to prove the forward answers: the service's readiness path when it is on this port. */
  probePath: string;
}

export interface ForwardPlan {
  version: 1;
  cluster: string;
  namespace: string;
  kubectl: string;
  kubeconfig: string;
  context: string;
  /** Where the supervisor keeps its record (pids, ports, each forward's state). */
  recordFile: string;
  forwards: PlannedForward[];
}

/** The forwards the configuration asks for, in catalog order; optional ones only when their port is set. */
export function wantedForwards(config: Config, services: readonly ServiceDefinition[]): Omit<PlannedForward, 'localPort'>[] {
  const out: Omit<PlannedForward, 'localPort'>[] = [];
  for (const def of services) {
    for (const spec of def.forwards ?? []) {
      const wantedPort = config.forwards[spec.key];
      if (wantedPort === undefined) continue;
      const readiness = def.readiness;
      const probePath = readiness.type === 'http' && readiness.port === spec.port ? readiness.path : '/';
      out.push({ key: spec.key, service: spec.service, port: spec.port, wantedPort, probePath });
    }
  }
  return out;
}

/** `kubectl --kubeconfig K --context C -n NS port-forward --address 127.0.0.1 service/S L:P`: loopback only. */
export function portForwardArgv(plan: Pick<ForwardPlan, 'kubectl' | 'kubeconfig' | 'context' | 'namespace'>, f: Pick<PlannedForward, 'service' | 'port' | 'localPort'>): [string, ...string[]] {
  return [
    plan.kubectl,
    '--kubeconfig',
    plan.kubeconfig,
    '--context',
    plan.context,
    '-n',
    plan.namespace,
    'port-forward',
    '--address',
    '127.0.0.1',
    `service/${f.service}`,
    `${f.localPort}:${f.port}`,
  ];
}

/**
 * Whether a running supervisor already does what `wanted` asks: same cluster, namespace, kubectl and the same
 * forwards with the same wanted ports (local ports may differ when nextFreePort chose them).
 */
export function planDifference(running: ForwardPlan, wanted: Omit<ForwardPlan, 'forwards'> & { forwards: Omit<PlannedForward, 'localPort'>[] }): string | undefined {
  for (const field of ['cluster', 'namespace', 'kubectl', 'kubeconfig', 'context'] as const) {
    if (running[field] !== wanted[field]) return `${field} changed from ${running[field]} to ${wanted[field]}`;
  }
  const key = (f: Omit<PlannedForward, 'localPort'>) => `${f.key} service/${f.service}:${f.port} local ${f.wantedPort}`;
  const have = running.forwards.map(key).sort();
  const want = wanted.forwards.map(key).sort();
  const added = want.filter((k) => !have.includes(k));
  const removed = have.filter((k) => !want.includes(k));
  if (!added.length && !removed.length) return undefined;
  return [added.length ? `now wanted: ${added.join(', ')}` : '', removed.length ? `no longer wanted: ${removed.join(', ')}` : ''].filter(Boolean).join('; ');
}

export function forwardUrl(localPort: number): string {
  return `http://127.0.0.1:${localPort}`;
}
