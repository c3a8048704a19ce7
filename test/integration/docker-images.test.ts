// The image side-loading seam against the real Docker Engine: image lookups, a failing pull, kind node
// containers, exec, save, and ensureImages end to end (skipped, with the reason, when no engine answers).
//
// Nothing can be pulled here: the test images are tiny `docker import`s and the "kind nodes" are containers
// of fixtures/docker/images.js's fake node image, whose `crictl images -o json` prints a file we write.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRICTL_IMAGES_FILE, NODE_IMAGE, buildTestImage, docker, dockerAvailable, dockerBin, ensureNodeImage, removeImages } from '../../fixtures/docker/images.js';
import { normalizeRef, preloadedNodeImages, readSaveArchive } from '../../fixtures/lib/images.js';
import { FloeError } from '../../src/errors.js';
import { parseCrictlImages } from '../../src/images/refs.js';
import { ensureImages, imagesStep } from '../../src/steps/images.js';
import { recordingReporter } from '../helpers/reporter.js';
import { connectDocker, KIND_CLUSTER_LABEL, ociArchitecture, type DockerApi, type EngineInfo } from '../../src/tools/docker.js';
import { testContext } from '../helpers/context.js';
import { FakeRunner, type RecordedCall } from '../helpers/fake-runner.js';

/** Whether a Docker Engine answers (through our client) and the docker CLI works (to build fixtures), and if not, why. */
async function probeDocker(): Promise<{ docker: DockerApi; info: EngineInfo } | { reason: string }> {
  try {
    const api = await connectDocker(process.env);
    await api.ping(AbortSignal.timeout(5_000));
    const info = await api.info(AbortSignal.timeout(5_000));
    if (!dockerAvailable()) return { reason: 'the engine answers but the docker CLI (needed to build the test images) does not work' };
    return { docker: api, info };
  } catch (error) {
    return { reason: `no Docker Engine answered (${(error as Error).message}); .ci/run starts one` };
  }
}

const probe = await probeDocker();
const engine = 'docker' in probe ? probe : undefined;
const skipReason = 'reason' in probe ? probe.reason : '';
if (!engine) console.warn(`[test/integration/docker-images.test.ts] real Docker image tests skipped: ${skipReason}`);

/** Unique per run: image repositories, cluster names and a label on every container we start. */
const RUN = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const OWNER_LABEL = `floe-dev.integration-test=${RUN}`;
const CLUSTER = `floe-it-${RUN}`;
const OTHER_CLUSTER = `floe-it-${RUN}-other`;
/** A reference no engine here can pull: `.invalid` never resolves (RFC 2606), and there is no network anyway. */
const UNPULLABLE = 'floe-dev-test.invalid/nothing:1';

/** Test images, one per ref, each with its own ID. No registry part, so crictl shows them under docker.io/. */
const ref = (name: string): string => `floe-dev-it-${RUN}/${name}:1`;
const [ALPHA, BETA, GAMMA, DELTA] = ['alpha', 'beta', 'gamma', 'delta'].map(ref) as [string, string, string, string];
const ABSENT = ref('never-built');

interface Node {
  id: string;
  name: string;
}

const built: string[] = [];
const containers: string[] = [];
const ids = new Map<string, string>();
let dir: string;
let controlPlane: Node;
let worker: Node;
let stoppedWorker: Node;
let otherNode: Node;

/** The host's image IDs of these references, as ensureImages reports them (keyed by reference). */
function hostIds(refs: string[]): Record<string, string> {
  return Object.fromEntries(refs.map((r) => [r, ids.get(r)!]));
}

