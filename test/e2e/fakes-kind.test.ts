// The fake kind, through real subprocess calls: kind v0.30's syntax, messages, exit codes and kubeconfig
// handling, transient create failures, and image loading in state mode.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { tarball } from '../../fixtures/docker/images.js';
import { FIXTURES_BIN, useHarness } from './harness.js';

interface Kubeconfig {
  clusters: { name: string; cluster: { server: string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  users: { name: string }[];
  'current-context': string;
}
const readKubeconfig = (file: string): Kubeconfig => parse(readFileSync(file, 'utf8')) as Kubeconfig;

describe('fake kind: clusters', () => {
  const h = useHarness();

  it('prints its version like kind v0.30', async () => {
    const r = await h().tool('kind', ['version']);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'kind v0.30.0 go1.24.6 linux/amd64\n' });
  });

  it('says so on stderr, exit 0, when there are no clusters', async () => {
    const r = await h().tool('kind', ['get', 'clusters']);
    expect(r).toMatchObject({ exitCode: 0, stdout: '', stderr: 'No kind clusters found.\n' });
  });

  it('creates a cluster, writes its kubeconfig entries, and refuses to create it twice', async () => {
    const kubeconfig = join(h().dir, 'kc');
    const r = await h().tool('kind', ['create', 'cluster', '--name', 'alpha', '--kubeconfig', kubeconfig]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('Creating cluster "alpha" ...');
    expect(r.stderr).toContain(' ✓ Ensuring node image (kindest/node:v1.34.0) 🖼');
    expect(r.stderr).toContain('Set kubectl context to "kind-alpha"');

    const config = readKubeconfig(kubeconfig);
    expect(config['current-context']).toBe('kind-alpha');
    expect(config.contexts).toEqual([{ name: 'kind-alpha', context: { cluster: 'kind-alpha', user: 'kind-alpha' } }]);
    expect(config.clusters[0]?.cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(config.users.map((u) => u.name)).toEqual(['kind-alpha']);

    expect((await h().tool('kind', ['get', 'clusters'])).stdout).toBe('alpha\n');
    expect((await h().tool('kind', ['get', 'nodes', '--name', 'alpha'])).stdout).toBe('alpha-control-plane\n');

    const again = await h().tool('kind', ['create', 'cluster', '--name', 'alpha', '--kubeconfig', kubeconfig]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toBe('ERROR: failed to create cluster: node(s) already exist for a cluster with the name "alpha"\n');
  });

  it('merges into ~/.kube/config by default, keeping other entries, and prunes only its own on delete', async () => {
    const kubeDir = join(h().home, '.kube');
    mkdirSync(kubeDir);
    const other = [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: prod, cluster: {server: "https://prod.example:6443"}}]',
      'contexts: [{name: prod, context: {cluster: prod, user: prod}}]',
      'users: [{name: prod, user: {token: abc}}]',
      'current-context: prod',
    ].join('\n');
    writeFileSync(join(kubeDir, 'config'), other);
    expect((await h().tool('kind', ['create', 'cluster', '--name', 'beta'])).exitCode).toBe(0);
    let config = readKubeconfig(join(kubeDir, 'config'));
    expect(config.contexts.map((c) => c.name)).toEqual(['prod', 'kind-beta']);
    expect(config['current-context']).toBe('kind-beta');

    const del = await h().tool('kind', ['delete', 'cluster', '--name', 'beta']);
    expect(del).toMatchObject({ exitCode: 0, stderr: 'Deleting cluster "beta" ...\nDeleted nodes: ["beta-control-plane"]\n' });
    config = readKubeconfig(join(kubeDir, 'config'));
    expect(config.contexts.map((c) => c.name)).toEqual(['prod']);
    expect(config.clusters.map((c) => c.name)).toEqual(['prod']);
    expect(config['current-context']).toBe('');
  });

  it('deletes a missing cluster successfully (idempotent), and get kubeconfig fails for it like kind', async () => {
    const del = await h().tool('kind', ['delete', 'cluster', '--name', 'ghost']);
    expect(del).toMatchObject({ exitCode: 0, stderr: 'Deleting cluster "ghost" ...\n' });
    const get = await h().tool('kind', ['get', 'kubeconfig', '--name', 'ghost']);
    expect(get.exitCode).toBe(1);
    expect(get.stderr).toBe("ERROR: could not locate any control plane nodes for cluster named 'ghost'. Use the --name option to select a different cluster\n");
  });

  it('prints the kubeconfig and exports it into another file', async () => {
    const { name } = await h().createCluster('gamma');
    const get = await h().tool('kind', ['get', 'kubeconfig', '--name', name]);
    expect(get.exitCode).toBe(0);
    expect((parse(get.stdout) as Kubeconfig)['current-context']).toBe('kind-gamma');
    const target = join(h().dir, 'exported');
    const exp = await h().tool('kind', ['export', 'kubeconfig', '--name', name, '--kubeconfig', target]);
    expect(exp).toMatchObject({ exitCode: 0, stderr: 'Set kubectl context to "kind-gamma"\n' });
    expect(readKubeconfig(target).contexts.map((c) => c.name)).toEqual(['kind-gamma']);
  });

  it('reads and records the --config file, and rejects one kind would reject', async () => {
    const file = join(h().dir, 'kind.yaml');
    writeFileSync(file, 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n  image: kindest/node:v1.33.4@sha256:25a6018e48dfcaee478f4a59af81157a437f15e6e140bf103f85a2e7cd0cbbf2\n');
    const ok = await h().tool('kind', ['create', 'cluster', '--name', 'cfg', '--config', file, '--kubeconfig', join(h().dir, 'kc')]);
    expect(ok.exitCode).toBe(0);
    expect(ok.stderr).toContain('Ensuring node image (kindest/node:v1.33.4)');
    const cluster = h().state.cluster('cfg');
    expect(cluster?.kindConfigPath).toBe(file);
    expect(cluster?.kindConfig?.nodes?.[0]?.role).toBe('control-plane');
    expect(cluster?.nodeImage).toContain('v1.33.4@sha256:');

    writeFileSync(file, 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodez: []\n');
    const bad = await h().tool('kind', ['create', 'cluster', '--name', 'bad', '--config', file]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('ERROR: failed to create cluster: unable to decode config: error unmarshaling JSON: while decoding JSON: json: unknown field "nodez"');
    const missing = await h().tool('kind', ['create', 'cluster', '--name', 'bad', '--config', join(h().dir, 'nope.yaml')]);
    expect(missing.stderr).toContain('no such file or directory');
    expect(h().state.clusters().map((c) => c.name)).toEqual(['cfg']);
  });

  it('fails the first N creates transiently (as the scenario says), then succeeds', async () => {
    h().writeScenario({ kind: { createFailures: 2, createLatencyMs: 20 } });
    const args = ['create', 'cluster', '--name', 'flaky', '--kubeconfig', join(h().dir, 'kc')];
    for (let i = 0; i < 2; i++) {
      const r = await h().tool('kind', args);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain(' ✗ Starting control-plane 🕹️');
      expect(r.stderr).toContain('ERROR: failed to create cluster: failed to init node with kubeadm');
      expect(h().state.clusters()).toEqual([]);
    }
    expect((await h().tool('kind', args)).exitCode).toBe(0);
    expect(h().state.clusters().map((c) => c.name)).toEqual(['flaky']);
  });

  it('keeps a failed cluster with --retain, so the next create finds it', async () => {
    h().writeScenario({ kind: { createFailures: 1 } });
    const args = ['create', 'cluster', '--name', 'kept', '--retain', '--kubeconfig', join(h().dir, 'kc')];
    expect((await h().tool('kind', args)).exitCode).toBe(1);
    expect(h().state.cluster('kept')?.status).toBe('failed');
    expect((await h().tool('kind', args)).stderr).toContain('node(s) already exist for a cluster with the name "kept"');
  });

  it('leaves a half-made cluster behind when create is interrupted, as kind leaves its node containers', async () => {
    // An hour-long create, interrupted once kind says it began: always cut short, wherever the machine's load put it.
    h().writeScenario({ kind: { createLatencyMs: 3_600_000 } });
    const args = ['create', 'cluster', '--name', 'cut', '--kubeconfig', join(h().dir, 'kc')];
    const r = await h().tool('kind', args, { interruptOn: /Ensuring node image/ });
    expect(r.exitCode).not.toBe(0);
    expect(h().state.cluster('cut')?.status).toBe('creating');
    expect((await h().tool('kind', ['get', 'clusters'])).stdout).toBe('cut\n');
    expect((await h().tool('kind', args)).stderr).toContain('node(s) already exist for a cluster with the name "cut"');
    expect((await h().tool('kind', ['delete', 'cluster', '--name', 'cut'])).exitCode).toBe(0);
    expect(h().state.clusters()).toEqual([]);
  });

  it('takes $KIND_CLUSTER_NAME, then "kind", as the default name', async () => {
    expect((await h().tool('kind', ['create', 'cluster', '--kubeconfig', join(h().dir, 'kc')], { env: { KIND_CLUSTER_NAME: 'from-env' } })).exitCode).toBe(0);
    expect((await h().tool('kind', ['create', 'cluster', '--kubeconfig', join(h().dir, 'kc')])).exitCode).toBe(0);
    expect((await h().tool('kind', ['get', 'clusters'])).stdout).toBe('from-env\nkind\n');
  });

  it('rejects an invalid cluster name like kind', async () => {
    const r = await h().tool('kind', ['create', 'cluster', '--name', 'Bad_Name']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("'Bad_Name' is not a valid cluster name");
  });
});

describe('fake kind: loading images (state nodes)', () => {
  const h = useHarness();

  it('fails for an image not present locally, loads one that is, and skips it when the node holds the same ID', async () => {
    const { name } = await h().createCluster('img');
    const missing = await h().tool('kind', ['load', 'docker-image', 'postgres:17', '--name', name]);
    expect(missing).toMatchObject({ exitCode: 1, stderr: 'ERROR: image: "postgres:17" not present locally\n' });

    const ids = h().hostImages(['postgres:17', 'apache/polaris:1.7.0']);
    const load = await h().tool('kind', ['load', 'docker-image', 'postgres:17', 'apache/polaris:1.7.0', '--name', name]);
    expect(load.exitCode).toBe(0);
    expect(load.stderr).toContain(`Image: "postgres:17" with ID "${ids['postgres:17']}" not yet present on node "img-control-plane", loading...`);
    const held = h().state.nodeImages(name);
    expect(held).toContainEqual(expect.objectContaining({ id: ids['postgres:17'], repoTags: ['docker.io/library/postgres:17'] }));
    expect(held).toContainEqual(expect.objectContaining({ id: ids['apache/polaris:1.7.0'], repoTags: ['docker.io/apache/polaris:1.7.0'] }));

    const again = await h().tool('kind', ['load', 'docker-image', 'postgres:17', '--name', name]);
    expect(again).toMatchObject({ exitCode: 0, stderr: `Image: "postgres:17" with ID "${ids['postgres:17']}" found to be already present on all nodes.\n` });
  });

  it('moves a tag to the new image ID when the host image changed', async () => {
    const { name } = await h().createCluster('retag');
    const first = h().hostImages(['example/app:1'])['example/app:1'];
    await h().tool('kind', ['load', 'docker-image', 'example/app:1', '--name', name]);
    const second = h().hostImages(['example/app:1'])['example/app:1'];
    expect(second).not.toBe(first);
    const r = await h().tool('kind', ['load', 'docker-image', 'example/app:1', '--name', name]);
    expect(r.stderr).toContain('not yet present on node');
    const held = h().state.nodeImages(name);
    expect(held.find((i) => i.id === second)?.repoTags).toEqual(['docker.io/example/app:1']);
    expect(held.find((i) => i.id === first)?.repoTags).toEqual([]);
  });

  it('loads a docker-save archive with image-archive', async () => {
    const { name } = await h().createCluster('arch');
    const hex = 'ab'.repeat(32);
    const archive = join(h().dir, 'images.tar');
    writeFileSync(
      archive,
      tarball([
        { path: 'manifest.json', content: JSON.stringify([{ Config: `blobs/sha256/${hex}`, RepoTags: ['quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z'], Layers: [] }]) },
        { path: `blobs/sha256/${hex}`, content: '{}' },
      ]),
    );
    expect((await h().tool('kind', ['load', 'image-archive', archive, '--name', name])).exitCode).toBe(0);
    expect(h().state.nodeImages(name)).toContainEqual(expect.objectContaining({ id: `sha256:${hex}`, repoTags: ['quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z'] }));
    const missing = await h().tool('kind', ['load', 'image-archive', join(h().dir, 'nope.tar'), '--name', name]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('no such file or directory');
  });

  it('fails to load into a cluster that does not exist', async () => {
    h().hostImages(['postgres:17']);
    const r = await h().tool('kind', ['load', 'docker-image', 'postgres:17', '--name', 'nowhere']);
    expect(r).toMatchObject({ exitCode: 1, stderr: 'ERROR: no nodes found for cluster "nowhere"\n' });
  });
});

describe('fake kind: unsupported calls fail loudly', () => {
  const h = useHarness();

  it.each([
    [['frob'], 'ERROR: unknown command "frob" for "kind"'],
    [['get', 'clusters', '--frob'], 'ERROR: unknown flag: --frob'],
    [['create', 'cluster', '--name', 'x', '--bogus=1'], 'ERROR: unknown flag: --bogus'],
    [['build', 'node-image'], 'ERROR: unknown command "build node-image" for "kind"'],
  ])('kind %j', async (argv, message) => {
    const r = await h().tool('kind', argv);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(message);
  });

  it('records every call (argv, exit code) in the calls log', async () => {
    await h().tool('kind', ['version']);
    await h().tool('kind', ['frob']);
    expect(h().state.calls('kind').map((c) => [c.argv, c.exitCode])).toEqual([
      [['version'], 0],
      [['frob'], 1],
    ]);
  });

  it('refuses to run without FAKE_TOOLS_STATE', async () => {
    const r = await execa(join(FIXTURES_BIN, 'kind'), ['get', 'clusters'], { env: { PATH: h().binDir }, extendEnv: false, reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('FAKE_TOOLS_STATE is not set');
  });
});
