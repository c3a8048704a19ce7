// Durations as the configuration writes them (`90s`, `5m`, `1h`, `500ms`) and their milliseconds. A leaf: no zod.

/** A whole number with a unit; a bare number is refused (is `15` seconds or minutes?). */
export const DURATION_PATTERN = /^(\d+)(ms|s|m|h)$/;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** Milliseconds of a validated duration string. */
export function durationMs(value: string): number {
  const m = DURATION_PATTERN.exec(value);
  if (!m) throw new Error(`not a validated duration: ${value}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
