// The harness itself: isolation, Ctrl-C after a delay, and the clean-up promise that nothing a test started
// outlives it (subprocesses, recorded forwards, detached processes carrying the test's state folder).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHarness, waitFor } from './harness.js';
import { deployment, namespace, service, yamlDocs } from './manifests.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

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

  it('sends Ctrl-C after a delay', async () => {
    const h = createHarness({ scenario: { defaults: { readyAfterMs: 40 } } });
    try {
      const { kubectlArgs } = await h.createCluster();
      await h.tool('kubectl', [...kubectlArgs, 'apply', '--server-side', '-f', '-'], { input: yamlDocs(namespace('floe-platform'), deployment('web', { ports: [{ containerPort: 80 }] }), service('web', [{ port: 80 }])) });
      await new Promise((r) => setTimeout(r, 100));
      const r = await h.tool('kubectl', [...kubectlArgs, 'port-forward', '-n', 'floe-platform', 'svc/web', ':80'], { interruptAfterMs: 600 });
      expect(r.exitCode).toBe(0); // kubectl port-forward ends cleanly on Ctrl-C
      expect(r.durationMs).toBeGreaterThanOrEqual(500);
      expect(r.stdout).toMatch(/Forwarding from 127\.0\.0\.1:\d+ -> 80/);
    } finally {
      await h.cleanup();
    }
  });

  it('stops, by pid, forwards and detached processes that carry its state folder, then removes the folder', async () => {
    const h = createHarness({ scenario: { defaults: { readyAfterMs: 40 } } });
    const { kubectlArgs } = await h.createCluster();
    await h.tool('kubectl', [...kubectlArgs, 'apply', '--server-side', '-f', '-'], { input: yamlDocs(namespace('floe-platform'), deployment('web', { ports: [{ containerPort: 80 }] }), service('web', [{ port: 80 }])) });
    await new Promise((r) => setTimeout(r, 100));
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
    await waitFor(() => !alive(pid) && !alive(forward.pid), 3_000, 'both processes gone');
    expect(existsSync(h.dir)).toBe(false);
  });
});
