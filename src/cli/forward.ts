// `floe-dev forward [start|stop|status]`: the port-forwards on their own (after a reboot, say).
import { NotImplementedError } from '../errors.js';
import { defineCommand } from './command.js';

export const forwardCommand = defineCommand<{ action: string }>({
  command: 'forward [action]',
  describe: 'Manage the port-forwards on their own: start, stop or status',
  builder: (y) => y.positional('action', { choices: ['start', 'stop', 'status'], default: 'status', describe: 'what to do' }) as never,
  run: async (args) => {
    throw new NotImplementedError(`\`floe-dev forward ${args.action}\``);
  },
});
