// The platform on amd64 and arm64: `semantic.cache: auto`, the notes for doctor and the `up` summary, the fixes,
// and the list of images `npm run check-images` checks.
import { describe, expect, it } from 'vitest';
import {
  ARCHITECTURES,
  architectureFix,
  architectureNotes,
  forArchitecture,
  hostArchitecture,
  imageExpectations,
  overriddenImages,
  semanticCache,
  unsupportedImages,
} from '../../../src/platform/architecture.js';
import { CATALOG } from '../../../src/platform/catalog.js';
import { imagesFor } from '../../../src/platform/render.js';
import { selectServices } from '../../../src/platform/select.js';
import { rawConfig } from './helpers.js';

describe('semantic.cache', () => {
  it.each([
    ['auto', 'amd64', 'cubestore'],
    ['auto', 'arm64', 'memory'],
    ['cubestore', 'arm64', 'cubestore'],
    ['memory', 'amd64', 'memory'],
  ] as const)('%s on %s is %s', (cache, arch, resolved) => {
    expect(semanticCache(rawConfig({ semantic: { cache } }), arch)).toBe(resolved);
  });

  it('is auto by default, and forArchitecture makes the choice (nothing else changes)', () => {
    const raw = rawConfig();
    expect(raw.semantic.cache).toBe('auto');
    expect(forArchitecture(raw, 'arm64')).toEqual({ ...raw, semantic: { cache: 'memory' } });
    expect(forArchitecture(raw, 'amd64').semantic.cache).toBe('cubestore');
  });

  it('without an architecture, this machine’s (Node says x64 for amd64)', () => {
    expect(hostArchitecture('x64')).toBe('amd64');
    expect(hostArchitecture('arm64')).toBe('arm64');
    expect(semanticCache(rawConfig())).toBe(semanticCache(rawConfig(), hostArchitecture()));
  });
});

describe('the default platform on each architecture', () => {
  it.each(ARCHITECTURES)('on %s, every image it runs is published for it', (arch) => {
    const config = forArchitecture(rawConfig(), arch);
    expect(unsupportedImages(config, arch)).toEqual([]);
    const published = new Map(imageExpectations().map((e) => [e.image, e.architectures]));
    for (const image of imagesFor(selectServices(config), config)) expect(published.get(image), image).toContain(arch);
  });

  it('Cube Store chosen on arm64 without its arm64 image is the one unsupported image, with the fix', () => {
    const config = forArchitecture(rawConfig({ semantic: { cache: 'cubestore' } }), 'arm64');
    expect(unsupportedImages(config, 'arm64')).toEqual([{ service: 'cubestore', image: 'cubejs/cubestore:v1.7.43', architectures: ['amd64'] }]);
    expect(architectureFix(config, 'cubejs/cubestore:v1.7.43', 'arm64')).toBe(
      'set semantic.cache: memory (or auto) in floe-dev.yaml, or services.cubestore.image: cubejs/cubestore:v1.7.43-arm64v8: ' +
        "Cube publishes Cube Store's arm64 build under that separate tag (cube-js/cube#8570)",
    );
  });

  it('an image the user set is theirs: not judged before it is pulled, but named', () => {
    const config = forArchitecture(rawConfig({ semantic: { cache: 'cubestore' }, services: { cubestore: { image: 'cubejs/cubestore:v1.7.43-arm64v8' } } }), 'arm64');
    expect(unsupportedImages(config, 'arm64')).toEqual([]);
    expect(overriddenImages(config)).toEqual(['cubestore']);
  });

  it('fixes for other images name the service key, or images.extra for an image of no service', () => {
    const config = rawConfig({ services: { grafana: { image: 'example/grafana:1' } } });
    expect(architectureFix(config, 'example/grafana:1', 'arm64')).toBe('point services.grafana.image at an image published for linux/arm64 in floe-dev.yaml');
    expect(architectureFix(config, 'postgres:17.10', 'arm64')).toBe(
      'point services.catalog-db.image and services.orchestrator-db.image at an image published for linux/arm64 in floe-dev.yaml',
    );
    expect(architectureFix(config, 'me/code:1', 'arm64')).toBe('use a build of me/code:1 for linux/arm64 (images.extra in floe-dev.yaml)');
  });
});

describe('architectureNotes (doctor and the `up` summary)', () => {
  it('on arm64 by default: Cube’s cache in memory, why, and how to have Cube Store anyway', () => {
    expect(architectureNotes(rawConfig(), 'arm64')).toEqual([
      "Cube's cache runs in Cube's memory on arm64, not in Cube Store: Cube publishes Cube Store's versioned image for amd64 only " +
        '(cube-js/cube#8570). For Cube Store set semantic.cache: cubestore and services.cubestore.image: cubejs/cubestore:v1.7.43-arm64v8 ' +
        "(Cube's separate arm64 build).",
    ]);
  });

  it.each([
    ['amd64', {}],
    ['arm64, memory chosen', { semantic: { cache: 'memory' } }],
    ['arm64, no semantic component', { components: ['orchestrator'] }],
  ] as const)('nothing to say: %s', (what, input) => {
    expect(architectureNotes(rawConfig(input as never), what.startsWith('amd64') ? 'amd64' : 'arm64')).toEqual([]);
  });
});

describe('imageExpectations (what `npm run check-images` checks)', () => {
  const expectations = imageExpectations();

  it('lists every catalog image once, with its services, and the arm64 Cube Store alternative', () => {
    const images = expectations.map((e) => e.image);
    expect(images).toHaveLength(new Set(images).size);
    for (const s of CATALOG) expect(expectations.find((e) => e.image === s.image)?.usedBy).toContain(s.name);
    expect(expectations.find((e) => e.image === 'postgres:17.10')?.usedBy).toEqual(['catalog-db', 'orchestrator-db']);
    expect(expectations.find((e) => e.image === 'cubejs/cubestore:v1.7.43-arm64v8')).toEqual({
      image: 'cubejs/cubestore:v1.7.43-arm64v8',
      usedBy: ['cubestore (arm64 alternative)'],
      architectures: ['arm64'],
    });
  });

  it('covers both architectures for every service: each lacks one only where the platform has another choice', () => {
    for (const arch of ARCHITECTURES) {
      const lacking = CATALOG.filter((s) => !s.architectures.includes(arch)).map((s) => s.name);
      expect(lacking).toEqual(arch === 'arm64' ? ['cubestore'] : []);
    }
    expect(expectations.some((e) => e.usedBy.some((u) => u.startsWith('cubestore')) && e.architectures.includes('arm64'))).toBe(true);
  });

  it('checks the kind node image too, for both architectures', () => {
    expect(expectations.find((e) => e.usedBy.includes('kind node'))).toMatchObject({ image: expect.stringMatching(/^kindest\/node:v[\d.]+@sha256:[0-9a-f]{64}$/), architectures: ['amd64', 'arm64'] });
  });

  it('checks the local registry image too, for both architectures', () => {
    expect(expectations.find((e) => e.usedBy.includes('local registry'))).toEqual({ image: 'registry:3.1.2', usedBy: ['local registry'], architectures: ['amd64', 'arm64'] });
  });

  it('records the digest upstream publishes for the PostgreSQL tag (docker-library/repo-info)', () => {
    expect(expectations.find((e) => e.image === 'postgres:17.10')?.publishedDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
