// The last step of `up`: the smoke checks through the forwards; any failure fails `up`, naming each check.
import { FloeError } from '../errors.js';
import { smoke, smokeSummary } from '../smoke/index.js';
import type { Step } from './step.js';

export const smokeStep: Step = {
  title: 'Smoke checks',
  run: async (ctx, report) => {
    let done = 0;
    const result = await smoke(ctx, {
      onResult: (r) => report.progress(`${++done} done; ${r.name}: ${r.status}`),
      onForwardWait: (check, forward, state) => report.progress(`${check}: waiting for forward ${forward} (${state})`),
    });
    if (!result.ok) {
      const failed = result.checks.filter((c) => c.status !== 'pass').map((c) => `  ${c.name} (${c.url}): ${c.status === 'skip' ? 'skipped' : 'failed'}: ${c.reason}`);
      throw new FloeError(`smoke: ${smokeSummary(result)}\n${failed.join('\n')}`, {
        hint: '`floe-dev smoke` runs them again; `floe-dev status` shows which service or forward is not well',
      });
    }
    report.done(`Smoke: ${smokeSummary(result)}`);
  },
};
