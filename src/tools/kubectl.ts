// kubectl through the runner, always with floe-dev's own --kubeconfig and an explicit --context.
import { rethrowMissing } from './missing.js';
import type { Runner, RunOptions, RunResult } from './runner.js';

export class Kubectl {
  constructor(
    private readonly runner: Runner,
    private readonly bin: string,
    readonly kubeconfig: string,
    readonly context: string,
    private readonly base: Pick<RunOptions, 'signal' | 'onLine'> = {},
  ) {}

  /** Runs `kubectl --kubeconfig K --context C <args>`: never whatever context happens to be current. */
  run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return this.runner.run([this.bin, '--kubeconfig', this.kubeconfig, '--context', this.context, ...args], {
      timeoutMs: 60_000,
      ...this.base,
      ...options,
    }).catch(rethrowMissing('kubectl', this.bin));
  }

  /** The server's Kubernetes version, which also proves the API server answers. */
  async serverVersion(timeoutMs = 15_000): Promise<string> {
    const { stdout } = await this.run(['version', '-o', 'json'], { timeoutMs });
    return parseServerVersion(stdout);
  }

  /** `kubectl delete namespace`: returns false when it did not exist. */
  async deleteNamespace(name: string, timeoutMs: number): Promise<boolean> {
    const { stdout } = await this.run(['delete', 'namespace', name, '--ignore-not-found', '--wait=true', `--timeout=${Math.ceil(timeoutMs / 1000)}s`], {
      timeoutMs: timeoutMs + 5_000,
    });
    return stdout.trim().length > 0;
  }
}

/** `kubectl version -o json` → the server's gitVersion (e.g. v1.33.4). */
export function parseServerVersion(stdout: string): string {
  const parsed = JSON.parse(stdout) as { serverVersion?: { gitVersion?: string } };
  const version = parsed.serverVersion?.gitVersion;
  if (!version) throw new Error('kubectl version printed no server version');
  return version;
}

/** The kubeconfig context kind creates for a cluster. */
export function kindContext(cluster: string): string {
  return `kind-${cluster}`;
}
