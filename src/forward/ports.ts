// Local ports for the forwards: each checked on 127.0.0.1 before the supervisor starts; a busy one is an error
// naming the holder, or with `forwards.nextFreePort` the next free port (recorded, and said).
import { ENV_VARS } from '../config/env.js';
import { FloeError } from '../errors.js';
import { describeHolder, evaluatePort } from '../preflight/evaluate.js';
import type { BindResult, PortHolder } from '../preflight/ports.js';
import type { PlannedForward } from './plan.js';

/** How ports are looked at (injected so tests need no real listeners). */
export interface PortSystem {
  tryBind(port: number): Promise<BindResult>;
  findPortHolder(port: number): Promise<PortHolder | undefined>;
}

/** How far past a busy port nextFreePort looks. */
export const NEXT_FREE_TRIES = 20;

export interface ResolvedPorts {
  forwards: PlannedForward[];
  /** One line per port that moved: "forwards.cube: 4000 is in use by node (pid 42); using 4001". */
  moved: string[];
}

export async function resolvePorts(wanted: readonly Omit<PlannedForward, 'localPort'>[], nextFreePort: boolean, system: PortSystem): Promise<ResolvedPorts> {
  const taken = new Set<number>();
  const reserved = new Set(wanted.map((f) => f.wantedPort));
  const forwards: PlannedForward[] = [];
  const moved: string[] = [];
  // One at a time: two forwards moving off busy ports must not pick the same free one.
  for (const f of wanted) {
    const bind = await system.tryBind(f.wantedPort);
    if (bind.outcome === 'free') {
      taken.add(f.wantedPort);
      forwards.push({ ...f, localPort: f.wantedPort });
      continue;
    }
    const holder = bind.outcome === 'busy' ? await system.findPortHolder(f.wantedPort) : undefined;
    const free = await nextFree(f.wantedPort, system, (p) => taken.has(p) || reserved.has(p));
    if (nextFreePort && free !== undefined) {
      taken.add(free);
      forwards.push({ ...f, localPort: free });
      moved.push(`forwards.${f.key}: ${f.wantedPort} is ${bind.outcome === 'busy' ? `in use by ${describeHolder(holder)}` : 'not available'}; using ${free}`);
      continue;
    }
    const envVar = Object.entries(ENV_VARS).find(([, spec]) => spec.path.join('.') === `forwards.${f.key}`)?.[0];
    const finding = evaluatePort({ port: f.wantedPort, configKey: `forwards.${f.key}`, envVar, bind, holder, supervisor: undefined, nextFreePort: false, nextFree: free });
    const none = nextFreePort ? ` (and no free port within ${NEXT_FREE_TRIES} after it)` : '';
    throw new FloeError(`cannot forward ${f.key} (service/${f.service}:${f.port}): port ${f.wantedPort} on 127.0.0.1: ${finding.detail}${none}`, {
      hint: `${finding.fix ?? `choose another port for forwards.${f.key}`}${nextFreePort ? '' : '; or set forwards.nextFreePort: true'}`,
    });
  }
  return { forwards, moved };
}

async function nextFree(port: number, system: PortSystem, skip: (port: number) => boolean): Promise<number | undefined> {
  for (let p = port + 1; p <= Math.min(65535, port + NEXT_FREE_TRIES); p++) {
    if (skip(p)) continue;
    if ((await system.tryBind(p)).outcome === 'free') return p;
  }
  return undefined;
}
