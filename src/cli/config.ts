// `floe-dev config`: prints the effective configuration (defaults, file, environment and flags merged).
import { defineCommand } from './command.js';
import { createContext } from './context.js';

export const configCommand = defineCommand({
  command: 'config',
  describe: 'Print the effective configuration (after floe-dev.yaml, FLOE_DEV_* and flags)',
  run: async (args, io) => {
    const ctx = await createContext(args, io);
    if (ctx.output === 'json') {
      io.stdout(`${JSON.stringify(ctx.config, null, 2)}\n`);
      return;
    }
    const { stringify } = await import('yaml');
    const source = ctx.configFile ? `# read from ${ctx.configFile}` : '# no floe-dev.yaml found: defaults';
    io.stdout(`${source}\n${stringify(ctx.config)}`);
  },
});
