// Runs a list of steps in order with listr2: the spinner renderer on a TTY, plain lines in CI or pipes.
import type { Context } from '../context.js';
import type { Step, StepReporter } from './step.js';

export type RendererKind = 'default' | 'simple' | 'silent';

export function rendererFor(ctx: Pick<Context, 'interactive' | 'verbose'>): RendererKind {
  return ctx.interactive && !ctx.verbose ? 'default' : 'simple';
}

/** Runs the enabled steps one after another; the first failure stops the rest and is rethrown as is. */
export async function runSteps(steps: readonly Step[], ctx: Context, renderer: RendererKind = rendererFor(ctx)): Promise<void> {
  const { Listr, ListrLogger, ProcessOutput } = await import('listr2');
  // Progress goes to stderr: stdout is for results (`--json` summaries).
  const processOutput = new ProcessOutput(process.stderr, process.stderr);
  const list = new Listr(
    steps
      .filter((step) => step.enabled?.(ctx) ?? true)
      .map((step) => ({
        title: step.title,
        task: async (_: unknown, task: { output: string; title: string; skip(message?: string): void }) => {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          const reporter: StepReporter = {
            progress: (text) => {
              task.output = text;
              if (ctx.verbose) ctx.log.debug(`  ${text}`);
            },
            done: (title) => {
              task.title = title;
            },
            skip: (reason) => task.skip(reason),
          };
          await step.run(ctx, reporter);
        },
      })),
    {
      concurrent: false,
      exitOnError: true,
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
}
