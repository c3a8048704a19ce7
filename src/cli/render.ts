// `floe-dev render`: Print the platform manifests as YAML (ready for kubectl apply -f -); needs no cluster.
import { NotImplementedError } from '../errors.js';
import { defineCommand } from './command.js';

export const renderCommand = defineCommand({
  command: 'render',
  describe: 'Print the platform manifests as YAML (ready for kubectl apply -f -); needs no cluster',
  run: async () => {
    throw new NotImplementedError('`floe-dev render`');
  },
});
