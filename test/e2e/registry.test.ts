// The local registry in a whole journey (issue 13): `up` with registry.enabled runs a real registry (Debian's
// docker-registry, as an image made by `docker import`) on the test's kind network, writes hosts.toml into the
// node container, applies kube-public/local-registry-hosting, and runs your code location from the registry
// pinned by digest; a rebuild reloaded moves it to the new digest; `load` pushes (a repeat moves nothing);
// status shows it; down --keep-registry keeps it, down removes it.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REGISTRY_BINARY, REGISTRY_IMAGE, ensureRegistryImage } from '../../fixtures/docker/images.js';
import { dockerAvailable, dockerBin, freePorts, NO_DOCKER_REASON, useHarness, type Harness } from './harness.js';
import { expectInstalled, NS, world, type World } from './world.js';

const ready = dockerAvailable && existsSync(REGISTRY_BINARY);
const why = dockerAvailable ? `${REGISTRY_BINARY} is missing (Debian package docker-registry; .ci/run installs it)` : NO_DOCKER_REASON;
if (!ready) console.warn(`[e2e] registry.test.ts skipped: ${why}`);

const dockerCli = (args: string[]) => spawnSync(dockerBin!, args, { encoding: 'utf8' });

const codePods = (h: Harness, w: World) =>
  (JSON.parse(spawnSync(process.execPath, [join(h.binDir, 'kubectl'), '--kubeconfig', w.kubeconfig, '--context', `kind-${w.cluster}`, 'get', 'pods', '-n', NS, '-l', 'floe.dev/code-location=sales', '-o', 'json'], { env: h.env, encoding: 'utf8' }).stdout) as { items: { spec: { containers: { image: string }[] } }[] }).items.map(
    (p) => p.spec.containers[0]!.image,
  );

describe.skipIf(!ready)(`the local registry on the simulated toolchain${ready ? '' : ` (skipped: ${why})`}`, { timeout: 300_000 }, () => {
  const h = useHarness();

  it('is wired into the node and advertised by up, runs your code location by digest, and goes with down', async () => {
    ensureRegistryImage();
    const tag = Math.random().toString(36).slice(2, 8);
    const image = `floe-e2e-${tag}/sales:0.1.0`;
    const [port] = (await freePorts(1)) as [number];
    writeFileSync(
      join(h().dir, 'floe-dev.yaml'),
      `registry:\n  enabled: true\n  port: ${port}\n  image: ${REGISTRY_IMAGE}\norchestrator:\n  codeLocations:\n    - name: sales\n      image: ${image}\n      module: sales.definitions\n`,
    );
    const network = `floe-e2e-net-${tag}`;
    const w = await world(h());
    const env = { KIND_EXPERIMENTAL_DOCKER_NETWORK: network };
    const registry = `${w.cluster}-registry`;
    try {
      const up = await w.floeDev(['up', '--component', 'orchestrator', '--skip-smoke'], { env });
      expectInstalled(up);
      expect(up.stderr).toMatch(new RegExp(`Registry http://localhost:${port} created; containerd of ${w.cluster}-control-plane pointed at it`));
      expect(up.stderr).toMatch(/Images: 1 pushed to the registry \(1 layer pushed\)/);
      expect(up.stdout).toContain(`Registry:    http://localhost:${port} (docker push localhost:${port}/<name>:<tag>, or floe-dev load)`);

      // The node's containerd: localhost:<port> is the registry container on the kind network.
      const hosts = dockerCli(['exec', `${w.cluster}-control-plane`, 'cat', `/etc/containerd/certs.d/localhost:${port}/hosts.toml`]);
      expect(hosts.stdout).toBe(`[host."http://${registry}:5000"]\n`);
      const inspect = JSON.parse(dockerCli(['inspect', registry]).stdout)[0];
      expect(Object.keys(inspect.NetworkSettings.Networks)).toEqual([network]);
      expect(inspect.HostConfig.PortBindings['5000/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(port) }]);
      // The kind config asked containerd to read those files.
      const kindConfig = h().state.cluster(w.cluster)?.kindConfig as { containerdConfigPatches?: string[] };
      expect(kindConfig.containerdConfigPatches?.[0]).toContain('config_path = "/etc/containerd/certs.d"');

      // KEP-1755.
      const cm = h().state.objects(w.cluster, { namespace: 'kube-public', kind: 'ConfigMap' }).find((o) => o.object.metadata.name === 'local-registry-hosting');
      expect(cm?.object.data?.['localRegistryHosting.v1']).toBe(`host: localhost:${port}\nhelp: https://kind.sigs.k8s.io/docs/user/local-registry/\n`);

      // The code location runs from the registry, pinned by digest, and was never side-loaded.
      const [first] = codePods(h(), w);
      expect(first).toMatch(new RegExp(`^localhost:${port}/floe-e2e-${tag}/sales@sha256:[a-f0-9]{64}$`));
      expect(h().state.calls('kind').filter((c) => c.argv[0] === 'load').flatMap((c) => c.argv).join(' ')).not.toContain(image);
      const catalog = (await (await fetch(`http://127.0.0.1:${port}/v2/_catalog`)).json()) as { repositories: string[] };
      expect(catalog.repositories).toEqual([`floe-e2e-${tag}/sales`]);

      // A rebuild under the same tag: reload pushes it and the pod moves to its digest.
      h().hostImages([`${image}-rebuilt`]);
      expect(dockerCli(['tag', `${image}-rebuilt`, image]).status).toBe(0);
      const reload = await w.floeDev(['code-location', 'reload', 'sales'], { env });
      expect(reload.exitCode, reload.stderr).toBe(0);
      const [second] = codePods(h(), w);
      expect(second).toMatch(/@sha256:/);
      expect(second).not.toBe(first);

      // load pushes; the same image again moves no layer.
      const load = await w.floeDev(['load', image], { env });
      expect(load.exitCode, load.stderr).toBe(0);
      expect(load.stdout).toBe(`${image} → localhost:${port}/floe-e2e-${tag}/sales:0.1.0 (pods: ${second})\n`);
      expect(load.stderr).toMatch(/Images: 1 pushed to the registry \(0 layers pushed, 1 already there\)/);

      const status = await w.floeDev(['status'], { env });
      expect(status.stdout).toContain(`Registry:\n  http://localhost:${port}  (up; container ${registry})`);

      const kept = await w.floeDev(['down', '--keep-registry'], { env });
      expect(kept.exitCode, kept.stderr).toBe(0);
      expect(dockerCli(['inspect', registry]).status).toBe(0);
      const down = await w.floeDev(['down', '--json'], { env });
      expect(down.exitCode, down.stderr).toBe(0);
      expect(JSON.parse(down.stdout).registry).toBe('removed');
      expect(dockerCli(['inspect', registry]).status).not.toBe(0);
    } finally {
      // floe-dev labels it with the cluster, not the test's state: removed here, before the harness removes the network.
      dockerCli(['rm', '-f', registry]);
      // Every image the pushes left under the registry's name (tags, and the first build kept by its digest).
      const pushed = dockerCli(['images', '-q', `localhost:${port}/floe-e2e-${tag}/sales`]).stdout.split('\n').filter(Boolean);
      if (pushed.length) dockerCli(['image', 'rm', '-f', ...new Set(pushed)]);
    }
  });
});
