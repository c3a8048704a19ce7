// Virtual time for the supervisor and smoke runner: a sleep lets the real timers already due run first (the
// recording runner's output and exits), then advances `now` by the time asked for.
import type { Clock } from '../../../src/clock.js';

export class VirtualClock implements Clock {
  t = 0;
  /** Every sleep asked for, in order (ms). */
  readonly sleeps: number[] = [];

  now(): number {
    return this.t;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) throw signal.reason;
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (signal?.aborted) throw signal.reason;
    this.t += ms;
  }
}
