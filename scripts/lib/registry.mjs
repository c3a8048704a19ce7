// @ts-check
/* global AbortSignal, URLSearchParams -- Node 20 globals */
// `npm run check-images`, its parts: ask each image's registry (OCI distribution API, anonymous pull token) whether
// the tag exists and which platforms it lists, judge that against what the platform needs, print a table.
// Pure parsers and a `fetch` passed in, so every path is tested without a network.

/**
 * @typedef {{ image: string, usedBy: string[], architectures: readonly string[], publishedDigest?: string }} Expectation
 * @typedef {{ registry: string, repository: string, reference: string }} ImageRef
 * @typedef {{ state: 'found', digest: string | undefined, platforms: string[] }
 *   | { state: 'missing', detail: string }
 *   | { state: 'unreachable', detail: string }} Inspection
 * @typedef {(url: string, init?: { headers?: Record<string, string>, signal?: AbortSignal }) => Promise<Response>} Fetch
 */

/** Exit codes: 0 every image as needed, 1 a tag or an architecture is missing, 2 a registry could not be asked. */
export const EXIT = { ok: 0, missing: 1, unreachable: 2 };

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** Docker Hub's API host; `docker.io` is only its name in references. */
const DOCKER_HUB = 'registry-1.docker.io';

/**
 * Splits a reference the way the docker CLI normalises it (distribution/reference): a first component with a
 * dot or a colon, or `localhost`, is a registry; otherwise Docker Hub, where one-word names are `library/...`.
 * @param {string} ref @returns {ImageRef}
 */
export function parseImageRef(ref) {
  const at = ref.indexOf('@');
  const [name, digest] = at >= 0 ? [ref.slice(0, at), ref.slice(at + 1)] : [ref, undefined];
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const hasRegistry = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasRegistry ? first : 'docker.io';
  let rest = hasRegistry ? name.slice(slash + 1) : name;
  const colon = rest.lastIndexOf(':');
  const tag = colon >= 0 ? rest.slice(colon + 1) : undefined;
  if (colon >= 0) rest = rest.slice(0, colon);
  if (registry === 'docker.io' || registry === 'index.docker.io') {
    registry = DOCKER_HUB;
    if (!rest.includes('/')) rest = `library/${rest}`;
  }
  return { registry, repository: rest, reference: digest ?? tag ?? 'latest' };
}

/**
 * The Bearer challenge of a 401 (`WWW-Authenticate: Bearer realm="…",service="…",scope="…"`), or undefined.
 * @param {string | null} header @returns {Record<string, string> | undefined}
 */
export function parseChallenge(header) {
  if (!header || !/^Bearer\s/i.test(header)) return undefined;
  /** @type {Record<string, string>} */
  const params = {};
  for (const m of header.slice(6).matchAll(/(\w+)="([^"]*)"/g)) params[/** @type {string} */ (m[1])] = /** @type {string} */ (m[2]);
  return params.realm ? params : undefined;
}

/**
 * The platforms an index lists (`os/architecture[/variant]`), leaving out attestation entries (`unknown/unknown`).
 * @param {Record<string, any>} index @returns {string[]}
 */
