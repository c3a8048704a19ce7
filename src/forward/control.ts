// What the CLI and the steps do with the forwards: start the detached supervisor (once), wait until every
// forward answers, stop it, and read each forward's state, proven by a probe of its port right now.
import { existsSync, mkdirSync, readFileSync, statSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from '../context.js';
import { FloeError } from '../errors.js';
import { selectServices } from '../platform/select.js';
import { findPortHolder, tryBind } from '../preflight/ports.js';
import { writeStateFile } from '../state/dirs.js';
import type { ClusterPaths } from '../state/paths.js';
import { targetOf } from '../target.js';
import type { StartedProcess } from '../tools/runner.js';
import { forwardUrl, planDifference, wantedForwards, type ForwardPlan, type PlannedForward } from './plan.js';
import { resolvePorts, type PortSystem } from './ports.js';
import { probeForward } from './probe.js';
import { readForwardRecord, stopForwards, supervisorRunning, type ForwardRecord, type ForwardState } from './state.js';

/** How long `forward start` and `up` wait for every forward to answer. */
export const FORWARDS_READY_TIMEOUT_MS = 60_000;
/** A log past this size is rotated (one old copy kept) when a supervisor starts. */
const LOG_ROTATE_BYTES = 5 * 1024 * 1024;

export interface ForwardFiles {
  record: string;
  plan: string;
  log: string;
}

export function forwardFiles(paths: ClusterPaths): ForwardFiles {
  return { record: paths.forwards, plan: join(dirname(paths.forwards), 'forwards-plan.json'), log: join(paths.logs, 'forwards.log') };
}

/** The plan this configuration asks for, before local ports are resolved. */
export function wantedPlan(ctx: Pick<Context, 'config' | 'paths' | 'tools' | 'env' | 'cwd'>): Omit<ForwardPlan, 'forwards'> & { forwards: Omit<PlannedForward, 'localPort'>[] } {
  return {
    version: 1,
    cluster: ctx.config.cluster.name,
    namespace: ctx.config.namespace,
    kubectl: ctx.tools.kubectlPath,
    kubeconfig: targetOf(ctx).kubeconfig,
    context: targetOf(ctx).context,
    recordFile: ctx.paths.forwards,
    forwards: wantedForwards(ctx.config, selectServices(ctx.config)),
  };
}

export interface EnsureOptions {
  /** Wait until every forward answers (up) or fail; `false`: return once the supervisor runs. */
  wait?: boolean;
  /** With a supervisor already running the same plan: wait for its forwards too (default), or return at once. */
  waitIfRunning?: boolean;
  /** Progress lines ("starting the forward supervisor"). */
  progress?: (text: string) => void;
  /** Port checks (tests inject them). */
  ports?: PortSystem;
}

export interface EnsureResult {
  record: ForwardRecord;
  /** False when a supervisor with the same plan was already running. */
  started: boolean;
  /** Ports nextFreePort moved, and why a running supervisor was replaced. */
  notes: string[];
}

/**
 * Starts the supervisor unless one already runs the same plan (then a no-op; a different plan replaces it),
 * and by default waits until every forward answers. Ctrl-C while starting stops it and its children.
 */
export async function ensureForwards(ctx: Context, options: EnsureOptions = {}): Promise<EnsureResult> {
  const files = forwardFiles(ctx.paths);
  const target = targetOf(ctx);
  // kind: floe-dev's kubeconfig exists once it made the cluster; an existing cluster: once up installed there (its credentials).
  if (!existsSync(target.mode === 'kind' ? ctx.paths.kubeconfig : ctx.paths.credentials)) {
    throw new FloeError(target.mode === 'kind' ? `no cluster ${ctx.config.cluster.name}: run floe-dev up` : `floe-dev has not installed the platform in context ${target.context} (namespace ${ctx.config.namespace}): run floe-dev up`, {
      hint: 'floe-dev up installs the platform and starts the forwards',
    });
  }
  const wanted = wantedPlan(ctx);
  if (!wanted.forwards.length) throw new FloeError('no forwards to start: the enabled components declare none', { hint: 'enable orchestrator, catalog or semantic in components' });
  const notes: string[] = [];
  const existing = readForwardRecord(files.record);
  if (existing && supervisorRunning(existing)) {
    const running = readPlan(existing.planFile ?? files.plan);
    const difference = running ? planDifference(running, wanted) : 'its plan is unreadable';
    if (!difference) {
      const wait = options.wait !== false && options.waitIfRunning !== false;
      const record = wait ? await waitForForwards(ctx, files, undefined, options.progress) : existing;
      return { record, started: false, notes };
    }
    notes.push(`restarted the forwards (supervisor pid ${existing.pid}): ${difference}`);
    options.progress?.(`replacing the forward supervisor: ${difference}`);
  }
  // A dead supervisor may have left kubectl port-forwards behind on our ports: stop them first.
  await stopForwards(files.record, ctx.clock);

  const ports = await resolvePorts(wanted.forwards, ctx.config.forwards.nextFreePort, options.ports ?? nodePorts(ctx));
  notes.push(...ports.moved);
  const plan: ForwardPlan = { ...wanted, forwards: ports.forwards };
  writePlan(files.plan, plan);
  mkdirSync(dirname(files.log), { recursive: true, mode: 0o700 });
  rotate(files.log);

  options.progress?.('starting the forward supervisor');
  if (ctx.signal.aborted) throw ctx.signal.reason;
  const supervisor = await ctx.tools.runner.start([process.execPath, supervisorEntry(), files.plan], { detached: { logFile: files.log } });
  try {
    const record = await waitForForwards(ctx, files, supervisor, options.progress, options.wait === false);
    return { record, started: true, notes };
  } catch (error) {
    if (ctx.signal.aborted) {
      // Ctrl-C while starting: nothing of this run stays behind.
      await supervisor.stop(3_000);
      await stopForwards(files.record, ctx.clock);
      throw ctx.signal.reason ?? error;
    }
    throw error;
  }
}

/** dist/forward/supervisor.js, next to this module once built. */
export function supervisorEntry(): string {
  return fileURLToPath(new URL('./supervisor.js', import.meta.url));
}

function nodePorts(ctx: Context): PortSystem {
  return {
    tryBind: (port) => tryBind(port),
    findPortHolder: (port) => findPortHolder(port, { platform: process.platform, runner: ctx.tools.runner, signal: ctx.signal }),
  };
}

/**
 * Polls the record until every forward is up. Fails on a dead forward, a supervisor that exited, or the
 * timeout, naming each forward that is not up and why; the supervisor then keeps retrying.
 */
async function waitForForwards(
  ctx: Context,
  files: ForwardFiles,
  supervisor: StartedProcess | undefined,
  progress: ((text: string) => void) | undefined,
  untilRunning = false,
): Promise<ForwardRecord> {
  let exit: string | undefined;
  void supervisor?.exited.then((s) => (exit = s.signal ?? `exit code ${s.exitCode}`));
  const deadline = ctx.clock.now() + FORWARDS_READY_TIMEOUT_MS;
  let shown = '';
  for (;;) {
    const record = readForwardRecord(files.record);
    const ours = record && (!supervisor || record.pid === supervisor.pid) ? record : undefined;
    if (ours && (untilRunning || (ours.forwards.length > 0 && ours.forwards.every((f) => f.state === 'up')))) return ours;
    if (!supervisor && !(record && supervisorRunning(record))) exit = 'it is no longer running';
    if (exit !== undefined) {
      throw new FloeError(`the forward supervisor stopped (${exit}) before the forwards were up${logTail(files.log)}`, { hint: `see ${files.log}` });
    }
    const dead = ours?.forwards.filter((f) => f.state === 'dead') ?? [];
    const late = ctx.clock.now() >= deadline;
    if (dead.length || late) {
      const notUp = (ours?.forwards ?? []).filter((f) => f.state !== 'up');
      const list = notUp.map((f) => `${f.key} (${f.url}): ${f.state}${f.lastError ? `: ${f.lastError}` : ''}`).join('; ') || 'no record written';
      throw new FloeError(`${dead.length ? 'forwards failed' : `forwards not up after ${FORWARDS_READY_TIMEOUT_MS / 1000} s`}: ${list}`, {
        hint: `the supervisor keeps retrying: \`floe-dev forward status\`; its log: ${files.log}; \`floe-dev forward stop\` stops it`,
      });
    }
    const waiting = (ours?.forwards ?? []).filter((f) => f.state !== 'up').map((f) => f.key).join(', ');
    if (waiting && waiting !== shown) progress?.(`waiting for ${waiting}`);
    shown = waiting;
    await ctx.clock.sleep(100, ctx.signal);
  }
}

function readPlan(path: string): ForwardPlan | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ForwardPlan;
  } catch {
    return undefined;
  }
}

