// The external tools floe-dev drives, built once per run from the environment.
import type { Runner } from './runner.js';
import type { Http } from './http.js';

export interface Tools {
  runner: Runner;
  http: Http;
  /** Executable for kind: FLOE_DEV_KIND, else `kind` on PATH. */
  kindPath: string;
  /** Executable for kubectl: FLOE_DEV_KUBECTL, else `kubectl` on PATH. */
  kubectlPath: string;
}

export async function createTools(env: NodeJS.ProcessEnv): Promise<Tools> {
  const [{ ExecaRunner }, { GotHttp }] = await Promise.all([import('./runner.js'), import('./http.js')]);
  return {
    runner: new ExecaRunner(),
    http: new GotHttp(),
    kindPath: env.FLOE_DEV_KIND || 'kind',
    kubectlPath: env.FLOE_DEV_KUBECTL || 'kubectl',
  };
}
