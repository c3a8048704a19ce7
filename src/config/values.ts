// How configuration values are read: one parser for floe-dev.yaml and FLOE_DEV_* text, so that `15`, `yes` or
// `0.5` mean the same thing (or are refused with the same words) wherever they are written.
import { z } from 'zod';
import { parseMemory } from '../quantity.js';
import { DURATION_PATTERN, durationMs } from './duration.js';

/** The longest timeout floe-dev takes: a day (no step of it waits that long for a reason). */
const MAX_DURATION_MS = 24 * 3_600_000;

type Read<T> = { ok: true; value: T } | { ok: false; message: string };
const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const fail = (message: string): Read<never> => ({ ok: false, message });

/**
 * A value read by `read` from whatever the layer holds: YAML gives numbers and booleans, the environment and
 * flags give text. The message of a refusal follows "`key` (source): value X ...".
 */
function value<T>(read: (raw: unknown) => Read<T>) {
  return z.unknown().transform((raw, ctx): T => {
    const result = read(raw);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.message, input: raw });
    return z.NEVER;
  });
}

/** Scalars as text (trimmed); undefined for lists, mappings and null. */
function scalarText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw.trim();
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return undefined;
}

const YES = new Set(['yes', 'y', 'on', '1']);
const NO = new Set(['no', 'n', 'off', '0']);

/** `true` or `false` (any case, as YAML 1.2 reads them). yes/no/on/off/1/0 are refused with the word meant. */
export const booleanValue = value<boolean>((raw) => {
  if (typeof raw === 'boolean') return ok(raw);
  const text = scalarText(raw)?.toLowerCase();
  if (text === 'true') return ok(true);
  if (text === 'false') return ok(false);
  const meant = text === undefined ? undefined : YES.has(text) ? 'true' : NO.has(text) ? 'false' : undefined;
  return fail(`is not a boolean: write true or false${meant ? ` (did you mean ${meant}?)` : ''}`);
});

/** A whole number in [min, max], written as a number or as digits. */
export function wholeNumber(min: number, max: number, what: string) {
  const range = `${what} from ${min} to ${max}`;
  return value<number>((raw) => {
    const text = scalarText(raw);
    const n = typeof raw === 'number' ? raw : text !== undefined && /^[+-]?\d+(?:\.\d+)?$/.test(text) ? Number(text) : undefined;
    if (n === undefined) return fail(`is not a number: write ${range}`);
    if (!Number.isInteger(n)) return fail(`must be a whole number: write ${range}`);
    if (n < min || n > max) return fail(`is out of range: write ${range}`);
    return ok(n);
  });
}

export const port = wholeNumber(1, 65535, 'a port number');

/**
 * An optional forward's port: unset or `false` is off, `true` is its usual port, a number (or digits) that port.
 */
export function optionalPort(usual: number) {
  return value<number | undefined>((raw) => {
    if (raw === undefined || raw === false) return ok(undefined);
    if (raw === true) return ok(usual);
    const text = scalarText(raw)?.toLowerCase();
    if (text === 'true') return ok(usual);
    if (text === 'false') return ok(undefined);
    const n = typeof raw === 'number' ? raw : text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
    if (n !== undefined && Number.isInteger(n) && n >= 1 && n <= 65535) return ok(n);
    const meant = text === undefined ? undefined : YES.has(text) ? 'true' : NO.has(text) ? 'false' : undefined;
    return fail(`is not a port: write a port number from 1 to 65535, true (its usual port ${usual}) or false (off)${meant ? ` (did you mean ${meant}?)` : ''}`);
  }).optional();
}

/**
 * `90s`, `15m`, `1h`, `500ms`. A bare number is refused with both readings (seconds and minutes are both
 * plausible for a timeout), and so is zero: a timeout of nothing would fail every run at once.
 */
