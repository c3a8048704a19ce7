// kubectl through the runner, always with an explicit --kubeconfig and --context (src/target.ts decides which).
import type { Clock } from '../clock.js';
import { CommandError, FloeError } from '../errors.js';
import { rethrowMissing } from './missing.js';
import type { Runner, RunOptions, RunResult, StartedProcess } from './runner.js';

/** The field manager of every server-side apply floe-dev makes (design §5.4). */
export const FIELD_MANAGER = 'floe-dev';

/** A Kubernetes object as kubectl prints it with -o json; read field by field by typed callers. */
export type KubeJson = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } } & Record<string, unknown>;

export interface PortForward {
  /** The local port kubectl listens on (127.0.0.1 only). */
  localPort: number;
  process: StartedProcess;
}

/**
 * Calls that find the API server unreachable are tried again (a kind node's API server refuses connections for
 * a moment while it (re)starts): this many attempts in all, the pause doubling from `backoffMs`.
 */
export interface UnreachableRetry {
  attempts: number;
  backoffMs: number;
  clock: Clock;
}

export const DEFAULT_UNREACHABLE_RETRY: Omit<UnreachableRetry, 'clock'> = { attempts: 4, backoffMs: 500 };

export class Kubectl {
  constructor(
    private readonly runner: Runner,
    private readonly bin: string,
    readonly kubeconfig: string,
    readonly context: string,
    private readonly base: Pick<RunOptions, 'signal' | 'onLine'> & { retry?: UnreachableRetry } = {},
  ) {}

