// What the user reads when a step of up fails in a way the step itself did not explain: a state file that could not
// be written (disk full, read-only, permissions), the state folder removed while the run went on, or a command
// that failed without a fix of its own. Each names the step, the reason and what to do.
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Context } from '../context.js';
import { CommandError, FloeError, InterruptedError, systemErrorFix } from '../errors.js';
import { fsReason } from '../state/dirs.js';

/** The write failures a step of up explains as the state folder's (fsReason words them). */
const FS_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM']);
/** How up carries on once the machine is fixed. */
const UP_AGAIN = 'run floe-dev up again: it continues where this run stopped';

/** The error to report for `error`, thrown by the step titled `step`. */
export function explainStepFailure(step: string, ctx: Pick<Context, 'cache' | 'config' | 'paths' | 'signal' | 'runLog'>, error: unknown): unknown {
  if (ctx.signal.aborted || error instanceof InterruptedError) return error;
  const first = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  const lower = step.toLowerCase();

  // The cluster step made the state folder; if it is gone now, someone removed it while up ran.
  if (ctx.cache.has('cluster') && !existsSync(ctx.paths.dir)) {
    return new FloeError(
      `${lower} failed: the state folder ${ctx.paths.dir} was removed while up ran (it held the cluster's kubeconfig, its ownership record and the credentials)\n${first}`,
      {
        hint: `the kind cluster ${ctx.config.cluster.name} is still there, but floe-dev no longer holds its kubeconfig or credentials: floe-dev up --recreate starts it afresh`,
        cause: error,
      },
    );
  }

  const fs = error as NodeJS.ErrnoException | undefined;
  // A failed write(2) names no path (only open(2) does): then it was a file of the state folder.
  const at = typeof fs?.path === 'string' ? fs.path : undefined;
  const where = at ?? `${ctx.paths.dir}/`;
  const fix = FS_CODES.has(fs?.code ?? '') ? systemErrorFix(fs?.code, dirname(where), UP_AGAIN) : undefined;
  if (fix) {
    return new FloeError(`${lower} failed: could not write ${at ?? `a file in ${ctx.paths.dir}`}: ${fsReason(error, where)}`, { hint: fix, cause: error });
  }

  // kubectl that never came back: the API server is stopped, starved or out of reach, not kubectl at fault.
  if (error instanceof CommandError && error.result.timedOut && /^kubectl(\.exe)?$/.test(basename(error.argv[0] ?? '')) && !error.argv.includes('port-forward')) {
    const existing = ctx.config.cluster.existing;
    return new FloeError(`${lower} failed: the Kubernetes API server did not answer in time: ${error.message}`, {
      hint: existing
        ? `check that context ${existing.context} reaches its cluster (kubectl --context ${existing.context} get --raw /readyz), then run floe-dev up again`
        : `the kind node may be stopped or starved: docker ps --filter name=${ctx.config.cluster.name}-control-plane shows it; give Docker more CPU and memory (floe-dev doctor says what it has), then run floe-dev up again: it continues where this run stopped`,
      cause: error,
    });
  }

  // A command that failed without a fix of its own: at least where to read all it said.
  if (error instanceof CommandError && !error.hint) {
    return new CommandError(error.argv, error.result, {
      hint: `its whole output is in the run's log${ctx.runLog ? ` (${ctx.runLog.path})` : ''}; run floe-dev up again once that is fixed, --verbose shows each command as it runs`,
      cause: error.cause,
    });
  }
  return error;
}
