// `floe-dev up`: preflight → cluster → images → platform; a second run on a healthy platform changes nothing.
import { durationMs } from '../config/duration.js';
import { FloeError, UsageError } from '../errors.js';
import { COMPONENTS } from '../platform/names.js';
import { acquireLock } from '../state/lock.js';
import { defineCommand } from './command.js';
import { createContext } from './context.js';

interface UpArgs {
  component?: string[];
  recreate: boolean;
  skipSmoke: boolean;
  timeout?: string;
}

export const upCommand = defineCommand<UpArgs>({
  command: 'up',
  describe: 'Create the cluster, load images, install the platform, forward ports and smoke-check it',
  builder: (y) =>
    y
      .option('component', {
        type: 'string',
        array: true,
        choices: COMPONENTS,
        describe: 'Install only this component and what it depends on (repeatable)',
      })
      .option('recreate', { type: 'boolean', default: false, describe: 'Delete the cluster first and create it afresh' })
      .option('skip-smoke', { type: 'boolean', default: false, describe: 'Do not run the smoke checks at the end' })
      .option('timeout', { type: 'string', requiresArg: true, describe: 'Give up after this long (e.g. 20m; default 15m)' }) as never,
  examples: [
    ['$0 up', 'the whole platform'],
    ['$0 up --component orchestrator', 'Dagster and what it needs'],
    ['$0 up --recreate', 'start from a fresh cluster'],
    ['$0 up --json', 'the run summary as JSON on stdout (progress stays on stderr)'],
  ],
  run: async (args, io) => {
    const ctx = await createContext(args, io, { component: args.component, timeout: args.timeout });
    const { targetOf } = await import('../target.js');
    const target = targetOf(ctx);
    if (args.recreate && target.mode === 'existing') {
      throw new UsageError(`--recreate deletes and recreates a kind cluster; context ${target.context} is an existing cluster floe-dev did not create, and never deletes`, {
        hint: 'to start the platform afresh there: floe-dev down, then floe-dev up',
      });
    }
    const startedAt = ctx.clock.now();
    const lock = acquireLock(ctx.paths.lock, 'up');
    const [{ runSteps }, { upSteps }, { openRunLog, teeLogger, loggingRunner }, { upSummary, formatUpSummary }] = await Promise.all([
      import('../steps/run-steps.js'),
      import('../steps/up.js'),
      import('../runlog.js'),
      import('../steps/summary.js'),
    ]);
    const runLog = openRunLog(ctx.paths.logs, 'up');
    ctx.runLog = runLog;
    ctx.log = teeLogger(ctx.log, runLog);
    ctx.tools = { ...ctx.tools, runner: loggingRunner(ctx.tools.runner, runLog) };
    runLog.write(`floe-dev up ${process.argv.slice(2).join(' ')} (cluster ${ctx.config.cluster.name}, namespace ${ctx.config.namespace})`);
    const deadline = AbortSignal.timeout(durationMs(ctx.config.timeouts.up));
    ctx.signal = AbortSignal.any([io.signal, deadline]);
    try {
      await runSteps(upSteps({ recreate: args.recreate, partial: (args.component?.length ?? 0) > 0, skipSmoke: args.skipSmoke }), ctx);
      const summary = upSummary(ctx, startedAt, (ctx.cache.get('architecture.notes') as string[] | undefined) ?? []);
      runLog.write(`up finished in ${summary.durationSeconds}s`);
      io.stdout(ctx.output === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : formatUpSummary(summary));
    } catch (error) {
      runLog.write(`up failed: ${error instanceof Error ? error.message : String(error)}`);
      if (io.signal.aborted && ctx.cache.get('forwards.startedByThisRun')) {
        const { stopForwards } = await import('../forward/state.js');
        await stopForwards(ctx.paths.forwards, ctx.clock);
      }
      if (io.signal.aborted) io.stderr(`${whatWasLeft(ctx)}\n`);
      else io.stderr(`(the run's log: ${runLog.path})\n`);
      if (deadline.aborted && !io.signal.aborted) {
        throw new FloeError(`up did not finish within ${ctx.config.timeouts.up}`, {
          hint: 'give it longer with --timeout 30m; run up again to continue where it stopped',
          cause: error,
        });
      }
      throw error;
    } finally {
      lock.release();
    }
  },
});

/** After Ctrl-C: what this run got done, so the user knows what is there and that `up` picks it up again. */
function whatWasLeft(ctx: import('../context.js').Context): string {
  const cluster = ctx.cache.get('cluster') as { name: string; existing?: boolean } | undefined;
  const progress = ctx.cache.get('install.progress') as { ready: unknown[]; total: number } | undefined;
  const parts = [cluster?.existing ? `the existing cluster (context ${cluster.name}) was not changed beyond namespace ${ctx.config.namespace}` : cluster ? `the kind cluster ${cluster.name} is there` : 'no cluster was made or changed'];
  if (progress) parts.push(`${progress.ready.length} of ${progress.total} services are installed and ready`);
  return `up was stopped: ${parts.join('; ')}. Nothing of this run is left running; \`floe-dev up\` finishes the work.`;
}
