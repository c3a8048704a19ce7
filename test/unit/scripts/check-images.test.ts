// `npm run check-images` without a network: reference parsing, the token dance, platforms of indexes and single
// manifests, the verdict and its exit codes, against a scripted fetch (and one that cannot reach anything).
import { describe, expect, it } from 'vitest';
import { checkImages, EXIT, formatTable, hasArchitecture, inspectImage, judge, parseChallenge, parseImageRef, platformsOfIndex } from '../../../scripts/lib/registry.mjs';
import { imageExpectations } from '../../../src/platform/architecture.js';

describe('parseImageRef (as the docker CLI normalises references)', () => {
  it.each([
    ['postgres:17.10', { registry: 'registry-1.docker.io', repository: 'library/postgres', reference: '17.10' }],
    ['grafana/grafana:13.2.1', { registry: 'registry-1.docker.io', repository: 'grafana/grafana', reference: '13.2.1' }],
    ['quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z', { registry: 'quay.io', repository: 'minio/mc', reference: 'RELEASE.2025-08-13T08-35-41Z' }],
    ['localhost:5001/me/app:1', { registry: 'localhost:5001', repository: 'me/app', reference: '1' }],
    ['docker.io/apache/polaris:1.7.0', { registry: 'registry-1.docker.io', repository: 'apache/polaris', reference: '1.7.0' }],
    ['kindest/node:v1.33.4@sha256:abc', { registry: 'registry-1.docker.io', repository: 'kindest/node', reference: 'sha256:abc' }],
    ['busybox', { registry: 'registry-1.docker.io', repository: 'library/busybox', reference: 'latest' }],
  ])('%s', (ref, parsed) => {
    expect(parseImageRef(ref)).toEqual(parsed);
  });
});

describe('registry answers', () => {
  it('reads a Bearer challenge', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/postgres:pull"')).toEqual({
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scope: 'repository:library/postgres:pull',
    });
    expect(parseChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseChallenge(null)).toBeUndefined();
  });

  it('lists an index’s platforms without its attestations; arm64/v8 is arm64', () => {
    const index = {
      manifests: [
        { platform: { os: 'linux', architecture: 'amd64' } },
        { platform: { os: 'unknown', architecture: 'unknown' } },
        { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      ],
    };
    const platforms = platformsOfIndex(index);
    expect(platforms).toEqual(['linux/amd64', 'linux/arm64/v8']);
    expect(hasArchitecture(platforms, 'arm64')).toBe(true);
    expect(hasArchitecture(['linux/arm/v7'], 'arm64')).toBe(false);
  });
});

type Route = { status: number; body?: unknown; headers?: Record<string, string> };

/** A fetch that answers from a table of URL → response, records what it was asked, and fails on anything else. */
function fakeFetch(routes: Record<string, Route | ((headers: Record<string, string>) => Route)>) {
  const asked: { url: string; headers: Record<string, string> }[] = [];
  const fetch = async (url: string, init?: { headers?: Record<string, string> }) => {
    const headers = init?.headers ?? {};
    asked.push({ url, headers });
    const route = routes[url];
    if (!route) throw new Error(`fake fetch: ${url} was not scripted`);
    const r = typeof route === 'function' ? route(headers) : route;
    return new Response(r.body === undefined ? null : JSON.stringify(r.body), { status: r.status, headers: r.headers });
  };
  return { fetch, asked };
}

const offline = async (url: string): Promise<Response> => {
  throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`getaddrinfo ENOTFOUND ${new URL(url).host}`), { code: 'ENOTFOUND' }) });
};

