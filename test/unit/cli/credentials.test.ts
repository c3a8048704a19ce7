// `floe-dev credentials`: the URLs and logins of the current cluster, only when asked; the built CLI as a
// subprocess over a state folder made by `render` (the credentials a cluster gets) and a forward record.
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformAccess } from '../../../src/platform/access.js';
import { signCubeToken, type PlatformCredentials } from '../../../src/platform/credentials.js';
import { runBuilt, sandbox } from '../../helpers/cli.js';

const box = sandbox();
const cwd = join(box.dir, 'work');
mkdirSync(cwd);
const clusterDir = join(box.env.FLOE_DEV_HOME!, 'clusters', 'floe-dev');
let creds: PlatformCredentials;

const floeDev = (argv: string[], env: Record<string, string> = {}) => runBuilt(argv, { cwd, env: { ...box.env, ...env } });

beforeAll(async () => {
  expect((await floeDev(['render'])).code).toBe(0);
  creds = JSON.parse(readFileSync(join(clusterDir, 'credentials.json'), 'utf8')) as PlatformCredentials;
});
afterAll(() => rmSync(box.dir, { recursive: true, force: true }));

describe('signCubeToken', () => {
  it('signs {exp} with HS256, ttl seconds after now', () => {
    const { token, expiresAt } = signCubeToken('s'.repeat(64), Date.UTC(2030, 0, 1), 60);
    const [header, payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual({ exp: Date.UTC(2030, 0, 1) / 1000 + 60 });
    expect(signature).toBe(createHmac('sha256', 's'.repeat(64)).update(`${header}.${payload}`).digest('base64url'));
    expect(expiresAt).toBe('2030-01-01T00:01:00.000Z');
  });
});

describe('floe-dev credentials', () => {
  it('exits 1 when the cluster has no credentials, saying to run up', async () => {
    const r = await floeDev(['credentials', '--cluster', 'other']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: no platform credentials for cluster other: run floe-dev up$/m);
    expect(r.out).toBe('');
  });

  it('prints every login, with the URLs through the forwards', async () => {
    const r = await floeDev(['credentials']);
    expect(r.code, r.err).toBe(0);
    const rows = [
      ['catalog URI', 'http://127.0.0.1:8181/api/catalog'],
      ['warehouse', 'floe'],
      ['credential', `${creds.polaris.clientId}:${creds.polaris.clientSecret}`],
      ['scope', 'PRINCIPAL_ROLE:ALL'],
      ['realm', 'POLARIS'],
      ['endpoint', 'http://localhost:9000 (path-style access, region us-east-1)'],
      ['access key', creds.minio.rootUser],
      ['secret key', creds.minio.rootPassword],
      ['bucket', 'warehouse'],
      ['API URL', 'http://127.0.0.1:4000/cubejs-api/v1'],
      ['API secret', creds.cube.apiSecret],
      ['user', creds.grafana.adminUser],
      ['password', creds.grafana.adminPassword],
    ];
    for (const [name, value] of rows) expect(r.out).toMatch(new RegExp(`^  ${name} +${value!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(r.out).toMatch(/^Dagster\n {2}URL +http:\/\/127\.0\.0\.1:3000\n {2}login +none$/m);
    // Grafana has no forward by default: the command that reaches it, with floe-dev's own kubeconfig.
    expect(r.out).toContain(`kubectl --kubeconfig ${join(clusterDir, 'kubeconfig')} --context kind-floe-dev -n floe-platform port-forward svc/grafana 3001:3000`);
    expect(r.out).toContain('Cluster floe-dev does not exist yet');
  });

  it('follows the configured ports, and the ports the forward supervisor recorded before them', async () => {
    writeFileSync(join(clusterDir, 'forwards.json'), JSON.stringify({ pid: 2 ** 22 + 1, ports: { polaris: 18181, grafana: 13000 } }));
    try {
      const r = await floeDev(['credentials', '--json'], { FLOE_DEV_FORWARD_MINIO: '19000', FLOE_DEV_FORWARD_POLARIS: '8281' });
      expect(r.code, r.err).toBe(0);
      const access = JSON.parse(r.out) as PlatformAccess;
      expect(access.polaris.uri).toBe('http://127.0.0.1:18181/api/catalog');
      expect(access.s3.endpoint).toBe('http://localhost:19000');
      expect(access.grafana).toEqual({ url: 'http://127.0.0.1:13000', portForward: null, user: creds.grafana.adminUser, password: creds.grafana.adminPassword });
      expect(access.forwardsRunning).toBe(false);
    } finally {
      rmSync(join(clusterDir, 'forwards.json'));
    }
  });

  it('gives the same facts as JSON', async () => {
    const access = JSON.parse((await floeDev(['credentials', '--json'])).out) as PlatformAccess;
    expect(access).toMatchObject({
      cluster: 'floe-dev',
      clusterCreated: false,
      polaris: { warehouse: 'floe', clientId: creds.polaris.clientId, clientSecret: creds.polaris.clientSecret, scope: 'PRINCIPAL_ROLE:ALL' },
      s3: { accessKey: creds.minio.rootUser, secretKey: creds.minio.rootPassword, bucket: 'warehouse', pathStyleAccess: true },
      cube: { apiSecret: creds.cube.apiSecret },
    });
  });

  it('--cube-token prints an HS256 JWT signed with the API secret, expiring in an hour', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await floeDev(['credentials', '--cube-token']);
    const after = Math.ceil(Date.now() / 1000);
    expect(r.code, r.err).toBe(0);
    const [header, payload, signature] = r.out.trim().split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(signature).toBe(createHmac('sha256', creds.cube.apiSecret).update(`${header}.${payload}`).digest('base64url'));
    const { exp } = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { exp: number };
    // An hour after the moment it was signed, which lies between before and after.
    expect(exp).toBeGreaterThanOrEqual(before + 3600);
    expect(exp).toBeLessThanOrEqual(after + 3600);
  });

  it('--env gives shell exports that a shell takes as they are', async () => {
    const r = await floeDev(['credentials', '--env']);
    expect(r.code, r.err).toBe(0);
    const shell = spawnSync('bash', ['-c', `${r.out}\nprintf '%s\\n' "$FLOE_POLARIS_URI" "$FLOE_POLARIS_CREDENTIAL" "$FLOE_WAREHOUSE" "$FLOE_S3_ENDPOINT" "$FLOE_S3_ACCESS_KEY" "$FLOE_S3_SECRET_KEY" "$FLOE_CUBE_API_SECRET"`], { encoding: 'utf8' });
    expect(shell.stdout.trim().split('\n')).toEqual([
      'http://127.0.0.1:8181/api/catalog',
      `${creds.polaris.clientId}:${creds.polaris.clientSecret}`,
      'floe',
      'http://localhost:9000',
      creds.minio.rootUser,
      creds.minio.rootPassword,
      creds.cube.apiSecret,
    ]);
    expect((await floeDev(['credentials', '--env', '--cube-token'])).code).toBe(2);
  });

  it('is the only command that prints them', async () => {
    const secrets = [creds.polaris.clientSecret, creds.minio.rootPassword, creds.cube.apiSecret, creds.grafana.adminPassword];
    for (const argv of [['render', '--summary'], ['config'], ['down', '--json', '--cluster', 'other']]) {
      const r = await floeDev(argv);
      for (const secret of secrets) expect(`${r.out}${r.err}`).not.toContain(secret);
    }
  });
});