function must(r: { code: number; stdout: string; stderr: string }, what: string): string {
  if (r.code !== 0) throw new Error(`${what} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** Starts a fake kind node container (CMD sleep infinity) labelled as kind labels its nodes. */
async function startNode(cluster: string, role: string, suffix = role): Promise<Node> {
  const name = `${cluster}-${suffix}`;
  const r = await execa(dockerBin(), [
    'run', '-d', '--name', name,
    '--label', `${KIND_CLUSTER_LABEL}=${cluster}`, '--label', `io.x-k8s.kind.role=${role}`, '--label', OWNER_LABEL,
    NODE_IMAGE,
  ], { reject: false, timeout: 30_000 });
  if (r.exitCode !== 0) throw new Error(`docker run ${name} failed: ${r.stderr}`);
  containers.push(r.stdout.trim());
  return { id: r.stdout.trim(), name };
}

/** What containerd in the node holds, as the fake crictl will print it (the preloaded kind images plus these). */
function writeNodeImages(node: Node, images: Record<string, string>): void {
  const extra = Object.entries(images).map(([r, id]) => ({ id, repoTags: [normalizeRef(r)], repoDigests: [], size: '1024' }));
  const input = `${JSON.stringify({ images: [...preloadedNodeImages(), ...extra] })}\n`;
  must(docker(['exec', '-i', node.id, 'sh', '-c', `cat > ${CRICTL_IMAGES_FILE}`], { input }), `writing the crictl images of ${node.name}`);
}

const reporter = recordingReporter;

const sorted = (nodes: { name: string }[]) => [...nodes].sort((a, b) => a.name.localeCompare(b.name));

describe.skipIf(!engine)(`image side-loading against the real Docker Engine${engine ? ` at ${engine.docker.endpoint.url}` : ` (skipped: ${skipReason})`}`, () => {
  // Only read inside hooks and tests, which run only when the engine answered; the collection runs regardless.
  const e = engine as NonNullable<typeof engine>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'floe-docker-images-it-'));
    // The shared fake node image: built once per machine (reproducibly) and kept, as the fake kind keeps it.
    ensureNodeImage();
    for (const r of [ALPHA, BETA, GAMMA, DELTA]) {
      built.push(r);
      ids.set(r, buildTestImage(r));
    }
    [controlPlane, worker, stoppedWorker, otherNode] = await Promise.all([
      startNode(CLUSTER, 'control-plane'),
      startNode(CLUSTER, 'worker'),
      startNode(CLUSTER, 'worker', 'worker2'),
      startNode(OTHER_CLUSTER, 'control-plane'),
    ]);
    // A node of a stopped cluster (e.g. after a reboot): exited, still there.
    must(docker(['kill', stoppedWorker.id]), 'docker kill');
  });

  afterAll(() => {
    // By id, then anything else carrying this run's label (a start that failed half-way).
    const labelled = docker(['ps', '-aq', '--filter', `label=${OWNER_LABEL}`]).stdout.split('\n').filter(Boolean);
    const all = [...new Set([...containers, ...labelled])];
    if (all.length) docker(['rm', '--force', '--volumes', ...all]);
    removeImages(built);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('imageId and imageArchitecture', () => {
    it('imageId of a present image is its ID, as the docker CLI shows it', async () => {
      const cli = must(docker(['image', 'inspect', '--format', '{{.Id}}', ALPHA]), 'docker image inspect');
      expect(await e.docker.imageId(ALPHA)).toBe(cli);
      expect(cli).toBe(ids.get(ALPHA));
      expect(await e.docker.imageId(BETA)).not.toBe(cli);
    });

    it('an absent image is undefined, not an error', async () => {
      expect(await e.docker.imageId(ABSENT)).toBeUndefined();
      expect(await e.docker.imageArchitecture(ABSENT)).toBeUndefined();
    });

    it("imageArchitecture is the engine's architecture as an OCI name (imported images take the engine's)", async () => {
      const cli = must(docker(['image', 'inspect', '--format', '{{.Architecture}}', ALPHA]), 'docker image inspect');
      expect(await e.docker.imageArchitecture(ALPHA)).toBe(e.info.architecture);
      expect(await e.docker.imageArchitecture(ALPHA)).toBe(ociArchitecture(cli));
    });
  });

  describe('pullImage', () => {
    it("rejects with the engine's own message (what `docker pull` prints), not a dockerode wrapper", async () => {
      const progress: string[] = [];
      const error = (await e.docker.pullImage(UNPULLABLE, (p) => progress.push(p), AbortSignal.timeout(15_000)).catch((x: unknown) => x)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toContain('floe-dev-test.invalid');
      expect(error.message).not.toMatch(/HTTP code|server error|\(\d{3}\)/);
      const cli = docker(['pull', UNPULLABLE]);
      expect(cli.code).not.toBe(0);
      expect(cli.stderr.trim()).toBe(`Error response from daemon: ${error.message}`);
      expect(await e.docker.imageId(UNPULLABLE)).toBeUndefined();
    });

    it('ensureImages turns it into a FloeError naming the image, what it likely means, and what to try; nothing is loaded', async () => {
      const runner = new FakeRunner(); // no expectations: any kind call fails loudly
      const ctx = testContext({ home: dir, config: { cluster: { name: CLUSTER } }, tools: { runner, docker: e.docker } });
      const error = (await ensureImages(ctx, [ALPHA, UNPULLABLE], reporter()).catch((x: unknown) => x)) as FloeError;
      expect(error).toBeInstanceOf(FloeError);
      expect(error.message).toMatch(new RegExp(`^could not pull 1 image:\\n  ${UNPULLABLE.replaceAll('.', '\\.')}: .*floe-dev-test\\.invalid`));
      // This engine has no network: a DNS failure, which the step explains.
      expect(error.message).toContain('(no network to the registry?)');
      expect(error.message).not.toContain(ALPHA);
      expect(error.hint).toMatch(/docker pull <image>.*services\.<name>\.image/);
      runner.verify();
      expect(runner.calls).toEqual([]);
    });

    it('the images step adds its context to the message', async () => {
      const ctx = testContext({ home: dir, config: { cluster: { name: CLUSTER } }, tools: { runner: new FakeRunner(), docker: e.docker } });
      await expect(imagesStep(() => [UNPULLABLE]).run(ctx, reporter())).rejects.toThrow(/^images: could not pull 1 image:/);
    });
  });

  describe('kindNodes', () => {
    it("lists the cluster's node containers with name, running state and role, stopped ones included", async () => {
      const nodes = await e.docker.kindNodes(CLUSTER);
      expect(sorted(nodes)).toEqual([
        { id: controlPlane.id, name: controlPlane.name, running: true, role: 'control-plane' },
        { id: worker.id, name: worker.name, running: true, role: 'worker' },
        { id: stoppedWorker.id, name: stoppedWorker.name, running: false, role: 'worker' },
      ]);
    });

    it("does not list other clusters' nodes (the label value must match exactly, not as a prefix)", async () => {
      expect(await e.docker.kindNodes(OTHER_CLUSTER)).toEqual([{ id: otherNode.id, name: otherNode.name, running: true, role: 'control-plane' }]);
      expect(await e.docker.kindNodes(`floe-it-${RUN}-none`)).toEqual([]);
    });
  });

  describe('exec', () => {
    it('crictl images -o json inside a node returns what the node holds, parseable as kind reads it', async () => {
      // The other cluster's node is never written to: it holds what a fresh kind node holds.
      const r = await e.docker.exec(otherNode.id, ['crictl', 'images', '-o', 'json']);
      expect(r).toMatchObject({ exitCode: 0, stderr: '' });
      const cli = must(docker(['exec', otherNode.id, 'cat', CRICTL_IMAGES_FILE]), 'docker exec cat');
      expect(r.stdout).toBe(`${cli}\n`);
      expect(parseCrictlImages(r.stdout)).toEqual(new Map(preloadedNodeImages().map((i) => [i.repoTags[0], i.id])));
    });

    it('accepts a container name as well as an id', async () => {
      expect((await e.docker.exec(otherNode.name, ['crictl', 'images', '-o', 'json'])).exitCode).toBe(0);
    });

    it('propagates the exit code and keeps stdout and stderr apart', async () => {
      expect(await e.docker.exec(otherNode.id, ['sh', '-c', 'exit 3'])).toEqual({ exitCode: 3, stdout: '', stderr: '' });
      expect(await e.docker.exec(otherNode.id, ['sh', '-c', 'echo out; echo err >&2; echo out2; exit 1'])).toEqual({
        exitCode: 1,
        stdout: 'out\nout2\n',
        stderr: 'err\n',
      });
      const unsupported = await e.docker.exec(otherNode.id, ['crictl', 'ps']);
      expect(unsupported).toMatchObject({ exitCode: 1, stdout: '' });
      expect(unsupported.stderr).toContain('fake crictl: unsupported call: crictl ps');
    });

    it('collects output larger than one stream frame completely (a node with many images)', async () => {
      const script = 'i=0; while [ $i -lt 20000 ]; do echo "line $i"; [ $((i % 1000)) -eq 0 ] && echo "err $i" >&2; i=$((i+1)); done';
      const r = await e.docker.exec(otherNode.id, ['sh', '-c', script]);
      expect(r.exitCode).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines).toHaveLength(20_001);
      expect(lines[0]).toBe('line 0');
      expect(lines[19_999]).toBe('line 19999');
      expect(r.stderr.split('\n').filter(Boolean)).toEqual(Array.from({ length: 20 }, (_, k) => `err ${k * 1000}`));
    });

    it("a stopped node cannot run commands: rejects with the engine's message", async () => {
      const error = (await e.docker.exec(stoppedWorker.id, ['crictl', 'images', '-o', 'json']).catch((x: unknown) => x)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(/is not running/);
      expect(error.message).not.toMatch(/HTTP code/);
    });
  });

  describe('saveImages', () => {
    it('writes a docker save archive whose manifest.json lists exactly the saved images', async () => {
      const file = join(dir, 'save.tar');
      // Engine API < 1.48 (Docker 20.10 here is 1.41) ignores the platform parameter: single-platform images
      // are saved whole either way, so this passes on old and new engines alike.
      await e.docker.saveImages([ALPHA, GAMMA], `linux/${e.info.architecture}`, file);
      const listing = (await execa('tar', ['-tf', file])).stdout.split('\n');
      expect(listing).toContain('manifest.json');
      const saved = readSaveArchive(file);
      expect(saved.map((i) => ({ id: i.id, tags: i.repoTags })).sort((a, b) => a.tags[0]!.localeCompare(b.tags[0]!))).toEqual([
        { id: ids.get(ALPHA), tags: [ALPHA] },
        { id: ids.get(GAMMA), tags: [GAMMA] },
      ]);
    });

    it("rejects with the engine's message for an image the host lacks, and writes nothing", async () => {
      const file = join(dir, 'missing.tar');
      const error = (await e.docker.saveImages([ALPHA, ABSENT], `linux/${e.info.architecture}`, file).catch((x: unknown) => x)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(/never-built|does not exist|not found/i);
      expect(error.message).not.toMatch(/HTTP code/);
      expect(docker(['image', 'inspect', ABSENT]).code).not.toBe(0);
      expect(() => readSaveArchive(file)).toThrow(/ENOENT/);
    });
  });

  describe('ensureImages end to end (real engine and nodes, recorded kind)', () => {
    /** What a `kind load` does to the nodes: every running node now holds each loaded image with the host ID. */
    function kindLoads(nodes: Node[], refs: readonly string[], loads: string[][]) {
      return (call: RecordedCall) => {
        const args = call.argv.slice(1);
        let loaded: string[];
        if (args[1] === 'docker-image') {
          loaded = args.slice(2, args.indexOf('--name'));
        } else {
          // containerd image store: an archive saved for the node's platform; read it before the step deletes it.
          loaded = readSaveArchive(args[2]!).flatMap((i) => i.repoTags);
        }
        loads.push(loaded);
        const all = Object.fromEntries(refs.map((r) => [r, ids.get(r)!]));
        for (const n of nodes) writeNodeImages(n, all);
        return {};
      };
    }

    it('loads exactly the images a running node lacks or holds with another ID, in one batched kind load; the repeat loads none', async () => {
      const wanted = [ALPHA, BETA, GAMMA, DELTA];
      writeNodeImages(controlPlane, {
        [ALPHA]: ids.get(ALPHA)!, // same ID: nothing to do
        [BETA]: 'sha256:' + 'b'.repeat(64), // the tag moved on the host since it was loaded
        [DELTA]: ids.get(DELTA)!,
      });
      writeNodeImages(worker, { [ALPHA]: ids.get(ALPHA)!, [BETA]: ids.get(BETA)!, [GAMMA]: 'sha256:' + 'c'.repeat(64) }); // lacks DELTA
      // The stopped node (no exec possible) must not make everything load or fail the step.

      const loads: string[][] = [];
      const runner = new FakeRunner();
      runner.expect(['kind', 'load']).once().respond(kindLoads([controlPlane, worker], wanted, loads));
      const ctx = testContext({ home: dir, config: { cluster: { name: CLUSTER } }, tools: { runner, docker: e.docker } });
      const report = reporter();

      const first = await ensureImages(ctx, [...wanted, ALPHA], report);

      runner.verify();
      expect(first).toEqual({ pulled: [], loaded: [BETA, GAMMA, DELTA], present: [ALPHA], ids: hostIds(wanted), pushed: [], refs: {} });
      const [load] = runner.callsTo(['kind', 'load']);
      if (e.info.containerdImageStore) {
        expect(load!.argv).toEqual(['kind', 'load', 'image-archive', expect.stringMatching(/\.tar$/), '--name', CLUSTER]);
      } else {
        expect(load!.argv).toEqual(['kind', 'load', 'docker-image', BETA, GAMMA, DELTA, '--name', CLUSTER]);
      }
      expect(loads.map((l) => [...l].sort())).toEqual([[BETA, GAMMA, DELTA].sort()]);
      expect(report.titles).toEqual(['Images: 3 loaded, 1 already in the node']);

      // A repeat `up`: the nodes hold everything with the host's IDs, so no kind call at all.
      const again = new FakeRunner();
      const ctx2 = testContext({ home: dir, config: { cluster: { name: CLUSTER } }, tools: { runner: again, docker: e.docker } });
      const report2 = reporter();
      expect(await ensureImages(ctx2, wanted, report2)).toEqual({ pulled: [], loaded: [], present: wanted, ids: hostIds(wanted), pushed: [], refs: {} });
      again.verify();
      expect(again.calls).toEqual([]);
      expect(report2.titles).toEqual(['Images: 0 loaded, 4 already in the node']);
    });

    it('a node whose crictl cannot answer gets everything loaded (as kind would), still in one call', async () => {
      writeNodeImages(controlPlane, { [ALPHA]: ids.get(ALPHA)!, [BETA]: ids.get(BETA)! });
      // Break the worker's crictl (the image has no rm, so replace the script; put it back afterwards).
      const crictl = must(docker(['exec', worker.id, 'cat', '/usr/local/bin/crictl']), 'reading crictl');
      must(docker(['exec', '-i', worker.id, 'sh', '-c', 'cat > /usr/local/bin/crictl'], { input: '#!/bin/sh\necho "crictl: connect: connection refused" >&2\nexit 1\n' }), 'breaking crictl');
      try {
        const broken = await e.docker.exec(worker.id, ['crictl', 'images', '-o', 'json']);
        expect(broken).toEqual({ exitCode: 1, stdout: '', stderr: 'crictl: connect: connection refused\n' });
        const loads: string[][] = [];
        const runner = new FakeRunner();
        runner.expect(['kind', 'load']).once().respond(kindLoads([controlPlane, worker], [ALPHA, BETA], loads));
        const ctx = testContext({ home: dir, config: { cluster: { name: CLUSTER } }, tools: { runner, docker: e.docker } });
        expect(await ensureImages(ctx, [ALPHA, BETA], reporter())).toEqual({ pulled: [], loaded: [ALPHA, BETA], present: [], ids: hostIds([ALPHA, BETA]), pushed: [], refs: {} });
        runner.verify();
        expect(loads.map((l) => [...l].sort())).toEqual([[ALPHA, BETA].sort()]);
        expect(runner.callsTo(['kind', 'load'])).toHaveLength(1);
        expect(ctx.logged).toContain(`debug: could not list images in node ${worker.name} (crictl: connect: connection refused): loading all`);
      } finally {
        must(docker(['exec', '-i', worker.id, 'sh', '-c', 'cat > /usr/local/bin/crictl'], { input: `${crictl}\n` }), 'restoring crictl');
      }
    });

    it('images.load: false checks the images on the host and runs no kind load', async () => {
      const runner = new FakeRunner();
      const ctx = testContext({ home: dir, config: { cluster: { name: CLUSTER }, images: { load: false } }, tools: { runner, docker: e.docker } });
      const report = reporter();
      expect(await ensureImages(ctx, [ALPHA, GAMMA], report)).toEqual({ pulled: [], loaded: [], present: [], ids: hostIds([ALPHA, GAMMA]), pushed: [], refs: {} });
      runner.verify();
      expect(runner.calls).toEqual([]);
      expect(report.titles).toEqual(['Images: 2 on the host; side-loading is off (images.load: false)']);
    });
  });
});
