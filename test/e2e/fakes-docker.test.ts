// The fake kind with real Docker nodes (scenario `nodes: "docker"`): tiny non-privileged containers labelled
// like kind nodes, whose `crictl images -o json` shows what `kind load` put there, with real image IDs.
// Skipped, with the reason printed, when no Docker Engine answers.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tarball } from '../../fixtures/docker/images.js';
import { NO_DOCKER_REASON, createHarness, dockerAvailable, dockerBin, useHarness } from './harness.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- docker/crictl JSON

const docker = (...args: string[]) => spawnSync(dockerBin ?? 'docker', args, { encoding: 'utf8' });
const crictlImages = (node: string): Obj[] => {
  const r = docker('exec', node, 'crictl', 'images', '-o', 'json');
  if (r.status !== 0) throw new Error(`crictl failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { images: Obj[] }).images;
};

if (!dockerAvailable) console.warn(`[e2e] fakes-docker.test.ts skipped: ${NO_DOCKER_REASON}`);

describe.skipIf(!dockerAvailable)('fake kind with Docker nodes', () => {
  const h = useHarness({ scenario: { nodes: 'docker' } });

  it('starts a node container labelled like kind, whose crictl lists the preloaded images, and removes it on delete', async () => {
    const { name } = await h().createCluster();
    const node = `${name}-control-plane`;
    const found = docker('ps', '--filter', `label=io.x-k8s.kind.cluster=${name}`, '--filter', 'label=io.x-k8s.kind.role=control-plane', '--format', '{{.Names}}');
    expect(found.stdout.trim()).toBe(node);
    const images = crictlImages(node);
    expect(images.length).toBeGreaterThan(0);
    expect(images[0]).toEqual({ id: expect.stringMatching(/^sha256:[a-f0-9]{64}$/), repoTags: [expect.stringContaining('/')], repoDigests: [], size: expect.any(String) });
    expect(h().state.cluster(name)?.nodes[0]?.containerId).toMatch(/^[a-f0-9]{64}$/);

    const bad = docker('exec', node, 'crictl', 'ps');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('fake crictl: unsupported call: crictl ps');

    expect((await h().tool('kind', ['delete', 'cluster', '--name', name])).stderr).toContain(`Deleted nodes: ["${node}"]`);
    expect(docker('ps', '-aq', '--filter', `label=io.x-k8s.kind.cluster=${name}`).stdout.trim()).toBe('');
  });

  it('knows a cluster by its node containers: stopped, it is listed but unreachable; removed, it is gone', async () => {
    const { name, kubectlArgs } = await h().createCluster();
    const node = `${name}-control-plane`;
    expect(docker('kill', node).status).toBe(0);
    expect((await h().tool('kind', ['get', 'clusters'])).stdout).toBe(`${name}\n`);
    const kubeconfig = await h().tool('kind', ['get', 'kubeconfig', '--name', name]);
    expect(kubeconfig.exitCode).toBe(1);
    expect(kubeconfig.stderr).toMatch(new RegExp(`^ERROR: failed to get cluster internal kubeconfig: command "docker exec --privileged ${node} cat /etc/kubernetes/admin.conf" failed with error: exit status 1\nCommand Output: Error response from daemon: Container [a-f0-9]+ is not running\n$`));
    expect((await h().tool('kubectl', [...kubectlArgs, 'get', 'ns', '-o', 'json'])).stderr).toMatch(/was refused - did you specify the right host or port\?/);
    expect(docker('start', node).status).toBe(0);
    expect((await h().tool('kind', ['get', 'clusters'])).stdout).toBe(`${name}\n`);
    expect((await h().tool('kubectl', [...kubectlArgs, 'get', 'ns', '-o', 'json'])).exitCode).toBe(0);

    expect(docker('rm', '-f', node).status).toBe(0);
    const none = await h().tool('kind', ['get', 'clusters']);
    expect(none).toMatchObject({ exitCode: 0, stdout: '', stderr: 'No kind clusters found.\n' });
    expect((await h().tool('kubectl', [...kubectlArgs, 'get', 'ns', '-o', 'json'])).stderr).toMatch(/was refused/);
    // The name is free again, as for kind.
    expect((await h().tool('kind', ['create', 'cluster', '--name', name, '--kubeconfig', kubectlArgs[1]!])).exitCode).toBe(0);
  });

  it('loads an image present in Docker with its real ID, skips it the second time, and fails for one that is absent', async () => {
    const { name } = await h().createCluster();
    const node = `${name}-control-plane`;
    const ref = `floe-e2e-${name}/app:1.0`;
    const id = h().hostImages([ref])[ref] as string;
    expect(id).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(docker('image', 'inspect', '--format', '{{.Id}}', ref).stdout.trim()).toBe(id);

    const load = await h().tool('kind', ['load', 'docker-image', ref, '--name', name]);
    expect(load.exitCode).toBe(0);
    expect(load.stderr).toBe(`Image: "${ref}" with ID "${id}" not yet present on node "${node}", loading...\n`);
    expect(crictlImages(node)).toContainEqual(expect.objectContaining({ id, repoTags: [`docker.io/${ref}`] }));

    const again = await h().tool('kind', ['load', 'docker-image', ref, '--name', name]);
    expect(again.stderr).toBe(`Image: "${ref}" with ID "${id}" found to be already present on all nodes.\n`);

    const absent = await h().tool('kind', ['load', 'docker-image', `floe-e2e-${name}/absent:1.0`, '--name', name]);
    expect(absent).toMatchObject({ exitCode: 1, stderr: `ERROR: image: "floe-e2e-${name}/absent:1.0" not present locally\n` });
  });

  it('refuses to create a cluster whose node containers already exist', async () => {
    const { name } = await h().createCluster();
    // Lose the fake's own record (as a crashed run would), keep the container: kind looks at Docker.
    spawnSync('rm', ['-f', `${h().stateDir}/clusters/${name}.json`]);
    const r = await h().tool('kind', ['create', 'cluster', '--name', name, '--kubeconfig', `${h().dir}/kc`]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`node(s) already exist for a cluster with the name "${name}"`);
    expect((await h().tool('kind', ['delete', 'cluster', '--name', name])).stderr).toContain('Deleted nodes:');
  });
});

describe.skipIf(!dockerAvailable)('harness test images', () => {
  it('shares a test image between harnesses, removes it with the last one, and never touches an image it did not build', async () => {
    const ref = `floe-e2e-shared-${process.pid}/app:1`;
    const a = createHarness({ scenario: { nodes: 'docker' } });
    const b = createHarness({ scenario: { nodes: 'docker' } });
    const idA = a.hostImages([ref])[ref];
    expect(b.hostImages([ref])[ref]).toBe(idA); // reused, not rebuilt
    await a.cleanup();
    expect(docker('image', 'inspect', ref).status).toBe(0); // b still holds it
    await b.cleanup();
    expect(docker('image', 'inspect', ref).status).not.toBe(0);

    // A "real" image (not labelled as ours) is used as it is and survives clean-up.
    const real = `floe-e2e-real-${process.pid}/app:1`;
    const made = spawnSync(dockerBin ?? 'docker', ['import', '-', real], { input: tarball([{ path: 'real', content: 'x' }]), encoding: 'utf8' });
    expect(made.status).toBe(0);
    const c = createHarness({ scenario: { nodes: 'docker' } });
    try {
      expect(c.hostImages([real])[real]).toBe(made.stdout.trim());
      await c.cleanup();
      expect(docker('image', 'inspect', real).status).toBe(0);
    } finally {
      docker('image', 'rm', '--force', real);
    }
  });
});
