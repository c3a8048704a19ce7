// The harness itself: isolation, Ctrl-C after a delay, and the clean-up promise that nothing a test started
// outlives it (subprocesses, recorded forwards, detached processes carrying the test's state folder).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHarness, waitFor, type Harness, type Scenario } from './harness.js';
import { deployment, namespace, service, yamlDocs } from './manifests.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A cluster with a Deployment `web` behind a Service, its pod Running (port-forward needs one). */
async function webRunning(h: Harness): Promise<{ kubectlArgs: string[] }> {
  const { kubectlArgs } = await h.createCluster();
  await h.tool('kubectl', [...kubectlArgs, 'apply', '--server-side', '-f', '-'], { input: yamlDocs(namespace('floe-platform'), deployment('web', { ports: [{ containerPort: 80 }] }), service('web', [{ port: 80 }])) });
  await waitFor(async () => {
    const r = await h.tool('kubectl', [...kubectlArgs, 'get', 'pods', '-n', 'floe-platform', '-o', 'json']);
    return (JSON.parse(r.stdout) as { items: { status: { phase: string } }[] }).items[0]?.status.phase === 'Running';
  }, 10_000, 'web running');
  return { kubectlArgs };
}

describe('e2e harness', () => {
  it('gives each harness its own HOME, FLOE_DEV_HOME, state and a PATH of only node and the fakes', async () => {
    const a = createHarness();
    const b = createHarness({ tools: ['kubectl'] });
    try {
      expect(a.env.HOME).not.toBe(b.env.HOME);
      expect(a.env.PATH).toBe(a.binDir);
      expect(existsSync(join(b.binDir, 'kind'))).toBe(false);
      expect(existsSync(join(b.binDir, 'kubectl'))).toBe(true);
      // Subprocesses get exactly this environment: nothing leaks in from the runner's (no KUBECONFIG, no other FLOE_DEV_*).
      expect(Object.keys(a.env).filter((k) => k.startsWith('FLOE_DEV_') || k === 'KUBECONFIG')).toEqual(['FLOE_DEV_HOME']);
      expect(a.env.HOME?.startsWith(a.dir)).toBe(true);
      const r = await a.tool('kubectl', ['version', '--client', '-o', 'json']);
      expect(r.exitCode).toBe(0);
      expect(a.state.calls('kubectl')).toHaveLength(1);
      expect(b.state.calls()).toEqual([]);
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });

  it('moves the simulated clock only forward, and a rewritten scenario keeps it', async () => {
    const h = createHarness({ scenario: { defaults: { readyAfterMs: 40 } } });
    try {
      const scenario = () => JSON.parse(readFileSync(join(h.stateDir, 'scenario.json'), 'utf8')) as Scenario;
      h.advanceClock(1_000);
      h.advanceClock(500);
      expect(scenario()).toEqual({ defaults: { readyAfterMs: 40 }, clockOffsetMs: 1_500 });
      h.writeScenario({ services: { web: { hold: true } } });
      expect(scenario()).toEqual({ services: { web: { hold: true } }, clockOffsetMs: 1_500 });
      expect(() => h.advanceClock(-1)).toThrow(/only moves forward/);
      // The fakes read it: a pod ten minutes from ready is ready once the clock moved ten minutes.
      h.writeScenario({ defaults: { readyAfterMs: 600_000 } });
      const { kubectlArgs } = await h.createCluster();
      await h.tool('kubectl', [...kubectlArgs, 'apply', '--server-side', '-f', '-'], { input: yamlDocs(namespace('floe-platform'), deployment('web')) });
      const readyReplicas = async () => (JSON.parse((await h.tool('kubectl', [...kubectlArgs, 'get', 'deploy', 'web', '-n', 'floe-platform', '-o', 'json'])).stdout) as { status: { readyReplicas?: number } }).status.readyReplicas;
      expect(await readyReplicas()).toBeUndefined();
      h.advanceClock(600_000);
      expect(await readyReplicas()).toBe(1);
    } finally {
      await h.cleanup();
    }
  });

  it('sends Ctrl-C when the output shows a line', async () => {
    const h = createHarness({ scenario: { defaults: { readyAfterMs: 40 } } });
    try {
      const { kubectlArgs } = await webRunning(h);
      const r = await h.tool('kubectl', [...kubectlArgs, 'port-forward', '-n', 'floe-platform', 'svc/web', ':80'], { interruptOn: /Forwarding from/ });
      expect(r.exitCode).toBe(0); // kubectl port-forward ends cleanly on Ctrl-C
      expect(r.stdout).toMatch(/Forwarding from 127\.0\.0\.1:\d+ -> 80/);
    } finally {
      await h.cleanup();
    }
  });

  it('sends Ctrl-C after a delay', async () => {
    const h = createHarness({ scenario: { defaults: { readyAfterMs: 40 } } });
    try {
      const { kubectlArgs } = await webRunning(h);
      // A forward never ends by itself: only the Ctrl-C ends it. Whether it had set up its handler by then (exit 0)
      // or not (killed by SIGINT) depends on the machine's load, so both count.
      const r = await h.tool('kubectl', [...kubectlArgs, 'port-forward', '-n', 'floe-platform', 'svc/web', ':80'], { interruptAfterMs: 600 });
      expect(r.signal === 'SIGINT' || (r.signal === undefined && r.exitCode === 0), `exit ${r.exitCode}, signal ${r.signal}`).toBe(true);
      expect(r.durationMs).toBeGreaterThanOrEqual(600);
    } finally {
      await h.cleanup();
    }
  });

  it('stops, by pid, forwards and detached processes that carry its state folder, then removes the folder', async () => {
    const h = createHarness({ scenario: { defaults: { readyAfterMs: 40 } } });
    const { kubectlArgs } = await webRunning(h);
    const forward = h.spawnTool('kubectl', [...kubectlArgs, 'port-forward', '-n', 'floe-platform', 'svc/web', ':80']);
    await forward.waitForOutput(/Forwarding from/);
    // A detached grandchild (like the product's forward supervisor), not started by the harness itself.
    const detached = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { env: h.env, detached: true, stdio: 'ignore' });
    detached.unref();
    const pid = detached.pid as number;
    if (existsSync('/proc/self/environ')) expect(readFileSync(`/proc/${pid}/environ`, 'latin1')).toContain(`FAKE_TOOLS_STATE=${h.stateDir}`);
    expect(alive(pid)).toBe(true);
    expect(h.state.forwards().map((f) => f.pid)).toEqual([forward.pid]);

    await h.cleanup();
    await waitFor(() => !alive(pid) && !alive(forward.pid), 10_000, 'both processes gone');
    expect(existsSync(h.dir)).toBe(false);
  });
});
