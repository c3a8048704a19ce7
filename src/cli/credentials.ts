// `floe-dev credentials`: the platform's URLs and logins for the current cluster, printed only when asked (they
// are never in up's output or the logs). `--cube-token` prints a fresh Cube API token instead.
import { existsSync } from 'node:fs';
import { FloeError, UsageError } from '../errors.js';
import { defineCommand } from './command.js';
import { createContext } from './context.js';

interface CredentialsArgs {
  cubeToken: boolean;
  env: boolean;
}

export const credentialsCommand = defineCommand<CredentialsArgs>({
  command: 'credentials',
  describe: 'Print the URLs and logins of the platform (Dagster, Polaris, MinIO, Cube, Grafana) for this cluster',
  builder: (y) =>
    y
      .option('cube-token', {
        type: 'boolean',
        default: false,
        describe: 'Print only a Cube API token (an HS256 JWT signed with the API secret, valid for an hour)',
      })
      .option('env', {
        type: 'boolean',
        default: false,
        describe: 'Print them as shell exports (FLOE_POLARIS_CREDENTIAL, FLOE_S3_ACCESS_KEY, ...) for eval',
      }) as never,
  examples: [
    ['$0 credentials', 'every URL with its login'],
    ['$0 credentials --json', 'the same as JSON, for scripts'],
    ['eval "$($0 credentials --env)"', 'FLOE_POLARIS_URI, FLOE_POLARIS_CREDENTIAL, FLOE_S3_* ... in this shell'],
    ['curl -H "Authorization: $($0 credentials --cube-token)" http://localhost:4000/cubejs-api/v1/meta', 'ask Cube'],
  ],
  run: async (args, io) => {
    if (args.env && args.cubeToken) throw new UsageError('--env and --cube-token cannot be used together', { hint: 'run the command once for each' });
    const ctx = await createContext(args, io);
    const [{ readCredentialsFile, signCubeToken }, { accessEnv, platformAccess, formatAccess }, { readForwardRecord }, { pidAlive }] = await Promise.all([
      import('../platform/credentials.js'),
      import('../platform/access.js'),
      import('../forward/state.js'),
      import('../state/lock.js'),
    ]);
    const name = ctx.config.cluster.name;
    const credentials = readCredentialsFile(ctx.paths.credentials);
    if (!credentials) {
      throw new FloeError(`no platform credentials for cluster ${name}: run floe-dev up`, {
        hint: `the first \`floe-dev up\` of a cluster generates them, in ${ctx.paths.credentials}; --cluster names another cluster`,
      });
    }
    const json = ctx.output === 'json';
    if (args.cubeToken) {
      const token = signCubeToken(credentials.cube.apiSecret, ctx.clock.now());
      io.stdout(json ? `${JSON.stringify(token, null, 2)}\n` : `${token.token}\n`);
      return;
    }
    const record = readForwardRecord(ctx.paths.forwards);
    const configured = ctx.config.forwards as Record<string, unknown>;
    const { targetOf } = await import('../target.js');
    const target = targetOf(ctx);
    const access = platformAccess({
      config: ctx.config,
      credentials,
      credentialsFile: ctx.paths.credentials,
      kubeconfig: target.kubeconfig,
      context: target.context,
      existing: target.mode === 'existing',
      // A forward moved to the next free port is recorded by the supervisor: its port wins.
      port: (key) => record?.ports[key] ?? (typeof configured[key] === 'number' ? configured[key] : undefined),
      forwardsRunning: record !== undefined && pidAlive(record.pid),
      clusterCreated: existsSync(ctx.paths.clusterRecord),
    });
    io.stdout(json ? `${JSON.stringify(access, null, 2)}\n` : args.env ? accessEnv(access) : formatAccess(access));
  },
});
