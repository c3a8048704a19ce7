// The kind cluster configuration: kind/cluster.yaml with this cluster's name and node image, and its hash.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { Config } from '../config/schema.js';

/** kind/cluster.yaml, shipped with the package (package.json "files"): two levels up from src/ or dist/. */
export const KIND_TEMPLATE = new URL('../../kind/cluster.yaml', import.meta.url);

export interface KindConfig {
  /** The YAML to pass to `kind create cluster --config -`. */
  yaml: string;
  /** sha256 of `yaml`: recorded at creation, compared later to report drift. */
  hash: string;
  /** The node image in `yaml` (the cluster step records and reports it). */
  nodeImage: string;
}

/**
 * Renders the cluster's kind config from the template: same output for the same configuration (the hash is
 * stable), different as soon as the name or node image differs. The template's comments are kept.
 */
export function renderKindConfig(config: Pick<Config, 'cluster'>, template: string = readFileSync(KIND_TEMPLATE, 'utf8')): KindConfig {
  const doc = parseDocument(template);
  if (doc.errors.length > 0) throw new Error(`kind/cluster.yaml is not valid YAML: ${doc.errors[0]!.message}`);
  const nodes = doc.get('nodes');
  if (!nodes || typeof nodes !== 'object' || !('items' in nodes) || (nodes.items as unknown[]).length !== 1) {
    throw new Error('kind/cluster.yaml must declare exactly one node');
  }
  doc.set('name', config.cluster.name);
  doc.setIn(['nodes', 0, 'image'], config.cluster.nodeImage);
  const yaml = doc.toString({ lineWidth: 0 });
  return { yaml, hash: createHash('sha256').update(yaml).digest('hex'), nodeImage: config.cluster.nodeImage };
}
