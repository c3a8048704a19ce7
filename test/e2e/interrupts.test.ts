// Ctrl-C at many points of `up` (design §5, issue 12): each time exit 130, no process of ours left (by pid), the lock
// released, the user's kubeconfig byte-identical, and the next `up` completes the work. Points are chosen by what
// up has printed (the step it is in), or by time; held services keep up in a step long enough to be caught there.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../fixtures/lib/common.js';
import { dockerAvailable, NO_DOCKER_REASON, parentOf, processesWithMarker, useHarness, waitFor, type Harness } from './harness.js';
import { expectInstalled, FAST, world, type World } from './world.js';

const d = dockerAvailable ? describe : describe.skip;
if (!dockerAvailable) console.warn(`[e2e] interrupts.test.ts skipped: ${NO_DOCKER_REASON}`);

const USER_KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\ncurrent-context: my-work-cluster\nusers: []\n# the user’s own file\n';

interface Point {
  name: string;
  /**
   * Interrupt once up has printed this, or `afterMs` after it printed its first line (counted from then, not
   * from the spawn: on a loaded machine Node may still be loading modules 700 ms in, before any handler exists).
   */
  when: RegExp | { afterMs: number };
  scenario?: Scenario;
  /** Make the cluster first (the interrupt then hits a run that reuses it). */
  existing?: boolean;
}

/**
 * The catalog component (Polaris with its database and bootstrap Job, MinIO with its bucket Job): every kind of
 * step and workload `up` has (StatefulSet, Deployment, Job, both bootstraps, forwards, smoke) in a third of the
 * full platform's time, so fourteen interrupted runs and their resumes fit the suite's budget.
 */
const UP = ['up', '--component', 'catalog'];

const hold = (service: string): Scenario => ({ services: { ...FAST.services, [service]: { hold: true } } });

const POINTS: Point[] = [
  { name: 'preflight', when: /❯ Preflight/ },
  { name: 'kind create', when: /creating kind cluster/, scenario: { kind: { createLatencyMs: 5_000, loadLatencyMs: 20 } } },
  { name: 'side-loading', when: /loading \d+ images? into the node/, scenario: { kind: { createLatencyMs: 200, loadLatencyMs: 1_000 } } },
  { name: 'service apply', when: /applying (Service|StatefulSet|Deployment|Job)\// },
  { name: 'readiness (held)', when: /PostgreSQL \(catalog-db\): StatefulSet 0\/1 ready/, scenario: hold('catalog-db') },
  { name: 'readiness of a reused cluster', when: /Apache Polaris \(polaris\): Deployment 0\/1 ready/, scenario: hold('polaris'), existing: true },
  { name: 'bucket bootstrap', when: /Warehouse bucket: port-forward to minio/, scenario: hold('polaris') },
  { name: 'Polaris bootstrap', when: /Polaris catalog: port-forward to polaris|realm POLARIS: getting a token/ },
  { name: 'forward start', when: /starting the forward supervisor/ },
  { name: 'smoke', when: /❯ Smoke checks/ },
  // Held, so that however fast the machine, the run is still going when the time comes.
  { name: 'by time (700 ms in)', when: { afterMs: 700 }, scenario: hold('polaris') },
];

/**
 * The processes carrying this test's state folder that were not there before the run (forwards an earlier up
 * started stay, as they should), once those already dying have had a moment to go.
 */
async function newProcessesAfterExit(h: Harness, before: ReadonlySet<number>): Promise<number[]> {
  const marker = `FAKE_TOOLS_STATE=${h.stateDir}`;
  // A forward supervisor that was running before restarts its kubectl port-forwards as pods roll: its children.
  const fresh = () => processesWithMarker(marker).filter((pid) => !before.has(pid) && !before.has(parentOf(pid)));
  await waitFor(() => fresh().length === 0, 5_000, 'processes of ours to end').catch(() => undefined);
  return fresh();
}

async function interruptAt(h: Harness, w: World, point: Point): Promise<void> {
  const before = new Set(processesWithMarker(`FAKE_TOOLS_STATE=${h.stateDir}`));
  const run = w.spawnFloeDev(UP);
  if (point.when instanceof RegExp) await run.waitForOutput(point.when, 40_000);
  else {
    await run.waitForOutput(/❯ Preflight/, 40_000);
    await new Promise((r) => setTimeout(r, (point.when as { afterMs: number }).afterMs));
  }
  run.signal('SIGINT');
  const r = await run.result;
  expect(r.exitCode, `${point.name}: exit code\n${r.stderr}`).toBe(130);
  expect(r.stderr).toMatch(/up was stopped: .* `floe-dev up` finishes the work/);
  // Nothing of ours is left: every process that floe-dev or the fakes started carries the test's state folder.
  expect(await newProcessesAfterExit(h, before), `${point.name}: processes left running`).toEqual([]);
  expect(existsSync(join(h.floeHome, 'clusters', `${w.cluster}.lock`)), `${point.name}: lock released`).toBe(false);
}

d('Ctrl-C during up', { timeout: 300_000 }, () => {
  const h = useHarness();

  it.each(POINTS)('at $name: exit 130, nothing left running, lock released, the next up completes', async (point) => {
    const w = await world(h(), point.scenario);
    mkdirSync(join(h().home, '.kube'), { recursive: true });
    writeFileSync(join(h().home, '.kube', 'config'), USER_KUBECONFIG);
    if (point.existing) {
      h().writeScenario({ ...FAST, nodes: 'docker' });
      expectInstalled(await w.floeDev(UP));
      h().writeScenario({ ...FAST, nodes: 'docker', ...point.scenario });
      // A template change makes polaris roll, so this run waits for it (held) instead of finding it ready.
      writeFileSync(join(h().dir, 'floe-dev.yaml'), 'services:\n  polaris:\n    resources:\n      requests: { cpu: 150m }\n');
    }
    await interruptAt(h(), w, point);
    expect(readFileSync(join(h().home, '.kube', 'config'), 'utf8')).toBe(USER_KUBECONFIG);
    h().writeScenario({ ...FAST, nodes: 'docker' }); // let go of any hold
    expectInstalled(await w.floeDev(UP));
    expect(readFileSync(join(h().home, '.kube', 'config'), 'utf8')).toBe(USER_KUBECONFIG);
  });

  it('a second Ctrl-C while stopping exits at once with 130, and the next up cleans up the cut-short create', async () => {
    // Stopping a cut-short `kind create` deletes the half-made cluster: slow here, so the second Ctrl-C lands in it.
    const w = await world(h(), { kind: { createLatencyMs: 10_000, deleteLatencyMs: 10_000, loadLatencyMs: 20 } });
    const run = w.spawnFloeDev(UP);
    await run.waitForOutput(/creating kind cluster/, 40_000);
    run.signal('SIGINT');
    await run.waitForOutput(/stopping \(press Ctrl-C again to force\)/);
    run.signal('SIGINT');
    const r = await run.result;
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toMatch(/forced exit/);
    h().writeScenario({ ...FAST, nodes: 'docker' });
    const next = await w.floeDev(UP);
    expectInstalled(next);
    expect(h().state.clusters().map((c) => c.name)).toEqual([w.cluster]);
  });
});
