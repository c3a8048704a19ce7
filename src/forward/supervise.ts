// The supervisor's work: one kubectl port-forward per planned forward, proven by HTTP probes, started again
// with capped backoff when it exits or stops answering, each forward's state published as it changes.
import type { Clock } from '../clock.js';
import { CommandError } from '../errors.js';
import type { ExitStatus, Runner, StartedProcess } from '../tools/runner.js';
import { restartDelayMs } from './backoff.js';
import { forwardUrl, portForwardArgv, type ForwardPlan, type PlannedForward } from './plan.js';
import type { ForwardEntry } from './state.js';

export type ProbeResult = { ok: true } | { ok: false; reason: string };

export interface SupervisorTiming {
  /** From starting kubectl to its "Forwarding from" line. */
  startTimeoutMs: number;
  /** From "Forwarding from" to the first answer (a container still starting refuses connections). */
  startupGraceMs: number;
  /** Between probes of a forward that answers. */
  probeIntervalMs: number;
  /** Between probes after one failed. */
  recheckMs: number;
  /** Failed probes in a row after which a forward that answered is started again (kubectl#926: it stays up, broken). */
  failuresToRestart: number;
  /** Attempts in a row that never answered before a forward is reported dead (retries go on at the cap). */
  deadAfterAttempts: number;
}

export const DEFAULT_TIMING: SupervisorTiming = {
  startTimeoutMs: 30_000,
  startupGraceMs: 15_000,
  probeIntervalMs: 1_000,
  recheckMs: 250,
  failuresToRestart: 3,
  deadAfterAttempts: 5,
};

export interface SupervisorDeps {
  runner: Runner;
  clock: Clock;
  /** One HTTP request to the forward: anything that answers (any status) proves it works. */
  probe(url: string, signal: AbortSignal): Promise<ProbeResult>;
  /** Every forward's entry, whenever one changes. */
  publish(entries: readonly ForwardEntry[]): void;
  log(line: string): void;
  timing?: Partial<SupervisorTiming>;
}

interface AttemptOutcome {
  /** It answered at least once. */
  answered: boolean;
  reason: string;
}

/** Runs until `signal` aborts, then stops every kubectl it started and resolves. */
export async function superviseForwards(plan: ForwardPlan, deps: SupervisorDeps, signal: AbortSignal): Promise<void> {
  const timing = { ...DEFAULT_TIMING, ...deps.timing };
  const now = () => new Date(deps.clock.now()).toISOString();
  const entries: ForwardEntry[] = plan.forwards.map((f) => ({
    key: f.key,
    service: f.service,
    port: f.port,
    localPort: f.localPort,
    url: forwardUrl(f.localPort),
    state: 'starting',
    since: now(),
    restarts: 0,
    failedAttempts: 0,
  }));
  const publish = () => deps.publish(entries.map((e) => ({ ...e })));
  const update = (entry: ForwardEntry, change: Partial<ForwardEntry>) => {
    if (change.state && change.state !== entry.state) {
      entry.since = now();
      deps.log(`${entry.key}: ${change.state}${change.lastError && change.state !== 'up' ? ` (${change.lastError})` : ''}`);
    }
    Object.assign(entry, change);
    publish();
  };
  publish();
  await Promise.all(plan.forwards.map((f, i) => keepForwarding({ plan, f, entry: entries[i]!, update, deps, timing, signal })));
}

/** One forward under supervision: what it is, where its state lives, and what it may use. */
interface Supervised {
  plan: ForwardPlan;
  f: PlannedForward;
  entry: ForwardEntry;
  update(entry: ForwardEntry, change: Partial<ForwardEntry>): void;
  deps: SupervisorDeps;
  timing: SupervisorTiming;
  signal: AbortSignal;
}

async function keepForwarding(run: Supervised): Promise<void> {
  const { entry, update, deps, timing, signal } = run;
  for (let first = true; !signal.aborted; first = false) {
    if (!first) update(entry, { restarts: entry.restarts + 1 });
    const outcome = await attempt(run);
    if (signal.aborted) break;
    const failedAttempts = outcome.answered ? 0 : entry.failedAttempts + 1;
    update(entry, {
      state: failedAttempts >= timing.deadAfterAttempts ? 'dead' : 'restarting',
      failedAttempts,
      lastError: outcome.reason,
      pid: undefined,
    });
    await quietSleep(deps.clock, restartDelayMs(Math.max(0, failedAttempts - 1)), signal);
  }
}

/** One kubectl port-forward, from start to exit (or to our stopping it). */
async function attempt({ plan, f, entry, update, deps, timing, signal }: Supervised): Promise<AttemptOutcome> {
  const exited = new AbortController();
  const announced = new AbortController();
  // Waits of this attempt end on our shutdown or kubectl's exit; the first one also on its announcement.
  const untilExit = AbortSignal.any([signal, exited.signal]);
  const untilAnnounced = AbortSignal.any([untilExit, announced.signal]);
  let proc: StartedProcess | undefined;
  let exit: ExitStatus | undefined;
  let lastError = '';
  try {
    try {
      proc = await deps.runner.start(portForwardArgv(plan, f), {
        onLine: (line, stream) => {
          if (/^Forwarding from /.test(line)) announced.abort();
          if (/^Handling connection for /.test(line)) return; // one per probe: noise
          if (stream === 'stderr' && line.trim()) lastError = line.trim();
          deps.log(`${f.key}: kubectl: ${line}`);
        },
      });
    } catch (error) {
      return { answered: false, reason: error instanceof CommandError ? error.reason || error.message : String(error) };
    }
    update(entry, { pid: proc.pid });
    void proc.exited.then((status) => {
      exit = status;
      exited.abort();
    });
    const exitReason = () =>
      `kubectl exited${exit?.exitCode !== undefined ? ` with code ${exit.exitCode}` : exit?.signal ? ` by ${exit.signal}` : ''}${lastError ? `: ${lastError}` : ''}`;

    // Until kubectl says it listens.
    await quietSleep(deps.clock, timing.startTimeoutMs, untilAnnounced);
    if (signal.aborted) return { answered: false, reason: 'stopped' };
    if (!announced.signal.aborted) {
      return { answered: false, reason: exit ? exitReason() : `kubectl did not start forwarding within ${timing.startTimeoutMs / 1000} s` };
    }

    // Then probe: the first answer makes it up; after that, failures in a row mean it is broken.
    const url = `${forwardUrl(f.localPort)}${f.probePath}`;
    const startedAt = deps.clock.now();
    let answered = false;
    let failures = 0;
    for (;;) {
      const result = exit ? undefined : await deps.probe(url, untilExit);
      if (signal.aborted) return { answered, reason: 'stopped' };
      if (exit || !result) return { answered, reason: exitReason() };
      if (result.ok) {
        failures = 0;
        if (entry.state !== 'up') update(entry, { state: 'up', failedAttempts: 0, lastError: undefined });
        answered = true;
      } else {
        failures += 1;
        if (answered && failures >= timing.failuresToRestart) return { answered, reason: `stopped answering: ${result.reason}` };
        if (!answered && deps.clock.now() - startedAt >= timing.startupGraceMs) {
          return { answered, reason: `did not answer within ${timing.startupGraceMs / 1000} s: ${result.reason}` };
        }
      }
      await quietSleep(deps.clock, result.ok ? timing.probeIntervalMs : timing.recheckMs, untilExit);
    }
  } finally {
    if (proc && !exit) await proc.stop();
  }
}

/** Resolves after `ms`, or at once when `signal` aborts; never rejects. */
async function quietSleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  await clock.sleep(ms, signal).catch(() => undefined);
}
