// Bootstrap by effect against a recording fake Http: the bucket (signed S3), the Polaris token, catalog and grant.
import { describe, expect, it } from 'vitest';
import { ensureBucket, s3ErrorCode } from '../../../src/bootstrap/bucket.js';
import { catalogDifferences, ensureCatalog, ensureGrant, rootToken, type CatalogSpec } from '../../../src/bootstrap/polaris.js';
import { FloeError } from '../../../src/errors.js';
import { platformCatalog } from '../../../src/platform/services/polaris.js';
import { FakeHttp } from '../../helpers/fake-http.js';

const s3 = { endpoint: 'http://127.0.0.1:5555', credentials: { accessKeyId: 'floe-admin', secretAccessKey: 'secret-secret-secret' } };
const polaris = { baseUrl: 'http://127.0.0.1:6666' };
const wanted = (): CatalogSpec => {
  const c = platformCatalog({ namespace: 'floe-platform', bucket: 'warehouse', clientS3Port: 9000 });
  return { ...c, properties: { ...c.properties }, storageConfigInfo: { ...c.storageConfigInfo } };
};

describe('ensureBucket', () => {
  it('signs every request with SigV4 for the root user and finds an existing bucket with one HEAD', async () => {
    const http = new FakeHttp().on('HEAD', '/warehouse', { status: 200 });
    expect(await ensureBucket(http, s3, 'warehouse')).toBe('exists');
    expect(http.log).toEqual(['HEAD /warehouse']);
    const headers = http.requests[0]!.headers!;
    expect(headers.Authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=floe-admin\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=[^,]*host[^,]*x-amz-date[^,]*, Signature=[0-9a-f]{64}$/);
    expect(headers['X-Amz-Date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(JSON.stringify(http.requests)).not.toContain('secret-secret-secret');
  });

  it('creates a missing bucket, then proves it is there', async () => {
    const http = new FakeHttp().on('HEAD', '/warehouse', { status: 404 }, { status: 200 }).on('PUT', '/warehouse', { status: 200 });
    expect(await ensureBucket(http, s3, 'warehouse')).toBe('created');
    expect(http.log).toEqual(['HEAD /warehouse', 'PUT /warehouse', 'HEAD /warehouse']);
  });

  it('a bucket made meanwhile (409 BucketAlreadyOwnedByYou) is fine', async () => {
    const http = new FakeHttp().on('HEAD', '/warehouse', { status: 404 }, { status: 200 }).on('PUT', '/warehouse', { status: 409, body: '<Error><Code>BucketAlreadyOwnedByYou</Code></Error>' });
    expect(await ensureBucket(http, s3, 'warehouse')).toBe('created');
  });

  it('refused credentials are a clear error with the fix', async () => {
    const body = '<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error>';
    const http = new FakeHttp().on('HEAD', '/warehouse', { status: 403, body });
    const e = (await ensureBucket(http, s3, 'warehouse').catch((x: unknown) => x)) as FloeError;
    expect(e).toBeInstanceOf(FloeError);
    expect(e.message).toBe('MinIO answered 403 SignatureDoesNotMatch checking the bucket "warehouse": The request signature we calculated does not match');
    expect(e.hint).toMatch(/floe-dev down/);
  });

  it.each([
    ['<Error><Code>NoSuchBucket</Code><Message>gone</Message></Error>', { code: 'NoSuchBucket', message: 'gone' }],
    ['', { code: undefined, message: undefined }],
  ])('reads S3 error XML %#', (body, expected) => {
    expect(s3ErrorCode(body)).toEqual(expected);
  });
});

describe('Polaris bootstrap', () => {
  const creds = { realm: 'POLARIS', clientId: 'floe-abc', clientSecret: 'the-client-secret' };

  it('gets a root token with client credentials, the realm header and PRINCIPAL_ROLE:ALL', async () => {
    const http = new FakeHttp().on('POST', '/api/catalog/v1/oauth/tokens', { status: 200, body: '{"access_token":"tok","token_type":"bearer"}' });
    expect(await rootToken(http, polaris, creds)).toBe('tok');
    expect(http.requests[0]).toMatchObject({
      headers: { 'Polaris-Realm': 'POLARIS' },
      form: { grant_type: 'client_credentials', client_id: 'floe-abc', client_secret: 'the-client-secret', scope: 'PRINCIPAL_ROLE:ALL' },
    });
  });

  it('a realm bootstrapped with other credentials is explained, with the fix', async () => {
    const http = new FakeHttp().on('POST', '/api/catalog/v1/oauth/tokens', { status: 401, body: '{"error":"unauthorized_client","error_description":"The client is not authorized"}' });
    const e = (await rootToken(http, polaris, creds).catch((x: unknown) => x)) as FloeError;
    expect(e.message).toMatch(/Polaris refused the root credentials of realm POLARIS \(401: The client is not authorized\)/);
    expect(e.hint).toMatch(/down --keep-cluster/);
    expect(e.message + e.hint).not.toContain('the-client-secret');
  });

  it('creates the catalog when it is missing (201), and reads it back', async () => {
    const http = new FakeHttp()
      .on('GET', '/api/management/v1/catalogs/floe', { status: 404 }, { status: 200, body: JSON.stringify(wanted()) })
      .on('POST', '/api/management/v1/catalogs', { status: 201 });
    expect(await ensureCatalog(http, polaris, 'tok', wanted())).toBe('created');
    expect(http.log).toEqual(['GET /api/management/v1/catalogs/floe', 'POST /api/management/v1/catalogs', 'GET /api/management/v1/catalogs/floe']);
    expect(http.requests[1]).toMatchObject({ json: { catalog: { name: 'floe', properties: { 'default-base-location': 's3://warehouse' } } }, headers: { Authorization: 'Bearer tok' } });
  });

  it('a catalog made meanwhile (409) is fine when it has the platform’s settings', async () => {
    const http = new FakeHttp()
      .on('GET', '/api/management/v1/catalogs/floe', { status: 404 }, { status: 200, body: JSON.stringify(wanted()) })
      .on('POST', '/api/management/v1/catalogs', { status: 409, body: '{"error":{"message":"already exists","type":"AlreadyExistsException","code":409}}' });
    expect(await ensureCatalog(http, polaris, 'tok', wanted())).toBe('exists');
  });

  it('an existing catalog with other settings is reported field by field, never replaced', async () => {
    const other = wanted();
    other.properties['default-base-location'] = 's3://elsewhere';
    other.storageConfigInfo.pathStyleAccess = false;
    const http = new FakeHttp().on('GET', '/api/management/v1/catalogs/floe', { status: 200, body: JSON.stringify(other) });
    const e = (await ensureCatalog(http, polaris, 'tok', wanted()).catch((x: unknown) => x)) as FloeError;
    expect(e.message).toContain('properties.default-base-location: "s3://elsewhere" → "s3://warehouse"');
    expect(e.message).toContain('storageConfigInfo.pathStyleAccess: false → true');
    expect(http.log).toEqual(['GET /api/management/v1/catalogs/floe']); // no POST, no DELETE
  });

  it('compares locations without trailing slashes and lists in any order', () => {
    const have = wanted();
    have.properties['default-base-location'] = 's3://warehouse/';
    have.storageConfigInfo.allowedLocations = ['s3://warehouse/'];
    expect(catalogDifferences(wanted(), { ...have, storageConfigInfo: { ...have.storageConfigInfo, extraFieldPolarisAdds: 1 } })).toEqual([]);
  });

  it('adds the content grant once', async () => {
    const path = '/api/management/v1/catalogs/floe/catalog-roles/catalog_admin/grants';
    const http = new FakeHttp()
      .on('GET', path, { status: 200, body: '{"grants":[{"type":"catalog","privilege":"CATALOG_MANAGE_ACCESS"}]}' }, { status: 200, body: '{"grants":[{"type":"catalog","privilege":"CATALOG_MANAGE_CONTENT"}]}' })
      .on('PUT', path, { status: 201 });
    const grant = { type: 'catalog', privilege: 'CATALOG_MANAGE_CONTENT' };
    expect(await ensureGrant(http, polaris, 'tok', 'floe', 'catalog_admin', grant)).toBe('granted');
    expect(http.requests[1]).toMatchObject({ method: 'PUT', json: { grant } });
    expect(await ensureGrant(http, polaris, 'tok', 'floe', 'catalog_admin', grant)).toBe('present');
    expect(http.log.filter((l) => l.startsWith('PUT'))).toHaveLength(1);
  });
});