export const duration = value<string>((raw) => {
  const text = scalarText(raw);
  const example = 'write e.g. 90s, 15m or 1h';
  if (text === undefined || typeof raw === 'boolean') return fail(`is not a duration: ${example}`);
  if (/^\d+$/.test(text)) return Number(text) === 0 ? fail('must be longer than zero') : fail(`needs a unit: write ${text}s or ${text}m`);
  const m = DURATION_PATTERN.exec(text);
  if (!m) return fail(`is not a duration: ${example}`);
  if (Number(m[1]) === 0) return fail('must be longer than zero');
  // Timers hold at most 2^31-1 ms (about 24.8 days; Node's setTimeout docs): longer was a crash, not a wait.
  if (durationMs(text) > MAX_DURATION_MS) return fail('is longer than floe-dev waits for anything: write at most 24h');
  return ok(text);
});

/**
 * A Kubernetes CPU quantity: `250m`, `0.5`, `2`, or a YAML number (`cpu: 1`, `cpu: 0.5`), as Kubernetes itself
 * accepts in a manifest. Kubernetes keeps CPU to the millicore, so anything finer is refused with what to write.
 */
export const cpuQuantity = value<string>((raw) => {
  const text = scalarText(raw);
  const m = text === undefined || typeof raw === 'boolean' ? null : /^(\d+(?:\.\d+)?|\.\d+)(m?)$/.exec(text);
  if (!m) return fail('is not a CPU quantity: write e.g. 250m, 0.5 or 2');
  const millis = m[2] ? Number(m[1]) : Number(m[1]) * 1000;
  if (millis <= 0) return fail('must be greater than zero');
  if (!Number.isInteger(Math.round(millis * 1e6) / 1e6)) {
    return fail(`is finer than Kubernetes keeps CPU (1m = 0.001 of a core): write ${Math.max(1, Math.round(millis))}m`);
  }
  return ok(text!);
});

/** Suffixes people write for memory, and the Kubernetes one they mean (binary units: what `free -m` shows). */
const UNIT_SLIPS: Record<string, string> = {
  k: 'Ki', kb: 'Ki', kib: 'Ki', ki: 'Ki',
  mb: 'Mi', mib: 'Mi', mi: 'Mi',
  g: 'Gi', gb: 'Gi', gib: 'Gi', gi: 'Gi',
  tb: 'Ti', tib: 'Ti', ti: 'Ti',
};

/**
 * Below this no container runs: Docker refuses memory limits under 6 MiB (moby/moby#41168; CRI-O's floor is
 * higher still). A smaller figure is a missing unit (`memory: 512`), not a size, and is refused as such.
 */
const MEMORY_FLOOR_BYTES = 6 * 2 ** 20;

/**
 * A Kubernetes memory quantity: `256Mi`, `1Gi`, `512M`, or bytes as a number (`memory: 1073741824`), as
 * Kubernetes accepts them. `512` (bytes) and `512m` (thousandths of a byte) are refused with the unit meant.
 */
export const memoryQuantity = value<string>((raw) => {
  const text = scalarText(raw);
  const example = 'write e.g. 256Mi, 1Gi or 512M (the suffixes are case-sensitive)';
  if (text === undefined || typeof raw === 'boolean') return fail(`is not a memory quantity: ${example}`);
  const milli = /^(\d+(?:\.\d+)?)m$/.exec(text);
  if (milli) return fail(`is not a memory quantity: "m" means thousandths of a byte; did you mean ${milli[1]}Mi?`);
  const bytes = parseMemory(text);
  if (bytes === undefined) {
    if (/^[0.]+[A-Za-z]*$/.test(text)) return fail('must be greater than zero');
    const slip = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text);
    const meant = slip ? UNIT_SLIPS[slip[2]!.toLowerCase()] : undefined;
    return fail(`is not a memory quantity: ${meant ? `did you mean ${slip![1]}${meant}? (Kubernetes suffixes are case-sensitive)` : example}`);
  }
  if (bytes < MEMORY_FLOOR_BYTES) {
    const bare = /^\d+(?:\.\d+)?$/.test(text);
    return bare
      ? fail(`is ${text} bytes (a number without a unit is bytes, as in Kubernetes): did you mean ${text}Mi?`)
      : fail('is below 6Mi, too little for any container');
  }
  return ok(text);
});

/** A list, from YAML as a list or from text as comma-separated items (`FLOE_DEV_COMPONENTS=storage,catalog`). */
export function list<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (raw) => (typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw),
    z.array(item, { error: 'must be a list (in YAML `[a, b]`; in a variable comma-separated)' }),
  );
}
