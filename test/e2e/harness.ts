// The e2e harness: an isolated world per test (HOME, FLOE_DEV_HOME, fake-tools state, a PATH holding only the
// fakes and node), the built CLI and the fakes run as real subprocesses, the fakes' state exposed to
// assertions, and every process and container the test caused stopped afterwards, by pid or id.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeEach } from 'vitest';
import { buildTestImage, localImage, removeImages } from '../../fixtures/docker/images.js';
import type { Scenario } from '../../fixtures/lib/common.js';
import { existingClusterRecord, userKubeconfig, type ExistingClusterOptions } from '../../fixtures/lib/existing.js';
import { stringify as toYamlText } from 'yaml';
import type { Cluster, ForwardRecord, NodeImage, StoredObject } from '../../fixtures/lib/store.js';

export type { Scenario } from '../../fixtures/lib/common.js';
export type { Cluster, NodeImage } from '../../fixtures/lib/store.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES_BIN = join(REPO, 'fixtures', 'bin');
export const CLI = join(REPO, 'bin', 'floe-dev.js');

/** The docker CLI, found on the test runner's PATH (the isolated PATH of the subprocesses has none). */
export const dockerBin: string | undefined = (process.env.PATH ?? '')
  .split(delimiter)
  .map((dir) => join(dir, 'docker'))
  .find((file) => existsSync(file));

/** Whether a Docker Engine answers; tests that need one are skipped with this reason otherwise. */
export const dockerAvailable: boolean =
  dockerBin !== undefined && spawnSync(dockerBin, ['version', '--format', '{{.Server.Version}}'], { timeout: 10_000 }).status === 0;
export const NO_DOCKER_REASON = dockerBin ? 'the Docker Engine does not answer (is dockerd running?)' : 'no docker CLI on PATH';
if (!dockerAvailable) console.warn(`[e2e] tests that need Docker are skipped: ${NO_DOCKER_REASON}`);

/** Whether the CLI was built (`npm run build`; `npm test` builds before vitest runs). */
export const cliBuilt = existsSync(join(REPO, 'dist', 'main.js'));

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the process died by a signal. */
  signal?: string;
  durationMs: number;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  /** Extra environment variables (on top of the isolated environment). */
  env?: Record<string, string>;
  cwd?: string;
  /**
   * Send SIGINT (Ctrl-C) after this many ms. Where the process is by then depends on the machine's load: assert
   * only what holds wherever it was interrupted, or use `interruptOn` to interrupt at a known point.
   */
  interruptAfterMs?: number;
  /** Send SIGINT (Ctrl-C) as soon as stdout or stderr matches: an interruption at a known point of the run. */
  interruptOn?: RegExp;
}

export interface Spawned {
  pid: number;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout or stderr matches (or rejects after timeoutMs). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  signal(signal: NodeJS.Signals): void;
  result: Promise<RunResult>;
}

export interface HarnessOptions {
  /** Which fakes are on PATH (default both): leave one out to test "not found". */
  tools?: ('kind' | 'kubectl')[];
  scenario?: Scenario;
}

export interface Harness {
  dir: string;
  home: string;
  floeHome: string;
  stateDir: string;
  binDir: string;
  /** The isolated environment every subprocess gets. */
  env: Record<string, string>;
  /** Replaces the scenario (a clock moved by `advanceClock` stays where it is unless the new one sets `clockOffsetMs`). */
  writeScenario(scenario: Scenario): void;
  /**
   * Moves the simulated cluster's clock forward (the scenario's `clockOffsetMs`): pods, Jobs, crash loops and
   * terminating namespaces are then as they would be that much later. Instead of sleeping before an assertion.
   */
  advanceClock(ms: number): void;
  /** Runs the built CLI (`node bin/floe-dev.js ...`) to completion. */
  floeDev(args: string[], options?: RunOptions): Promise<RunResult>;
  /** Starts the built CLI and returns at once (for Ctrl-C and long-running commands). */
  spawnFloeDev(args: string[], options?: RunOptions): Spawned;
  /** Runs a fake directly. */
  tool(name: 'kind' | 'kubectl', args: string[], options?: RunOptions): Promise<RunResult>;
  spawnTool(name: 'kind' | 'kubectl', args: string[], options?: RunOptions): Spawned;
  /** A kind cluster made through the fake kind with its kubeconfig in the test folder; returns kubectl's flags for it. */
  createCluster(name?: string): Promise<{ name: string; kubeconfig: string; kubectlArgs: string[] }>;
  /**
   * A cluster kind did not make (fixtures/lib/existing.js): its record in the fakes' state and a user kubeconfig
   * ($HOME/.kube/config unless `kubeconfig` is given) naming `context` for it beside a current context `prod`.
   */
  existingCluster(options?: Partial<ExistingClusterOptions> & { context?: string; kubeconfig?: string }): { name: string; context: string; kubeconfig: string; kubectlArgs: string[] };
  /**
   * Makes images present on the host: real tiny images with Docker nodes, `hostImages` in the scenario otherwise.
   * Returns ref → ID. With Docker, an image that already exists and is not a test image (say a developer's real
   * `postgres:17`) is used as it is and never touched; test images are shared between tests and removed when
   * the last one using them is cleaned up.
   */
  hostImages(refs: string[]): Record<string, string>;
  state: StateReader;
  /** Stops everything the test started (also run after each test by useHarness). */
  cleanup(): Promise<void>;
}

