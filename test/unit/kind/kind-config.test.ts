// The kind cluster configuration: one node, API server on loopback, node image pinned by digest, stable hash.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_NODE_IMAGE, configSchema, type ConfigInput } from '../../../src/config/schema.js';
import { KIND_TEMPLATE, renderKindConfig } from '../../../src/platform/kind-config.js';

const config = (input: ConfigInput = {}) => configSchema.parse(input);

interface KindCluster {
  kind: string;
  apiVersion: string;
  name: string;
  networking: { apiServerAddress: string; apiServerPort?: number };
  nodes: { role: string; image: string; extraPortMappings?: { listenAddress?: string }[] }[];
}

describe('kind/cluster.yaml', () => {
  const template = parse(readFileSync(KIND_TEMPLATE, 'utf8')) as KindCluster;

  it('is a kind v1alpha4 Cluster with a single control-plane node', () => {
    expect(template.kind).toBe('Cluster');
    expect(template.apiVersion).toBe('kind.x-k8s.io/v1alpha4');
    expect(template.nodes).toEqual([expect.objectContaining({ role: 'control-plane' })]);
  });

  it('binds the API server to 127.0.0.1 and maps no host ports elsewhere', () => {
    expect(template.networking.apiServerAddress).toBe('127.0.0.1');
    for (const node of template.nodes) {
      for (const m of node.extraPortMappings ?? []) expect(m.listenAddress).toBe('127.0.0.1');
    }
  });

  it('names the same default node image as the configuration schema', () => {
    expect(template.nodes[0]!.image).toBe(DEFAULT_NODE_IMAGE);
  });
});

describe('DEFAULT_NODE_IMAGE', () => {
  it('is a kindest/node image pinned by sha256 digest (kind v0.30.0 release notes)', () => {
    expect(DEFAULT_NODE_IMAGE).toMatch(/^kindest\/node:v1\.\d+\.\d+@sha256:[a-f0-9]{64}$/);
    expect(DEFAULT_NODE_IMAGE).toBe('kindest/node:v1.33.4@sha256:25a6018e48dfcaee478f4a59af81157a437f15e6e140bf103f85a2e7cd0cbbf2');
  });
});

describe('renderKindConfig', () => {
  it('fills in the cluster name and node image', () => {
    const image = 'kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a';
    const { yaml, nodeImage } = renderKindConfig(config({ cluster: { name: 'other', nodeImage: image } }));
    expect(nodeImage).toBe(image);
    const rendered = parse(yaml) as KindCluster;
    expect(rendered.name).toBe('other');
    expect(rendered.nodes).toEqual([{ role: 'control-plane', image }]);
    expect(rendered.networking.apiServerAddress).toBe('127.0.0.1');
  });

  it('gives the same hash for the same configuration and a different one when it changes', () => {
    const a = renderKindConfig(config());
    expect(renderKindConfig(config()).hash).toBe(a.hash);
    expect(a.hash).toMatch(/^[a-f0-9]{64}$/);
    expect(renderKindConfig(config({ cluster: { name: 'other' } })).hash).not.toBe(a.hash);
    const image = 'kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a';
    expect(renderKindConfig(config({ cluster: { nodeImage: image } })).hash).not.toBe(a.hash);
  });

  it('ignores what does not shape the cluster (namespace, components, forwards)', () => {
    const a = renderKindConfig(config());
    const b = renderKindConfig(config({ namespace: 'x', components: ['storage'], forwards: { dagster: 3300 } }));
    expect(b.hash).toBe(a.hash);
  });

  it.each([
    ['two nodes', 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n  - role: worker\n', /exactly one node/],
    ['no nodes', 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n', /exactly one node/],
    ['broken YAML', 'kind: [\n', /not valid YAML/],
  ])('refuses a template with %s', (_n, template, message) => {
    expect(() => renderKindConfig(config(), template)).toThrow(message);
  });
});
