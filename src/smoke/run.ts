// Runs the smoke checks through the forwards, concurrently: each starts as soon as the checks it needs have
// passed, with a timeout and bounded retries. Supplies the credentials each auth kind names and keeps every
// secret and token out of what it reports.
import type { Clock } from '../clock.js';
import type { ForwardState } from '../forward/state.js';
import type { ForwardKey } from '../platform/types.js';
import type { Http, HttpRequest } from '../tools/http.js';
import { networkReason } from '../forward/probe.js';
import type { PlannedCheck } from './checks.js';
import { evaluate } from './evaluate.js';
import { hs256Jwt } from './jwt.js';

export interface SmokeCredentials {
  polaris: { realm: string; clientId: string; clientSecret: string };
  cube: { apiSecret: string };
}

export type SmokeStatus = 'pass' | 'fail' | 'skip';

export interface SmokeResult {
  name: string;
  service: string;
  /** Where it was sent (no credentials are ever in a URL). */
  url: string;
  status: SmokeStatus;
  /** From its first request to its verdict, retries included. */
  latencyMs: number;
  attempts: number;
  httpStatus?: number;
  reason?: string;
}

export interface SmokeReport {
  ok: boolean;
  durationMs: number;
  checks: SmokeResult[];
}

export interface SmokeOptions {
  checks: readonly PlannedCheck[];
  /** Local port of each forward (the supervisor's record: nextFreePort may have moved one). */
  ports: Partial<Record<ForwardKey, number>>;
  credentials: SmokeCredentials;
  http: Http;
  clock: Clock;
  signal?: AbortSignal;
  /** One check, retries included (`timeouts.smoke`). */
  timeoutMs: number;
  /** Further attempts after a failed one. */
  retries?: number;
  /** One request. */
  attemptTimeoutMs?: number;
  /** Each result as it is known (progress). */
  onResult?(result: SmokeResult): void;
  /**
   * What the forward supervisor says of a forward now (undefined: none supervises it). A connection that is
   * refused or reset through a forward the supervisor is bringing back (any state but dead) is waited for
   * until the check's timeout rather than counted against its retries: the forward drops, not the service.
   */
  forwardState?(key: ForwardKey): ForwardState | undefined;
  /** Each wait for a forward the supervisor is bringing back (progress). */
  onForwardWait?(check: string, forward: ForwardKey, state: ForwardState): void;
}

export const DEFAULT_RETRIES = 2;
const RETRY_DELAY_MS = 250;
/** The longest wait between tries of a forward being restarted (the supervisor's first restart is within 250 ms). */
const FORWARD_WAIT_CAP_MS = 1_000;

