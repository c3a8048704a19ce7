// `floe-dev smoke`: health and deep checks through the forwards, one line each (or JSON); exit 0 only if all pass.
import { ExitCode, ReportedFailure } from '../errors.js';
import { defineCommand } from './command.js';
import { createContext } from './context.js';

export const smokeCommand = defineCommand({
  command: 'smoke',
  describe: 'Run health and deep checks against the port-forwarded services (exit 0 only if all pass)',
  examples: [
    ['$0 smoke', 'one line per check: name, URL, pass/fail, latency, the reason on failure'],
    ['$0 smoke --json', 'the same as JSON'],
  ],
  run: async (args, io) => {
    const ctx = await createContext(args, io);
    const { smoke, formatSmokeReport } = await import('../smoke/index.js');
    const report = await smoke(ctx, {
      onResult: (r) => ctx.log.debug(`${r.status} ${r.name} (${r.attempts} attempt${r.attempts === 1 ? '' : 's'})`),
      onForwardWait: (check, forward, state) => ctx.log.debug(`${check}: waiting for forward ${forward} (${state})`),
    });
    io.stdout(ctx.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatSmokeReport(report));
    if (!report.ok) throw new ReportedFailure(ExitCode.failed, 'smoke checks failed');
  },
});
