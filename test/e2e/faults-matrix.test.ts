// The fault matrix (issue 12): every fault mode the fakes offer × the step of `up` it hits. Each scenario runs the
// built CLI against the simulated toolchain and must end either in success after a bounded number of retries
// (counted from the fakes' call log, never from time) or in a failure that names the step or service, the reason and
// a fix; either way with no process of ours left (by pid), the lock released and the user's kubeconfig untouched.
// After the suite the matrix is printed as a table (scenario | outcome | time) and written to matrix.md in a
// temporary folder. `npm run test:faults` runs this file alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../../fixtures/lib/common.js';
import { cliBuilt, createHarness, dockerAvailable, dockerBin, NO_DOCKER_REASON, parentOf, processesWithMarker, waitFor, type Call, type Harness, type RunResult, type Spawned } from './harness.js';
import { FAST, world, type World } from './world.js';

const skip = !cliBuilt || !dockerAvailable;
if (skip) console.warn(`[e2e] faults-matrix.test.ts skipped: ${!cliBuilt ? 'dist/main.js is missing (npm run build)' : NO_DOCKER_REASON}`);

const USER_KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\ncurrent-context: my-work-cluster\nusers: []\n# the user’s own file\n';

type Component = 'storage' | 'catalog' | 'observability' | 'orchestrator' | 'semantic';

interface Ctx {
  h: Harness;
  w: World;
  /** Extra environment for the run under test. */
  env: Record<string, string>;
  /** Things to undo after the run (a port held by the test). */
  after: (() => void | Promise<void>)[];
}

interface Expectation {
  exit: 0 | 1;
  /** exit 0: how many retries the fakes saw (from their call log), and at most how many are allowed. */
  retries?: { count: (calls: Call[]) => number; min: number; max: number; what: string };
  /** exit 1: the step or service, and the reason, each somewhere in stderr. */
  names?: RegExp;
  reason?: RegExp;
  /** Anything else the output must show. */
  shows?: RegExp[];
}

interface Case {
  scenario: string;
  step: 'cluster' | 'images' | 'install' | 'readiness' | 'bootstrap' | 'forwards' | 'state';
  components: Component[];
  smoke?: boolean;
  faults?: Scenario;
  env?: Record<string, string>;
  /** Before the run under test (an earlier up, a file placed in the state folder). */
  prepare?: (c: Ctx) => Promise<void> | void;
  /** While the run under test is going. */
  during?: (c: Ctx, run: Spawned) => Promise<void>;
  expect: Expectation;
  /** After the checks every case gets (e.g. that the fix it printed works). */
  check?: (c: Ctx, r: RunResult) => void | Promise<void>;
}

const failedCalls = (tool: 'kind' | 'kubectl', sub?: string) => (calls: Call[]) =>
  // 143: a short-lived port-forward floe-dev stopped itself (SIGTERM), not a failure.
  calls.filter((c) => c.tool === tool && c.exitCode !== 0 && c.exitCode !== 143 && (!sub || c.argv.includes(sub))).length;
/** FAST, quicker still: the matrix runs two dozen ups. */
const QUICK: Scenario = {
  ...FAST,
  kind: { createLatencyMs: 50, loadLatencyMs: 5 },
  defaults: { readyAfterMs: 60 },
  services: { polaris: { readyAfterMs: 150 }, 'dagster-webserver': { readyAfterMs: 120 }, cube: { readyAfterMs: 120 } },
};
const withServices = (services: NonNullable<Scenario['services']>): Scenario => ({ services: { ...QUICK.services, ...services } });
const clusterDir = (c: Ctx) => join(c.h.floeHome, 'clusters', c.w.cluster);

/** An earlier `up` of the same components, so the run under test meets an existing cluster. */
const upFirst = (components: Component[]) => async (c: Ctx) => {
  const r = await c.w.floeDev(['up', ...components.flatMap((x) => ['--component', x]), '--skip-smoke']);
  if (r.exitCode !== 0) throw new Error(`the first up failed (${r.exitCode}):\n${r.stderr}`);
};