export async function runSmoke(o: SmokeOptions): Promise<SmokeReport> {
  const started = o.clock.now();
  const captures: Record<string, string> = {};
  const secrets = new Set([o.credentials.polaris.clientSecret, o.credentials.cube.apiSecret]);
  const redact = (text: string): string => [...secrets].filter((s) => s.length >= 6).reduce((t, s) => t.split(s).join('<redacted>'), text);
  const results = new Map<string, Promise<SmokeResult>>();
  const runOne = async ({ service, check }: PlannedCheck): Promise<SmokeResult> => {
    const port = o.ports[check.forward];
    const base = { name: check.name, service, url: port ? `http://127.0.0.1:${port}${check.path}` : `(no forward ${check.forward})` };
    const needed = await Promise.all((check.needs ?? []).map((n) => results.get(n)!));
    const failed = needed.filter((r) => r.status !== 'pass');
    if (failed.length) return { ...base, status: 'skip', latencyMs: 0, attempts: 0, reason: `needs ${failed.map((r) => r.name).join(', ')}, which did not pass` };
    if (!port) return { ...base, status: 'fail', latencyMs: 0, attempts: 0, reason: `forward ${check.forward} is not running` };
    const begun = o.clock.now();
    const deadline = begun + o.timeoutMs;
    const retries = o.retries ?? DEFAULT_RETRIES;
    let attempts = 0;
    let failures = 0; // the attempts that count against the retries
    let forwardWaits = 0;
    let last: Omit<SmokeResult, keyof typeof base | 'latencyMs' | 'attempts'> = { status: 'fail', reason: 'not run' };
    for (;;) {
      attempts += 1;
      const request = buildRequest(check, port, captures, o.credentials, o.clock.now());
      if ('missing' in request) {
        last = { status: 'fail', reason: `needs ${request.missing} from an earlier check` };
        break;
      }
      base.url = request.url; // with captured values filled in (none of them secret)
      const remaining = deadline - o.clock.now();
      request.timeoutMs = Math.max(1, Math.min(o.attemptTimeoutMs ?? 10_000, remaining));
      request.signal = o.signal;
      if (request.headers?.authorization) secrets.add(request.headers.authorization.replace(/^Bearer /, ''));
      try {
        const response = await o.http.request(request);
        const verdict = evaluate(check, response);
        if (verdict.ok) {
          for (const [name, value] of Object.entries(verdict.captures)) {
            captures[name] = value;
            if (name !== 'prefix') secrets.add(value);
          }
          last = { status: 'pass', httpStatus: response.status };
          break;
        }
        last = { status: 'fail', httpStatus: response.status, reason: verdict.reason };
      } catch (error) {
        if (o.signal?.aborted) throw o.signal.reason;
        last = { status: 'fail', reason: networkReason(error) };
        const state = forwardDropped(error) ? o.forwardState?.(check.forward) : undefined;
        if (state && state !== 'dead') {
          const delay = Math.min(FORWARD_WAIT_CAP_MS, RETRY_DELAY_MS * 2 ** forwardWaits++);
          if (o.clock.now() + delay >= deadline) break;
          o.onForwardWait?.(check.name, check.forward, state);
          await o.clock.sleep(delay, o.signal);
          continue;
        }
      }
      failures += 1;
      const delay = RETRY_DELAY_MS * 2 ** (failures - 1);
      if (failures > retries || o.clock.now() + delay >= deadline) break;
      await o.clock.sleep(delay, o.signal);
    }
    const result: SmokeResult = { ...base, ...last, latencyMs: o.clock.now() - begun, attempts };
    if (result.reason) result.reason = redact(result.reason);
    if (result.status === 'fail' && attempts > 1) result.reason = `${result.reason} (after ${attempts} attempts)`;
    return result;
  };
  // Every check is registered before any runs, so `needs` always finds its promise.
  const deferred = o.checks.map((planned) => {
    let start!: () => void;
    const gate = new Promise<void>((resolve) => (start = resolve));
    const promise = gate.then(() => runOne(planned)).then((r) => {
      o.onResult?.(r);
      return r;
    });
    results.set(planned.check.name, promise);
    return start;
  });
  for (const start of deferred) start();
  const checks = await Promise.all(o.checks.map((p) => results.get(p.check.name)!));
  return { ok: checks.every((c) => c.status === 'pass'), durationMs: o.clock.now() - started, checks };
}

/**
 * The request a check sends: its path with captured values filled in, its body, and the credentials its
 * auth kind names. `{missing}` when a value it needs was not captured.
 */
export function buildRequest(
  check: PlannedCheck['check'],
  port: number,
  captures: Readonly<Record<string, string>>,
  credentials: SmokeCredentials,
  now: number,
): HttpRequest | { missing: string } {
  let missing: string | undefined;
  const path = check.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = captures[name];
    if (value === undefined) missing ??= name;
    return encodeURIComponent(value ?? '');
  });
  if (missing) return { missing };
  const headers: Record<string, string> = {};
  let form = check.body && 'form' in check.body ? { ...check.body.form } : undefined;
  const json = check.body && 'json' in check.body ? check.body.json : undefined;
  switch (check.auth) {
    case 'polaris-client-credentials':
      form = { ...form, client_id: credentials.polaris.clientId, client_secret: credentials.polaris.clientSecret };
      headers['polaris-realm'] = credentials.polaris.realm;
      break;
    case 'polaris-bearer': {
      const token = captures.polarisToken;
      if (!token) return { missing: 'polarisToken' };
      headers.authorization = `Bearer ${token}`;
      headers['polaris-realm'] = credentials.polaris.realm;
      break;
    }
    case 'cube-jwt':
      headers.authorization = hs256Jwt(credentials.cube.apiSecret, {}, now);
      break;
    case undefined:
      break;
  }
  return {
    url: `http://127.0.0.1:${port}${path}`,
    method: check.method,
    headers,
    ...(json !== undefined ? { json } : {}),
    ...(form ? { form } : {}),
    retries: 0,
  };
}

/** The connection was refused or cut: what a forward that dropped (or is being restarted) does. */
function forwardDropped(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE';
}
