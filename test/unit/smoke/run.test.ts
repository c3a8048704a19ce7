// The smoke runner on a recording HTTP fake and virtual time: concurrency, needs, captured values, the
// credentials each auth kind sends, bounded retries, and no secret in anything it reports.
import { describe, expect, it } from 'vitest';
import { verifyHs256 } from '../../../fixtures/lib/apps/cube.js';
import { configSchema } from '../../../src/config/schema.js';
import { plannedChecks } from '../../../src/smoke/checks.js';
import { formatSmokeReport } from '../../../src/smoke/report.js';
import { runSmoke, type SmokeCredentials } from '../../../src/smoke/run.js';
import type { Http, HttpRequest, HttpResponse } from '../../../src/tools/http.js';
import { VirtualClock } from '../forward/helpers.js';

const credentials: SmokeCredentials = {
  polaris: { realm: 'POLARIS', clientId: 'floe-abc', clientSecret: 'S3cretS3cretS3cret' },
  cube: { apiSecret: 'cube-api-secret-cube-api-secret-cube-api-secret' },
};
const ports = { dagster: 3000, polaris: 8181, polarisManagement: 8182, cube: 4000, minio: 9000 };
const TOKEN = 'tok3n.tok3n';

type Route = (req: HttpRequest) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>;

/** Answers like a healthy platform unless a route overrides a path. */
function platform(overrides: Record<string, Route> = {}): Http & { requests: HttpRequest[]; maxInFlight: number } {
  let inFlight = 0;
  const http = {
    requests: [] as HttpRequest[],
    maxInFlight: 0,
    async request(req: HttpRequest): Promise<HttpResponse> {
      http.requests.push(req);
      inFlight += 1;
      http.maxInFlight = Math.max(http.maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight -= 1;
      const url = new URL(req.url);
      const key = `${req.method} ${url.pathname}`;
      const route = overrides[key] ?? healthy[key];
      if (!route) throw new Error(`unexpected request ${key}`);
      const { status, body } = await route(req);
      return { status, body: typeof body === 'string' ? body : JSON.stringify(body), headers: {} };
    },
  };
  return http;
}

const graphql: Route = (req) => {
  const query = String((req.json as { query: string }).query);
  if (query.includes('workspaceOrError')) return { status: 200, body: { data: { workspaceOrError: { __typename: 'Workspace', locationEntries: [{ name: 'example', locationOrLoadError: { __typename: 'RepositoryLocation' } }] } } } };
  if (query.includes('daemonHealth')) return { status: 200, body: { data: { instance: { daemonHealth: { allDaemonStatuses: [{ daemonType: 'SCHEDULER', required: true, healthy: true }] } } } } };
  return { status: 200, body: { data: { version: '1.13.25' } } };
};

const healthy: Record<string, Route> = {
  'GET /server_info': () => ({ status: 200, body: { dagster_webserver_version: 'x', dagster_version: 'x', dagster_graphql_version: 'x' } }),
  'POST /graphql': graphql,
  'GET /q/health/ready': () => ({ status: 200, body: { status: 'UP' } }),
  'POST /api/catalog/v1/oauth/tokens': () => ({ status: 200, body: { access_token: TOKEN } }),
  'GET /api/management/v1/catalogs': () => ({ status: 200, body: { catalogs: [{ name: 'floe' }] } }),
  'GET /api/catalog/v1/config': () => ({ status: 200, body: { overrides: { prefix: 'floe' } } }),
  'POST /api/catalog/v1/floe/namespaces': () => ({ status: 409, body: { error: { type: 'AlreadyExistsException', message: 'exists' } } }),
  'GET /api/catalog/v1/floe/namespaces': () => ({ status: 200, body: { namespaces: [['floe_smoke']] } }),
  'GET /readyz': () => ({ status: 200, body: { health: 'HEALTH' } }),
  'GET /cubejs-api/v1/meta': () => ({ status: 200, body: { cubes: [{ name: 'platform_components' }] } }),
  'POST /cubejs-api/v1/load': () => ({ status: 200, body: { data: [{ 'platform_components.count': '5' }] } }),
};

const checks = plannedChecks(configSchema.parse({}));

function smoke(http: Http, over: { retries?: number; timeoutMs?: number } = {}) {
  const clock = new VirtualClock();
  clock.t = Date.now(); // the JWT's exp is checked against real time
  return { clock, report: runSmoke({ checks, ports, credentials, http, clock, timeoutMs: over.timeoutMs ?? 60_000, retries: over.retries }) };
}

describe('runSmoke', () => {
  it('passes a healthy platform, running every independent check at once', async () => {
    const http = platform();
    const report = await smoke(http).report;
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(report.ok).toBe(true);
    const independent = checks.filter((c) => !c.check.needs?.length).length;
    expect(http.maxInFlight).toBeGreaterThanOrEqual(independent);
    expect(report.checks.map((c) => c.name)).toEqual(checks.map((c) => c.check.name));
  });

  it('sends the credentials each auth kind names, and the captured values to later checks', async () => {
    const http = platform();
    await smoke(http).report;
    const token = http.requests.find((r) => r.url.endsWith('/oauth/tokens'))!;
    expect(token.form).toMatchObject({ grant_type: 'client_credentials', scope: 'PRINCIPAL_ROLE:ALL', client_id: 'floe-abc', client_secret: 'S3cretS3cretS3cret' });
    expect(token.headers?.['polaris-realm']).toBe('POLARIS');
    const catalogs = http.requests.find((r) => r.url.endsWith('/api/management/v1/catalogs'))!;
    expect(catalogs.headers?.authorization).toBe(`Bearer ${TOKEN}`);
    const create = http.requests.find((r) => r.method === 'POST' && r.url.endsWith('/namespaces'))!;
    expect(create.url).toBe('http://127.0.0.1:8181/api/catalog/v1/floe/namespaces');
    expect(create.json).toEqual({ namespace: ['floe_smoke'], properties: {} });
    const meta = http.requests.find((r) => r.url.endsWith('/cubejs-api/v1/meta'))!;
    expect(verifyHs256(String(meta.headers?.authorization), credentials.cube.apiSecret)).toBe(true);
    expect(verifyHs256(String(meta.headers?.authorization), 'another-secret')).toBe(false);
  });

  it('skips what needs a failed check, saying which, and reports the failure with its reason', async () => {
    const http = platform({ 'POST /api/catalog/v1/oauth/tokens': () => ({ status: 401, body: { error: 'unauthorized_client', error_description: 'The client is not authorized' } }) });
    const report = await smoke(http, { retries: 0 }).report;
    expect(report.ok).toBe(false);
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName['polaris oauth token']).toMatchObject({ status: 'fail', httpStatus: 401, reason: 'HTTP 401: unauthorized_client: The client is not authorized (expected 200)' });
    expect(byName['polaris catalogs']).toMatchObject({ status: 'skip', reason: 'needs polaris oauth token, which did not pass' });
    expect(byName['polaris namespaces listed']).toMatchObject({ status: 'skip', reason: 'needs polaris namespace, which did not pass' });
    expect(byName['polaris health']!.status).toBe('pass');
    // The skipped checks sent nothing.
    expect(http.requests.some((r) => r.url.includes('/api/management/'))).toBe(false);
  });

  it('retries a failing check a bounded number of times, backing off, and passes when it recovers', async () => {
    let calls = 0;
    const http = platform({ 'GET /readyz': () => (++calls < 3 ? { status: 500, body: { health: 'DOWN' } } : { status: 200, body: { health: 'HEALTH' } }) });
    const { clock, report } = smoke(http);
    const ready = (await report).checks.find((c) => c.name === 'cube ready')!;
    expect(ready).toMatchObject({ status: 'pass', attempts: 3 });
    expect(clock.sleeps).toEqual(expect.arrayContaining([250, 500]));
  });

  it('gives up after its retries, saying how many attempts it made', async () => {
    const http = platform({ 'GET /readyz': () => ({ status: 500, body: { health: 'DOWN' } }) });
    const ready = (await smoke(http).report).checks.find((c) => c.name === 'cube ready')!;
    expect(ready).toMatchObject({ status: 'fail', attempts: 3, reason: 'HTTP 500 (expected 200) (after 3 attempts)' });
  });

  it('reports a network failure as such', async () => {
    const http = platform({
      'GET /server_info': () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3000'), { code: 'ECONNREFUSED' });
      },
    });
    const info = (await smoke(http, { retries: 0 }).report).checks.find((c) => c.name === 'dagster server info')!;
    expect(info).toMatchObject({ status: 'fail', reason: 'connection refused', url: 'http://127.0.0.1:3000/server_info' });
  });

  it('waits for a forward the supervisor is bringing back, past its retries, until it answers', async () => {
    let refused = 6; // more refusals than the retries allow
    const http = platform({
      'GET /readyz': () => {
        if (refused-- > 0) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4000'), { code: 'ECONNREFUSED' });
        return { status: 200, body: { health: 'HEALTH' } };
      },
    });
    const clock = new VirtualClock();
    clock.t = Date.now();
    const waits: string[] = [];
    const report = await runSmoke({
      checks, ports, credentials, http, clock, timeoutMs: 60_000,
      forwardState: (key) => (key === 'cube' ? 'restarting' : 'up'),
      onForwardWait: (check, forward, state) => waits.push(`${check} ${forward} ${state}`),
    });
    expect(report.checks.find((c) => c.name === 'cube ready')).toMatchObject({ status: 'pass', attempts: 7 });
    expect(waits).toEqual(Array(6).fill('cube ready cube restarting'));
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(1_000); // capped: the supervisor restarts within 250 ms
  });

  it('stops waiting for a forward at the check timeout, and at once counts retries when it is dead or unsupervised', async () => {
    const refuse = () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4000'), { code: 'ECONNREFUSED' });
    };
    const run = (forwardState?: () => 'restarting' | 'dead' | undefined, timeoutMs = 60_000) => {
      const clock = new VirtualClock();
      clock.t = Date.now();
      return runSmoke({ checks, ports, credentials, http: platform({ 'GET /readyz': refuse }), clock, timeoutMs, forwardState }).then((r) => r.checks.find((c) => c.name === 'cube ready')!);
    };
    expect(await run(() => 'dead')).toMatchObject({ status: 'fail', attempts: 3, reason: 'connection refused (after 3 attempts)' });
    expect(await run(undefined)).toMatchObject({ status: 'fail', attempts: 3 });
    const restarting = await run(() => 'restarting', 10_000);
    expect(restarting.status).toBe('fail');
    expect(restarting.attempts).toBeGreaterThan(3);
    expect(restarting.latencyMs).toBeLessThanOrEqual(10_000);
  });

  it('counts an HTTP failure against the retries even while the forward restarts', async () => {
    const clock = new VirtualClock();
    clock.t = Date.now();
    const http = platform({ 'GET /readyz': () => ({ status: 500, body: { health: 'DOWN' } }) });
    const report = await runSmoke({ checks, ports, credentials, http, clock, timeoutMs: 60_000, forwardState: () => 'restarting' });
    expect(report.checks.find((c) => c.name === 'cube ready')).toMatchObject({ status: 'fail', attempts: 3 });
  });

  it('never puts a secret or token in what it reports, even when a service echoes one', async () => {
    const http = platform({
      'GET /api/management/v1/catalogs': (req) => ({ status: 500, body: { error: { type: 'Boom', message: `bad header ${req.headers?.authorization} for client S3cretS3cretS3cret` } } }),
      'GET /cubejs-api/v1/meta': (req) => ({ status: 403, body: { error: `Invalid token ${req.headers?.authorization}` } }),
    });
    const report = await smoke(http, { retries: 0 }).report;
    const text = JSON.stringify(report) + formatSmokeReport(report);
    for (const secret of [credentials.polaris.clientSecret, credentials.cube.apiSecret, TOKEN]) expect(text).not.toContain(secret);
    const jwts = http.requests.map((r) => r.headers?.authorization).filter((a): a is string => Boolean(a) && !a!.startsWith('Bearer'));
    for (const jwt of jwts) expect(text).not.toContain(jwt);
    expect(text).toContain('<redacted>');
  });

  it('fails a check whose forward is not running', async () => {
    const clock = new VirtualClock();
    const report = await runSmoke({ checks, ports: { ...ports, cube: undefined }, credentials, http: platform(), clock, timeoutMs: 1_000 });
    expect(report.checks.find((c) => c.name === 'cube meta')).toMatchObject({ status: 'fail', reason: 'forward cube is not running' });
  });
});

