// One HTTP request through a forward: any answer, whatever its status, proves the forward carries traffic.
import type { Http } from '../tools/http.js';
import type { ProbeResult } from './supervise.js';

export const PROBE_TIMEOUT_MS = 2_000;

export async function probeForward(http: Http, url: string, signal?: AbortSignal, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  try {
    // A new connection each time: a broken forward may still serve a kept-alive one (kubectl#926).
    await http.request({ url, timeoutMs, retries: 0, signal, headers: { connection: 'close' } });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: networkReason(error) };
  }
}

/** A short reason for a failed request: the errno code when there is one (ECONNREFUSED, ECONNRESET), or the message. */
export function networkReason(error: unknown): string {
  const e = error as { code?: string; message?: string; name?: string };
  if (e?.name === 'TimeoutError' || e?.code === 'ETIMEDOUT') return 'no answer (timed out)';
  if (e?.code === 'ECONNREFUSED') return 'connection refused';
  if (e?.code === 'ECONNRESET' || e?.code === 'EPIPE') return 'connection reset';
  if (e?.name === 'AbortError' || e?.code === 'ERR_ABORTED') return 'aborted';
  return e?.message || String(error);
}
