// The two steps up ends with: the forwards (started, or found running) and the smoke checks (done, or failing
// with each check's reason), on recording fakes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forwardFiles } from '../../../src/forward/control.js';
import type { ForwardPlan } from '../../../src/forward/plan.js';
import { bootTime } from '../../../src/forward/process.js';
import { writeForwardRecord } from '../../../src/forward/state.js';
import { ensureCredentials } from '../../../src/platform/credentials.js';
import { forwardsStep } from '../../../src/steps/forwards.js';
import { smokeStep } from '../../../src/steps/smoke.js';
import { testContext } from '../../helpers/context.js';
import { FakeHttp } from '../../helpers/fake-http.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { recordingReporter } from '../../helpers/reporter.js';

describe('forwardsStep', () => {
  it('starts the supervisor and reports every forward URL', async () => {
    const runner = new FakeRunner();
    const ctx = testContext({ tools: { runner } });
    mkdirSync(dirname(ctx.paths.kubeconfig), { recursive: true });
    writeFileSync(ctx.paths.kubeconfig, '');
    const files = forwardFiles(ctx.paths);
    runner.expect((argv) => argv[1]?.endsWith('supervisor.js') === true).process((call) => {
      const plan = JSON.parse(readFileSync(files.plan, 'utf8')) as ForwardPlan;
      const forwards = plan.forwards.map((f) => ({ key: f.key, service: f.service, port: f.port, localPort: f.localPort, url: `http://127.0.0.1:${f.localPort}`, state: 'up' as const, since: '', restarts: 0, failedAttempts: 0 }));
      writeForwardRecord(files.record, { pid: call.pid!, ports: {}, bootTime: bootTime(), planFile: files.plan, forwards });
      return {};
    });
    const report = recordingReporter();
    // Real port checks: the default ports may be taken on this machine, so let nextFreePort move them.
    ctx.config.forwards.nextFreePort = true;
    await forwardsStep.run(ctx, report);
    expect(report.titles).toHaveLength(1);
    expect(report.titles[0]).toMatch(/^Forwards started: minio http:\/\/127\.0\.0\.1:\d+, polaris http:\/\/127\.0\.0\.1:\d+, polarisManagement .*, dagster .*, cube http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('forwardsStep with nothing to forward', () => {
  it('is skipped, not failed, for components that forward nothing (observability alone)', async () => {
    const runner = new FakeRunner();
    const ctx = testContext({ tools: { runner }, config: { components: ['observability'] } });
    const report = recordingReporter();
    await forwardsStep.run(ctx, report);
    expect(report.titles).toEqual(['skipped: the enabled components have no forwards']);
    runner.verify(); // no supervisor started
  });
});

describe('smokeStep', () => {
  const json = (body: unknown, status = 200) => ({ status, body: JSON.stringify(body) });
  const denied = json({ error: 'Invalid token' }, 403);
  const platform = (cube: { meta: ReturnType<typeof json>; load: ReturnType<typeof json> }) =>
    new FakeHttp()
      .on('GET', '/q/health/ready', { body: JSON.stringify({ status: 'UP' }) })
      .on('POST', '/api/catalog/v1/oauth/tokens', { body: JSON.stringify({ access_token: 't' }) })
      .on('GET', '/api/management/v1/catalogs', { body: JSON.stringify({ catalogs: [{ name: 'floe' }] }) })
      .on('GET', '/api/catalog/v1/config', { body: JSON.stringify({ overrides: { prefix: 'floe' } }) })
      .on('POST', '/api/catalog/v1/floe/namespaces', { status: 200, body: JSON.stringify({ namespace: ['floe_smoke'] }) })
      .on('GET', '/api/catalog/v1/floe/namespaces', { body: JSON.stringify({ namespaces: [['floe_smoke']] }) })
      .on('GET', '/server_info', { body: JSON.stringify({ dagster_webserver_version: '1', dagster_version: '1', dagster_graphql_version: '1' }) })
      .on('POST', '/graphql', (req) => {
        const q = String((req.json as { query: string }).query);
        if (q.includes('workspaceOrError')) return { body: JSON.stringify({ data: { workspaceOrError: { __typename: 'Workspace', locationEntries: [{ name: 'example', locationOrLoadError: { __typename: 'RepositoryLocation' } }] } } }) };
        if (q.includes('daemonHealth')) return { body: JSON.stringify({ data: { instance: { daemonHealth: { allDaemonStatuses: [{ daemonType: 'SCHEDULER', required: true, healthy: true }] } } } }) };
        return { body: JSON.stringify({ data: { version: '1' } }) };
      })
      .on('GET', '/readyz', { body: JSON.stringify({ health: 'HEALTH' }) })
      .on('GET', '/cubejs-api/v1/meta', cube.meta)
      .on('POST', '/cubejs-api/v1/load', cube.load);

  it('fails up naming each failed check, its URL and the reason; never a secret', async () => {
    const http = platform({ meta: denied, load: denied });
    const ctx = testContext({ tools: { http }, config: { timeouts: { smoke: '1s' } } });
    const credentials = ensureCredentials(ctx.paths.credentials).credentials;
    const error = (await smokeStep.run(ctx, recordingReporter()).catch((e: unknown) => e)) as Error & { hint?: string };
    expect(error.message).toMatch(/^smoke: 13 checks: 11 passed, 2 failed in /);
    expect(error.message).toMatch(/cube meta \(http:\/\/127\.0\.0\.1:4000\/cubejs-api\/v1\/meta\): failed: HTTP 403: Invalid token/);
    expect(error.message).toMatch(/cube load \(http:\/\/127\.0\.0\.1:4000\/cubejs-api\/v1\/load\): failed: HTTP 403: Invalid token/);
    expect(error.hint).toMatch(/floe-dev smoke/);
    expect(error.message).not.toContain(credentials.cube.apiSecret);
  });

  it('says how many checks passed', async () => {
    const http = platform({ meta: json({ cubes: [{ name: 'platform_components' }] }), load: json({ data: [{ 'platform_components.count': '5' }] }) });
    const ctx = testContext({ tools: { http } });
    ensureCredentials(ctx.paths.credentials);
    const report = recordingReporter();
    await smokeStep.run(ctx, report);
    expect(report.titles).toEqual([expect.stringMatching(/^Smoke: 13 checks: 13 passed in \d+/)]);
  });

  it('asks for up when the cluster has no credentials yet', async () => {
    const ctx = testContext({ tools: { http: new FakeHttp() } });
    await expect(smokeStep.run(ctx, recordingReporter())).rejects.toThrow(/no credentials for cluster floe-dev .*: run floe-dev up/);
  });
});
