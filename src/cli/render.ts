// `floe-dev render`: prints the platform manifests (ready for `kubectl apply -f -`) or their resource summary.
import { COMPONENTS } from '../platform/names.js';
import { defineCommand } from './command.js';
import { createContext } from './context.js';

export const renderCommand = defineCommand<{ component?: string[]; summary: boolean }>({
  command: 'render',
  describe: 'Print the platform manifests as YAML (ready for kubectl apply -f -); needs no cluster',
  builder: (y) =>
    y
      .option('component', {
        type: 'string',
        array: true,
        choices: [...COMPONENTS],
        describe: 'Only this component and the components it depends on (repeatable)',
      })
      .option('summary', {
        type: 'boolean',
        default: false,
        describe: 'Print each service’s CPU and memory requests and limits, and the totals, instead of the manifests',
      }) as never,
  examples: [
    ['$0 render | kubectl apply --server-side -f -', 'install the platform into the current cluster yourself'],
    ['$0 render --component orchestrator', 'only Dagster and its database'],
    ['$0 render --summary', 'per-service and total requests and limits'],
  ],
  run: async (args, io) => {
    const ctx = await createContext(args, io, { component: args.component });
    const platform = await import('../platform/index.js');
    if (args.summary) {
      const summary = platform.resourceSummary(ctx.config);
      io.stdout(ctx.output === 'json' ? `${JSON.stringify(platform.summaryJson(summary), null, 2)}\n` : platform.formatSummary(summary));
      return;
    }
    // Validate before touching the state folder: bad configuration writes nothing.
    platform.validateOverrides(ctx.config);
    const { credentials, created } = platform.ensureCredentials(ctx.paths.credentials);
    if (created) ctx.log.info(`generated this cluster's credentials in ${ctx.paths.credentials} (mode 0600)`);
    const objects = platform.renderPlatform({ config: ctx.config, credentials });
    // JSON: a v1 List, which `kubectl apply -f -` accepts as well.
    io.stdout(
      ctx.output === 'json'
        ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`
        : platform.toYaml(objects),
    );
  },
});