describe('inspectImage', () => {
  const hub = 'https://registry-1.docker.io/v2/library/postgres';
  const challenge = { 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/postgres:pull"' };
  const index = { manifests: [{ platform: { os: 'linux', architecture: 'amd64' } }, { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }] };

  it('gets an anonymous pull token when asked, then the index, its digest and platforms', async () => {
    const { fetch, asked } = fakeFetch({
      [`${hub}/manifests/17.10`]: (h) => (h.authorization === 'Bearer t0ken' ? { status: 200, body: index, headers: { 'docker-content-digest': 'sha256:7958' } } : { status: 401, headers: challenge }),
      'https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Fpostgres%3Apull': { status: 200, body: { token: 't0ken' } },
    });
    expect(await inspectImage('postgres:17.10', fetch)).toEqual({ state: 'found', digest: 'sha256:7958', platforms: ['linux/amd64', 'linux/arm64/v8'] });
    expect(asked.map((a) => a.url.split('?')[0])).toEqual([`${hub}/manifests/17.10`, 'https://auth.docker.io/token', `${hub}/manifests/17.10`]);
    expect(asked[0]!.headers.accept).toMatch(/application\/vnd\.oci\.image\.index\.v1\+json/);
  });

  it('reads a single manifest’s architecture from its config blob', async () => {
    const base = 'https://registry-1.docker.io/v2/cubejs/cubestore';
    const { fetch } = fakeFetch({
      [`${base}/manifests/v1.7.43`]: { status: 200, body: { config: { digest: 'sha256:cfg' } } },
      [`${base}/blobs/sha256:cfg`]: { status: 200, body: { os: 'linux', architecture: 'amd64' } },
    });
    expect(await inspectImage('cubejs/cubestore:v1.7.43', fetch)).toEqual({ state: 'found', digest: undefined, platforms: ['linux/amd64'] });
  });

  it.each([
    [404, { state: 'missing', detail: 'no such tag (registry-1.docker.io answered 404)' }],
    [401, { state: 'missing', detail: 'the registry refuses anonymous pulls (401): no such repository, or a private one' }],
    [503, { state: 'unreachable', detail: 'registry-1.docker.io answered 503' }],
  ] as const)('a %d is %j', async (status, inspection) => {
    const { fetch } = fakeFetch({ [`${hub}/manifests/17.10`]: { status } });
    expect(await inspectImage('postgres:17.10', fetch)).toEqual(inspection);
  });

  it('no network is unreachable, with the reason', async () => {
    expect(await inspectImage('postgres:17.10', offline)).toEqual({ state: 'unreachable', detail: 'registry-1.docker.io: ENOTFOUND (getaddrinfo ENOTFOUND registry-1.docker.io)' });
  });
});

describe('the verdict', () => {
  const both = ['amd64', 'arm64'] as const;
  const e = (image: string, architectures: readonly string[] = both, publishedDigest?: string) => ({ image, usedBy: ['svc'], architectures, ...(publishedDigest ? { publishedDigest } : {}) });
  const found = (platforms: string[], digest = 'sha256:0123456789abcdef0123') => ({ state: 'found' as const, digest, platforms });

  it('0 when every image has what it needs; a moved tag is reported, not failed', () => {
    const { rows, code } = judge([e('a:1'), e('b:1', ['amd64'], 'sha256:ffff')], [found(['linux/amd64', 'linux/arm64']), found(['linux/amd64'])]);
    expect(code).toBe(EXIT.ok);
    expect(rows[0]!.result).toBe('ok sha256:0123456789ab…');
    expect(rows[1]!.result).toMatch(/^ok .*; the tag moved from the published sha256:ffff…$/);
  });

  it('1 for a missing tag or architecture, even when another registry was unreachable', () => {
    const { rows, code } = judge([e('a:1'), e('b:1'), e('c:1')], [found(['linux/amd64']), { state: 'missing', detail: 'no such tag' }, { state: 'unreachable', detail: 'quay.io: ENOTFOUND' }]);
    expect(code).toBe(EXIT.missing);
    expect(rows.map((r) => r.result)).toEqual(['MISSING linux/arm64', 'MISSING: no such tag', 'unreachable: quay.io: ENOTFOUND']);
  });

  it('prints an aligned table', () => {
    const text = formatTable(judge([e('postgres:17.10')], [found(['linux/amd64', 'linux/arm64/v8'])]).rows);
    expect(text.split('\n')[0]).toMatch(/^IMAGE +USED BY +NEEDS +PUBLISHED +RESULT$/);
    expect(text).toContain('postgres:17.10  svc      linux/amd64, linux/arm64  linux/amd64, linux/arm64/v8  ok sha256:0123456789ab…');
  });
});

describe('checkImages', () => {
  it('offline: every image unreachable, a clear message, exit 2 — for the platform’s real list', async () => {
    let out = '';
    const code = await checkImages(imageExpectations(), { fetch: offline, out: (t) => (out += t) });
    expect(code).toBe(EXIT.unreachable);
    expect(out).toMatch(/^IMAGE/);
    expect(out).toContain('cubejs/cubestore:v1.7.43-arm64v8');
    expect(out).toMatch(/check-images cannot reach the registry \((quay\.io, registry-1\.docker\.io|registry-1\.docker\.io, quay\.io)\): nothing was confirmed\./);
  });

  it('online with one architecture missing: exit 1 and the verdict says so', async () => {
    const { fetch } = fakeFetch({
      'https://quay.io/v2/minio/mc/manifests/1': { status: 200, body: { manifests: [{ platform: { os: 'linux', architecture: 'amd64' } }] } },
    });
    let out = '';
    const code = await checkImages([{ image: 'quay.io/minio/mc:1', usedBy: ['minio-bucket'], architectures: ['amd64', 'arm64'] }], { fetch, out: (t) => (out += t) });
    expect(code).toBe(EXIT.missing);
    expect(out).toMatch(/MISSING linux\/arm64/);
    expect(out).toMatch(/A tag or an architecture the platform needs is missing/);
  });
});
