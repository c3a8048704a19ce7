// `floe-dev up`: Create the cluster, load images, install the platform, forward ports and smoke-check it.
import { NotImplementedError } from '../errors.js';
import { defineCommand } from './command.js';

export const upCommand = defineCommand({
  command: 'up',
  describe: 'Create the cluster, load images, install the platform, forward ports and smoke-check it',
  run: async () => {
    throw new NotImplementedError('`floe-dev up`');
  },
});
