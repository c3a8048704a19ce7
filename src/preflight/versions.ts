// Version numbers of kind, kubectl and the node image: parsing what the tools print, and comparing.

export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** As printed, e.g. v1.32.4-dispatcher. */
  text: string;
}

/** The first `[v]X.Y[.Z]` in the text, or undefined. */
export function parseVersion(text: string): Version | undefined {
  const m = /\bv?(\d+)\.(\d+)(?:\.(\d+))?([-+][0-9A-Za-z.+-]*)?/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), text: m[0] };
}

/** Negative when a < b, 0 when equal, positive when a > b (pre-release suffixes are ignored). */
export function compareVersions(a: Pick<Version, 'major' | 'minor' | 'patch'>, b: Pick<Version, 'major' | 'minor' | 'patch'>): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function formatVersion(v: Pick<Version, 'major' | 'minor' | 'patch'>): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/** `kind version` → e.g. `kind v0.30.0 go1.24.6 linux/amd64` (also older `kind v0.8.1 go1.14.2 darwin/amd64`). */
export function parseKindVersion(stdout: string): Version | undefined {
  const line = stdout.split('\n').find((l) => /^\s*kind\s+v?\d/.test(l)) ?? stdout;
  return parseVersion(line.replace(/go\d+\.\d+(\.\d+)?/g, ''));
}

/**
 * `kubectl version --client -o json` → the client version. gitVersion (v1.32.4, or vendor builds like
 * v1.32.4-dispatcher / v1.30.2-eks-1234) is preferred; major/minor ("1", "32+") are the fallback.
 */
export function parseKubectlClientVersion(stdout: string): Version | undefined {
  let parsed: { clientVersion?: { major?: unknown; minor?: unknown; gitVersion?: unknown } };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    return undefined;
  }
  const client = parsed.clientVersion;
  if (!client) return undefined;
  if (typeof client.gitVersion === 'string') {
    const v = parseVersion(client.gitVersion);
    if (v) return v;
  }
  const major = Number(String(client.major ?? '').replace(/\D+$/, ''));
  const minor = Number(String(client.minor ?? '').replace(/\D+$/, ''));
  if (!Number.isInteger(major) || !Number.isInteger(minor) || String(client.major ?? '') === '') return undefined;
  return { major, minor, patch: 0, text: `${client.major}.${client.minor}` };
}

/** The Kubernetes version of a kind node image from its tag: kindest/node:v1.33.4@sha256:... → 1.33.4. */
export function nodeImageKubernetesVersion(image: string): Version | undefined {
  const withoutDigest = image.split('@')[0] ?? image;
  const tag = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1).split(':')[1];
  if (!tag) return undefined;
  const v = parseVersion(tag);
  return v && /^v?\d/.test(tag) ? v : undefined;
}
