// Turns "command not found" into a prerequisite error with the install fix (exit 3).
import { PrerequisiteError } from '../errors.js';
import { CommandNotFoundError } from './runner.js';

const INSTALL: Record<string, string> = {
  kind: 'install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation (macOS: brew install kind), or set FLOE_DEV_KIND',
  kubectl: 'install kubectl: https://kubernetes.io/docs/tasks/tools/ (macOS: brew install kubectl), or set FLOE_DEV_KUBECTL',
};

export function rethrowMissing(tool: 'kind' | 'kubectl', bin: string) {
  return (error: unknown): never => {
    if (error instanceof CommandNotFoundError) {
      throw new PrerequisiteError(`${tool} was not found (looked for \`${bin}\`${bin.includes('/') ? '' : ' on PATH'})`, {
        hint: INSTALL[tool],
        cause: error,
      });
    }
    throw error;
  };
}
