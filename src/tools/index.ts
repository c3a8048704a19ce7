// The external tools floe-dev drives, built once per run from the environment.
import type { DockerApi } from './docker.js';
import type { Runner } from './runner.js';
import type { Http } from './http.js';

export interface Tools {
  runner: Runner;
  http: Http;
  /**
   * The Docker Engine at the endpoint the docker CLI would use. Created on first call (dockerode is loaded
   * only then, so `--help` stays fast); rejects with a PrerequisiteError when DOCKER_HOST or the current
   * docker context is unusable. Every call returns the same client.
   */
  docker(): Promise<DockerApi>;
  /** Executable for kind: FLOE_DEV_KIND, else `kind` on PATH. */
  kindPath: string;
  /** Executable for kubectl: FLOE_DEV_KUBECTL, else `kubectl` on PATH. */
  kubectlPath: string;
}

export async function createTools(env: NodeJS.ProcessEnv): Promise<Tools> {
  const [{ ExecaRunner }, { GotHttp }] = await Promise.all([import('./runner.js'), import('./http.js')]);
  let docker: Promise<DockerApi> | undefined;
  return {
    runner: new ExecaRunner(),
    http: new GotHttp(),
    docker: () => (docker ??= import('./docker.js').then(({ connectDocker }) => connectDocker(env))),
    kindPath: env.FLOE_DEV_KIND || 'kind',
    kubectlPath: env.FLOE_DEV_KUBECTL || 'kubectl',
  };
}
