// kind through the runner: list, create, delete clusters, export kubeconfig, list nodes, load images.
import { rethrowMissing } from './missing.js';
import type { Runner, RunOptions } from './runner.js';

export interface KindCreateOptions {
  name: string;
  /** Path of the kind config file (kind.x-k8s.io/v1alpha4 Cluster). */
  configFile: string;
  /** Where kind writes the cluster's kubeconfig (floe-dev's own file, not ~/.kube/config). */
  kubeconfig: string;
}

export class Kind {
  constructor(
    private readonly runner: Runner,
    private readonly bin: string,
    private readonly base: Pick<RunOptions, 'signal' | 'onLine'> = {},
  ) {}

  private run(args: string[], options: RunOptions = {}) {
    return this.runner.run([this.bin, ...args], { ...this.base, ...options }).catch(rethrowMissing('kind', this.bin));
  }

  /** Names of the kind clusters on this machine ("No kind clusters found." goes to stderr). */
  async getClusters(): Promise<string[]> {
    const { stdout } = await this.run(['get', 'clusters'], { timeoutMs: 30_000 });
    return parseClusterList(stdout);
  }

  async createCluster(options: KindCreateOptions, timeoutMs: number): Promise<void> {
    await this.run(
      ['create', 'cluster', '--name', options.name, '--config', options.configFile, '--kubeconfig', options.kubeconfig],
      { timeoutMs },
    );
  }

  /** Succeeds when the cluster does not exist (kind's own behaviour). Removes its entries from `kubeconfig`. */
  async deleteCluster(name: string, kubeconfig: string): Promise<void> {
    await this.run(['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig], { timeoutMs: 120_000 });
  }

  /** The cluster's kubeconfig (external address). */
  async getKubeconfig(name: string): Promise<string> {
    const { stdout } = await this.run(['get', 'kubeconfig', '--name', name], { timeoutMs: 30_000 });
    return stdout;
  }

  /** Merges the cluster's context into `kubeconfig` (used only when the user asks for it). */
  async exportKubeconfig(name: string, kubeconfig: string): Promise<void> {
    await this.run(['export', 'kubeconfig', '--name', name, '--kubeconfig', kubeconfig], { timeoutMs: 30_000 });
  }

  async getNodes(name: string): Promise<string[]> {
    const { stdout } = await this.run(['get', 'nodes', '--name', name], { timeoutMs: 30_000 });
    return parseClusterList(stdout);
  }

  /** One batched `kind load docker-image`: one `docker save`, imported where a node lacks the image ID. */
  async loadDockerImages(name: string, images: readonly string[], timeoutMs: number): Promise<void> {
    await this.run(['load', 'docker-image', ...images, '--name', name], { timeoutMs });
  }

  async loadImageArchive(name: string, archive: string, timeoutMs: number): Promise<void> {
    await this.run(['load', 'image-archive', archive, '--name', name], { timeoutMs });
  }
}

/** `kind get clusters` / `kind get nodes` output: one name per line. */
export function parseClusterList(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('No kind clusters found') && !l.startsWith('No kind nodes found'));
}
