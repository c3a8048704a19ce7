// A short-lived `kubectl port-forward` to a Service for one piece of work (bootstrap, a code-location reload):
// floe-dev reaches services through 127.0.0.1, never through a pod IP.
import { FloeError } from '../errors.js';
import type { Kubectl } from './kubectl.js';

export interface ThroughOptions {
  namespace: string;
  signal: AbortSignal;
  progress?(text: string): void;
  /** A forward may lose the race with a pod that just turned ready, or drop mid-way: a few attempts. */
  attempts?: number;
}

/**
 * Runs `fn` with `http://127.0.0.1:<port>` forwarded to `service:remotePort`, and stops the forward after. A forward
 * that cannot start, or a connection that fails through it (refused, reset: not a FloeError), gets a fresh
 * forward and another try; a FloeError from `fn` (the service's own answer) is final.
 */
export async function throughForward<T>(kubectl: Kubectl, service: string, remotePort: number, fn: (base: string) => Promise<T>, options: ThroughOptions): Promise<T> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    let forward;
    try {
      options.progress?.(`port-forward to ${service}:${remotePort}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
      forward = await kubectl.portForward(options.namespace, `service/${service}`, remotePort);
      return await fn(`http://127.0.0.1:${forward.localPort}`);
    } catch (error) {
      const retryable = !(error instanceof FloeError) || forward === undefined;
      if (options.signal.aborted || !retryable) throw error;
      if (attempt >= attempts) {
        throw new FloeError(`could not reach ${service}:${remotePort} through a port-forward (${attempt} attempts): ${(error as Error).message}`, {
          hint: `\`floe-dev status\` shows whether ${service} is healthy; run \`floe-dev up\` again`,
          cause: error,
        });
      }
    } finally {
      await forward?.process.stop();
    }
  }
}