function writePlan(path: string, plan: ForwardPlan): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeStateFile(path, `${JSON.stringify(plan, null, 2)}\n`);
}

function rotate(log: string): void {
  try {
    if (statSync(log).size > LOG_ROTATE_BYTES) renameSync(log, `${log}.1`);
  } catch {
    // No log yet.
  }
}

function logTail(log: string, lines = 5): string {
  try {
    const tail = readFileSync(log, 'utf8').trim().split('\n').slice(-lines);
    return tail.length ? `:\n  ${tail.join('\n  ')}` : '';
  } catch {
    return '';
  }
}

// ------------------------------------------------------------------------------------------------------
// Reading the forwards' state

export interface ForwardView {
  key: string;
  url: string;
  localPort: number;
  state: ForwardState;
  reason?: string;
  /** kubectl port-forward's pid. */
  pid?: number;
}

export interface ForwardsStatus {
  /** The supervisor, when its record exists; `running: false` when that pid no longer runs ours. */
  supervisor: { pid: number; running: boolean; log: string } | undefined;
  forwards: ForwardView[];
}

export const NO_SUPERVISOR = 'the forward supervisor is not running (floe-dev forward start)';

/**
 * What `status` and `forward status` show. Never "up" on the record's word alone: a forward recorded up whose
 * port does not answer now is shown restarting, with why.
 */
