// How long the supervisor waits before starting a forward again: doubling from 200 ms, capped at 5 s.

export const FIRST_RETRY_MS = 200;
export const RETRY_CAP_MS = 5_000;

/** The wait before the next kubectl, given how many attempts in a row never answered (0 after one that did). */
export function restartDelayMs(failedAttempts: number): number {
  const n = Math.max(0, Math.floor(failedAttempts));
  return Math.min(RETRY_CAP_MS, FIRST_RETRY_MS * 2 ** Math.min(n, 16));
}
