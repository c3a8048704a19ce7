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

const FETCH_ATTEMPTS = 4;

export type FetchSnapshot = (signal: AbortSignal) => Promise<Omit<Snapshot, 'takenAt'>>;

/**
 * Polls only while someone waits, at most every `intervalMs`. A waiter asks for a snapshot taken after a given
 * time (e.g. after it applied its manifests), so it never judges readiness from a query that started before
 * its change reached the API server.
 */
export class PlatformObserver {
  private waiters: { since: number; resolve(s: Snapshot): void; reject(e: unknown): void }[] = [];
  private polling = false;
  private lastStart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly fetch: FetchSnapshot,
    private readonly clock: Clock,
    private readonly signal: AbortSignal,
    private readonly intervalMs = 500,
  ) {}

  /** A snapshot whose query started at or after `since`. */
  next(since: number): Promise<Snapshot> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    return new Promise((resolve, reject) => {
      this.waiters.push({ since, resolve, reject });
      if (!this.polling) void this.loop();
    });
  }

  /** An API server that hiccups (a slow answer, a refused connection) gets a few more tries before waiters fail. */
  private async fetchWithRetries(): Promise<Omit<Snapshot, 'takenAt'>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.fetch(this.signal);
      } catch (error) {
        if (this.signal.aborted || attempt >= FETCH_ATTEMPTS) throw error;
        await this.clock.sleep(this.intervalMs * attempt, this.signal);
      }
    }
  }

  private async loop(): Promise<void> {
    this.polling = true;
    try {
      while (this.waiters.length > 0) {
        const wait = this.lastStart + this.intervalMs - this.clock.now();
        if (wait > 0) await this.clock.sleep(wait, this.signal);
        const takenAt = this.clock.now();
        this.lastStart = takenAt;
        const fetched = await this.fetchWithRetries();
        const snapshot: Snapshot = { ...fetched, takenAt };
        const served = this.waiters.filter((w) => w.since <= takenAt);
        this.waiters = this.waiters.filter((w) => w.since > takenAt);
        for (const w of served) w.resolve(snapshot);
      }
    } catch (error) {
      for (const w of this.waiters.splice(0)) w.reject(error);
    } finally {
      this.polling = false;
    }
  }
}
