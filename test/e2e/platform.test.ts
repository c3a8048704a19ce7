// The floe-dev journeys of design §5–§7 against the simulated toolchain: up → smoke → status → down, a warm
// re-run, Ctrl-C, faults, transient failures and dropped forwards. Written against the contract and PENDING
// until the capability each block names lands: remove the `.skip` (and the reason) in the commit that
// brings it. They are skipped, not passing placeholders.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../fixtures/lib/common.js';
import { NO_DOCKER_REASON, dockerAvailable, useHarness, waitFor } from './harness.js';
import { NS, world, type Obj } from './world.js';

/**
 * Which capability each block waits for. Flip one to `true` in the commit that brings it: the block then runs
 * wherever Docker answers (`up` needs a Docker Engine: preflight, host images, node containers) and is skipped
 * with the reason printed where it does not.
 */
const READY = {
  smokeStatus: true, // `floe-dev smoke` and `floe-dev status`
  forwards: true, // the forward supervisor (design §5.7) and `floe-dev forward`
  load: true, // `floe-dev load IMAGE...`
};
const PENDING: Record<keyof typeof READY, string> = {
  smokeStatus: 'pending: waits for `floe-dev up`, `floe-dev smoke` and `floe-dev status`',
  forwards: 'pending: waits for the forward supervisor (design §5.7) and `floe-dev forward`',
  load: 'pending: waits for `floe-dev load IMAGE...`',
};

/** `describe` when the capability is there and Docker answers; otherwise skipped, the reason in the title. */
function describeWhen(capability: keyof typeof READY, title: string, fn: () => void): void {
  if (!READY[capability]) describe.skip(`${title} (${PENDING[capability]})`, fn);
  else if (!dockerAvailable) describe.skip(`${title} (skipped: ${NO_DOCKER_REASON})`, fn);
  else describe(title, { timeout: 300_000 }, fn);
}

describeWhen('smokeStatus', 'floe-dev up → smoke → status → down', () => {
  const h = useHarness();

  it('brings the platform up from nothing, proves it, reports it, and removes all of it', async () => {
    const w = await world(h(), { registry: 'offline' }); // offline: a pod whose image was not side-loaded cannot start
    const r = await w.floeDev(['up']);
    expect(r.exitCode).toBe(0);
    for (const port of [w.ports.dagster, w.ports.polaris, w.ports.cube]) expect(r.stdout + r.stderr).toContain(`http://127.0.0.1:${port}`);
    expect(r.stdout + r.stderr).not.toMatch(/client-secret|api-secret|password/i); // credentials are in the 0600 file, never printed

    // The cluster, its own kubeconfig (not ~/.kube/config), every image side-loaded, in one batched load.
    expect(h().state.clusters().map((c) => c.name)).toEqual([w.cluster]);
    expect(existsSync(w.kubeconfig)).toBe(true);
    expect(existsSync(join(h().home, '.kube', 'config'))).toBe(false);
    const held = h().state.nodeImages(w.cluster).flatMap((i) => i.repoTags);
    for (const image of w.images) expect(held.some((t) => t.endsWith(image.split('/').pop() as string))).toBe(true);
    expect(h().state.calls('kind').filter((c) => c.argv[0] === 'load')).toHaveLength(1);
    // Every kubectl call named the kubeconfig and context (the fake enforces it; no call failed for that).
    // (`kubectl version --client`, preflight's, talks to no cluster.)
    const clusterCalls = h().state.calls('kubectl').filter((c) => !c.argv.includes('--client'));
    expect(clusterCalls.filter((c) => !(c.argv.includes('--kubeconfig') && c.argv.includes('--context')))).toEqual([]);
    expect(statSync(join(h().floeHome, 'clusters', w.cluster, 'credentials.json')).mode & 0o777).toBe(0o600);

    // Forwards: recorded by the fake kubectl, on the configured ports.
    const ports = h().state.forwards().flatMap((f) => f.ports.map((p) => p.local)).sort((a, b) => a - b);
    expect(ports).toEqual(Object.values(w.ports).sort((a, b) => a - b));

    const smoke = await w.floeDev(['smoke', '--json']);
    expect(smoke.exitCode).toBe(0);
    const results = JSON.stringify(JSON.parse(smoke.stdout) as Obj);
    for (const service of [/dagster/i, /polaris/i, /cube/i]) expect(results).toMatch(service);

    const status = await w.floeDev(['status']);
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toContain(`(kind cluster ${w.cluster}, Kubernetes v1.33.4)`);
    expect(status.stdout).toMatch(/polaris: 1\/1 ready \(healthy\)/);
    expect(status.stdout).toMatch(new RegExp(`dagster\\s+http://127\\.0\\.0\\.1:${w.ports.dagster}\\s+\\(up\\)`));
    expect(status.stdout).toContain(`export KUBECONFIG=${w.kubeconfig}`);

    const down = await w.floeDev(['down']);
    expect(down.exitCode).toBe(0);
    expect(h().state.clusters()).toEqual([]);
    expect(h().state.forwards()).toEqual([]);
    expect((await w.floeDev(['down'])).exitCode).toBe(0); // idempotent
  });

  it('keeps the cluster with down --keep-cluster and removes only the namespace', async () => {
    const w = await world(h());
    expect((await w.floeDev(['up', '--skip-smoke'])).exitCode).toBe(0);
    expect((await w.floeDev(['down', '--keep-cluster'])).exitCode).toBe(0);
    expect(h().state.clusters().map((c) => c.name)).toEqual([w.cluster]);
    expect(h().state.objects(w.cluster, { namespace: NS })).toEqual([]);
    expect(h().state.forwards()).toEqual([]);
  });
});

