// `floe-dev doctor`: Check the prerequisites: Docker, memory, kind, kubectl, ports, disk, each with its fix.
import { NotImplementedError } from '../errors.js';
import { defineCommand } from './command.js';

export const doctorCommand = defineCommand({
  command: 'doctor',
  describe: 'Check the prerequisites: Docker, memory, kind, kubectl, ports, disk, each with its fix',
  run: async () => {
    throw new NotImplementedError('`floe-dev doctor`');
  },
});
