// doctor / runPreflight in process with a fake engine, the recording fake runner and a fake OS.
import { describe, expect, it } from 'vitest';
import { doctor } from '../../../src/cli/doctor.js';
import { ExitCode, PrerequisiteError, ReportedFailure } from '../../../src/errors.js';
import { DEFAULT_NODE_IMAGE } from '../../../src/config/schema.js';
import { GiB } from '../../../src/preflight/evaluate.js';
import { nodeImageKubernetesVersion } from '../../../src/preflight/versions.js';
import type { PortHolder } from '../../../src/preflight/ports.js';
import {
  kindCheck,
  preflightChecks,
  preflightStep,
  runPreflight,
  type PreflightCheck,
  type PreflightOptions,
  type PreflightSystem,
} from '../../../src/steps/preflight.js';
import { recordingReporter } from '../../helpers/reporter.js';
import type { DockerEndpoint } from '../../../src/tools/docker-endpoint.js';
import { testContext, type TestContextOptions } from '../../helpers/context.js';
import { FakeDocker, connectError, engineInfo, type FakeEngine } from '../../helpers/fake-docker.js';
import { FakeRunner } from '../../helpers/fake-runner.js';

const KIND_OK = 'kind v0.30.0 go1.24.6 darwin/arm64\n';
/** A kubectl matching the default node image's Kubernetes minor, so the skew check passes whatever the default. */
const NODE_K8S = nodeImageKubernetesVersion(DEFAULT_NODE_IMAGE)!;
const KUBECTL_OK = `v${NODE_K8S.major}.${NODE_K8S.minor}.1`;
const kubectlJson = (git: string) => JSON.stringify({ clientVersion: { major: '1', minor: git.split('.')[1], gitVersion: git }, kustomizeVersion: 'v5.5.0' });

/** A laptop where every port is free and disks are roomy, unless the test says otherwise. */
function fakeSystem(over: Partial<PreflightSystem> = {}): PreflightSystem & { measured: string[] } {
  const measured: string[] = [];
  return {
    platform: 'darwin',
    arch: 'arm64',
    hostname: 'laptop',
    tmpdir: '/tmp',
    tryBind: async () => ({ outcome: 'free' }),
    nextFreePort: async (p) => p + 1,
    findPortHolder: async () => undefined,
    forwardSupervisor: () => undefined,
    diskSpace: async (path) => {
      measured.push(path);
      return { measured: path, freeBytes: 100 * GiB, device: 1 };
    },
    measured,
    ...over,
  };
}

function toolsRunner(kind: string | 'missing' = KIND_OK, kubectl = kubectlJson(KUBECTL_OK)): FakeRunner {
  const runner = new FakeRunner();
  if (kind === 'missing') runner.expect(['kind', 'version']).notFound();
  else runner.expect(['kind', 'version']).respond({ stdout: kind });
  runner.expect(['kubectl', 'version', '--client', '-o', 'json']).respond({ stdout: kubectl });
  return runner;
}

interface Setup {
  engine?: FakeEngine;
  endpoint?: DockerEndpoint;
  runner?: FakeRunner;
  system?: PreflightSystem;
  context?: TestContextOptions;
  options?: PreflightOptions;
}

/** Runs doctor; returns what it printed and the exit code the single exit point would use. */
async function runDoctor(setup: Setup = {}) {
  const docker = new FakeDocker(setup.engine, setup.endpoint);
  const runner = setup.runner ?? toolsRunner();
  const ctx = testContext({ ...setup.context, tools: { runner, docker, ...setup.context?.tools } });
  let out = '';
  let exitCode: number = ExitCode.ok;
  try {
    await doctor(ctx, (t) => (out += t), { system: setup.system ?? fakeSystem(), ...setup.options });
  } catch (error) {
    if (!(error instanceof ReportedFailure)) throw error;
    exitCode = error.exitCode;
  }
  return { out, exitCode, docker, runner, ctx, line: (title: string) => out.split('\n').find((l) => l.slice(2).startsWith(title)) ?? '' };
}

