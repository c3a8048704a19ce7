// `floe-dev status`: Show the cluster, each service's ready replicas and health, and the forwards.
import { NotImplementedError } from '../errors.js';
import { defineCommand } from './command.js';

export const statusCommand = defineCommand({
  command: 'status',
  describe: "Show the cluster, each service's ready replicas and health, and the forwards",
  run: async () => {
    throw new NotImplementedError('`floe-dev status`');
  },
});