export interface Call {
  tool: 'kind' | 'kubectl';
  argv: string[];
  stdinBytes: number;
  exitCode: number;
  startedAt: string;
  durationMs: number;
  pid: number;
}

export interface StateReader {
  clusters(): Cluster[];
  cluster(name: string): Cluster | undefined;
  /** Images a node holds (the first node by default). */
  nodeImages(cluster: string, node?: string): NodeImage[];
  /** Applied objects, optionally of one kind / namespace. */
  objects(cluster: string, filter?: { kind?: string; namespace?: string }): StoredObject[];
  calls(tool?: 'kind' | 'kubectl'): Call[];
  forwards(): ForwardRecord[];
}

const SETTLE_MS = 2_000;

/** Makes a harness; call `cleanup()` when done, or use `useHarness()` in a describe block. */
export function createHarness(options: HarnessOptions = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'floe-e2e-'));
  const home = join(dir, 'home');
  const floeHome = join(dir, 'floe-home');
  const stateDir = join(dir, 'fake-state');
  const binDir = join(dir, 'bin');
  for (const d of [home, floeHome, stateDir, binDir]) mkdirSync(d, { recursive: true });
  symlinkSync(process.execPath, join(binDir, 'node'));
  for (const tool of options.tools ?? ['kind', 'kubectl']) symlinkSync(join(FIXTURES_BIN, tool), join(binDir, tool));

  const env: Record<string, string> = {
    PATH: binDir,
    HOME: home,
    FLOE_DEV_HOME: floeHome,
    FAKE_TOOLS_STATE: stateDir,
    TMPDIR: tmpdir(),
    NO_COLOR: '1',
    TERM: 'dumb',
    CI: 'true',
  };
  if (dockerBin) env.FAKE_TOOLS_DOCKER = dockerBin;
  if (process.env.DOCKER_HOST) env.DOCKER_HOST = process.env.DOCKER_HOST;

  const children = new Set<number>();
  const harnessId = `${process.pid}-${dir.split('-').pop()}`;

  const scenarioFile = join(stateDir, 'scenario.json');
  const readScenario = (): Scenario => JSON.parse(readFileSync(scenarioFile, 'utf8')) as Scenario;
  const writeScenario = (scenario: Scenario): void => {
    // The simulated clock never goes back: a new scenario that does not set the offset keeps the one reached.
    const offset = existsSync(scenarioFile) ? readScenario().clockOffsetMs : undefined;
    const next = offset !== undefined && scenario.clockOffsetMs === undefined ? { ...scenario, clockOffsetMs: offset } : scenario;
    // Atomic (temp file, then rename): the fakes of a running command read it at any moment, and must never see
    // half a file.
    const tmp = `${scenarioFile}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
    renameSync(tmp, scenarioFile);
  };
  writeScenario(options.scenario ?? {});

  const start = (file: string, args: string[], o: RunOptions = {}): Spawned => {
    const begun = Date.now();
    const child: ResultPromise = execa(file, args, {
      env: { ...env, ...(o.env ?? {}) },
      extendEnv: false,
      cwd: o.cwd ?? dir,
      reject: false,
      timeout: o.timeoutMs ?? 30_000,
      input: o.input,
      stdin: o.input === undefined ? 'ignore' : 'pipe',
      stripFinalNewline: false,
      forceKillAfterDelay: 2_000,
    });
    const pid = child.pid ?? -1;
    children.add(pid);
    let out = '';
    let err = '';
    const waiters: (() => void)[] = [];
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      for (const w of waiters) w();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      for (const w of waiters) w();
    });
    if (o.interruptAfterMs !== undefined) {
      const timer = setTimeout(() => child.kill('SIGINT'), o.interruptAfterMs);
      void child.finally(() => clearTimeout(timer));
    }
    let finished = false;
    if (o.interruptOn) {
      const pattern = o.interruptOn;
      let sent = false;
      waiters.push(() => {
        if (!sent && !finished && (pattern.test(out) || pattern.test(err))) {
          sent = true;
          child.kill('SIGINT');
        }
      });
    }
    const result = child.then((r) => {
      children.delete(pid);
      finished = true;
      for (const w of waiters) w();
      return {
        exitCode: r.exitCode ?? (r.signal ? 128 : 1),
        stdout: out,
        stderr: err,
        signal: r.signal ?? undefined,
        durationMs: Date.now() - begun,
      } satisfies RunResult;
    });
    return {
      pid,
      stdout: () => out,
      stderr: () => err,
      signal: (signal) => {
        if (!finished) process.kill(pid, signal);
      },
      waitForOutput: (pattern, timeoutMs = 10_000) =>
        new Promise((resolveWait, rejectWait) => {
          timeoutMs = Math.max(timeoutMs, MIN_WAIT_MS); // a net for a hang (see waitFor)
          const check = (): boolean => {
            const m = out.match(pattern) ?? err.match(pattern);
            if (m) {
              clearTimeout(timer);
              resolveWait(m);
              return true;
            }
            if (finished) {
              clearTimeout(timer);
              rejectWait(new Error(`process ${pid} ended before printing ${pattern}\nstdout: ${out}\nstderr: ${err}`));
              return true;
            }
            return false;
          };
          const timer = setTimeout(() => rejectWait(new Error(`timed out after ${timeoutMs}ms waiting for ${pattern}\nstdout: ${out}\nstderr: ${err}`)), timeoutMs);
          if (!check()) waiters.push(() => void check());
        }),
      result,
    };
  };

  const toolPath = (name: 'kind' | 'kubectl'): string => join(FIXTURES_BIN, name);

  const state: StateReader = {
    clusters: () => {
      const clustersDir = join(stateDir, 'clusters');
      if (!existsSync(clustersDir)) return [];
      return readdirSync(clustersDir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(readFileSync(join(clustersDir, f), 'utf8')) as Cluster);
    },
    cluster: (name) => {
      const file = join(stateDir, 'clusters', `${name}.json`);
      return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Cluster) : undefined;
    },
    nodeImages: (cluster, node) => {
      const c = state.cluster(cluster);
      if (!c) throw new Error(`no simulated cluster named ${cluster}`);
      return c.nodeImages[node ?? c.nodes[0]?.name ?? ''] ?? [];
    },
    objects: (cluster, filter = {}) => {
      const c = state.cluster(cluster);
      if (!c) throw new Error(`no simulated cluster named ${cluster}`);
      return Object.values(c.objects).filter(
        (o) => (!filter.kind || o.object.kind === filter.kind) && (!filter.namespace || o.object.metadata?.namespace === filter.namespace),
      );
    },
    calls: (tool) => {
      const file = join(stateDir, 'calls.jsonl');
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Call)
        .filter((c) => !tool || c.tool === tool);
    },
    forwards: () => {
      const forwardsDir = join(stateDir, 'forwards');
      if (!existsSync(forwardsDir)) return [];
      return readdirSync(forwardsDir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(readFileSync(join(forwardsDir, f), 'utf8')) as ForwardRecord)
        .filter((r) => pidAlive(r.pid));
    },
  };

  const harness: Harness = {
    dir,
    home,
    floeHome,
    stateDir,
    binDir,
    env,
    writeScenario,
    advanceClock: (ms) => {
      if (!(ms > 0)) throw new Error(`advanceClock(${ms}): the simulated clock only moves forward`);
      const scenario = readScenario();
      writeScenario({ ...scenario, clockOffsetMs: (scenario.clockOffsetMs ?? 0) + ms });
    },
    floeDev: (args, o) => start(process.execPath, [CLI, ...args], o).result,
    spawnFloeDev: (args, o) => start(process.execPath, [CLI, ...args], o),
    tool: (name, args, o) => start(toolPath(name), args, o).result,
    spawnTool: (name, args, o) => start(toolPath(name), args, o),
    createCluster: async (name = `e2e-${Math.random().toString(36).slice(2, 8)}`) => {
      const kubeconfig = join(dir, `${name}.kubeconfig`);
      const r = await harness.tool('kind', ['create', 'cluster', '--name', name, '--kubeconfig', kubeconfig]);
      if (r.exitCode !== 0) throw new Error(`fake kind create failed (${r.exitCode}): ${r.stderr}`);
      return { name, kubeconfig, kubectlArgs: ['--kubeconfig', kubeconfig, '--context', `kind-${name}`] };
    },
    existingCluster: (o = {}) => {
      const name = o.name ?? `big-${Math.random().toString(36).slice(2, 8)}`;
      const context = o.context ?? `team@${name}`;
      const kubeconfig = o.kubeconfig ?? join(home, '.kube', 'config');
      const record = existingClusterRecord({ ...o, name });
      mkdirSync(join(stateDir, 'clusters'), { recursive: true });
      writeFileSync(join(stateDir, 'clusters', `${name}.json`), JSON.stringify(record));
      mkdirSync(dirname(kubeconfig), { recursive: true });
      writeFileSync(kubeconfig, toYamlText(userKubeconfig(record, context)), { mode: 0o600 });
      return { name, context, kubeconfig, kubectlArgs: ['--kubeconfig', kubeconfig, '--context', context] };
    },
    hostImages: (refs) => {
      const scenario = readScenario();
      const ids: Record<string, string> = {};
      if (scenario.nodes === 'docker') {
        if (!dockerAvailable) throw new Error(`Docker nodes need Docker: ${NO_DOCKER_REASON}`);
        return acquireTestImages(refs, harnessId);
      }
      const host = Array.isArray(scenario.hostImages) ? {} : { ...(scenario.hostImages ?? {}) };
      for (const ref of refs) {
        const id = `sha256:${createHash('sha256').update(`${ref}/${Math.random()}`).digest('hex')}`;
        host[ref] = id;
        ids[ref] = id;
      }
      writeScenario({ ...scenario, hostImages: host });
      return ids;
    },
    state,
    cleanup: async () => {
      // 1. The subprocesses we started, 2. forwards the fakes recorded, 3. anything else that carries this
      // test's state folder in its environment (e.g. the product's detached forward supervisor).
      const pids = new Set<number>([...children, ...state.forwards().map((f) => f.pid), ...processesWithMarker(`FAKE_TOOLS_STATE=${stateDir}`)]);
      pids.delete(process.pid);
      await stopAll([...pids]);
      if (dockerAvailable && dockerBin) {
        const ids = spawnSync(dockerBin, ['ps', '-aq', '--filter', `label=floe-dev.fake-tools.state=${stateDir}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
        if (ids.length) spawnSync(dockerBin, ['rm', '-f', ...ids]);
        // Networks the fake kind made for a test's KIND_EXPERIMENTAL_DOCKER_NETWORK (after their containers).
        const networks = spawnSync(dockerBin, ['network', 'ls', '-q', '--filter', `label=floe-dev.fake-tools.state=${stateDir}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
        if (networks.length) spawnSync(dockerBin, ['network', 'rm', ...networks]);
        releaseTestImages(harnessId);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Registers a fresh harness per test (beforeEach) and its cleanup (afterEach); call the getter inside tests. */
export function useHarness(options: HarnessOptions = {}): () => Harness {
  let current: Harness | undefined;
  beforeEach(() => {
    current = createHarness(options);
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('useHarness(): the harness exists only inside a test');
    return current;
  };
}

/** Free loopback ports (bound then released), e.g. for floe-dev's forward ports so tests never clash. */
export async function freePorts(n: number): Promise<number[]> {
  const { createServer } = await import('node:net');
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<import('node:net').Server>((resolveServer) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolveServer(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Free ports for the default forwards, as the FLOE_DEV_FORWARD_* variables that set them: tests never clash. */
export async function forwardPortEnv(): Promise<Record<string, string>> {
  const [dagster, polaris, management, cube, minio] = await freePorts(5);
  return {
    FLOE_DEV_FORWARD_DAGSTER: String(dagster),
    FLOE_DEV_FORWARD_POLARIS: String(polaris),
    FLOE_DEV_FORWARD_POLARIS_MANAGEMENT: String(management),
    FLOE_DEV_FORWARD_CUBE: String(cube),
    FLOE_DEV_FORWARD_MINIO: String(minio),
  };
}

/**
 * The shortest wait `waitFor` allows: every wait here is for something that must happen, so its time is a net for
 * a hang, never a margin a busy machine could miss (a loaded 2-core CI machine runs the fakes several times slower).
 */
export const MIN_WAIT_MS = 60_000;

/**
 * Polls `fn` until it returns a truthy value (returned) or the time is up (throws with the last value). The time
 * is at least MIN_WAIT_MS, whatever the caller names: waits that pass return as soon as they can.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 5_000, what = 'condition'): Promise<NonNullable<T>> {
  timeoutMs = Math.max(timeoutMs, MIN_WAIT_MS);
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pids whose environment holds `marker` (Linux /proc; elsewhere none, and the recorded pids still apply). */
/** A process's parent pid from /proc/PID/stat ("pid (comm) state ppid ..."; comm may hold spaces), or -1 once it is gone. */
export function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

export function processesWithMarker(marker: string): number[] {
  if (!existsSync('/proc/self/environ')) return [];
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (environ.split('\0').includes(marker)) out.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return out;
}

/** SIGTERM each pid, then SIGKILL what is still alive after a grace period. */
async function stopAll(pids: number[]): Promise<void> {
  const alive = pids.filter(pidAlive);
  for (const pid of alive) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  const deadline = Date.now() + SETTLE_MS;
  while (alive.some(pidAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  for (const pid of alive.filter(pidAlive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Test images shared between tests (and test files running in parallel): a marker file per user under a
// machine-wide folder, changed only under a lock, so one test's clean-up never removes an image another
// still needs, and nothing removes an image the tests did not build.

const IMAGES_DIR = join(tmpdir(), 'floe-e2e-test-images');

function withImagesLock<T>(fn: () => T): T {
  mkdirSync(IMAGES_DIR, { recursive: true });
  const lock = join(IMAGES_DIR, 'lock');
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = NaN;
      try {
        owner = Number(readFileSync(lock, { encoding: 'utf8', flag: 'r' }) || NaN);
      } catch (readError) {
        // Released between our open and this read: try again at once.
        if ((readError as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw readError;
      }
      if (Number.isInteger(owner) && !pidAlive(owner)) rmSync(lock, { force: true });
      if (Date.now() > deadline) throw new Error(`test image lock ${lock} held by pid ${owner} for 30s`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); // a synchronous 20 ms pause
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

const refDir = (ref: string): string => join(IMAGES_DIR, createHash('sha256').update(ref).digest('hex').slice(0, 16));

function acquireTestImages(refs: string[], user: string): Record<string, string> {
  return withImagesLock(() => {
    const ids: Record<string, string> = {};
    for (const ref of refs) {
      const existing = localImage(ref);
      if (existing && !existing.testImage) {
        ids[ref] = existing.id; // someone's real image: present, so usable, and never ours to remove
        continue;
      }
      ids[ref] = existing?.id ?? buildTestImage(ref);
      mkdirSync(refDir(ref), { recursive: true });
      writeFileSync(join(refDir(ref), user), JSON.stringify({ ref, pid: process.pid }));
    }
    return ids;
  });
}

function releaseTestImages(user: string): void {
  if (!existsSync(IMAGES_DIR)) return;
  withImagesLock(() => {
    for (const entry of readdirSync(IMAGES_DIR)) {
      const folder = join(IMAGES_DIR, entry);
      if (entry === 'lock' || !existsSync(join(folder, user))) continue;
      const { ref } = JSON.parse(readFileSync(join(folder, user), 'utf8')) as { ref: string };
      rmSync(join(folder, user), { force: true });
      // Users whose process died (a crashed run) no longer hold the image.
      const holders = readdirSync(folder).filter((m) => {
        const { pid } = JSON.parse(readFileSync(join(folder, m), 'utf8')) as { pid: number };
        return pidAlive(pid);
      });
      if (holders.length) continue;
      if (localImage(ref)?.testImage) removeImages([ref]);
      rmSync(folder, { recursive: true, force: true });
    }
  });
}
