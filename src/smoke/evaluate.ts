// Judging one smoke answer against its check's expectations (pure): pass with the values it captures, or
// fail with a reason a person can act on. Reasons quote the service's own error message, never a body.
import { isDeepStrictEqual } from 'node:util';
import type { SmokeCheck, SmokeScalar } from '../platform/types.js';

export type Verdict = { ok: true; captures: Record<string, string> } | { ok: false; reason: string };

/** The value at a dotted path (`data.workspaceOrError.__typename`), or undefined. */
export function jsonAt(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * The error a service put in its body: Polaris/Iceberg `{error: {type, message}}`, OAuth `{error,
 * error_description}`, Cube `{error: "..."}`, GraphQL `{errors: [{message}]}`. Undefined when none.
 */
export function bodyError(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const error = b.error;
  if (error && typeof error === 'object') {
    const e = error as Record<string, unknown>;
    return [e.type, e.message].filter((x) => typeof x === 'string' && x).join(': ') || undefined;
  }
  if (typeof error === 'string') return typeof b.error_description === 'string' ? `${error}: ${b.error_description}` : error;
  if (Array.isArray(b.errors) && b.errors.length) {
    const first = b.errors[0] as Record<string, unknown> | undefined;
    if (typeof first?.message === 'string') return first.message;
  }
  return undefined;
}

const short = (text: string, max = 200): string => {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
};

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'nothing');

function matches(element: unknown, fields: Readonly<Record<string, SmokeScalar>>): boolean {
  return Object.entries(fields).every(([path, want]) => jsonAt(element, path) === want);
}

/** Whether an array element is `value` (deep equality), or for an object value has those fields. */
function includes(element: unknown, value: unknown): boolean {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).every(([k, v]) => isDeepStrictEqual(jsonAt(element, k), v));
  }
  return isDeepStrictEqual(element, value);
}

export function evaluate(check: Pick<SmokeCheck, 'expect' | 'capture'>, response: { status: number; body: string }): Verdict {
  const { expect } = check;
  let body: unknown;
  try {
    body = response.body ? JSON.parse(response.body) : undefined;
  } catch {
    body = undefined;
  }
  const statuses = typeof expect.status === 'number' ? [expect.status] : expect.status;
  if (!statuses.includes(response.status)) {
    const why = bodyError(body) ?? (body === undefined && response.body ? short(response.body, 120) : undefined);
    return { ok: false, reason: `HTTP ${response.status}${why ? `: ${short(why)}` : ''} (expected ${statuses.join(' or ')})` };
  }
  // A GraphQL answer with errors and a 200 status is still a failure.
  const graphqlErrors = jsonAt(body, 'errors');
  if (Array.isArray(graphqlErrors) && graphqlErrors.length && jsonAt(body, 'data') == null) return { ok: false, reason: short(bodyError(body) ?? 'GraphQL errors') };
  const needsJson = expect.jsonPaths || expect.jsonEquals || expect.nonEmptyArray || expect.includes || expect.every || check.capture;
  if (needsJson && (body === null || typeof body !== 'object')) return { ok: false, reason: `HTTP ${response.status} but the answer is not JSON` };

  for (const path of expect.jsonPaths ?? []) {
    if (jsonAt(body, path) == null) return { ok: false, reason: `${path} missing from the answer` };
  }
  for (const [path, want] of Object.entries(expect.jsonEquals ?? {})) {
    const got = jsonAt(body, path);
    if (got !== want) {
      // A GraphQL union that resolved to an error type carries its message beside __typename.
      const message = jsonAt(jsonAt(body, path.split('.').slice(0, -1).join('.')), 'message');
      const why = typeof message === 'string' && message ? message : undefined;
      return { ok: false, reason: `${path} is ${show(got)}, expected ${show(want)}${why ? `: ${short(why)}` : ''}` };
    }
  }
  if (expect.nonEmptyArray) {
    const list = jsonAt(body, expect.nonEmptyArray);
    if (!Array.isArray(list)) return { ok: false, reason: `${expect.nonEmptyArray} is not a list` };
    if (list.length === 0) return { ok: false, reason: `${expect.nonEmptyArray} is empty` };
  }
  if (expect.includes) {
    const list = jsonAt(body, expect.includes.path);
    if (!Array.isArray(list)) return { ok: false, reason: `${expect.includes.path} is not a list` };
    if (!list.some((e) => includes(e, expect.includes!.value))) {
      return { ok: false, reason: `${expect.includes.path} has no ${show(expect.includes.value)} (it lists ${list.length ? short(list.map(describeElement).join(', '), 120) : 'nothing'})` };
    }
  }
  if (expect.every) {
    const { path, where, equals, label, reason } = expect.every;
    const list = jsonAt(body, path);
    if (!Array.isArray(list)) return { ok: false, reason: `${path} is not a list` };
    const bad = list.filter((e) => (!where || matches(e, where)) && !matches(e, equals));
    if (bad.length) {
      const named = bad.map((e) => {
        const why = reason ? jsonAt(e, reason) : undefined;
        const got = Object.keys(equals).map((k) => `${k} is ${show(jsonAt(e, k))}`).join(', ');
        return `${String(jsonAt(e, label) ?? '?')} (${got})${typeof why === 'string' && why ? `: ${short(why, 160)}` : ''}`;
      });
      const want = Object.entries(equals).map(([k, v]) => `${k} ${show(v)}`).join(', ');
      return { ok: false, reason: `${bad.length} of ${list.length} without ${want}: ${named.join('; ')}` };
    }
  }
  const captures: Record<string, string> = {};
  for (const [name, path] of Object.entries(check.capture ?? {})) {
    const value = jsonAt(body, path);
    if (typeof value !== 'string' || !value) return { ok: false, reason: `${path} missing from the answer` };
    captures[name] = value;
  }
  return { ok: true, captures };
}

function describeElement(e: unknown): string {
  if (e !== null && typeof e === 'object' && !Array.isArray(e) && typeof (e as Record<string, unknown>).name === 'string') return String((e as Record<string, unknown>).name);
  return JSON.stringify(e);
}