export async function forwardsStatus(ctx: Pick<Context, 'config' | 'paths' | 'tools' | 'signal' | 'env' | 'cwd'>): Promise<ForwardsStatus> {
  const files = forwardFiles(ctx.paths);
  const record = readForwardRecord(files.record);
  const running = record !== undefined && supervisorRunning(record);
  const wanted = wantedPlan(ctx).forwards;
  if (!record || !running) {
    return {
      supervisor: record ? { pid: record.pid, running: false, log: files.log } : undefined,
      forwards: wanted.map((f) => {
        const localPort = record?.ports[f.key] ?? f.wantedPort;
        return { key: f.key, url: forwardUrl(localPort), localPort, state: 'dead' as const, reason: NO_SUPERVISOR };
      }),
    };
  }
  const probes = await Promise.all(
    record.forwards.map((f) => (f.state === 'up' ? probeForward(ctx.tools.http, `${f.url}/`, ctx.signal) : Promise.resolve(undefined))),
  );
  return {
    supervisor: { pid: record.pid, running: true, log: files.log },
    forwards: record.forwards.map((f, i) => viewOf(f, probes[i])),
  };
}

/** A recorded forward and, for one recorded up, what a probe just found. */
export function viewOf(
  f: Pick<ForwardRecord['forwards'][number], 'key' | 'url' | 'localPort' | 'state' | 'lastError' | 'pid'>,
  probe: { ok: true } | { ok: false; reason: string } | undefined,
): ForwardView {
  const base = { key: f.key, url: f.url, localPort: f.localPort, ...(f.pid !== undefined ? { pid: f.pid } : {}) };
  if (f.state === 'up' && probe && !probe.ok) return { ...base, state: 'restarting', reason: `not answering: ${probe.reason}` };
  return { ...base, state: f.state, ...(f.state !== 'up' && f.lastError ? { reason: f.lastError } : {}) };
}

/** `  dagster  http://127.0.0.1:3000  (up)`, columns aligned. */
export function formatForwardLines(forwards: readonly Pick<ForwardView, 'key' | 'url' | 'state' | 'reason'>[], indent = '  '): string[] {
  const keyWidth = Math.max(0, ...forwards.map((f) => f.key.length));
  const urlWidth = Math.max(0, ...forwards.map((f) => f.url.length));
  return forwards.map((f) => `${indent}${f.key.padEnd(keyWidth)}  ${f.url.padEnd(urlWidth)}  (${f.state}${f.reason ? `: ${f.reason}` : ''})`);
}
