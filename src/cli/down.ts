// `floe-dev down`: Stop the forwards and delete the cluster (or only the namespace with --keep-cluster).
import { NotImplementedError } from '../errors.js';
import { defineCommand } from './command.js';

export const downCommand = defineCommand({
  command: 'down',
  describe: 'Stop the forwards and delete the cluster (or only the namespace with --keep-cluster)',
  run: async () => {
    throw new NotImplementedError('`floe-dev down`');
  },
});
