// Per-cluster credentials: generated once, file mode 0600 in a 0700 folder, reused, never silently replaced.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureCredentials, generateCredentials, loadOrCreateCredentials, randomToken } from '../../../src/platform/credentials.js';
import { FloeError } from '../../../src/errors.js';
import { renderPlatform } from '../../../src/platform/render.js';
import { config } from './helpers.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'floe-creds-'));
  file = join(dir, 'clusters', 'floe-dev', 'credentials.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;

describe('loadOrCreateCredentials', () => {
  it('generates them once, in a 0600 file inside a 0700 folder', () => {
    const first = ensureCredentials(file);
    expect(first.created).toBe(true);
    expect(mode(file)).toBe(0o600);
    expect(mode(join(dir, 'clusters', 'floe-dev'))).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(first.credentials);
    expect(readdirSync(join(dir, 'clusters', 'floe-dev'))).toEqual(['credentials.json']);
  });

  it('reuses them on the next call (re-render keeps the same passwords)', () => {
    const first = loadOrCreateCredentials(file);
    const second = ensureCredentials(file);
    expect(second.created).toBe(false);
    expect(second.credentials).toEqual(first);
    const objects = (c: typeof first) => JSON.stringify(renderPlatform({ config: config(), credentials: c }));
    expect(objects(second.credentials)).toBe(objects(first));
  });

  it('tightens a file whose mode was loosened', () => {
    loadOrCreateCredentials(file);
    chmodSync(file, 0o644);
    loadOrCreateCredentials(file);
    expect(mode(file)).toBe(0o600);
  });
});

describe('a corrupt credentials file', () => {
  it.each([
    ['not JSON', '{ nope', /is not valid/],
    ['a missing field', JSON.stringify({ version: 1 }), /polaris/],
    ['a short password', JSON.stringify({ ...generateCredentials(), minio: { rootUser: 'floe-admin', rootPassword: 'short' } }), /minio\.rootPassword/],
  ])('with %s is an error naming the file, and is left as it was', (_n, text, why) => {
    loadOrCreateCredentials(file); // creates the folder
    writeFileSync(file, text);
    expect(() => loadOrCreateCredentials(file)).toThrow(FloeError);
    expect(() => loadOrCreateCredentials(file)).toThrow(why);
    expect(() => loadOrCreateCredentials(file)).toThrow(file);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});

describe('generated values', () => {
  it('are random, alphanumeric and long', () => {
    const a = generateCredentials();
    const b = generateCredentials();
    expect(a.catalogDb.password).not.toBe(b.catalogDb.password);
    for (const value of [a.polaris.clientSecret, a.catalogDb.password, a.orchestratorDb.password, a.minio.rootPassword, a.grafana.adminPassword]) {
      expect(value).toMatch(/^[A-Za-z0-9]{32}$/);
    }
    expect(a.cube.apiSecret).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(a.polaris.realm).toBe('POLARIS');
  });

  it('use every letter and digit', () => {
    const seen = new Set(randomToken(4000));
    expect(seen.size).toBe(62);
  });
});
