// `floe-dev config`: prints the effective configuration (defaults, file, environment and flags merged), or with
// --defaults the built-in defaults alone: a valid floe-dev.yaml that works whatever state the local one is in.
import { defineCommand } from './command.js';
import { createContext } from './context.js';

export const configCommand = defineCommand<{ defaults: boolean }>({
  command: 'config',
  describe: 'Print the effective configuration (after floe-dev.yaml, FLOE_DEV_* and flags)',
  builder: (y) =>
    y.option('defaults', {
      type: 'boolean',
      default: false,
      describe: 'Print the built-in defaults instead, reading no file and no variable: a valid floe-dev.yaml to start from',
    }) as never,
  examples: [
    ['$0 config', 'what floe-dev will use, and where it was read from'],
    ['$0 config --defaults > floe-dev.yaml', 'start a floe-dev.yaml of your own'],
  ],
  run: async (args, io) => {
    const json = args.json || args.output === 'json';
    let config: unknown;
    let source: string;
    if (args.defaults) {
      const { configSchema } = await import('../config/schema.js');
      config = configSchema.parse({});
      source = '# floe-dev.yaml: the built-in defaults (every key is optional; keep only those you change)';
    } else {
      const ctx = await createContext(args, io);
      config = ctx.config;
      source = ctx.configFile ? `# read from ${ctx.configFile}` : '# no floe-dev.yaml found: defaults';
    }
    if (json) {
      io.stdout(`${JSON.stringify(config, null, 2)}\n`);
      return;
    }
    const { stringify } = await import('yaml');
    io.stdout(`${source}\n${stringify(config)}`);
  },
});