export function platformsOfIndex(index) {
  return (index.manifests ?? [])
    .map((/** @type {Record<string, any>} */ m) => m.platform)
    .filter((/** @type {Record<string, any> | undefined} */ p) => p && p.os !== 'unknown' && p.architecture !== 'unknown')
    .map((/** @type {Record<string, any>} */ p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'));
}

/** `linux/arm64/v8` counts as linux/arm64. @param {string[]} platforms @param {string} arch */
export const hasArchitecture = (platforms, arch) => platforms.some((p) => p === `linux/${arch}` || p.startsWith(`linux/${arch}/`));

/** Network failures (no DNS, refused, timed out) as opposed to answers. @param {unknown} error */
function networkDetail(error) {
  const e = /** @type {{ name?: string, message?: string, cause?: { code?: string, message?: string } }} */ (error);
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'no answer in time';
  return e?.cause?.code ? `${e.cause.code}${e.cause.message ? ` (${e.cause.message})` : ''}` : String(e?.message ?? error);
}

/**
 * Asks the registry about one image: the manifest (index or single), with an anonymous pull token when the
 * registry wants one, and for a single manifest its config blob (which names the architecture).
 * @param {string} image @param {Fetch} fetch @param {number} timeoutMs @returns {Promise<Inspection>}
 */
export async function inspectImage(image, fetch, timeoutMs = 15_000) {
  const ref = parseImageRef(image);
  const base = `https://${ref.registry}/v2/${ref.repository}`;
  /** @type {Record<string, string>} */
  const auth = {};
  const get = async (/** @type {string} */ url, /** @type {string} */ accept) => {
    let res = await fetch(url, { headers: { accept, ...auth }, signal: AbortSignal.timeout(timeoutMs) });
    const challenge = res.status === 401 ? parseChallenge(res.headers.get('www-authenticate')) : undefined;
    if (challenge && !auth.authorization) {
      const q = new URLSearchParams({ ...(challenge.service ? { service: challenge.service } : {}), scope: challenge.scope ?? `repository:${ref.repository}:pull` });
      const tokenRes = await fetch(`${challenge.realm}?${q}`, { signal: AbortSignal.timeout(timeoutMs) });
      if (!tokenRes.ok) return tokenRes;
      const body = /** @type {{ token?: string, access_token?: string }} */ (await tokenRes.json());
      auth.authorization = `Bearer ${body.token ?? body.access_token ?? ''}`;
      res = await fetch(url, { headers: { accept, ...auth }, signal: AbortSignal.timeout(timeoutMs) });
    }
    return res;
  };
  try {
    const res = await get(`${base}/manifests/${ref.reference}`, ACCEPT);
    if (res.status === 404) return { state: 'missing', detail: `no such tag (${ref.registry} answered 404)` };
    if (res.status === 401 || res.status === 403) return { state: 'missing', detail: `the registry refuses anonymous pulls (${res.status}): no such repository, or a private one` };
    if (!res.ok) return { state: 'unreachable', detail: `${ref.registry} answered ${res.status}` };
    const digest = res.headers.get('docker-content-digest') ?? undefined;
    const manifest = /** @type {Record<string, any>} */ (await res.json());
    if (Array.isArray(manifest.manifests)) return { state: 'found', digest, platforms: platformsOfIndex(manifest) };
    const configDigest = manifest.config?.digest;
    if (!configDigest) return { state: 'missing', detail: 'the registry answered a manifest without a config' };
    const blob = await get(`${base}/blobs/${configDigest}`, 'application/json, */*');
    if (!blob.ok) return { state: 'unreachable', detail: `${ref.registry} answered ${blob.status} for the image config` };
    const config = /** @type {Record<string, any>} */ (await blob.json());
    return { state: 'found', digest, platforms: [[config.os, config.architecture, config.variant].filter(Boolean).join('/')] };
  } catch (error) {
    return { state: 'unreachable', detail: `${ref.registry}: ${networkDetail(error)}` };
  }
}

/**
 * One table row per image, and the exit code: 1 when a tag or a needed architecture is missing, otherwise 2 when
 * some registry could not be asked, otherwise 0. A tag that no longer resolves to the digest its upstream
 * publishes is reported, not failed (Docker Official Images rebuild tags).
 * @param {Expectation[]} expectations @param {Inspection[]} inspections
 */
export function judge(expectations, inspections) {
  let missing = false;
  let unreachable = false;
  const rows = expectations.map((e, i) => {
    const found = /** @type {Inspection} */ (inspections[i]);
    const wants = e.architectures.map((a) => `linux/${a}`).join(', ');
    if (found.state === 'unreachable') {
      unreachable = true;
      return { image: e.image, usedBy: e.usedBy.join(', '), wants, found: '-', result: `unreachable: ${found.detail}` };
    }
    if (found.state === 'missing') {
      missing = true;
      return { image: e.image, usedBy: e.usedBy.join(', '), wants, found: '-', result: `MISSING: ${found.detail}` };
    }
    const lacking = e.architectures.filter((a) => !hasArchitecture(found.platforms, a));
    if (lacking.length > 0) missing = true;
    const moved = e.publishedDigest && found.digest && found.digest !== e.publishedDigest ? `; the tag moved from the published ${e.publishedDigest.slice(0, 19)}…` : '';
    const shown = found.platforms.filter((p) => p.startsWith('linux/')).join(', ');
    const result = lacking.length > 0 ? `MISSING ${lacking.map((a) => `linux/${a}`).join(', ')}` : `ok${found.digest ? ` ${found.digest.slice(0, 19)}…` : ''}${moved}`;
    return { image: e.image, usedBy: e.usedBy.join(', '), wants, found: shown, result };
  });
  return { rows, code: missing ? EXIT.missing : unreachable ? EXIT.unreachable : EXIT.ok };
}

/** @param {{ image: string, usedBy: string, wants: string, found: string, result: string }[]} rows */
export function formatTable(rows) {
  const header = { image: 'IMAGE', usedBy: 'USED BY', wants: 'NEEDS', found: 'PUBLISHED', result: 'RESULT' };
  const keys = /** @type {(keyof typeof header)[]} */ (Object.keys(header));
  const all = [header, ...rows];
  const widths = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  return `${all.map((r) => keys.map((k, i) => r[k].padEnd(/** @type {number} */ (widths[i]))).join('  ').trimEnd()).join('\n')}\n`;
}

/**
 * Checks every expectation against its registry, a few at a time; prints the table and a verdict; returns the
 * exit code. @param {Expectation[]} expectations
 * @param {{ fetch: Fetch, out: (text: string) => void, concurrency?: number, timeoutMs?: number }} io
 */
export async function checkImages(expectations, io) {
  /** @type {Inspection[]} */
  const inspections = new Array(expectations.length);
  let next = 0;
  const worker = async () => {
    while (next < expectations.length) {
      const i = next++;
      inspections[i] = await inspectImage(/** @type {Expectation} */ (expectations[i]).image, io.fetch, io.timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(io.concurrency ?? 4, expectations.length) }, worker));
  const { rows, code } = judge(expectations, inspections);
  io.out(formatTable(rows));
  if (code === EXIT.ok) io.out(`\nEvery image exists, published for the architectures the platform runs it on (${expectations.length} checked).\n`);
  else if (code === EXIT.missing) io.out('\nA tag or an architecture the platform needs is missing (MISSING above): pin another release, or give that architecture another choice.\n');
  else {
    const registries = [...new Set(inspections.filter((x) => x.state === 'unreachable').map((x) => /** @type {{ detail: string }} */ (x).detail.split(':')[0]))];
    io.out(`\ncheck-images cannot reach the registry (${registries.join(', ')}): nothing was confirmed. Run it with network access to the registries (the release process, CI, a laptop online).\n`);
  }
  return code;
}