describe('the smoke report', () => {
  it('has one line per check (name, URL, pass/fail, latency, the reason on failure) and a total', () => {
    const text = formatSmokeReport({
      ok: false,
      durationMs: 1234,
      checks: [
        { name: 'cube ready', service: 'cube', url: 'http://127.0.0.1:4000/readyz', status: 'pass', latencyMs: 12, attempts: 1 },
        { name: 'cube meta', service: 'cube', url: 'http://127.0.0.1:4000/cubejs-api/v1/meta', status: 'fail', latencyMs: 1500, attempts: 3, reason: 'HTTP 403: Invalid token' },
        { name: 'cube load', service: 'cube', url: 'http://127.0.0.1:4000/cubejs-api/v1/load', status: 'skip', latencyMs: 0, attempts: 0, reason: 'needs cube meta' },
      ],
    });
    expect(text.split('\n')).toEqual([
      'PASS  cube ready  http://127.0.0.1:4000/readyz                12 ms',
      'FAIL  cube meta   http://127.0.0.1:4000/cubejs-api/v1/meta    1.5 s  HTTP 403: Invalid token',
      'SKIP  cube load   http://127.0.0.1:4000/cubejs-api/v1/load           needs cube meta',
      '3 checks: 1 passed, 1 failed, 1 skipped in 1.2 s',
      '',
    ]);
  });
});
