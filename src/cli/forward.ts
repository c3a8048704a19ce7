// `floe-dev forward [start|stop|status]`: the port-forwards on their own (after a reboot, say).
import { ExitCode, ReportedFailure } from '../errors.js';
import { acquireLock } from '../state/lock.js';
import { defineCommand } from './command.js';
import { createContext } from './context.js';

type Action = 'start' | 'stop' | 'status';

export const forwardCommand = defineCommand<{ action: Action }>({
  command: 'forward [action]',
  describe: 'Manage the port-forwards on their own: start, stop or status',
  builder: (y) => y.positional('action', { choices: ['start', 'stop', 'status'] as const, default: 'status' as const, describe: 'what to do' }) as never,
  examples: [
    ['$0 forward start', 'start the forwards again (after a reboot, say)'],
    ['$0 forward status --json', "each forward's URL and state"],
  ],
  run: async (args, io) => {
    const ctx = await createContext(args, io);
    const control = await import('../forward/control.js');
    const json = ctx.output === 'json';
    if (args.action === 'status') {
      const status = await control.forwardsStatus(ctx);
      const allUp = status.forwards.every((f) => f.state === 'up');
      if (json) io.stdout(`${JSON.stringify({ ok: allUp, ...status }, null, 2)}\n`);
      else {
        const sup = status.supervisor;
        io.stdout(`Forwards${sup?.running ? ` (supervisor pid ${sup.pid}, log ${sup.log})` : ''}:\n`);
        io.stdout(`${control.formatForwardLines(status.forwards).join('\n')}\n`);
      }
      if (!allUp) throw new ReportedFailure(ExitCode.failed, 'a forward is not up');
      return;
    }
    const lock = acquireLock(ctx.paths.lock, `forward ${args.action}`);
    try {
      if (args.action === 'stop') {
        const { stopForwards, readForwardRecord } = await import('../forward/state.js');
        const pid = readForwardRecord(ctx.paths.forwards)?.pid;
        const stopped = await stopForwards(ctx.paths.forwards, ctx.clock);
        if (json) io.stdout(`${JSON.stringify({ ok: true, stopped, pid: stopped ? pid : undefined })}\n`);
        else io.stdout(stopped ? `Forwards stopped (supervisor pid ${pid})\n` : 'Forwards: none running\n');
        return;
      }
      const { record, started, notes } = await control.ensureForwards(ctx, { waitIfRunning: false, progress: (text) => ctx.log.debug(text) });
      for (const note of notes) ctx.log.warn(note);
      const views = record.forwards.map((f) => control.viewOf(f, undefined));
      if (json) {
        io.stdout(`${JSON.stringify({ ok: true, started, supervisor: { pid: record.pid }, forwards: views, notes }, null, 2)}\n`);
        return;
      }
      io.stdout(
        started
          ? `Forwards started (supervisor pid ${record.pid}):\n`
          : `Forwards already running (supervisor pid ${record.pid}): nothing to start\n`,
      );
      io.stdout(`${control.formatForwardLines(views).join('\n')}\n`);
    } finally {
      lock.release();
    }
  },
});
