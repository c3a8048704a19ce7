// `floe-dev smoke`: Run health and deep checks against the port-forwarded services (exit 0 only if all pass).
import { NotImplementedError } from '../errors.js';
import { defineCommand } from './command.js';

export const smokeCommand = defineCommand({
  command: 'smoke',
  describe: 'Run health and deep checks against the port-forwarded services (exit 0 only if all pass)',
  run: async () => {
    throw new NotImplementedError('`floe-dev smoke`');
  },
});
