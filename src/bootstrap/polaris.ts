// Polaris, proven by its effect: the realm gives a token for the generated root credentials, and the platform's
// Iceberg catalog exists with the MinIO warehouse and the grant that lets the root principal write to it.
import { FloeError } from '../errors.js';
import type { Http, HttpResponse } from '../tools/http.js';

export interface PolarisTarget {
  /** e.g. http://127.0.0.1:53212 (a short-lived port-forward to Polaris' API port). */
  baseUrl: string;
  signal?: AbortSignal;
}

export interface RootCredentials {
  realm: string;
  clientId: string;
  clientSecret: string;
}

/** The catalog as the management API takes and returns it (the fields floe-dev sets). */
export interface CatalogSpec {
  name: string;
  type: string;
  properties: Record<string, string>;
  storageConfigInfo: Record<string, unknown>;
}

const request = (http: Http, target: PolarisTarget, req: Omit<Parameters<Http['request']>[0], 'url' | 'signal'> & { path: string }) =>
  http.request({ ...req, url: new URL(req.path, target.baseUrl).toString(), signal: target.signal, timeoutMs: req.timeoutMs ?? 10_000, retries: req.retries ?? 2 });

/** OAuth client-credentials token for the root principal (POST /api/catalog/v1/oauth/tokens). */
export async function rootToken(http: Http, target: PolarisTarget, creds: RootCredentials): Promise<string> {
  const r = await request(http, target, {
    path: '/api/catalog/v1/oauth/tokens',
    method: 'POST',
    headers: { 'Polaris-Realm': creds.realm },
    form: { grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret, scope: 'PRINCIPAL_ROLE:ALL' },
  });
  const token = r.status === 200 ? (parseJson(r.body) as { access_token?: unknown } | undefined)?.access_token : undefined;
  if (typeof token === 'string' && token) return token;
  if (r.status === 401 || r.status === 400) {
    throw new FloeError(`Polaris refused the root credentials of realm ${creds.realm} (${r.status}${errorText(r)}): the realm was bootstrapped with other credentials`, {
      hint: 'its database comes from an earlier platform whose credentials are gone: `floe-dev down --keep-cluster` then `floe-dev up` rebuilds it',
    });
  }
  throw failure('getting an OAuth token', r);
}

export type CatalogOutcome = 'created' | 'exists';

/**
 * Creates the catalog unless it exists (201, or 409 when another run made it meanwhile: both fine), then reads
 * it back. One that exists with other warehouse settings is reported, never silently kept or replaced.
 */
export async function ensureCatalog(http: Http, target: PolarisTarget, token: string, wanted: CatalogSpec): Promise<CatalogOutcome> {
  const auth = { Authorization: `Bearer ${token}` };
  let outcome: CatalogOutcome = 'exists';
  let existing = await getCatalog(http, target, token, wanted.name);
  if (!existing) {
    const created = await request(http, target, { path: '/api/management/v1/catalogs', method: 'POST', headers: auth, json: { catalog: wanted } });
    if (created.status !== 201 && created.status !== 409) throw failure(`creating the catalog ${wanted.name}`, created);
    if (created.status === 201) outcome = 'created';
    existing = await getCatalog(http, target, token, wanted.name);
    if (!existing) throw new FloeError(`Polaris accepted the catalog ${wanted.name} but does not list it afterwards`, { hint: 'run `floe-dev up` again' });
  }
  const differences = catalogDifferences(wanted, existing);
  if (differences.length > 0) {
    throw new FloeError(`the Polaris catalog ${wanted.name} exists with other settings than the platform's: ${differences.join('; ')}`, {
      hint: `floe-dev leaves it as it is: delete it in Polaris (DELETE /api/management/v1/catalogs/${wanted.name}, once empty) or start the platform afresh with \`floe-dev down --keep-cluster\` then \`floe-dev up\``,
    });
  }
  return outcome;
}

async function getCatalog(http: Http, target: PolarisTarget, token: string, name: string): Promise<CatalogSpec | undefined> {
  const r = await request(http, target, { path: `/api/management/v1/catalogs/${encodeURIComponent(name)}`, headers: { Authorization: `Bearer ${token}` } });
  if (r.status === 404) return undefined;
  if (r.status !== 200) throw failure(`reading the catalog ${name}`, r);
  return parseJson(r.body) as CatalogSpec;
}

/**
 * What differs between the wanted catalog and the one Polaris has, as "field: have → want" (pure). Only the
 * fields floe-dev sets count; locations compare without a trailing slash and lists in any order, as Polaris
 * may normalise them.
 */
export function catalogDifferences(wanted: CatalogSpec, actual: Partial<CatalogSpec>): string[] {
  const out: string[] = [];
  const show = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));
  for (const [key, value] of Object.entries(wanted.properties)) {
    if (!same(actual.properties?.[key], value)) out.push(`properties.${key}: ${show(actual.properties?.[key])} → ${show(value)}`);
  }
  for (const [key, value] of Object.entries(wanted.storageConfigInfo)) {
    const have = actual.storageConfigInfo?.[key];
    if (!same(have, value)) out.push(`storageConfigInfo.${key}: ${show(have)} → ${show(value)}`);
  }
  return out;
}

function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => (typeof v === 'string' ? v.replace(/\/+$/, '') : Array.isArray(v) ? v.map(norm).map(String).sort() : v);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/** Adds a privilege to a catalog role unless it holds it (GET, then PUT: 201). */
export async function ensureGrant(
  http: Http,
  target: PolarisTarget,
  token: string,
  catalog: string,
  role: string,
  grant: { type: string; privilege: string },
): Promise<'granted' | 'present'> {
  const path = `/api/management/v1/catalogs/${encodeURIComponent(catalog)}/catalog-roles/${encodeURIComponent(role)}/grants`;
  const auth = { Authorization: `Bearer ${token}` };
  const listed = await request(http, target, { path, headers: auth });
  if (listed.status !== 200) throw failure(`reading the grants of ${catalog}/${role}`, listed);
  const grants = (parseJson(listed.body) as { grants?: { privilege?: string }[] } | undefined)?.grants ?? [];
  if (grants.some((g) => g.privilege === grant.privilege)) return 'present';
  const added = await request(http, target, { path, method: 'PUT', headers: auth, json: { grant } });
  if (added.status !== 201 && added.status !== 200) throw failure(`granting ${grant.privilege} on ${catalog} to ${role}`, added);
  return 'granted';
}

function failure(what: string, r: HttpResponse): FloeError {
  return new FloeError(`Polaris answered ${r.status} ${what}${errorText(r)}`, { hint: 'run `floe-dev up` again; `floe-dev status` shows whether Polaris is healthy' });
}

/** Polaris' error body: `{"error":{"message","type","code"}}` (or OAuth's `error_description`). */
function errorText(r: HttpResponse): string {
  const body = parseJson(r.body) as { error?: { message?: string } | string; error_description?: string } | undefined;
  const message = typeof body?.error === 'object' ? body.error.message : body?.error_description ?? (typeof body?.error === 'string' ? body.error : undefined);
  return message ? `: ${message}` : '';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
