// `floe-dev load <images..>`: Load your own images (e.g. a Dagster code location) into the cluster.
import { NotImplementedError } from '../errors.js';
import { defineCommand } from './command.js';

export const loadCommand = defineCommand({
  command: 'load <images..>',
  describe: 'Load your own images (e.g. a Dagster code location) into the cluster',
  run: async () => {
    throw new NotImplementedError('`floe-dev load`');
  },
});