function docker(args: string[]): void {
  const r = spawnSync(dockerBin!, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
}

function listen(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** The matrix: data. `names` is the step or service the message must name, `reason` why it failed. */
const CASES: Case[] = [
  // --- cluster: kind create, the node container, the API server
  {
    scenario: 'kind create fails once (kubeadm init)',
    step: 'cluster',
    components: ['storage'],
    faults: { kind: { createLatencyMs: 50, loadLatencyMs: 5, createFailures: 1 } },
    expect: { exit: 0, retries: { count: failedCalls('kind', 'create'), min: 1, max: 1, what: 'kind create retried' }, shows: [/retrying in 2s/] },
  },
  {
    scenario: 'kind create fails every time',
    step: 'cluster',
    components: ['storage'],
    faults: { kind: { createLatencyMs: 50, loadLatencyMs: 5, createFailures: 99 } },
    expect: { exit: 1, names: /cluster: creating kind cluster "e2e-\w+" failed after 3 attempts/, reason: /could not initialize a Kubernetes cluster/ },
    // Nothing half-made: each failed create was deleted.
    check: (c) => expect(c.h.state.clusters()).toEqual([]),
  },
  {
    scenario: 'node container removed (docker rm)',
    step: 'cluster',
    components: ['storage'],
    prepare: async (c) => {
      await upFirst(['storage'])(c);
      docker(['rm', '-f', `${c.w.cluster}-control-plane`]);
    },
    expect: { exit: 0, retries: { count: (calls) => calls.filter((x) => x.tool === 'kind' && x.argv[0] === 'create').length, min: 1, max: 1, what: 'cluster created again' }, shows: [/is gone \(kind lists no node container for it\): creating it again/] },
  },
  {
    scenario: 'node container stopped',
    step: 'cluster',
    components: ['storage'],
    prepare: async (c) => {
      await upFirst(['storage'])(c);
      docker(['kill', `${c.w.cluster}-control-plane`]);
    },
    expect: { exit: 1, names: /cluster: cluster "e2e-\w+" exists but its API server does not answer/, reason: /Container \w+ is not running/, shows: [/try: start its node \(docker start e2e-\w+-control-plane\)/] },
    // The fix it printed works.
    check: async (c) => {
      docker(['start', `${c.w.cluster}-control-plane`]);
      expect((await c.w.floeDev(['up', '--component', 'storage', '--skip-smoke'])).exitCode).toBe(0);
    },
  },
  {
    scenario: 'API server refuses the first 2 calls',
    step: 'cluster',
    components: ['storage'],
    faults: { api: { refusals: 2 } },
    expect: { exit: 0, retries: { count: failedCalls('kubectl', 'version'), min: 2, max: 2, what: 'kubectl version retried' } },
  },
  {
    scenario: 'API server refuses every call',
    step: 'cluster',
    components: ['storage'],
    faults: { api: { down: true } },
    expect: { exit: 1, names: /cluster: kind created cluster "e2e-\w+", but its API server does not answer/, reason: /was refused - did you specify the right host or port\?/, shows: [/try: see why in the node's log \(docker logs e2e-\w+-control-plane\)/] },
    check: (c) => expect(failedCalls('kubectl', 'version')(c.h.state.calls())).toBe(4),
  },
  {
    scenario: 'API server slow (150 ms a call)',
    step: 'cluster',
    components: ['storage'],
    faults: { apiLatencyMs: 150 },
    expect: { exit: 0, retries: { count: failedCalls('kubectl', 'version'), min: 0, max: 0, what: 'no retries needed' } },
  },
  // --- images
  {
    scenario: 'image missing on the host, pull fails',
    step: 'images',
    components: ['storage'],
    prepare: (c) => writeFileSync(join(c.h.dir, 'floe-dev.yaml'), 'services:\n  minio:\n    image: quay.io/floe-e2e/absent:1\n'),
    expect: { exit: 1, names: /images: could not pull 1 image:\s+quay\.io\/floe-e2e\/absent:1/, reason: /no such host|no network to the registry/ },
  },
  {
    scenario: 'registry offline, images not side-loaded (ErrImagePull)',
    step: 'readiness',
    components: ['storage'],
    faults: { registry: 'offline' },
    env: { FLOE_DEV_IMAGES_LOAD: 'false' },
    expect: { exit: 1, names: /MinIO \(minio\)|minio/, reason: /failed: (ErrImagePull|ImagePullBackOff)/ },
  },
  // --- readiness: each pod fault fails fast (ten minutes to get ready: ending at all, with the fault as the
  // reason and not "not ready after", is what shows it failed fast)
  ...podFault('CrashLoopBackOff', 'catalog', { polaris: { fault: 'CrashLoopBackOff', logs: ['polaris: starting', 'polaris: FATAL cannot reach catalog-db'] } }, /Apache Polaris \(polaris\)|polaris/, /CrashLoopBackOff[\s\S]*FATAL cannot reach catalog-db/),
  ...podFault('OOMKilled', 'storage', { minio: { fault: 'OOMKilled' } }, /minio/, /OOMKilled/),
  ...podFault('ErrImagePull', 'observability', { prometheus: { fault: 'ErrImagePull' } }, /prometheus/, /ErrImagePull[\s\S]*quay\.io\/prometheus\/prometheus/),
  ...podFault('ImagePullBackOff', 'observability', { grafana: { fault: 'ImagePullBackOff' } }, /grafana/, /(ImagePullBackOff|ErrImagePull)[\s\S]*grafana\/grafana/),
  ...podFault('CreateContainerConfigError', 'observability', { 'otel-collector': { fault: 'CreateContainerConfigError' } }, /otel-collector/, /CreateContainerConfigError[\s\S]*secret "missing-credentials" not found/),
  ...podFault('Unschedulable', 'catalog', { 'catalog-db': { fault: 'Unschedulable' } }, /catalog-db/, /Insufficient memory[\s\S]*the node has \S+ allocatable memory[\s\S]*this pod asks \S+ more/),
  ...podFault('BackoffLimitExceeded', 'catalog', { 'polaris-bootstrap': { fault: 'BackoffLimitExceeded' } }, /polaris-bootstrap/, /BackoffLimitExceeded[\s\S]*error: exit status 1/),
  {
    scenario: 'pod fault NeverReady (times out)',
    step: 'readiness',
    components: ['storage'],
    faults: withServices({ minio: { fault: 'NeverReady' } }),
    env: { FLOE_DEV_READY_TIMEOUT: '2s' },
    expect: { exit: 1, names: /MinIO \(minio\) is not ready after 2s/, reason: /running, not ready yet[\s\S]*Readiness probe failed/, shows: [/timeouts\.ready/] },
  },
  {
    scenario: 'pod fault NoEffect (bucket Job does nothing)',
    step: 'bootstrap',
    components: ['storage'],
    faults: withServices({ 'minio-bucket': { fault: 'NoEffect' } }),
    // The Job "succeeded" without making the bucket: the bootstrap finds it missing and makes it (no retry needed).
    expect: { exit: 0, retries: { count: failedCalls('kubectl'), min: 0, max: 0, what: 'the bootstrap made the missing bucket' }, shows: [/Warehouse bucket: s3:\/\/warehouse created/] },
  },
  // --- forwards
  {
    // Each new kubectl takes a second to listen: longer than the smoke checks' retries, so they must wait for
    // the forward the supervisor is bringing back rather than fail on it.
    scenario: 'forward drops every 4 requests, 1 s to come back (smoke on)',
    step: 'forwards',
    components: ['catalog'],
    smoke: true,
    faults: { forwards: { polaris: { dropAfterRequests: 4, startLatencyMs: 1_000 } } },
    expect: {
      exit: 0,
      retries: { count: (calls) => calls.filter((x) => x.argv.includes('port-forward') && x.argv.some((a) => /^(svc|service)\/polaris$/.test(a)) && x.exitCode === 1).length, min: 1, max: 30, what: 'polaris forwards restarted' },
    },
  },
  {
    scenario: 'forward port taken after preflight',
    step: 'forwards',
    components: ['storage'],
    during: async (c, run) => {
      await run.waitForOutput(/❯ Images/, 40_000);
      const server = await listen(c.w.ports.minio);
      c.after.push(() => new Promise<void>((r) => server.close(() => r())));
    },
    expect: { exit: 1, names: /forwards: cannot forward minio \(service\/minio:9000\)/, reason: new RegExp(`port \\d+ on 127\\.0\\.0\\.1: .*in use by node \\(pid ${process.pid}`) },
  },
  {
    scenario: 'forward port taken after preflight, nextFreePort on',
    step: 'forwards',
    components: ['storage'],
    env: { FLOE_DEV_FORWARD_NEXT_FREE_PORT: 'true' },
    during: async (c, run) => {
      await run.waitForOutput(/❯ Images/, 40_000);
      const server = await listen(c.w.ports.minio);
      c.after.push(() => new Promise<void>((r) => server.close(() => r())));
    },
    expect: { exit: 0, retries: { count: () => 0, min: 0, max: 0, what: 'moved to the next free port' }, shows: [/forwards\.minio: \d+ is in use by node \(pid \d+.*; using \d+/] },
  },
  // --- state
  {
    scenario: 'state folder deleted mid-run',
    step: 'state',
    components: ['storage'],
    faults: withServices({ minio: { hold: true } }),
    during: async (c, run) => {
      await run.waitForOutput(/MinIO \(minio\): StatefulSet 0\/1 ready/, 40_000);
      rmSync(clusterDir(c), { recursive: true, force: true });
      c.h.writeScenario({ ...QUICK }); // let go of the hold
    },
    expect: { exit: 1, names: /platform services failed: the state folder \S+ was removed while up ran/, reason: /kubeconfig/, shows: [/try: .*floe-dev up --recreate/] },
    check: async (c, r) => {
      // Without its record the cluster is not floe-dev's to reuse; the fix it printed starts afresh.
      expect(r.stderr).not.toMatch(/unexpected problem/);
      expect((await c.w.floeDev(['up', '--component', 'storage', '--skip-smoke', '--recreate'])).exitCode).toBe(0);
    },
  },
  {
    scenario: 'disk full writing the kind config',
    step: 'state',
    components: ['storage'],
    prepare: (c) => {
      mkdirSync(clusterDir(c), { recursive: true });
      symlinkSync('/dev/full', join(clusterDir(c), 'kind-config.yaml'));
    },
    expect: { exit: 1, names: /cluster failed: could not write \S+\/kind-config\.yaml: no space left/, reason: /no space left on the device/, shows: [/try: free some space on the disk that holds \S+ \(df -h \S+\)/] },
  },
  {
    scenario: 'disk full writing the forwards plan',
    step: 'state',
    components: ['storage'],
    prepare: (c) => {
      mkdirSync(clusterDir(c), { recursive: true });
      symlinkSync('/dev/full', join(clusterDir(c), 'forwards-plan.json'));
    },
    expect: { exit: 1, names: /forwards failed: could not write \S+\/forwards-plan\.json: no space left/, reason: /no space left on the device/, shows: [/try: free some space/] },
  },
];

function podFault(fault: string, component: Component, services: NonNullable<Scenario['services']>, names: RegExp, reason: RegExp): Case[] {
  return [
    {
      scenario: `pod fault ${fault}`,
      step: fault === 'BackoffLimitExceeded' ? 'bootstrap' : 'readiness',
      components: [component],
      faults: withServices(services),
      env: { FLOE_DEV_READY_TIMEOUT: '10m' },
      expect: { exit: 1, names, reason, shows: [new RegExp(`failed: ${fault === 'ImagePullBackOff' ? '(ImagePullBackOff|ErrImagePull)' : fault}`), /recent events:/] },
      check: (c, r) => {
        expect(r.stderr).not.toMatch(/not ready after/);
        expect(c.h.state.calls('kubectl').some((x) => x.argv.includes('events') || x.argv.includes('logs'))).toBe(true);
        // The same diagnosis is in the run's log.
        const log = /\(the run's log: (.+)\)/.exec(r.stderr)?.[1];
        expect(log && readFileSync(log, 'utf8')).toMatch(reason);
      },
    },
  ];
}

/** One row of the printed matrix. */
interface Row {
  scenario: string;
  step: string;
  outcome: string;
  seconds: string;
}
const rows: Row[] = [];

/** At most this many scenarios run at once (two cores; each up is a few dozen short processes). */
const SLOTS = 4;
let free = SLOTS;
const queue: (() => void)[] = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (free === 0) await new Promise<void>((r) => queue.push(r));
  else free -= 1;
  try {
    return await fn();
  } finally {
    const next = queue.shift();
    if (next) next();
    else free += 1;
  }
}

/**
 * Processes carrying this test's state folder that the run left behind, besides the forward supervisor `up`
 * leaves running on purpose (recorded in forwards.json) and its kubectl children, and besides what was already
 * running before the run (an earlier up's supervisor and the forwards it restarts).
 */
async function leftBehind(c: Ctx, before: ReadonlySet<number>): Promise<number[]> {
  const marker = `FAKE_TOOLS_STATE=${c.h.stateDir}`;
  const recorded = (): number | undefined => {
    try {
      return (JSON.parse(readFileSync(join(clusterDir(c), 'forwards.json'), 'utf8')) as { pid?: number }).pid;
    } catch {
      return undefined;
    }
  };
  const fresh = () => {
    const supervisor = recorded();
    const kept = (pid: number) => before.has(pid) || before.has(parentOf(pid)) || pid === supervisor || parentOf(pid) === supervisor;
    return processesWithMarker(marker).filter((pid) => !kept(pid));
  };
  await waitFor(() => fresh().length === 0, 5_000, 'processes of ours to end').catch(() => undefined);
  return fresh();
}

async function runCase(k: Case): Promise<void> {
  const h = createHarness();
  const c: Ctx = { h, w: undefined as unknown as World, env: { ...(k.env ?? {}) }, after: [] };
  try {
    c.w = await world(h, { ...QUICK, ...k.faults });
    // A forward that drops reaches the smoke only when it is on; everything else skips the smoke checks.
    mkdirSync(join(h.home, '.kube'), { recursive: true });
    writeFileSync(join(h.home, '.kube', 'config'), USER_KUBECONFIG);
    if (k.prepare) {
      // An earlier up runs without the faults of the run under test.
      if (k.faults) h.writeScenario({ ...QUICK });
      await k.prepare(c);
      if (k.faults) h.writeScenario({ ...QUICK, ...k.faults });
    }
    const callsBefore = h.state.calls().length;
    const before = new Set(processesWithMarker(`FAKE_TOOLS_STATE=${h.stateDir}`));
    const args = ['up', ...k.components.flatMap((x) => ['--component', x]), ...(k.smoke ? [] : ['--skip-smoke'])];
    const run = c.w.spawnFloeDev(args, { env: c.env, timeoutMs: 240_000 });
    if (k.during) await k.during(c, run);
    const r = await run.result;
    for (const undo of c.after) await undo();
    const calls = h.state.calls().slice(callsBefore);
    const firstError = /^error: (.*)$/m.exec(r.stderr)?.[1] ?? '';
    const retries = k.expect.retries?.count(calls);
    rows.push({
      scenario: k.scenario,
      step: k.step,
      outcome: r.exitCode === 0 ? `ok${retries ? ` after ${retries} retr${retries === 1 ? 'y' : 'ies'}` : ''} (${k.expect.retries?.what ?? 'no fault'})` : `exit ${r.exitCode}: ${firstError.length > 110 ? `${firstError.slice(0, 107)}...` : firstError}`,
      seconds: (r.durationMs / 1000).toFixed(1),
    });

    const label = `${k.scenario}: exit code\n${r.stderr}`;
    expect(r.exitCode, label).toBe(k.expect.exit);
    if (k.expect.exit === 0) {
      expect(r.stderr).not.toMatch(/^error: /m);
      const bound = k.expect.retries!;
      expect(retries, `${k.scenario}: ${bound.what}`).toBeGreaterThanOrEqual(bound.min);
      expect(retries, `${k.scenario}: ${bound.what}`).toBeLessThanOrEqual(bound.max);
    } else {
      // One explanation: the step or service, the reason, and a fix on a `try:` line. Never a stack or a bug report.
      expect(r.stderr).toMatch(k.expect.names!);
      expect(r.stderr).toMatch(k.expect.reason!);
      expect(r.stderr).toMatch(/\n {2}try: \S/);
      expect(r.stderr).not.toMatch(/unexpected problem|please report it|\n\s+at .*\.js:\d+/);
    }
    for (const pattern of k.expect.shows ?? []) expect(r.stderr).toMatch(pattern);

    // Nothing half-running, the lock released, the user's kubeconfig byte-identical.
    expect(await leftBehind(c, before), `${k.scenario}: processes left running`).toEqual([]);
    expect(existsSync(`${clusterDir(c)}.lock`), `${k.scenario}: lock released`).toBe(false);
    expect(readFileSync(join(h.home, '.kube', 'config'), 'utf8')).toBe(USER_KUBECONFIG);
    await k.check?.(c, r);
  } finally {
    for (const undo of c.after) await undo();
    await h.cleanup();
  }
}

describe.skipIf(skip)('fault matrix', () => {
  afterAll(() => {
    if (!rows.length) return;
    const order = new Map(CASES.map((k, i) => [k.scenario, i]));
    rows.sort((a, b) => (order.get(a.scenario) ?? 0) - (order.get(b.scenario) ?? 0));
    const head = ['scenario', 'step', 'outcome', 'time'];
    const body = rows.map((r) => [r.scenario, r.step, r.outcome, `${r.seconds} s`]);
    const widths = head.map((_, i) => Math.max(head[i]!.length, ...body.map((b) => b[i]!.length)));
    const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
    const table = [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'floe-faults-'));
    const file = join(dir, 'matrix.md');
    writeFileSync(file, `# floe-dev fault matrix\n\n${table}\n`);
    console.log(`\nfloe-dev fault matrix (${rows.length} scenarios; also in ${file}):\n${table}\n`);
  });

  it.concurrent.each(CASES.map((k) => [k.scenario, k] as const))('%s', async (_name, k) => slot(() => runCase(k)), 300_000);
});
