// The cluster step: reuse a healthy cluster created from the same config, report drift, or create one.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { CommandError, FloeError, withContext } from '../errors.js';
import { stopForwards } from '../forward/state.js';
import { writeStateFile } from '../state/dirs.js';
import { Kind } from '../tools/kind.js';
import { DEFAULT_UNREACHABLE_RETRY, Kubectl } from '../tools/kubectl.js';
import { targetOf, userKubeconfig } from '../target.js';
import type { Step, StepReporter } from './step.js';

/** What floe-dev wrote when it created the cluster: proof of ownership and the config it was made from. */
export interface ClusterRecord {
  name: string;
  configHash: string;
  nodeImage: string;
  createdAt: string;
  /** The user's kubeconfig the context was merged into, when `cluster.mergeKubeconfig` was on. */
  mergedKubeconfig?: string;
  /**
   * Written before `kind create` starts and cleared once it succeeded: a record still marked so belongs to a
   * create that was cut short (a forced exit), whose half-made cluster floe-dev may delete.
   */
  creating?: boolean;
}

/** The kind config the user's configuration asks for, and its hash (drift detection). */
export interface WantedCluster {
  yaml: string;
  hash: string;
  nodeImage: string;
  /** Other configs a cluster may have been made from and still be reused (see platform/kind-config.ts). */
  accepts?: string[];
  /** Why a cluster made from another config will not do, by that config's hash. */
  driftReasons?: Record<string, string>;
}

export interface ClusterOptions {
  recreate: boolean;
  wanted: (ctx: Context) => WantedCluster;
  /** Attempts of `kind create cluster` before giving up (transient failures happen: ports, Docker hiccups). */
  attempts?: number;
  /** First backoff between attempts; doubles each time. */
  backoffMs?: number;
  createTimeoutMs?: number;
}

export function clusterStep(options: ClusterOptions): Step {
  return {
    title: 'Cluster',
    run: async (ctx, report) => {
      try {
        await ensureCluster(ctx, options, report);
      } catch (error) {
        throw withContext('cluster', error);
      }
    },
  };
}

export function kindFor(ctx: Context, withSignal = true): Kind {
  return new Kind(ctx.tools.runner, ctx.tools.kindPath, {
    signal: withSignal ? ctx.signal : undefined,
    onLine: ctx.verbose ? (line) => ctx.log.debug(`  kind: ${line}`) : undefined,
  });
}

/** kubectl for the run's cluster: the kubeconfig and context src/target.ts decides, on every call. */
export function kubectlFor(ctx: Context, withSignal = true): Kubectl {
  const target = targetOf(ctx);
  return new Kubectl(ctx.tools.runner, ctx.tools.kubectlPath, target.kubeconfig, target.context, {
    signal: withSignal ? ctx.signal : undefined,
    retry: { ...DEFAULT_UNREACHABLE_RETRY, clock: ctx.clock },
  });
}

export async function ensureCluster(ctx: Context, options: ClusterOptions, report: StepReporter): Promise<void> {
  const name = ctx.config.cluster.name;
  const wanted = options.wanted(ctx);
  const kind = kindFor(ctx);
  report.progress('looking for existing kind clusters');
  let exists = (await kind.getClusters()).includes(name);
  let record = readClusterRecord(ctx);

  if (exists && (options.recreate || record?.creating)) {
    report.progress(record?.creating ? `deleting the half-made cluster ${name} of a create that was cut short` : `deleting cluster ${name} (--recreate)`);
    await deleteClusterAndState(ctx, record);
    exists = false;
    record = undefined;
  }

  if (!exists && record && !record.creating) {
    // kind knows a cluster by its node containers: removed (docker rm, a Docker reset), the cluster is gone.
    ctx.log.warn(`the kind cluster ${name} that floe-dev created on ${record.createdAt} is gone (kind lists no node container for it): creating it again; what ran inside it is lost`);
    rmSync(ctx.paths.clusterRecord, { force: true });
    record = undefined;
  }

  if (exists) {
    if (!record) {
      throw new FloeError(`a kind cluster named "${name}" exists, but floe-dev did not create it (no record in ${ctx.paths.dir})`, {
        hint: `leave it alone and use another name (--cluster floe-dev-2), or replace it: floe-dev up --cluster ${name} --recreate`,
      });
    }
    if (record.configHash !== wanted.hash && !wanted.accepts?.includes(record.configHash)) {
      throw new FloeError(`cluster "${name}" was created from a different configuration than the one wanted now (${describeDrift(record, wanted)})`, {
        hint: `floe-dev up --recreate deletes and recreates it (data inside the cluster is lost); or put the old settings back`,
      });
    }
    report.progress('checking that the API server answers');
    const version = await kind
      .getKubeconfig(name)
      .then((text) => writeKubeconfig(ctx, text))
      .then(() => kubectlFor(ctx).serverVersion())
      .catch((error: unknown) => {
        if (!(error instanceof CommandError)) throw error;
        throw new FloeError(`cluster "${name}" exists but its API server does not answer: ${reasonOf(error)}`, {
          hint: `start its node (docker start ${name}-control-plane) and run up again, or recreate it: floe-dev up --recreate`,
          cause: error,
        });
      });
    ctx.cache.set('cluster', { name, kubernetes: version, created: false });
    report.done(`Cluster ${name} reused (Kubernetes ${version})`);
    return;
  }

  // A forward supervisor of the cluster that was there before forwards to nothing now (and would find the new
  // cluster's services missing while it installs): the forwards step starts a fresh one.
  if (await stopForwards(ctx.paths.forwards, ctx.clock)) report.progress('stopped the forwards of the cluster that was there before');
  await createCluster(ctx, options, wanted, report);
  report.progress('checking that the API server answers');
  const version = await kubectlFor(ctx)
    .serverVersion()
    .catch((error: unknown) => {
      throw new FloeError(`kind created cluster "${name}", but its API server does not answer: ${reasonOf(error)}`, {
        hint: `see why in the node's log (docker logs ${name}-control-plane), then start afresh: floe-dev up --recreate`,
        cause: error,
      });
    });
  ctx.cache.set('cluster', { name, kubernetes: version, created: true });
  report.done(`Cluster ${name} created (Kubernetes ${version})`);
}

