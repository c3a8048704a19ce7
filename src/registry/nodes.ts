// The nodes' containerd wiring: `/etc/containerd/certs.d/localhost:<port>/hosts.toml` in every running node,
// written like `docker cp` (the engine's archive API: no shell or mkdir needed in the node), skipped when current.
import type { DockerApi, KindNode } from '../tools/docker.js';
import { hostsToml, hostsTomlPath } from './registry.js';
import { fileTarball } from './tar.js';

export interface NodesWiring {
  written: string[];
  current: string[];
}

/** containerd re-reads hosts.toml on each pull (containerd docs/hosts.md: no restart needed). */
export async function ensureNodesHostsToml(docker: DockerApi, nodes: readonly KindNode[], port: number, registryName: string, signal?: AbortSignal): Promise<NodesWiring> {
  const path = hostsTomlPath(port);
  const want = hostsToml(registryName);
  const result: NodesWiring = { written: [], current: [] };
  await Promise.all(
    nodes.map(async (node) => {
      const have = await docker.exec(node.id, ['cat', path], signal).catch(() => undefined);
      if (have?.exitCode === 0 && have.stdout === want) {
        result.current.push(node.name);
        return;
      }
      await docker.putArchive(node.id, '/', fileTarball(path, want), signal);
      result.written.push(node.name);
    }),
  );
  result.written.sort();
  result.current.sort();
  return result;
}
