// Cluster lifecycle through the built CLI and the simulated toolchain with Docker nodes: drift and --recreate,
// transient create failures, load, down (twice), --keep-cluster, kubeconfig merge, Ctrl-C during create.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliBuilt, dockerAvailable, NO_DOCKER_REASON, useHarness, waitFor, type Harness } from './harness.js';
import { expectInstalled } from './world.js';

const skip = !cliBuilt || !dockerAvailable;
if (skip) console.warn(`[e2e] lifecycle.test.ts skipped: ${!cliBuilt ? 'dist/main.js is missing (npm run build)' : NO_DOCKER_REASON}`);

/** A unique cluster whose platform images are all present on the host (tiny test images). */
async function world(h: Harness, extraEnv: Record<string, string> = {}) {
  const cluster = `lc-${Math.random().toString(36).slice(2, 8)}`;
  const env = { FLOE_DEV_CLUSTER: cluster, FLOE_DEV_FORWARD_NEXT_FREE_PORT: 'true', ...extraEnv };
  const rendered = await h.floeDev(['render'], { env });
  h.hostImages([...new Set([...rendered.stdout.matchAll(/^[\s-]+image: "?([^"\s]+)"?$/gm)].map((m) => m[1] as string))]);
  const kindCalls = (sub: string) => h.state.calls('kind').filter((c) => c.argv[0] === sub);
  return { cluster, env, kindCalls, up: (args: string[] = [], e: Record<string, string> = {}) => h.floeDev(['up', ...args], { env: { ...env, ...e }, timeoutMs: 180_000 }) };
}

const expectUpReachedInstall = expectInstalled;

describe.skipIf(skip)('cluster lifecycle', { timeout: 240_000 }, () => {
  const h = useHarness({ scenario: { nodes: 'docker', kind: { createLatencyMs: 100, loadLatencyMs: 5 } } });

  it('reports drift instead of deleting, and --recreate replaces the cluster', async () => {
    const w = await world(h());
    expectUpReachedInstall(await w.up());
    const drift = await w.up([], { FLOE_DEV_NODE_IMAGE: 'kindest/node:v1.32.8@sha256:abababababababababababababababababababababababababababababababab' });
    expect(drift.exitCode).toBe(1);
    expect(drift.stderr).toMatch(/created from a different configuration.*node image kindest\/node:v1.33.4@sha256:\w+ → kindest\/node:v1.32.8/);
    expect(drift.stderr).toMatch(/--recreate/);
    expect(w.kindCalls('delete')).toHaveLength(0);
    expect(h().state.cluster(w.cluster)).toBeDefined();

    expectUpReachedInstall(await w.up(['--recreate']));
    expect(w.kindCalls('delete')).toHaveLength(1);
    expect(w.kindCalls('create')).toHaveLength(2);
  });

  it('retries transient kind create failures and then succeeds', async () => {
    h().writeScenario({ nodes: 'docker', kind: { createLatencyMs: 50, createFailures: 1 } });
    const w = await world(h());
    const r = await w.up();
    expectUpReachedInstall(r);
    expect(r.stderr).toMatch(/retrying in 2s/);
    expect(w.kindCalls('create')).toHaveLength(2);
    expect(h().state.clusters().map((c) => c.name)).toEqual([w.cluster]);
  });

  it('load side-loads a user image once; refuses without a cluster and rejects a bad reference', async () => {
    const w = await world(h());
    const ref = `floe-e2e-${w.cluster}/code:0.1.0`;
    h().hostImages([ref]);
    const none = await h().floeDev(['load', ref], { env: w.env });
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toMatch(/no floe-dev cluster named "lc-\w+".*\n.*floe-dev up/);
    expect((await h().floeDev(['load', 'Bad Ref'], { env: w.env })).exitCode).toBe(2);

    expectUpReachedInstall(await w.up());
    const loadsBefore = w.kindCalls('load').length;
    expect((await h().floeDev(['load', ref], { env: w.env })).exitCode).toBe(0);
    expect(h().state.nodeImages(w.cluster).some((i) => i.repoTags.includes(`docker.io/${ref}`))).toBe(true);
    expect(w.kindCalls('load')).toHaveLength(loadsBefore + 1);
    const again = await h().floeDev(['load', ref], { env: w.env });
    expect(again.stderr).toMatch(/0 loaded, 1 already in the node/);
    expect(w.kindCalls('load')).toHaveLength(loadsBefore + 1);
  });

  it('down deletes the cluster, its nodes and its state; a second down has nothing to do', async () => {
    const w = await world(h(), { FLOE_DEV_MERGE_KUBECONFIG: 'true' });
    expectUpReachedInstall(await w.up());
    const userKubeconfig = join(h().home, '.kube', 'config');
    expect(readFileSync(userKubeconfig, 'utf8')).toContain(`kind-${w.cluster}`);

    const down = await h().floeDev(['down'], { env: w.env });
    expect(down.exitCode).toBe(0);
    expect(down.stderr).toMatch(new RegExp(`Cluster ${w.cluster} deleted`));
    expect(down.stdout.trim()).toMatch(/^Removed the forwards \(pid \d+\), kind cluster /);
    expect(down.stdout.trim()).toContain(`kind cluster ${w.cluster}, its context in ${userKubeconfig} and its state folder ${join(h().floeHome, 'clusters', w.cluster)}.`);
    expect(h().state.cluster(w.cluster)).toBeUndefined();
    expect(existsSync(join(h().floeHome, 'clusters', w.cluster))).toBe(false);
    expect(readFileSync(userKubeconfig, 'utf8')).not.toContain(`kind-${w.cluster}`);

    const again = await h().floeDev(['down'], { env: w.env });
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(/nothing of floe-dev's to delete/);
    expect(again.stdout.trim()).toBe(`Nothing of floe-dev's to remove for cluster ${w.cluster}.`);
  });

  it('down --keep-cluster removes only the namespace', async () => {
    const w = await world(h());
    expectUpReachedInstall(await w.up());
    const kubeconfig = join(h().floeHome, 'clusters', w.cluster, 'kubeconfig');
    const k = ['--kubeconfig', kubeconfig, '--context', `kind-${w.cluster}`];
    expect((await h().tool('kubectl', [...k, 'apply', '--server-side', '-f', '-'], { input: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: floe-platform\n' })).exitCode).toBe(0);
    const down = await h().floeDev(['down', '--keep-cluster'], { env: w.env });
    expect(down.exitCode).toBe(0);
    expect(down.stderr).toMatch(/Namespace floe-platform deleted \(cluster kept\)/);
    expect(h().state.cluster(w.cluster)).toBeDefined();
    const ns = await h().tool('kubectl', [...k, 'get', 'namespace', 'floe-platform', '-o', 'json']);
    expect(ns.exitCode).toBe(1);
  });

  it('Ctrl-C during kind create exits 130, leaves no cluster behind, and the next up completes the work', async () => {
    // A create that would take an hour: interrupted once the fake kind has begun making the cluster.
    h().writeScenario({ nodes: 'docker', kind: { createLatencyMs: 3_600_000 } });
    const w = await world(h());
    const run = h().spawnFloeDev(['up'], { env: w.env, timeoutMs: 180_000 });
    await waitFor(() => h().state.cluster(w.cluster)?.status === 'creating', 30_000, 'kind create to begin');
    run.signal('SIGINT');
    const r = await run.result;
    expect(r.exitCode).toBe(130);
    expect(h().state.clusters()).toEqual([]);
    h().writeScenario({ nodes: 'docker', kind: { createLatencyMs: 50 } });
    expectUpReachedInstall(await w.up());
    expect(h().state.clusters().map((c) => c.name)).toEqual([w.cluster]);
  });
});