// The re-run, transient-create and Ctrl-C journeys of `up` live in install.test.ts (a second run changes
// nothing), lifecycle.test.ts (transient kind create failures) and interrupts.test.ts (Ctrl-C at twelve points).

// Failing pods (each fault of the fakes, failing fast with the service, the reason, events and log lines), a pod
// that never gets ready, and images that cannot be pulled are rows of the fault matrix: faults-matrix.test.ts.

describeWhen('forwards', 'floe-dev forwards', () => {
  const h = useHarness();

  it('restarts a forward that drops, and status reports it up again', async () => {
    const w = await world(h());
    expect((await w.floeDev(['up'])).exitCode).toBe(0);
    // From now on the first polaris forward started drops after its first request (the supervisor's probe).
    expect((await w.floeDev(['forward', 'stop'])).exitCode).toBe(0);
    h().writeScenario({ ...(JSON.parse(readFileSync(join(h().stateDir, 'scenario.json'), 'utf8')) as Scenario), forwards: { polaris: { dropAfterRequests: 1, drops: 1 } } });
    expect((await w.floeDev(['forward', 'start'])).exitCode).toBe(0);
    const dropped = () => h().state.calls('kubectl').filter((c) => c.argv.includes('port-forward') && c.argv.some((a) => /^(svc|service)\/polaris$/.test(a)) && c.exitCode === 1);
    await waitFor(() => dropped().length >= 1, 10_000, 'the first polaris forward to drop');
    const up = new RegExp(`polaris\\s+http://127\\.0\\.0\\.1:${w.ports.polaris}\\s+\\(up\\)`);
    await waitFor(async () => up.test((await w.floeDev(['status'])).stdout), 10_000, 'polaris forward up again');
  });

  it('names a busy forward port', async () => {
    const { createServer } = await import('node:net');
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const w = await world(h());
      const r = await w.floeDev(['up'], { env: { FLOE_DEV_FORWARD_CUBE: String(port) } });
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toContain(String(port));
    } finally {
      busy.close();
    }
  });

  it('stops and starts forwards on their own', async () => {
    const w = await world(h());
    expect((await w.floeDev(['up'])).exitCode).toBe(0);
    expect((await w.floeDev(['forward', 'stop'])).exitCode).toBe(0);
    expect(h().state.forwards()).toEqual([]);
    expect((await w.floeDev(['forward', 'start'])).exitCode).toBe(0);
    expect(h().state.forwards().length).toBeGreaterThan(0);
  });
});

describeWhen('load', 'floe-dev load', () => {
  const h = useHarness();

  it('side-loads the user’s own image into the cluster, once', async () => {
    const w = await world(h());
    expect((await w.floeDev(['up', '--skip-smoke'])).exitCode).toBe(0);
    const ref = `floe-e2e-${w.cluster}/my-code-location:0.1.0`;
    h().hostImages([ref]);
    expect((await w.floeDev(['load', ref])).exitCode).toBe(0);
    const tagged = () => h().state.nodeImages(w.cluster).filter((i) => i.repoTags.includes(`docker.io/${ref}`));
    expect(tagged()).toHaveLength(1);
    const loadsBefore = h().state.calls('kind').filter((c) => c.argv[0] === 'load').length;
    expect((await w.floeDev(['load', ref])).exitCode).toBe(0);
    // Loaded once: the node holds it with the host's ID, so the second load runs no kind load at all.
    expect(tagged()).toHaveLength(1);
    expect(h().state.calls('kind').filter((c) => c.argv[0] === 'load').length - loadsBefore).toBe(0);
    // The platform kept running through it.
    const pods = JSON.parse((await w.kubectl(['get', 'pods', '-n', NS, '-o', 'json'])).stdout) as Obj;
    expect((pods.items as Obj[]).length).toBeGreaterThan(0);
  });
});
