// Where floe-dev keeps its state: $FLOE_DEV_HOME, else $XDG_STATE_HOME/floe-dev, else ~/.local/state/floe-dev.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function stateHome(env: NodeJS.ProcessEnv): string {
  if (env.FLOE_DEV_HOME) return env.FLOE_DEV_HOME;
  const xdg = env.XDG_STATE_HOME;
  // XDG says relative paths are invalid and must be ignored.
  if (xdg && xdg.startsWith('/')) return join(xdg, 'floe-dev');
  return join(env.HOME || homedir(), '.local', 'state', 'floe-dev');
}

/** The files of one cluster's state folder. */
export interface ClusterPaths {
  dir: string;
  kubeconfig: string;
  credentials: string;
  lock: string;
  /** Forward supervisor pid and ports. */
  forwards: string;
  /** What the cluster was created from (config hash), to detect drift. */
  clusterRecord: string;
  logs: string;
}

export function clusterPaths(env: NodeJS.ProcessEnv, cluster: string): ClusterPaths {
  const dir = join(stateHome(env), 'clusters', cluster);
  return {
    dir,
    kubeconfig: join(dir, 'kubeconfig'),
    credentials: join(dir, 'credentials.json'),
    // Beside the folder, not in it: `down` removes the folder while holding the lock.
    lock: `${dir}.lock`,
    forwards: join(dir, 'forwards.json'),
    clusterRecord: join(dir, 'cluster.json'),
    logs: join(dir, 'logs'),
  };
}
