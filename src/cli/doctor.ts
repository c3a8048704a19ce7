// `floe-dev doctor`: the preflight checks as a report, each failure with its fix; exit 3 when a prerequisite is missing.
import type { Context } from '../context.js';
import { ExitCode, ReportedFailure } from '../errors.js';
import type { ReportView } from '../preflight/report.js';
import type { PreflightOptions } from '../steps/preflight.js';
import { colourEnabled, terminalWidth } from '../text.js';
import { defineCommand } from './command.js';
import { createContext } from './context.js';

export const doctorCommand = defineCommand({
  command: 'doctor',
  describe: 'Check the prerequisites: Docker, memory, kind, kubectl, ports, disk (an existing cluster: its API, rights, storage, nodes), each with its fix',
  examples: [
    ['$0 doctor', 'one line per check; the fix under each problem'],
    ['$0 doctor --json', 'the same as JSON: {ok, checks: [{id, title, status, detail, fix}]}'],
    ['$0 doctor --context my-team@big', 'what floe-dev needs on a cluster you already have'],
  ],
  // A broken floe-dev.yaml is reported as a warning: doctor is what people run when something is wrong.
  run: async (args, io) => {
    const ctx = await createContext(args, io, {}, { tolerant: { command: 'doctor' } });
    const screen = { isTTY: io.stdoutTTY ?? false, columns: io.columns };
    await doctor(ctx, io.stdout, { namespace: true }, { width: terminalWidth(screen), colour: colourEnabled(screen, io.env) });
  },
});

/** Prints the report (text or JSON by ctx.output); throws ReportedFailure: 3 for a missing prerequisite, 1 for a crashed check. */
export async function doctor(ctx: Context, write: (text: string) => void, options: PreflightOptions = {}, view?: ReportView): Promise<void> {
  const [{ runPreflight }, { formatReport, reportJson }] = await Promise.all([import('../steps/preflight.js'), import('../preflight/report.js')]);
  const report = await runPreflight(ctx, options);
  write(ctx.output === 'json' ? reportJson(report) : formatReport(report, view));
  if (report.unexpected) throw new ReportedFailure(ExitCode.failed, 'a preflight check crashed');
  if (!report.ok) throw new ReportedFailure(ExitCode.prerequisite, 'a prerequisite is missing');
}