describe('doctor with a fake engine', () => {
  it('a healthy laptop: every check passes, exit 0, the engine asked once for all its checks', async () => {
    // A 12 GB Docker VM: the platform's limits (up to 8 GiB) plus kind fit, so Memory is not a warning.
    const r = await runDoctor({ engine: { state: 'up', info: engineInfo({ memTotalBytes: 11.67 * GiB }) } });
    expect(r.exitCode).toBe(0);
    expect(r.out).not.toMatch(/[!✗] /);
    for (const title of ['Docker', 'Memory', 'CPUs', 'Image store', 'Architecture', 'kind', 'kubectl', 'Port 3000 (Dagster)', 'Port 8181 (Polaris API)', 'Port 8182 (Polaris management)', 'Port 4000 (Cube)', 'Disk']) {
      expect(r.line(title)).toMatch(/^✓ /);
    }
    expect(r.line('Docker')).toContain('at unix:///var/run/docker.sock (default socket)');
    expect(r.out).toMatch(/All prerequisites are met\.\n$/);
    expect(r.docker.calls).toEqual(['ping', 'info']);
    r.runner.verify();
  });

  it('memory too small: Memory fails with the Docker Desktop fix, exit 3', async () => {
    const r = await runDoctor({ engine: { state: 'up', info: engineInfo({ memTotalBytes: 1.94 * GiB }) } });
    expect(r.exitCode).toBe(ExitCode.prerequisite);
    // The fake laptop is arm64: Cube's cache runs in memory there, so Cube Store's limit is not counted.
    expect(r.line('Memory')).toMatch(/^✗ Memory +1\.9 GiB for Docker; the platform needs 8.3 GiB \(7.3 GiB limits \+ 1 GiB for kind\)/);
    expect(r.out).toMatch(/✗ Memory .*\n +fix: Docker Desktop → Settings → Resources: Memory ≥ 9 GB/);
    expect(r.line('Docker')).toMatch(/^✓/);
  });

  it('memory between requests and limits: a warning, exit 0', async () => {
    const r = await runDoctor({ engine: { state: 'up', info: engineInfo({ memTotalBytes: 5 * GiB }) } });
    expect(r.exitCode).toBe(0);
    expect(r.line('Memory')).toMatch(/^! Memory .*may be OOM-killed/);
    expect(r.out).toMatch(/Ready, with 1 warning\./);
  });

  it('Docker not reachable: Docker fails with where it looked and the fix; its dependants say why they were not checked; exit 3', async () => {
    const r = await runDoctor({ engine: { state: 'unreachable', error: connectError('ENOENT') } });
    expect(r.exitCode).toBe(ExitCode.prerequisite);
    expect(r.line('Docker')).toBe('✗ Docker                          no answer from Docker at unix:///var/run/docker.sock (default socket): connect ENOENT /var/run/docker.sock');
    expect(r.out).toMatch(/✗ Docker .*\n +fix: start Docker \(Docker Desktop, OrbStack, Rancher Desktop, or `colima start`\)/);
    for (const title of ['Memory', 'CPUs', 'Image store']) expect(r.line(title)).toMatch(/✗ \S+( store)? +not checked: Docker is not reachable/);
    expect(r.line('kind')).toMatch(/^✓/);
    expect(r.docker.calls).toEqual(['ping']);
  });

  it('a Docker that never answers is given up on after the Docker timeout', async () => {
    // The fake engine never answers: that doctor returns at all, saying so, shows the timeout gave up on it.
    const r = await runDoctor({ engine: { state: 'hanging' }, options: { dockerTimeoutMs: 100 } });
    expect(r.exitCode).toBe(ExitCode.prerequisite);
    expect(r.line('Docker')).toMatch(/did not reply in time/);
  });

  it('an unusable docker context is the Docker finding, with its hint as the fix', async () => {
    const ctx = { tools: { docker: () => Promise.reject(new PrerequisiteError('the docker context "colima" (DOCKER_CONTEXT) does not exist', { hint: 'unset DOCKER_CONTEXT' })) } };
    const r = await runDoctor({ context: ctx });
    expect(r.exitCode).toBe(ExitCode.prerequisite);
    expect(r.out).toMatch(/✗ Docker +the docker context "colima" \(DOCKER_CONTEXT\) does not exist\n +fix: unset DOCKER_CONTEXT/);
  });

  it('kind missing and kubectl too old: both fail with install fixes; the commands run were exactly these', async () => {
    const runner = toolsRunner('missing', kubectlJson('v1.27.3'));
    const r = await runDoctor({ runner });
    expect(r.exitCode).toBe(ExitCode.prerequisite);
    // The install command stands on a line of its own, so that it can be copied as it is.
    expect(r.out).toMatch(/✗ kind +not found \(looked for `kind` on PATH\)\n +fix: install kind v0\.30\.0 \(https:\/\/kind\.sigs\.k8s\.io\S+\), or set FLOE_DEV_KIND to its path:\n +brew install kind\n/);
    const k8s = NODE_K8S;
    expect(r.out).toMatch(/✗ kubectl +v1\.27\.3 is too old: floe-dev needs kubectl ≥ v1\.28\n +fix: install kubectl v(\d+\.\d+\.\d+) \(.*\n +brew install kubectl\n/);
    expect(r.out).toContain(`install kubectl v${k8s.major}.${k8s.minor}.${k8s.patch} (`);
    expect(runner.calls.map((c) => c.argv)).toEqual([
      ['kind', 'version'],
      ['kubectl', 'version', '--client', '-o', 'json'],
    ]);
    runner.verify();
  });

  it('runs FLOE_DEV_KIND / FLOE_DEV_KUBECTL executables as configured', async () => {
    const runner = new FakeRunner();
    runner.expect(['/opt/bin/kind', 'version']).respond({ stdout: KIND_OK });
    runner.expect(['/opt/bin/kubectl', 'version']).respond({ stdout: kubectlJson(KUBECTL_OK) });
    const r = await runDoctor({ runner, context: { tools: { kindPath: '/opt/bin/kind', kubectlPath: '/opt/bin/kubectl' } } });
    expect(r.line('kind')).toContain('(/opt/bin/kind)');
    runner.verify();
  });

  it('--json gives {ok, checks} with the same findings', async () => {
    const docker = new FakeDocker({ state: 'up', info: engineInfo({ cpus: 2 }) });
    const ctx = testContext({ tools: { runner: toolsRunner('missing'), docker } });
    ctx.output = 'json';
    let out = '';
    await expect(doctor(ctx, (t) => (out += t), { system: fakeSystem() })).rejects.toMatchObject({ exitCode: 3 });
    const parsed = JSON.parse(out) as { ok: boolean; checks: { id: string; status: string; fix?: string }[] };
    expect(parsed.ok).toBe(false);
    expect(parsed.checks.map((c) => c.id)).toEqual([
      'docker',
      'memory',
      'cpus',
      'image-store',
      'architecture',
      'kind',
      'kubectl',
      'port-dagster',
      'port-polaris',
      'port-polaris-management',
      'port-cube',
      'port-minio',
      'disk',
    ]);
    expect(parsed.checks.find((c) => c.id === 'cpus')).toMatchObject({ status: 'warn', fix: expect.any(String) });
    expect(parsed.checks.find((c) => c.id === 'kind')).toMatchObject({ status: 'fail', fix: expect.stringContaining('brew install kind') });
  });

  it('a busy forward port names its holder; one held by floe-dev\'s own supervisor is fine', async () => {
    const holders: Record<number, PortHolder> = {
      3000: { pid: 4242, ppid: 1, command: 'node', commandLine: 'node server.js' },
      8181: { pid: 9001, ppid: 9000, command: 'kubectl' },
    };
    const system = fakeSystem({
      tryBind: async (port) => ({ outcome: port in holders ? 'busy' : 'free' }),
      findPortHolder: async (port) => holders[port],
      forwardSupervisor: () => ({ pid: 9000, ports: [8181, 8182, 4000, 3000] }),
    });
    const r = await runDoctor({ system, context: { config: { forwards: { dagster: 3000 } } } });
    expect(r.exitCode).toBe(ExitCode.prerequisite);
    expect(r.out).toMatch(/✗ Port 3000 \(Dagster\) +in use by node \(pid 4242: node server\.js\)\n +fix: stop node \(pid 4242\), or choose another port: forwards\.dagster: 3001/);
    expect(r.line('Port 8181')).toMatch(/^✓ .*floe-dev's own port-forward \(supervisor pid 9000\)/);
  });

  it('follows the configured forward ports', async () => {
    const r = await runDoctor({ context: { config: { forwards: { dagster: 13000, cube: 14000 } } } });
    expect(r.line('Port 13000 (Dagster)')).toMatch(/^✓/);
    expect(r.line('Port 14000 (Cube)')).toMatch(/^✓/);
  });

  it('a local engine on Linux: Docker data is measured at DockerRootDir, with the state folder', async () => {
    const system = fakeSystem({ platform: 'linux', hostname: 'vm' });
    const r = await runDoctor({ system, engine: { state: 'up', info: engineInfo({ name: 'vm', operatingSystem: 'Debian GNU/Linux 12', dockerRootDir: '/var/lib/docker' }) } });
    expect((system as ReturnType<typeof fakeSystem>).measured).toEqual(['/var/lib/docker', '/tmp', r.ctx.paths.dir]);
    expect(r.line('Disk')).toMatch(/^✓ Disk +100 GiB free for Docker data \/var\/lib\/docker, image archive \/tmp, state /);
  });

  it('an engine in a VM (Docker Desktop): its disk is not measured here, and the report says so', async () => {
    const system = fakeSystem();
    const r = await runDoctor({ system });
    expect((system as ReturnType<typeof fakeSystem>).measured).not.toContain('/var/lib/docker');
    expect(r.line('Disk')).toMatch(/Docker data is on the engine's own machine \(Docker Desktop\), not measured here/);
  });

  it('too little disk for the images fails', async () => {
    const system = fakeSystem({ platform: 'linux', hostname: 'vm', diskSpace: async (p) => ({ measured: p, freeBytes: 4 * GiB, device: 7 }) });
    const r = await runDoctor({ system, engine: { state: 'up', info: engineInfo({ name: 'vm' }) } });
    expect(r.exitCode).toBe(ExitCode.prerequisite);
    expect(r.line('Disk')).toMatch(/^✗ Disk +4 GiB free/);
  });

  it('a check that does not finish in time is a failure with its fix, and its command is stopped', async () => {
    const runner = new FakeRunner();
    runner.expect(['kind', 'version']).hang();
    runner.expect(['kubectl']).respond({ stdout: kubectlJson(KUBECTL_OK) });
    const ctx = testContext({ tools: { runner, docker: new FakeDocker() } });
    const checks: PreflightCheck[] = preflightChecks(ctx.config).map((c) => (c.id === 'kind' ? { ...kindCheck, timeoutMs: 50 } : c));
    const report = await runPreflight(ctx, { system: fakeSystem(), checks });
    expect(report.checks.find((c) => c.id === 'kind')).toEqual({
      id: 'kind',
      title: 'kind',
      status: 'fail',
      detail: 'did not finish within 50ms',
      fix: kindCheck.timeoutFix,
    });
    expect(runner.calls[0]?.options.signal?.aborted).toBe(true);
  });

  it('a crashing check is a bug: reported as such, exit 1', async () => {
    const crash: PreflightCheck = { id: 'boom', title: 'Boom', timeoutMs: 1_000, timeoutFix: '', run: () => Promise.reject(new TypeError('x is undefined')) };
    const ctx = testContext({ tools: { docker: new FakeDocker() } });
    let out = '';
    const error = await doctor(ctx, (t) => (out += t), { system: fakeSystem(), checks: [crash] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: ExitCode.failed });
    expect(out).toMatch(/✗ Boom +floe-dev could not run this check: x is undefined\n +fix: run again with --verbose and report it/);
  });

  it('Ctrl-C while waiting for Docker: no report, the interruption propagates', async () => {
    const controller = new AbortController();
    const ctx = testContext({ signal: controller.signal, tools: { runner: toolsRunner(), docker: new FakeDocker({ state: 'hanging' }) } });
    setTimeout(() => controller.abort(new Error('interrupted')), 20);
    let out = '';
    await expect(doctor(ctx, (t) => (out += t), { system: fakeSystem() })).rejects.toThrow('interrupted');
    expect(out).toBe('');
  });
});

describe('preflightStep (the first step of up)', () => {
  const reporter = recordingReporter;

  it('stops up with a prerequisite error listing each failure and its fix', async () => {
    const ctx = testContext({ tools: { runner: toolsRunner('missing'), docker: new FakeDocker({ state: 'up', info: engineInfo({ memTotalBytes: 2 * GiB }) }) } });
    const error = await preflightStep({ system: fakeSystem() }).run(ctx, reporter()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrerequisiteError);
    const message = (error as PrerequisiteError).message;
    expect(message).toMatch(/^preflight: 2 prerequisites are missing\n/);
    expect(message).toMatch(/✗ Memory: .*\n {4}fix: Docker Desktop/);
    expect(message).toMatch(/✗ kind: not found.*\n {4}fix: install kind/);
    expect((error as PrerequisiteError).hint).toMatch(/floe-dev doctor/);
  });

  it('passes with warnings logged, naming the engine', async () => {
    const ctx = testContext({ tools: { runner: toolsRunner(), docker: new FakeDocker({ state: 'up', info: engineInfo({ cpus: 2, memTotalBytes: 16 * GiB, architecture: 'amd64' }) }) } });
    const r = reporter();
    await preflightStep({ system: fakeSystem() }).run(ctx, r);
    expect(ctx.logged.some((l) => /^warning: CPUs: 2 CPUs for Docker/.test(l))).toBe(true);
    expect(r.titles).toEqual(['Preflight passed: Docker Engine 28.2.2, 2 CPUs, amd64']);
  });

  it('makes the architecture-dependent choices for the engine’s architecture, and keeps the notes for the summary', async () => {
    const ctx = testContext({ tools: { runner: toolsRunner(), docker: new FakeDocker({ state: 'up', info: engineInfo({ architecture: 'arm64', memTotalBytes: 16 * GiB }) }) } });
    expect(ctx.config.semantic.cache).toBe('auto');
    await preflightStep({ system: fakeSystem() }).run(ctx, reporter());
    expect(ctx.config.semantic.cache).toBe('memory');
    expect((ctx.cache.get('architecture.notes') as string[]).join(' ')).toMatch(/Cube's cache runs in Cube's memory on arm64/);
  });
});
