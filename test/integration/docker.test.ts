// The Docker seam and `floe-dev doctor` against the real Docker Engine (skipped, with the reason, when none answers).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, DEFAULT_NODE_IMAGE } from '../../src/config/schema.js';
import { DEFAULT_MEMORY_NEEDS, engineFlavour, evaluateMemory } from '../../src/preflight/evaluate.js';
import { nodeImageKubernetesVersion } from '../../src/preflight/versions.js';
import { preflightChecks } from '../../src/steps/preflight.js';
import { connectDocker, type DockerApi, type EngineInfo } from '../../src/tools/docker.js';

const bin = resolve(import.meta.dirname, '../../bin/floe-dev.js');
/** The fake kubectl matches the default node image's Kubernetes, so the skew check passes. */
const K8S = nodeImageKubernetesVersion(DEFAULT_NODE_IMAGE)!;
const KUBECTL = `v${K8S.major}.${K8S.minor}.${K8S.patch}`;

/** Whether a Docker Engine answers at the endpoint the docker CLI would use, and if not, why. */
async function probeDocker(): Promise<{ docker: DockerApi; info: EngineInfo } | { reason: string }> {
  try {
    const docker = await connectDocker(process.env);
    await docker.ping(AbortSignal.timeout(5_000));
    return { docker, info: await docker.info(AbortSignal.timeout(5_000)) };
  } catch (error) {
    return { reason: `no Docker Engine answered (${(error as Error).message}); .ci/run starts one` };
  }
}

const probe = await probeDocker();
const engine = 'docker' in probe ? probe : undefined;
if (!engine) console.warn(`[test/integration/docker.test.ts] real Docker tests skipped: ${'reason' in probe ? probe.reason : ''}`);

const dockerCli = (await execa('docker', ['version', '--format', '{{.Server.Version}}'], { reject: false, timeout: 10_000 }).catch(() => undefined))?.exitCode === 0;

let dir: string;
let fakeBin: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'floe-docker-it-'));
  fakeBin = join(dir, 'bin');
  mkdirSync(fakeBin);
  // kind and kubectl as tiny scripts printing what the real ones print.
  script('kind', 'echo "kind v0.30.0 go1.24.6 linux/amd64"');
  script('kubectl', `echo '${JSON.stringify({ clientVersion: { major: String(K8S.major), minor: String(K8S.minor), gitVersion: KUBECTL }, kustomizeVersion: 'v5.6.0' })}'`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): void {
  writeFileSync(join(fakeBin, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(fakeBin, name), 0o755);
}

/** Ports nobody holds right now, for the forwards (the usual 3000/8181/... may be busy on a dev machine). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<Server>((ok) => { const s = createServer(); s.listen(0, '127.0.0.1', () => ok(s)); })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  return ports;
}

/**
 * doctor's text with its wrapped lines joined again (in a pipe it wraps to 100 columns): a line indented to the
 * detail column, or to the fix's text, continues the one before; commands (indented further) stay apart.
 */
function unwrapped(text: string): string {
  const column = /^. .+? {2,}/.exec(text)?.[0].length ?? 0;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const indent = line.length - line.trimStart().length;
    const continues = out.length > 0 && line.trim() !== '' && (indent === column ? !line.trimStart().startsWith('fix: ') : indent === column + 5);
    if (continues) out[out.length - 1] += ` ${line.trim()}`;
    else out.push(line);
  }
  return out.join('\n');
}

/** The built CLI with fake kind/kubectl, state and HOME in the temp folder, and the given Docker endpoint. */
async function doctorCli(args: string[], env: Record<string, string>) {
  const [dagster, polaris, management, cube, minio] = await freePorts(5);
  const r = await execa('node', [bin, 'doctor', ...args], {
    cwd: dir,
    reject: false,
    extendEnv: false,
    timeout: 30_000,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      FLOE_DEV_HOME: join(dir, 'state'),
      FLOE_DEV_KIND: join(fakeBin, 'kind'),
      FLOE_DEV_KUBECTL: join(fakeBin, 'kubectl'),
      FLOE_DEV_FORWARD_DAGSTER: String(dagster),
      FLOE_DEV_FORWARD_POLARIS: String(polaris),
      FLOE_DEV_FORWARD_POLARIS_MANAGEMENT: String(management),
      FLOE_DEV_FORWARD_CUBE: String(cube),
      FLOE_DEV_FORWARD_MINIO: String(minio),
      ...env,
    },
  });
  return args.includes('--json') ? r : { ...r, stdout: unwrapped(r.stdout) };
}

