// Turns "command not found" into a prerequisite error with the install fix doctor gives (exit 3).
import { DEFAULT_NODE_IMAGE } from '../config/schema.js';
import { PrerequisiteError } from '../errors.js';
import { kindInstallFix, kubectlInstallFix, type HostPlatform } from '../preflight/evaluate.js';
import { nodeImageKubernetesVersion } from '../preflight/versions.js';
import { ociArchitecture } from './docker.js';
import { CommandNotFoundError } from './runner.js';

const host: HostPlatform = { platform: process.platform, arch: ociArchitecture(process.arch === 'x64' ? 'amd64' : process.arch) };

export function rethrowMissing(tool: 'kind' | 'kubectl', bin: string) {
  return (error: unknown): never => {
    if (error instanceof CommandNotFoundError) {
      throw new PrerequisiteError(`${tool} was not found (looked for \`${bin}\`${bin.includes('/') ? '' : ' on PATH'})`, {
        hint: tool === 'kind' ? kindInstallFix(host) : kubectlInstallFix(host, nodeImageKubernetesVersion(DEFAULT_NODE_IMAGE)),
        cause: error,
      });
    }
    throw error;
  };
}
