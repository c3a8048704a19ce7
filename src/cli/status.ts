// `floe-dev status`: the cluster, each service's ready replicas and health, and the forwards (design §6 layout).
import { ExitCode, ReportedFailure } from '../errors.js';
import { defineCommand } from './command.js';
import { createContext } from './context.js';

export const statusCommand = defineCommand({
  command: 'status',
  describe: "Show the cluster, each service's ready replicas and health, and the forwards",
  examples: [
    ['$0 status', 'exit 0 when every service is ready and every forward is up'],
    ['$0 status --json', 'the same as JSON'],
  ],
  run: async (args, io) => {
    const ctx = await createContext(args, io);
    const [{ collectStatus }, { formatStatus }] = await Promise.all([import('../status/collect.js'), import('../status/layout.js')]);
    const report = await collectStatus(ctx);
    io.stdout(ctx.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
    if (!report.ok) throw new ReportedFailure(ExitCode.failed, 'not every service is ready and every forward up');
  },
});
