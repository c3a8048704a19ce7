// Runs a list of steps in order with listr2: the spinner renderer on a TTY, plain lines in CI or pipes.
import type { Context } from '../context.js';
import { explainStepFailure } from './failure.js';
import type { Step, StepReporter, TaskReporter } from './step.js';

export type RendererKind = 'default' | 'simple' | 'silent';

export function rendererFor(ctx: Pick<Context, 'interactive' | 'verbose'>): RendererKind {
  return ctx.interactive && !ctx.verbose ? 'default' : 'simple';
}

/** The listr2 task handle, as far as the steps use it. */
interface ListrTaskHandle {
  output: string;
  title: string;
  skip(message?: string): void;
  newListr(tasks: unknown[], options?: unknown): unknown;
}

/**
 * Runs the enabled steps one after another. The first failure stops the rest (they are shown skipped, not as
 * pending), and that step's own error is rethrown as is: the renderer shows only "<step> failed", so the single
 * exit point prints the message once.
 */
export async function runSteps(steps: readonly Step[], ctx: Context, renderer: RendererKind = rendererFor(ctx)): Promise<void> {
  const { Listr, ListrLogger, ProcessOutput } = await import('listr2');
  // Progress goes to stderr: stdout is for results (`--json` summaries).
  const processOutput = new ProcessOutput(process.stderr, process.stderr);
  let failure: { error: unknown; step: string } | undefined;
  const list = new Listr(
    (steps
      .filter((step) => step.enabled?.(ctx) ?? true)
      .map((step) => ({
        title: step.title,
        task: (_: unknown, task: ListrTaskHandle) => {
          if (failure) {
            task.skip('not run: an earlier step failed');
            return undefined;
          }
          if (ctx.signal.aborted) throw ctx.signal.reason;
          let enterSubtasks: (list: unknown) => void = () => {};
          const subtasks = new Promise<unknown>((resolve) => (enterSubtasks = resolve));
          const reporter: StepReporter = {
            progress: (text) => {
              task.output = text;
              if (ctx.verbose) ctx.log.debug(`  ${text}`);
            },
            done: (title) => {
              task.title = title;
            },
            skip: (reason) => task.skip(reason),
            tasks: (items) => {
              // The line renderer prints progress lines one after another: say whose each one is.
              const handles = new Map(items.map((item) => [item.key, new SubTask(item.title, ctx, renderer !== 'default')]));
              enterSubtasks(
                task.newListr(
                  [
                    ...[...handles.values()].map((h) => ({ title: h.initialTitle, exitOnError: false, task: (_c: unknown, t: ListrTaskHandle) => h.bind(t) })),
                    // The step itself, untitled (not drawn): its error, not a sub-task's, ends the step.
                    { task: () => running },
                  ],
                  { concurrent: true, exitOnError: true, rendererOptions: { collapseSubtasks: false } },
                ),
              );
              return handles;
            },
          };
          // An empty message: the renderer marks the step failed without printing anything more; the single
          // exit point prints the real error once.
          const begun = ctx.clock.now();
          const running = step.run(ctx, reporter).then(
            () => recordTiming(ctx, step.title, ctx.clock.now() - begun),
            (error: unknown) => {
              failure ??= { error, step: step.title };
              throw new Error('');
            },
          );
          return Promise.race([subtasks, running.then(() => undefined)]);
        },
      }))) as never,
    {
      concurrent: false,
      exitOnError: false,
      registerSignalListeners: false,
      renderer,
      fallbackRenderer: 'simple',
      rendererOptions:
        renderer === 'simple'
          ? { logger: new ListrLogger({ processOutput, useIcons: true }) }
          : { processOutput, collapseSubtasks: false, showErrorMessage: false },
      // The line renderer logs through a ListrLogger: give it the same stderr-only output.
      fallbackRendererOptions: { logger: new ListrLogger({ processOutput, useIcons: true }) },
    } as never,
  );
  await list.run();
  if (failure) throw explainStepFailure(failure.step, ctx, failure.error);
}

/** How long each step took, in the order they ran (the up summary and the bench read them). */
export interface StepTiming {
  title: string;
  ms: number;
}

function recordTiming(ctx: Context, title: string, ms: number): void {
  const timings = (ctx.cache.get('steps') as StepTiming[] | undefined) ?? [];
  timings.push({ title, ms });
  ctx.cache.set('steps', timings);
}

/** A sub-task line: buffers what the step reports until listr2 starts drawing it. */
class SubTask implements TaskReporter {
  private task: ListrTaskHandle | undefined;
  private settle: { resolve(): void; reject(e: Error): void } | undefined;
  /** done: the final title; skip and fail: the reason, shown after the title. */
  private outcome: { kind: 'done' | 'skip' | 'fail'; text: string } | undefined;
  private lastOutput: string | undefined;
  private currentTitle: string;

  constructor(
    readonly initialTitle: string,
    private readonly ctx: Pick<Context, 'verbose' | 'log'>,
    private readonly namedOutput: boolean,
  ) {
    this.currentTitle = initialTitle;
  }

  bind(task: ListrTaskHandle): Promise<void> {
    this.task = task;
    task.title = this.currentTitle;
    if (this.lastOutput !== undefined) task.output = this.lastOutput;
    return new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      if (this.outcome) this.finish();
    });
  }

  progress(text: string): void {
    const output = this.namedOutput ? `${this.initialTitle}: ${text}` : text;
    if (output === this.lastOutput) return;
    this.lastOutput = output;
    if (this.task) this.task.output = output;
    if (this.ctx.verbose) this.ctx.log.debug(`  ${this.initialTitle}: ${text}`);
  }

  title(text: string): void {
    this.currentTitle = text;
    if (this.task) this.task.title = text;
  }

  done(title: string): void {
    this.end('done', title);
  }

  fail(reason: string): void {
    this.end('fail', reason);
  }

  skip(reason: string): void {
    this.end('skip', reason);
  }

  private end(kind: 'done' | 'skip' | 'fail', text: string): void {
    if (this.outcome) return;
    this.outcome = { kind, text };
    if (this.settle) this.finish();
  }

  private finish(): void {
    const { kind, text } = this.outcome!;
    if (kind === 'skip') {
      this.task!.skip(text);
      this.settle!.resolve();
    } else if (kind === 'done') {
      this.task!.title = text;
      this.settle!.resolve();
    } else {
      this.settle!.reject(new Error(text));
    }
  }
}