interface JsonReport {
  ok: boolean;
  checks: { id: string; title: string; status: 'ok' | 'warn' | 'fail'; detail: string; fix?: string }[];
}
const check = (report: JsonReport, id: string) => report.checks.find((c) => c.id === id);

/** The endpoint of the engine that answered, as DOCKER_HOST (HOME is a temp folder, so no docker context applies). */
function engineEnv(): Record<string, string> {
  if (!engine) return {};
  const passthrough = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => /^DOCKER_(TLS|TLS_VERIFY|CERT_PATH)$/.test(k) && v)) as Record<string, string>;
  return { ...passthrough, DOCKER_HOST: engine.docker.endpoint.url };
}

describe.skipIf(!engine)(`real Docker Engine${engine ? ` at ${engine.docker.endpoint.url}` : ` (skipped: ${'reason' in probe ? probe.reason : ''})`}`, () => {
  // Only read inside the tests, which run only when the engine answered; the collection runs regardless.
  const e = engine as NonNullable<typeof engine>;

  it('ping answers and info has the fields doctor judges', () => {
    expect(e.info.serverVersion).toMatch(/^\d+\.\d+/);
    expect(e.info.apiVersion).toMatch(/^1\.\d+$/);
    expect(e.info.osType).toBe('linux');
    expect(['amd64', 'arm64']).toContain(e.info.architecture);
    expect(e.info.memTotalBytes).toBeGreaterThan(256 * 1024 ** 2);
    expect(e.info.cpus).toBeGreaterThanOrEqual(1);
    expect(e.info.dockerRootDir).toMatch(/^\//);
    expect(e.info.storageDriver).not.toBe('');
    expect(typeof e.info.containerdImageStore).toBe('boolean');
  });

  it.skipIf(!dockerCli)('info agrees with the docker CLI (an independent client)', async () => {
    const r = await execa('docker', ['info', '--format', '{{json .}}'], { env: engineEnv() });
    const cli = JSON.parse(r.stdout) as { NCPU: number; MemTotal: number; ServerVersion: string; DockerRootDir: string; DriverStatus: [string, string][] | null };
    expect(e.info).toMatchObject({ cpus: cli.NCPU, memTotalBytes: cli.MemTotal, serverVersion: cli.ServerVersion, dockerRootDir: cli.DockerRootDir });
    const cliSaysContainerd = (cli.DriverStatus ?? []).some(([k, v]) => k === 'driver-type' && v === 'io.containerd.snapshotter.v1');
    expect(e.info.containerdImageStore).toBe(cliSaysContainerd);
  });

  it('DOCKER_HOST picks the endpoint, and it answers', async () => {
    const docker = await connectDocker({ DOCKER_HOST: e.docker.endpoint.url, HOME: dir });
    expect(docker.endpoint.source).toEqual({ kind: 'DOCKER_HOST' });
    await docker.ping(AbortSignal.timeout(5_000));
    expect((await docker.info(AbortSignal.timeout(5_000))).serverVersion).toBe(e.info.serverVersion);
  });

  it.skipIf(engine?.docker.endpoint.protocol !== 'unix')('the current docker context in DOCKER_CONFIG picks the endpoint, and it answers', async () => {
    const config = join(dir, 'docker-config');
    const metaDir = join(config, 'contexts', 'meta', createHash('sha256').update('floe-it').digest('hex'));
    mkdirSync(metaDir, { recursive: true });
    writeFileSync(join(config, 'config.json'), JSON.stringify({ currentContext: 'floe-it' }));
    writeFileSync(join(metaDir, 'meta.json'), JSON.stringify({ Name: 'floe-it', Metadata: {}, Endpoints: { docker: { Host: e.docker.endpoint.url, SkipTLSVerify: false } } }));
    const docker = await connectDocker({ DOCKER_CONFIG: config, HOME: dir });
    expect(docker.endpoint.source).toMatchObject({ kind: 'context', name: 'floe-it', from: 'config' });
    await docker.ping(AbortSignal.timeout(5_000));
  });

  it('doctor end to end: the real engine judged, kind and kubectl found, exit code agrees with the report', async () => {
    const r = await doctorCli(['--json'], engineEnv());
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(check(report, 'docker')).toMatchObject({ status: 'ok', detail: expect.stringContaining(`at ${e.docker.endpoint.url} (from DOCKER_HOST)`) });
    expect(check(report, 'docker')?.detail).toContain(e.info.serverVersion);
    // The memory verdict must be what the pure evaluation says of this very engine.
    expect(check(report, 'memory')?.status).toBe(evaluateMemory(e.info, DEFAULT_MEMORY_NEEDS, engineFlavour(e.info)).status);
    expect(check(report, 'kind')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^v0\.30\.0/) });
    expect(check(report, 'kubectl')).toMatchObject({ status: 'ok', detail: expect.stringContaining(`${KUBECTL} (`) });
    for (const id of ['port-dagster', 'port-polaris', 'port-polaris-management', 'port-cube']) expect(check(report, id)?.status).toBe('ok');
    expect(check(report, 'disk')?.detail).toMatch(/GiB free/);
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(report.ok).toBe(failed.length === 0);
    expect(r.exitCode).toBe(failed.length === 0 ? 0 : 3);
    for (const c of failed) expect(c.fix).toBeTruthy();
  });

  it('doctor as text: one line per check, Docker first with its endpoint', async () => {
    const r = await doctorCli([], engineEnv());
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^✓ Docker +${e.info.product} .* at ${e.docker.endpoint.url.replaceAll('/', '\\/')}`));
    expect(lines.filter((l) => /^[✓!✗] /.test(l))).toHaveLength(preflightChecks(configSchema.parse({})).length);
    expect(r.stderr).toBe('');
  });
});

describe('doctor without a usable engine (no Docker needed)', () => {
  it('Docker not reachable: says where it looked, gives the fix, exits 3 at once', async () => {
    const r = await doctorCli(['--json'], { DOCKER_HOST: 'unix:///tmp/nonexistent.sock' });
    expect(r.exitCode).toBe(3);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.ok).toBe(false);
    expect(check(report, 'docker')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('no answer from Docker at unix:///tmp/nonexistent.sock (from DOCKER_HOST)'),
      fix: expect.stringContaining('unset DOCKER_HOST'),
    });
    expect(check(report, 'memory')).toMatchObject({ status: 'fail', detail: 'not checked: Docker is not reachable' });
    // At once: the connection error itself is the finding, not the Docker timeout running out.
    expect(check(report, 'docker')?.detail).toMatch(/ENOENT/);
    expect(check(report, 'docker')?.detail).not.toMatch(/did not reply in time/);
  });

  it('an engine that accepts connections but never answers is given up on within the Docker timeout', async () => {
    const socket = join(dir, 'silent.sock');
    const held: Socket[] = [];
    const silent = createServer((s) => held.push(s));
    await new Promise<void>((ok) => silent.listen(socket, ok));
    try {
      // The engine never answers: that doctor ends at all, saying it did not reply in time, is the timeout at work.
      const r = await doctorCli([], { DOCKER_HOST: `unix://${socket}` });
      expect(r.exitCode).toBe(3);
      expect(r.stdout).toMatch(/✗ Docker +no answer from Docker at unix:\/\/.*silent\.sock \(from DOCKER_HOST\): it did not reply in time/);
    } finally {
      held.forEach((s) => s.destroy());
      await new Promise((ok) => silent.close(ok));
    }
  });

  it('a bad DOCKER_HOST is a failed Docker check with the fix, not a crash', async () => {
    const r = await doctorCli([], { DOCKER_HOST: 'fd://' });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/✗ Docker +the Docker endpoint "fd:\/\/" \(DOCKER_HOST\) uses fd:\/\/ which floe-dev cannot talk to\n +fix: use unix:\/\//);
  });

  it.skipIf(process.platform !== 'linux')('a forward port held by another process names it (here: this test runner)', async () => {
    const holder = createServer();
    await new Promise<void>((ok) => holder.listen(0, '127.0.0.1', ok));
    const port = (holder.address() as { port: number }).port;
    try {
      const r = await doctorCli(['--json'], { DOCKER_HOST: 'unix:///tmp/nonexistent.sock', FLOE_DEV_FORWARD_CUBE: String(port) });
      const report = JSON.parse(r.stdout) as JsonReport;
      expect(check(report, 'port-cube')).toMatchObject({
        status: 'fail',
        title: `Port ${port} (Cube)`,
        detail: expect.stringContaining(`(pid ${process.pid}`),
        fix: expect.stringContaining(`stop ${check(report, 'port-cube')?.detail.match(/in use by (\S+)/)?.[1]} (pid ${process.pid}), or choose another port: forwards.cube:`),
      });
      expect(check(report, 'port-cube')?.fix).toContain('FLOE_DEV_FORWARD_CUBE=');
    } finally {
      await new Promise((ok) => holder.close(ok));
    }
  });
});
