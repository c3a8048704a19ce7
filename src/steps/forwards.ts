// The forwards step of `up`: the detached supervisor forwards Dagster, Polaris, Cube and MinIO to 127.0.0.1
// (started once; a second `up` finds it running and only waits until every forward answers).
import { ensureForwards } from '../forward/control.js';
import type { ForwardRecord } from '../forward/state.js';
import type { Step } from './step.js';

export const forwardsStep: Step = {
  title: 'Forwards',
  run: async (ctx, report) => {
    const { record, started, notes } = await ensureForwards(ctx, { progress: (text) => report.progress(text) });
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
