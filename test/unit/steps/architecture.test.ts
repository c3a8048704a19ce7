// The images step on an arm64 engine (a fake DockerApi): the default platform's images all run there; an image
// built for another architecture is refused with the configuration key that fixes it.
import { describe, expect, it } from 'vitest';
import { forArchitecture } from '../../../src/platform/architecture.js';
import { imagesFor } from '../../../src/platform/render.js';
import { selectServices } from '../../../src/platform/select.js';
import { FloeError } from '../../../src/errors.js';
import { ensureImages } from '../../../src/steps/images.js';
import type { ConfigInput } from '../../../src/config/schema.js';
import { testContext } from '../../helpers/context.js';
import { recordingReporter } from '../../helpers/reporter.js';
import { engineInfo, FakeDocker } from '../../helpers/fake-docker.js';

const silent = recordingReporter();

/** An engine of `arch` whose host holds `images`, each built for `built(ref)`; side-loading off (the check comes first). */
function world(arch: string, images: string[], built: (ref: string) => string, config: ConfigInput = {}) {
  const host = new Map(images.map((ref, i) => [ref, { id: `sha256:${i}`, architecture: built(ref) }]));
  const docker = new FakeDocker({ state: 'up', info: engineInfo({ architecture: arch }) }, undefined, { host });
  const ctx = testContext({ tools: { docker }, config: { ...config, images: { load: false } } });
  return { ctx, docker };
}

/** What `up` loads for this configuration on `arch`: the catalog's images, `semantic.cache` resolved for it. */
function platformImages(arch: string, config: ConfigInput = {}): string[] {
  const { config: parsed } = testContext({ config });
  const resolved = forArchitecture(parsed, arch);
  return imagesFor(selectServices(resolved), resolved);
}

describe('the images step on an arm64 engine', () => {
  it('takes every image of the default platform (no Cube Store there), each as published for arm64', async () => {
    const images = platformImages('arm64');
    expect(images.some((i) => i.startsWith('cubejs/cubestore'))).toBe(false);
    const { ctx, docker } = world('arm64', images, () => 'arm64');
    const result = await ensureImages(ctx, images, silent);
    expect(result.pulled).toEqual([]);
    expect(docker.calls.filter((c) => c.startsWith('imageArchitecture'))).toHaveLength(images.length);
  });

  it('refuses Cube Store’s amd64-only tag, naming semantic.cache and the arm64 build', async () => {
    const images = platformImages('arm64', { semantic: { cache: 'cubestore' } });
    const { ctx } = world('arm64', images, (ref) => (ref === 'cubejs/cubestore:v1.7.43' ? 'amd64' : 'arm64'), { semantic: { cache: 'cubestore' } });
    const error = (await ensureImages(ctx, images, silent).catch((e: unknown) => e)) as FloeError;
    expect(error).toBeInstanceOf(FloeError);
    expect(error.message).toBe("image not built for the node's architecture (arm64): cubejs/cubestore:v1.7.43 is built for amd64");
    expect(error.hint).toMatch(/^set semantic\.cache: memory \(or auto\) in floe-dev\.yaml, or services\.cubestore\.image: cubejs\/cubestore:v1\.7\.43-arm64v8/);
  });

  it('names each image’s own fix: a service’s key, or images.extra for the user’s own image', async () => {
    const images = ['grafana/grafana:13.2.1', 'me/code-location:1'];
    const { ctx } = world('amd64', images, () => 'arm64', { images: { extra: ['me/code-location:1'] } });
    const error = (await ensureImages(ctx, images, silent).catch((e: unknown) => e)) as FloeError;
    expect(error.message).toMatch(/\(amd64\): grafana\/grafana:13\.2\.1 is built for arm64, me\/code-location:1 is built for arm64$/);
    expect(error.hint).toBe(
      'point services.grafana.image at an image published for linux/amd64 in floe-dev.yaml; use a build of me/code-location:1 for linux/amd64 (images.extra in floe-dev.yaml)',
    );
  });
});
