// Watches the platform's namespace for everyone waiting at once: one `kubectl get` per tick, shared by every waiter.
import type { IPod } from 'kubernetes-models/v1';
import type { Clock } from '../clock.js';
import type { Workload } from './evaluate.js';

export interface Snapshot {
  workloads: Workload[];
  pods: IPod[];
  /** When the query that produced it started (clock time): it shows everything applied before then. */
  takenAt: number;
}

export type FetchSnapshot = (signal: AbortSignal) => Promise<Omit<Snapshot, 'takenAt'>>;

const FETCH_ATTEMPTS = 4;

/**
 * How long a waiter lets pass before each look, counted from its previous one: quick at first (a pod can be
 * ready in a moment when its image is on the node), then once a second, which costs a laptop little.
 */
export const POLL_SCHEDULE_MS = [250, 250, 500, 500, 1_000];

export function pollDelay(attempt: number): number {
  return POLL_SCHEDULE_MS[Math.min(attempt, POLL_SCHEDULE_MS.length - 1)]!;
}

interface Waiter {
  since: number;
  notBefore: number;
  resolve(s: Snapshot): void;
  reject(e: unknown): void;
}

/**
 * Polls only while someone waits. A waiter asks for a snapshot whose query started after `since` (after it
 * applied its manifests, so it never judges readiness from a query older than its change) and not before
 * `notBefore`; one query serves every waiter whose time has come. Queries are at least `minGapMs` apart.
 */
export class PlatformObserver {
  private waiters: Waiter[] = [];
  private polling = false;
  private lastStart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly fetch: FetchSnapshot,
    private readonly clock: Clock,
    private readonly signal: AbortSignal,
    private readonly minGapMs = 200,
  ) {}

  /** A snapshot whose query started at or after both `since` and `notBefore`. */
  next(since: number, notBefore = since): Promise<Snapshot> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    return new Promise((resolve, reject) => {
      this.waiters.push({ since, notBefore, resolve, reject });
      if (!this.polling) void this.loop();
    });
  }

  private async loop(): Promise<void> {
    this.polling = true;
    try {
      while (this.waiters.length > 0) {
        const wanted = Math.min(...this.waiters.map((w) => w.notBefore));
        const wait = Math.max(this.lastStart + this.minGapMs, wanted) - this.clock.now();
        if (wait > 0) await this.clock.sleep(wait, this.signal);
        const takenAt = this.clock.now();
        this.lastStart = takenAt;
        const fetched = await this.fetchWithRetries();
        const snapshot: Snapshot = { ...fetched, takenAt };
        const due = (w: Waiter) => w.since <= takenAt && w.notBefore <= takenAt;
        const served = this.waiters.filter(due);
        this.waiters = this.waiters.filter((w) => !due(w));
        for (const w of served) w.resolve(snapshot);
      }
    } catch (error) {
      for (const w of this.waiters.splice(0)) w.reject(error);
    } finally {
      this.polling = false;
    }
  }

  /** An API server that hiccups (a slow answer, a refused connection) gets a few more tries before waiters fail. */
  private async fetchWithRetries(): Promise<Omit<Snapshot, 'takenAt'>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.fetch(this.signal);
      } catch (error) {
        if (this.signal.aborted || attempt >= FETCH_ATTEMPTS) throw error;
        await this.clock.sleep(this.minGapMs * attempt, this.signal);
      }
    }
  }
}
