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
  /**
   * Shows concurrent sub-tasks under the step (install: one line per service). Call it once; each handle
   * drives its own line. The step still decides the outcome: its own error is what the user reads.
   */
  tasks(items: readonly { key: string; title: string }[]): Map<string, TaskReporter>;
}

/** One line under a step, e.g. "✓ PostgreSQL (catalog-db): StatefulSet 1/1 ready". */
export interface TaskReporter {
  progress(text: string): void;
  title(text: string): void;
  /** Finished: its final title. */
  done(title: string): void;
  /** Failed, with a short reason shown after its title ("CrashLoopBackOff"); the details go in the step's error. */
  fail(reason: string): void;
  /** Not run, with why. */
  skip(reason: string): void;
}

export interface Step {
  title: string;
  /** When false the step is not shown at all (e.g. a flag turned it off). */
  enabled?: (ctx: Context) => boolean;
  run(ctx: Context, report: StepReporter): Promise<void>;
}
