// A world for the journeys of `floe-dev up` against the simulated toolchain: a unique cluster, free forward
// ports, the scenario (Docker nodes), and every image of the rendered platform present on the host.
import { join } from 'node:path';
import type { Scenario } from '../../fixtures/lib/common.js';
import { forwardPortEnv, type Harness, type RunOptions, type RunResult, type Spawned } from './harness.js';

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON output, read field by field

export const NS = 'floe-platform';

/** Realistic but scaled-down dynamics: the whole journey stays within a few seconds. */
export const FAST: Scenario = {
  nodes: 'docker',
  apiLatencyMs: 5,
  kind: { createLatencyMs: 200, loadLatencyMs: 20 },
  defaults: { readyAfterMs: 150 },
  services: { polaris: { readyAfterMs: 400 }, 'dagster-webserver': { readyAfterMs: 300 }, cube: { readyAfterMs: 300 } },
};

export interface World {
  cluster: string;
  ports: { dagster: number; polaris: number; management: number; cube: number; minio: number };
  kubeconfig: string;
  /** floe-dev with this world's cluster name and forward ports. */
  floeDev(args: string[], options?: RunOptions): Promise<RunResult>;
  /** The same, started in the background (for Ctrl-C and for watching a run as it goes). */
  spawnFloeDev(args: string[], options?: RunOptions): Spawned;
  /** The port-forward environment variables of this world. */
  env: Record<string, string>;
  kubectl(args: string[]): Promise<RunResult>;
  images: string[];
}

/**
 * A unique cluster name (Docker node names are machine-wide), free forward ports, the scenario (Docker nodes),
 * and every image the rendered platform uses present on the host (nothing can be pulled here).
 */
export async function world(h: Harness, scenario: Scenario = {}): Promise<World> {
  h.writeScenario({ ...FAST, ...scenario });
  const cluster = `e2e-${Math.random().toString(36).slice(2, 8)}`;
  const forwards = await forwardPortEnv();
  const env = { FLOE_DEV_CLUSTER: cluster, ...forwards };
  const withEnv = (options: RunOptions): RunOptions => ({ timeoutMs: 180_000, ...options, env: { ...env, ...(options.env ?? {}) } });
  const floeDev = (args: string[], options: RunOptions = {}) => h.floeDev(args, withEnv(options));
  const rendered = await floeDev(['render']);
  const images = [...new Set([...rendered.stdout.matchAll(/^[\s-]+image: "?([^"\s]+)"?$/gm)].map((m) => m[1] as string))];
  h.hostImages(images);
  const kubeconfig = join(h.floeHome, 'clusters', cluster, 'kubeconfig');
  return {
    cluster,
    ports: {
      dagster: Number(forwards.FLOE_DEV_FORWARD_DAGSTER),
      polaris: Number(forwards.FLOE_DEV_FORWARD_POLARIS),
      management: Number(forwards.FLOE_DEV_FORWARD_POLARIS_MANAGEMENT),
      cube: Number(forwards.FLOE_DEV_FORWARD_CUBE),
      minio: Number(forwards.FLOE_DEV_FORWARD_MINIO),
    },
    kubeconfig,
    floeDev,
    spawnFloeDev: (args, options = {}) => h.spawnFloeDev(args, withEnv(options)),
    env,
    kubectl: (args) => h.tool('kubectl', ['--kubeconfig', kubeconfig, '--context', `kind-${cluster}`, ...args]),
    images,
  };
}


/** `up` went all the way: every service ready, the bootstrap done, the forwards started, exit 0. */
export function expectInstalled(r: RunResult): void {
  if (!/Platform: \d+ services? ready/.test(r.stderr)) throw new Error(`up did not finish the install (exit ${r.exitCode}):\n${r.stderr}`);
  if (r.exitCode !== 0) throw new Error(`up after the install: expected exit 0, got ${r.exitCode}:\n${r.stderr}`);
}
