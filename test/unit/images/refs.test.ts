import { describe, expect, it } from 'vitest';
import { normalizeImageRef, parseCrictlImages, planLoad } from '../../../src/images/refs.js';

describe('normalizeImageRef', () => {
  it.each([
    ['postgres:17', 'docker.io/library/postgres:17'],
    ['postgres', 'docker.io/library/postgres:latest'],
    ['apache/polaris:1.7.0', 'docker.io/apache/polaris:1.7.0'],
    ['quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z', 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z'],
    ['localhost:5000/me/app:1', 'localhost:5000/me/app:1'],
    ['localhost/app:1', 'localhost/app:1'],
    ['index.docker.io/library/busybox:1', 'docker.io/library/busybox:1'],
    [`kindest/node:v1.33.4@sha256:${'a'.repeat(64)}`, `docker.io/kindest/node:v1.33.4@sha256:${'a'.repeat(64)}`],
  ])('%s → %s', (ref, expected) => {
    expect(normalizeImageRef(ref)).toBe(expected);
  });
});

describe('parseCrictlImages', () => {
  it('maps every tag and digest of every image to its ID', () => {
    const out = JSON.stringify({
      images: [
        { id: 'sha256:aaa', repoTags: ['docker.io/library/postgres:17'], repoDigests: ['docker.io/library/postgres@sha256:111'], size: '1' },
        { id: 'sha256:bbb', repoTags: null, repoDigests: [] },
      ],
    });
    const map = parseCrictlImages(out);
    expect(map.get('docker.io/library/postgres:17')).toBe('sha256:aaa');
    expect(map.get('docker.io/library/postgres@sha256:111')).toBe('sha256:aaa');
    expect(map.size).toBe(2);
  });
});

describe('planLoad', () => {
  const host = new Map([
    ['postgres:17', 'sha256:p'],
    ['apache/polaris:1.7.0', 'sha256:q'],
  ]);

  it('loads what a node lacks or holds with another ID, skips what every node holds', () => {
    const plan = planLoad(host, [
      { node: 'a', images: new Map([['docker.io/library/postgres:17', 'sha256:p'], ['docker.io/apache/polaris:1.7.0', 'sha256:old']]) },
    ]);
    expect(plan).toEqual({ load: ['apache/polaris:1.7.0'], present: ['postgres:17'] });
  });

  it('loads an image one node of several lacks', () => {
    const plan = planLoad(new Map([['postgres:17', 'sha256:p']]), [
      { node: 'a', images: new Map([['docker.io/library/postgres:17', 'sha256:p']]) },
      { node: 'b', images: new Map() },
    ]);
    expect(plan.load).toEqual(['postgres:17']);
  });

  it('loads everything when no node could be inspected', () => {
    expect(planLoad(host, []).load).toEqual(['postgres:17', 'apache/polaris:1.7.0']);
  });
});