  /**
   * Runs `kubectl --kubeconfig K --context C <args>`: never whatever context happens to be current. Every call
   * floe-dev makes is safe to repeat (reads, server-side apply, deletes that ignore absent objects), so one that
   * could not reach the API server is tried again; when it never answers, the error says so and what to check.
   */
  async run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const { retry, ...base } = this.base;
    const attempts = retry?.attempts ?? 1;
    let pause = retry?.backoffMs ?? 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runner
          .run([this.bin, '--kubeconfig', this.kubeconfig, '--context', this.context, ...args], { timeoutMs: 60_000, ...base, ...options })
          .catch(rethrowMissing('kubectl', this.bin));
      } catch (error) {
        if (!(error instanceof CommandError) || error.result.aborted || error.result.timedOut || !unreachableServer(error.result.stderr)) throw error;
        if (attempt >= attempts || !retry || base.signal?.aborted) {
          throw new CommandError(error.argv, error.result, {
            hint: `${this.context.startsWith('kind-') ? `is the kind node running? docker ps -a --filter label=io.x-k8s.kind.cluster=${this.context.slice(5)} (docker start NAME starts a stopped one); ` : ''}if the cluster is gone for good: floe-dev up --recreate`,
            cause: error,
          });
        }
        await retry.clock.sleep(pause, base.signal);
        pause *= 2;
      }
    }
  }

  /** The server's Kubernetes version, which also proves the API server answers. */
  async serverVersion(timeoutMs = 15_000): Promise<string> {
    const { stdout } = await this.run(['version', '-o', 'json'], { timeoutMs });
    return parseServerVersion(stdout);
  }

  /**
   * Server-side apply of a multi-document YAML stream given on stdin (manifests and Secrets never go in argv).
   * `--force-conflicts`: floe-dev owns these objects, so a field someone changed by hand is taken back.
   * Returns kubectl's lines, e.g. `deployment.apps/polaris serverside-applied`.
   */
  async apply(manifests: string, timeoutMs = 120_000): Promise<string[]> {
    const { stdout } = await this.run(['apply', '--server-side', '--field-manager', FIELD_MANAGER, '--force-conflicts', '-f', '-'], {
      input: manifests,
      timeoutMs,
    });
    return stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  }

  /** `kubectl get TYPES -n NS [-l SELECTOR] -o json` → the items. */
  async list<T = KubeJson>(types: string, options: { namespace?: string; allNamespaces?: boolean; selector?: string; fieldSelector?: string; timeoutMs?: number } = {}): Promise<T[]> {
    const args = ['get', types, '-o', 'json'];
    if (options.allNamespaces) args.push('-A');
    else if (options.namespace) args.push('-n', options.namespace);
    if (options.selector) args.push('-l', options.selector);
    if (options.fieldSelector) args.push('--field-selector', options.fieldSelector);
    const { stdout } = await this.run(args, { timeoutMs: options.timeoutMs ?? 30_000 });
    return parseList<T>(stdout, args);
  }

  /** Deletes `kind/name` objects in a namespace; absent ones are fine. Waits until they are gone. */
  async delete(refs: readonly string[], namespace: string, timeoutMs = 120_000): Promise<void> {
    if (refs.length === 0) return;
    await this.run(['delete', ...refs, '-n', namespace, '--ignore-not-found', '--wait=true', `--timeout=${Math.ceil(timeoutMs / 1000)}s`], {
      timeoutMs: timeoutMs + 5_000,
    });
  }

  /** The last `tail` lines of a container's log (its previous run with `previous`); '' when there is none to read. */
  async logs(pod: string, namespace: string, options: { container?: string; previous?: boolean; tail?: number } = {}): Promise<string> {
    const args = ['logs', pod, '-n', namespace, `--tail=${options.tail ?? 20}`];
    if (options.container) args.push('-c', options.container);
    if (options.previous) args.push('--previous');
    const r = await this.run(args, { allowFailure: true, timeoutMs: 20_000 });
    return r.exitCode === 0 ? r.stdout : '';
  }

  /**
   * `kubectl port-forward --address 127.0.0.1 TARGET :PORT` (a free local port), resolved once kubectl says
   * where it listens. Stop it with `process.stop()`.
   */
  async portForward(namespace: string, target: string, remotePort: number, timeoutMs = 30_000): Promise<PortForward> {
    const argv: [string, ...string[]] = [this.bin, '--kubeconfig', this.kubeconfig, '--context', this.context, '-n', namespace, 'port-forward', '--address', '127.0.0.1', target, `:${remotePort}`];
    let found: (port: number) => void = () => {};
    const listening = new Promise<number>((resolve) => (found = resolve));
    const errors: string[] = [];
    const process = await this.runner
      .start(argv, {
        signal: this.base.signal,
        onLine: (line, stream) => {
          const m = /^Forwarding from 127\.0\.0\.1:(\d+) -> /.exec(line);
          if (m) found(Number(m[1]));
          else if (stream === 'stderr' && line.trim()) errors.push(line.trim());
        },
      })
      .catch(rethrowMissing('kubectl', this.bin));
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
    const outcome = await Promise.race([listening, process.exited.then(() => 'exited' as const), timer]);
    if (typeof outcome === 'number') return { localPort: outcome, process };
    await process.stop();
    throw new FloeError(
      `kubectl port-forward to ${target}:${remotePort} in ${namespace} ${outcome === 'timeout' ? `did not start within ${Math.round(timeoutMs / 1000)}s` : 'exited'}${errors.length ? `: ${errors.at(-1)}` : ''}`,
    );
  }

  /** `kubectl delete namespace`: returns false when it did not exist. */
  async deleteNamespace(name: string, timeoutMs: number): Promise<boolean> {
    const { stdout } = await this.run(['delete', 'namespace', name, '--ignore-not-found', '--wait=true', `--timeout=${Math.ceil(timeoutMs / 1000)}s`], {
      timeoutMs: timeoutMs + 5_000,
    });
    return stdout.trim().length > 0;
  }
}

/** kubectl's words for an API server it could not reach (refused, or no answer in time), or undefined. */
export function unreachableServer(stderr: string): string | undefined {
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => /^The connection to the server .* was refused|^Unable to connect to the server:/.test(l));
  return line;
}

/** A `kubectl get -o json` answer: a List's items, or the one object asked for by name. */
export function parseList<T>(stdout: string, args: readonly string[] = []): T[] {
  let parsed: { kind?: string; items?: T[] };
  try {
    parsed = JSON.parse(stdout) as { kind?: string; items?: T[] };
  } catch {
    throw new Error(`kubectl ${args.join(' ')} printed no JSON: ${stdout.slice(0, 200)}`);
  }
  return Array.isArray(parsed.items) ? parsed.items : [parsed as T];
}

/** `kubectl version -o json` → the server's gitVersion (e.g. v1.33.4). */
export function parseServerVersion(stdout: string): string {
  const parsed = JSON.parse(stdout) as { serverVersion?: { gitVersion?: string } };
  const version = parsed.serverVersion?.gitVersion;
  if (!version) throw new Error('kubectl version printed no server version');
  return version;
}
