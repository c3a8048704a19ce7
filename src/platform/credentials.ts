// The platform's per-cluster credentials: generated once, kept in the state folder (mode 0600), reused after.
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { FloeError } from '../errors.js';
import { StateFolderError, ensureFolder, fsReason } from '../state/dirs.js';

/** Polaris' realm: fixed (the server lists it in `polaris.realm-context.realms`), not a secret. */
export const POLARIS_REALM = 'POLARIS';

const secretText = z.string().min(16);
const name = z.string().regex(/^[a-z][a-z0-9_-]*$/i);

const credentialsSchema = z.object({
  version: z.literal(1),
  polaris: z.object({ realm: name, clientId: name, clientSecret: secretText }),
  catalogDb: z.object({ username: name, password: secretText }),
  orchestratorDb: z.object({ username: name, password: secretText }),
  minio: z.object({ rootUser: name, rootPassword: secretText }),
  grafana: z.object({ adminUser: name, adminPassword: secretText }),
  cube: z.object({ apiSecret: z.string().min(32) }),
});

export type PlatformCredentials = z.output<typeof credentialsSchema>;

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Random letters and digits only: the values end up in URLs (MinIO's MC_HOST_*), JDBC settings and YAML
 * written by shell scripts, where punctuation would need escaping. 32 characters ≈ 190 bits.
 */
export function randomToken(length = 32): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // Rejection sampling keeps every character equally likely (248 = 4 × 62).
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

/** Fresh credentials for a new cluster. User names are fixed and readable; every secret is random. */
export function generateCredentials(): PlatformCredentials {
  return {
    version: 1,
    polaris: { realm: POLARIS_REALM, clientId: `floe-${randomToken(12).toLowerCase()}`, clientSecret: randomToken() },
    catalogDb: { username: 'polaris', password: randomToken() },
    orchestratorDb: { username: 'dagster', password: randomToken() },
    minio: { rootUser: 'floe-admin', rootPassword: randomToken() },
    grafana: { adminUser: 'admin', adminPassword: randomToken() },
    // Cube signs HS256 JWTs with it: 64 characters is well above the 256-bit key HS256 calls for.
    cube: { apiSecret: randomToken(64) },
  };
}

export interface LoadedCredentials {
  credentials: PlatformCredentials;
  /** True when this call generated and wrote them. */
  created: boolean;
}

/**
 * Reads the cluster's credentials file, or generates and writes it (mode 0600, its folder 0700).
 * A file that does not parse is an error, never silently replaced: the cluster's databases keep the old passwords.
 */
export function loadOrCreateCredentials(path: string): PlatformCredentials {
  return ensureCredentials(path).credentials;
}

export function ensureCredentials(path: string): LoadedCredentials {
  if (!existsSync(path)) {
    const credentials = generateCredentials();
    if (writeCredentials(path, credentials)) return { credentials, created: true };
    // Another floe-dev process created the file first: use its credentials, as the cluster will.
  }
  const credentials = readCredentials(path);
  // Tighten a file someone loosened (e.g. copied with a umask of 022).
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return { credentials, created: false };
}

/** The cluster's credentials when its file exists (never creates it); a file that does not parse is an error. */
export function readCredentialsFile(path: string): PlatformCredentials | undefined {
  return existsSync(path) ? readCredentials(path) : undefined;
}

/**
 * A Cube API token: an HS256 JWT signed with the API secret (Cube's default `checkAuth` verifies exactly
 * that), with an `exp` `ttlSeconds` after `nowMs`. The payload carries no claims beyond it.
 */
export function signCubeToken(apiSecret: string, nowMs: number, ttlSeconds = 3600): { token: string; expiresAt: string } {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = Math.floor(nowMs / 1000) + ttlSeconds;
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ exp })}`;
  const signature = createHmac('sha256', apiSecret).update(body).digest('base64url');
  return { token: `${body}.${signature}`, expiresAt: new Date(exp * 1000).toISOString() };
}

function readCredentials(path: string): PlatformCredentials {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw corrupt(path, (error as Error).message);
  }
  const parsed = credentialsSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw corrupt(path, `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Writes a complete file under a temporary name, then links it into place: the link fails if the file
 * exists, so two runs racing to create it agree on the first one's credentials. False when it lost the race.
 */
function writeCredentials(path: string, credentials: PlatformCredentials): boolean {
  ensureFolder(dirname(path));
  const tmp = `${path}.${process.pid}.${randomToken(8)}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(tmp, 0o600); // `mode` above is filtered by the umask; make it exact.
    linkSync(tmp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StateFolderError(dirname(path), fsReason(error, path));
  } finally {
    rmSync(tmp, { force: true });
  }
}

function corrupt(path: string, why: string): FloeError {
  return new FloeError(`the credentials file ${path} is not valid (${why})`, {
    hint: `restore it, or run \`floe-dev down\` and delete ${path} so that a new cluster gets new credentials`,
  });
}