async function createCluster(ctx: Context, options: ClusterOptions, wanted: WantedCluster, report: StepReporter): Promise<void> {
  const name = ctx.config.cluster.name;
  const attempts = options.attempts ?? 3;
  let backoff = options.backoffMs ?? 2_000;
  mkdirSync(ctx.paths.dir, { recursive: true, mode: 0o700 });
  const configFile = join(ctx.paths.dir, 'kind-config.yaml');
  writeStateFile(configFile, wanted.yaml, 0o644);
  const record: ClusterRecord = { name, configHash: wanted.hash, nodeImage: wanted.nodeImage, createdAt: new Date(ctx.clock.now()).toISOString() };

  for (let attempt = 1; ; attempt++) {
    report.progress(`creating kind cluster ${name}${attempt > 1 ? ` (attempt ${attempt} of ${attempts})` : ''}`);
    // Ownership is on record before kind starts: a create cut short by a forced exit is ours to clean up next time.
    writeRecord(ctx, { ...record, creating: true });
    try {
      await kindFor(ctx).createCluster({ name, configFile, kubeconfig: ctx.paths.kubeconfig }, options.createTimeoutMs ?? 600_000);
      break;
    } catch (error) {
      const reason = reasonOf(error);
      if (!ctx.signal.aborted && /already exist/i.test(reason)) {
        // kind made nothing: the cluster of that name is someone else's, and stays.
        rmSync(ctx.paths.clusterRecord, { force: true });
        throw new FloeError(`another process created a kind cluster named "${name}" meanwhile: ${reason}`, { cause: error });
      }
      // Never leave a half-created cluster behind; the cleanup must run even after Ctrl-C. Once it is gone, so is
      // the record (kept when the delete failed: the next up cleans up then).
      const cleaned = await kindFor(ctx, false)
        .deleteCluster(name, ctx.paths.kubeconfig)
        .then(() => true, () => false);
      if (cleaned) rmSync(ctx.paths.clusterRecord, { force: true });
      if (ctx.signal.aborted) throw error;
      if (attempt >= attempts) {
        throw new FloeError(`creating kind cluster "${name}" failed after ${attempts} attempts: ${reason}`, {
          hint: 'run `floe-dev doctor` (Docker memory, disk, ports), then try again; --verbose shows kind\'s output',
          cause: error,
        });
      }
      report.progress(`kind create failed (${reason}); retrying in ${Math.round(backoff / 1000)}s`);
      await ctx.clock.sleep(backoff, ctx.signal);
      backoff *= 2;
    }
  }

  if (ctx.config.cluster.mergeKubeconfig) {
    record.mergedKubeconfig = userKubeconfig(ctx.env);
    await kindFor(ctx).exportKubeconfig(name, record.mergedKubeconfig);
  }
  writeRecord(ctx, record);
}

function writeRecord(ctx: Context, record: ClusterRecord): void {
  writeStateFile(ctx.paths.clusterRecord, `${JSON.stringify(record, null, 2)}\n`);
}

/** Deletes the cluster, the kubeconfig entries floe-dev made, and the cluster's state folder. */
export async function deleteClusterAndState(ctx: Context, record: ClusterRecord | undefined): Promise<void> {
  const kind = kindFor(ctx);
  const name = ctx.config.cluster.name;
  // Its forward supervisor first: it writes into the state folder removed below, and forwards to this cluster.
  await stopForwards(ctx.paths.forwards, ctx.clock);
  // kind removes the cluster's entries from the kubeconfig it is given: the merged one first, then ours.
  if (record?.mergedKubeconfig) await kind.deleteCluster(name, record.mergedKubeconfig);
  await kind.deleteCluster(name, ctx.paths.kubeconfig);
  rmSync(ctx.paths.dir, { recursive: true, force: true });
}

export function readClusterRecord(ctx: Pick<Context, 'paths'>): ClusterRecord | undefined {
  if (!existsSync(ctx.paths.clusterRecord)) return undefined;
  try {
    return JSON.parse(readFileSync(ctx.paths.clusterRecord, 'utf8')) as ClusterRecord;
  } catch {
    return undefined;
  }
}

async function writeKubeconfig(ctx: Context, text: string): Promise<void> {
  mkdirSync(ctx.paths.dir, { recursive: true, mode: 0o700 });
  writeStateFile(ctx.paths.kubeconfig, text);
}

export { userKubeconfig } from '../target.js';

export function describeDrift(record: ClusterRecord, wanted: WantedCluster): string {
  if (record.nodeImage !== wanted.nodeImage) return `node image ${record.nodeImage} → ${wanted.nodeImage}`;
  const known = wanted.driftReasons?.[record.configHash];
  if (known) return known;
  return 'the kind cluster configuration changed';
}

function reasonOf(error: unknown): string {
  if (error instanceof CommandError) return error.reason || error.message;
  return error instanceof Error ? error.message : String(error);
}
