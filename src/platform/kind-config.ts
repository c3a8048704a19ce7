// The kind cluster configuration: kind/cluster.yaml with this cluster's name and node image, and its hash.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { Config } from '../config/schema.js';
import { CONTAINERD_CONFIG_PATCH } from '../registry/registry.js';

/** kind/cluster.yaml, shipped with the package (package.json "files"): two levels up from src/ or dist/. */
export const KIND_TEMPLATE = new URL('../../kind/cluster.yaml', import.meta.url);

export interface KindConfig {
  /** The YAML to pass to `kind create cluster --config -`. */
  yaml: string;
  /** sha256 of `yaml`: recorded at creation, compared later to report drift. */
  hash: string;
  /** The node image in `yaml` (the cluster step records and reports it). */
  nodeImage: string;
  /**
   * Hashes of other configs a cluster may have been made from and still be fine: with the registry off, one
   * made with its containerd patch (the patch alone changes nothing without a hosts.toml).
   */
  accepts?: string[];
  /** Why a cluster made from another config will not do, by that config's hash, when floe-dev knows it. */
  driftReasons?: Record<string, string>;
}

/**
 * Renders the cluster's kind config from the template: same output for the same configuration (the hash is
 * stable), different as soon as the name or node image differs. The template's comments are kept.
 */
export function renderKindConfig(config: Pick<Config, 'cluster' | 'registry'>, template: string = readFileSync(KIND_TEMPLATE, 'utf8')): KindConfig {
  const withRegistry = render(config, template, true);
  const without = render(config, template, false);
  const hash = (yaml: string): string => createHash('sha256').update(yaml).digest('hex');
  const nodeImage = config.cluster.nodeImage;
  if (config.registry.enabled) {
    return {
      yaml: withRegistry,
      hash: hash(withRegistry),
      nodeImage,
      driftReasons: {
        [hash(without)]: `the local registry (registry.enabled) needs containerd to read /etc/containerd/certs.d (config_path), and this cluster was created without it`,
      },
    };
  }
  return { yaml: without, hash: hash(without), nodeImage, accepts: [hash(withRegistry)] };
}

/**
 * With the registry on, containerd is told to read per-registry hosts.toml files (kind docs "Local Registry":
 * containerdConfigPatches with config_path); the patch goes in only then, so turning the registry on is the
 * only change that asks for a new cluster.
 */
function render(config: Pick<Config, 'cluster'>, template: string, registry: boolean): string {
  const doc = parseDocument(template);
  if (doc.errors.length > 0) throw new Error(`kind/cluster.yaml is not valid YAML: ${doc.errors[0]!.message}`);
  const nodes = doc.get('nodes');
  if (!nodes || typeof nodes !== 'object' || !('items' in nodes) || (nodes.items as unknown[]).length !== 1) {
    throw new Error('kind/cluster.yaml must declare exactly one node');
  }
  doc.set('name', config.cluster.name);
  doc.setIn(['nodes', 0, 'image'], config.cluster.nodeImage);
  if (registry) doc.set('containerdConfigPatches', [CONTAINERD_CONFIG_PATCH]);
  return doc.toString({ lineWidth: 0 });
}
