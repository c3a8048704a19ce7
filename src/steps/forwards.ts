// The forwards step of `up`: the detached supervisor forwards Dagster, Polaris, Cube and MinIO to 127.0.0.1
// (started once; a second `up` finds it running and only waits until every forward answers).
import { withContext } from '../errors.js';
import { ensureForwards, wantedPlan } from '../forward/control.js';
import type { ForwardRecord } from '../forward/state.js';
import type { Step } from './step.js';

export const forwardsStep: Step = {
  title: 'Forwards',
  run: async (ctx, report) => {
    // Observability or storage alone: nothing of theirs is forwarded by default, and that is not a failure.
    if (wantedPlan(ctx).forwards.length === 0) {
      report.skip('the enabled components have no forwards');
      return;
    }
    const { record, started, notes } = await ensureForwards(ctx, { progress: (text) => report.progress(text) }).catch((error: unknown) => {
      throw withContext('forwards', error);
    });
    // If up is stopped after this, what this run started is stopped with it (forwards already running stay).
    if (started) ctx.cache.set('forwards.startedByThisRun', true);
    for (const note of notes) ctx.log.warn(note);
    report.done(`Forwards ${started ? 'started' : 'running'}: ${forwardSummary(record)}`);
  },
};

/** `dagster http://127.0.0.1:3000, polaris http://127.0.0.1:8181, ...` for the run's summary. */
export function forwardSummary(record: Pick<ForwardRecord, 'forwards'>): string {
  return record.forwards.map((f) => `${f.key} ${f.url}`).join(', ');
}
