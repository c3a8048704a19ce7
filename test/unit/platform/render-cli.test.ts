// `floe-dev render` in process: manifests, --component, --summary, --json, and bad platform config (exit 2).
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Io } from '../../../src/cli/command.js';
import { run } from '../../../src/main.js';
import { ConfigError } from '../../../src/errors.js';
import { resolveResources } from '../../../src/platform/overrides.js';
import { toYaml } from '../../../src/platform/render.js';
import { config, render as renderObjects } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'floe-render-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function render(args: string[], yaml?: string): Promise<{ code: number; out: string; err: string }> {
  if (yaml !== undefined) writeFileSync(join(dir, 'floe-dev.yaml'), yaml);
  const stream = { out: '', err: '' };
  const io: Io = {
    // No PATH: rendering must not need kind, kubectl or Docker.
    env: { FLOE_DEV_HOME: join(dir, 'state'), HOME: dir },
    cwd: dir,
    isTTY: false,
    signal: new AbortController().signal,
    stdout: (t) => {
      stream.out += t;
    },
    stderr: (t) => {
      stream.err += t;
    },
  };
  const code = await run(['render', ...args], io);
  return { code, ...stream };
}

const credentialsFile = () => join(dir, 'state', 'clusters', 'floe-dev', 'credentials.json');

describe('floe-dev render', () => {
  it('prints multi-document YAML of the whole platform and keeps the credentials it generated (0600)', async () => {
    const r = await render([]);
    expect(r.code, r.err).toBe(0);
    const docs = parseAllDocuments(r.out).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    expect(docs[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'floe-platform' } });
    expect(docs.filter((d) => d.kind === 'Deployment' || d.kind === 'StatefulSet' || d.kind === 'Job')).toHaveLength(14);
    expect(statSync(credentialsFile()).mode & 0o777).toBe(0o600);
    expect(r.err).toMatch(/generated this cluster's credentials/);

    const again = await render([]);
    expect(again.out).toBe(r.out);
    expect(again.err).not.toMatch(/generated/);
  });

  it('renders one component and what it depends on with --component', async () => {
    const r = await render(['--component', 'orchestrator']);
    expect(r.code, r.err).toBe(0);
    const workloads = parseAllDocuments(r.out)
      .map((d) => d.toJS() as { kind: string; metadata: { name: string } })
      .filter((d) => ['Deployment', 'StatefulSet', 'Job'].includes(d.kind))
      .map((d) => d.metadata.name);
    expect(workloads).toEqual(['orchestrator-db', 'dagster-code-location', 'dagster-webserver', 'dagster-daemon']);
  });

  it('refuses an unknown component with exit 2, listing the choices', async () => {
    const r = await render(['--component', 'warehouse']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: --component: value "warehouse" is not allowed; allowed: storage, catalog, observability, orchestrator, semantic$/m);
  });

  it('prints the resource summary with --summary, and as JSON with --json', async () => {
    const text = await render(['--summary']);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/^TOTAL \(14 services\)/m);
    expect(existsSync(credentialsFile())).toBe(false);
    const json = await render(['--summary', '--json', '--component', 'storage']);
    const summary = JSON.parse(json.out) as { services: { name: string }[]; budget: { withinBudget: boolean } };
    expect(summary.services.map((s) => s.name)).toEqual(['minio', 'minio-bucket']);
    expect(summary.budget.withinBudget).toBe(true);
  });

  it('prints a v1 List with --json', async () => {
    const r = await render(['--json', '--component', 'storage']);
    const list = JSON.parse(r.out) as { kind: string; items: { kind: string }[] };
    expect(list.kind).toBe('List');
    expect(list.items.map((i) => i.kind)).toEqual(['Namespace', 'Secret', 'Service', 'StatefulSet', 'Job']);
  });

  it.each([
    ['an unknown service in an override', 'services:\n  trino:\n    image: trinodb/trino:479\n', /services\.trino/],
    ['a malformed image reference', 'services:\n  cube:\n    image: "Cube JS"\n', /`services\.cube\.image`.*not a valid image reference/],
    ['an unpinned image', 'services:\n  cube:\n    image: cubejs/cube\n', /`services\.cube\.image`.*pinned/],
    ['a negative quantity', 'services:\n  polaris:\n    resources:\n      limits:\n        memory: -1Gi\n', /`services\.polaris\.resources\.limits\.memory`/],
    ['an unparsable quantity', 'services:\n  polaris:\n    resources:\n      requests:\n        cpu: lots\n', /`services\.polaris\.resources\.requests\.cpu`/],
    ['a suffix Kubernetes rejects', 'services:\n  grafana:\n    resources:\n      limits:\n        memory: 512K\n', /`services\.grafana\.resources\.limits\.memory` \(in .*\): value "512K" is not a memory quantity: did you mean 512Ki\?/],
    ['a request above its limit', 'services:\n  cube:\n    resources:\n      requests:\n        memory: 2Gi\n', /`services\.cube\.resources\.requests\.memory`.*above the limit \(640Mi\)/],
  ])('exits 2 naming the key for %s, writing nothing', async (_n, yaml, message) => {
    for (const args of [[], ['--summary']]) {
      const r = await render(args, yaml);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.out).toBe('');
    }
    expect(existsSync(credentialsFile())).toBe(false);
  });
});

describe('resolveResources', () => {
  it('merges an override over the defaults, per key', () => {
    const cfg = config({ services: { cube: { resources: { limits: { memory: '1Gi' } } } } });
    expect(resolveResources(cfg, 'cube')).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } });
  });

  it('blames the limit when only the limit was lowered below the request', () => {
    const cfg = config({ services: { polaris: { resources: { limits: { memory: '256Mi' } } } } });
    expect(() => resolveResources(cfg, 'polaris')).toThrow(ConfigError);
    try {
      resolveResources(cfg, 'polaris');
    } catch (error) {
      expect((error as ConfigError).key).toBe('services.polaris.resources.limits.memory');
    }
  });
});

describe('toYaml', () => {
  const objects = renderObjects();
  const text = toYaml(objects);

  it('round-trips: each document parses back to its object', () => {
    const docs = parseAllDocuments(text);
    expect(docs.every((d) => d.errors.length === 0)).toBe(true);
    expect(docs.map((d) => d.toJS())).toEqual(JSON.parse(JSON.stringify(objects)));
  });

  it('reads the same under YAML 1.1 (kubectl), and uses no anchors or aliases', () => {
    expect(parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS())).toEqual(JSON.parse(JSON.stringify(objects)));
    expect(text).not.toMatch(/[&*]a\d+\b/);
  });

  it('quotes strings that YAML 1.1 would read as booleans or numbers', () => {
    expect(toYaml([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'yes', b: 'on', c: '0755', d: 'true' } }])).toMatch(
      /a: "yes"\n {2}b: "on"\n {2}c: "0755"\n {2}d: "true"/,
    );
  });
});
