// imagesFor: every image the pods use, after overrides — exactly the images in the rendered manifests.
import { describe, expect, it } from 'vitest';
import { imagesFor } from '../../../src/platform/render.js';
import { selectServices } from '../../../src/platform/select.js';
import { CONFIGS, config, containers, render } from './helpers.js';

describe.each(CONFIGS)('imagesFor (%s)', (_, input) => {
  it('lists exactly the images of the rendered containers, init containers and Jobs, each once', () => {
    const cfg = config(input);
    const images = imagesFor(selectServices(cfg), cfg);
    const rendered = new Set(containers(render(input)).map((p) => p.container.image));
    expect(new Set(images)).toEqual(rendered);
    expect(images).toHaveLength(new Set(images).size);
  });
});

describe('imagesFor', () => {
  it('lists the default platform’s 11 distinct images, init containers reusing the databases’ image', () => {
    const cfg = config();
    expect(imagesFor(selectServices(cfg), cfg)).toEqual([
      'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z',
      'quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z',
      'postgres:17.10',
      'apache/polaris-admin-tool:1.7.0',
      'apache/polaris:1.7.0',
      'otel/opentelemetry-collector-contrib:0.158.0',
      'quay.io/prometheus/prometheus:v3.14.0',
      'grafana/grafana:13.2.1',
      'dagster/dagster-k8s:1.13.25',
      'cubejs/cubestore:v1.7.43',
      'cubejs/cube:v1.7.43',
    ]);
  });

  it('on arm64 leaves out Cube Store, the one image without an arm64 build under its version tag', () => {
    const amd = config({}, 'amd64');
    const arm = config({}, 'arm64');
    expect(imagesFor(selectServices(amd), amd).filter((i) => !imagesFor(selectServices(arm), arm).includes(i))).toEqual(['cubejs/cubestore:v1.7.43']);
  });

  it('follows image overrides, init containers included', () => {
    const cfg = config({ components: ['orchestrator'], services: { 'orchestrator-db': { image: 'postgres:17.9' } } });
    const images = imagesFor(selectServices(cfg), cfg);
    expect(images).toContain('postgres:17.9');
    expect(images).not.toContain('postgres:17.10');
    const inits = containers(render({ components: ['orchestrator'], services: { 'orchestrator-db': { image: 'postgres:17.9' } } })).filter((p) => p.init);
    expect(inits.length).toBe(3);
    for (const p of inits) expect(p.container.image).toBe('postgres:17.9');
  });
});
