// What a step of `up`/`down` is: a title, an optional condition, and a run function over the shared context.
import type { Context } from '../context.js';

/** How a running step talks to the user; the renderer decides how it looks. */
export interface StepReporter {
  /** A line of progress under the step's title (replaced by the next one). */
  progress(text: string): void;
  /** Replace the step's title with its outcome, e.g. "Cluster floe-dev reused". */
  done(title: string): void;
  /** Mark the step skipped, with the reason shown to the user. */
  skip(reason: string): void;
}

export interface Step {
  title: string;
  /** When false the step is not shown at all (e.g. a flag turned it off). */
  enabled?: (ctx: Context) => boolean;
  run(ctx: Context, report: StepReporter): Promise<void>;
}
