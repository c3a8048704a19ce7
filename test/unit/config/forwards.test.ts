// The optional forwards' keys (Grafana, MinIO console, Prometheus): off by default, `true` or a port, from a
// file or FLOE_DEV_FORWARD_* variables, and never on another forward's port.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'floe-config-forwards-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const load = (yaml: string | undefined, env: NodeJS.ProcessEnv = {}) => {
  if (yaml !== undefined) writeFileSync(join(dir, 'floe-dev.yaml'), yaml);
  return loadConfig({ cwd: dir, env, flags: {} }).config.forwards;
};

describe('optional forwards', () => {
  it('are off by default', () => {
    const f = load(undefined);
    expect([f.grafana, f.minioConsole, f.prometheus]).toEqual([undefined, undefined, undefined]);
  });

  it.each<[string, string, Record<string, number | undefined>]>([
    ['true: the usual ports', 'forwards:\n  grafana: true\n  minioConsole: true\n  prometheus: true\n', { grafana: 3001, minioConsole: 9001, prometheus: 9090 }],
    ['a port', 'forwards:\n  grafana: 13001\n', { grafana: 13001 }],
    ['false: off', 'forwards:\n  prometheus: false\n', { prometheus: undefined }],
  ])('take %s', (_what, yaml, want) => {
    expect(load(yaml)).toMatchObject(want);
  });

  it.each<[string, string, number | undefined]>([
    ['FLOE_DEV_FORWARD_GRAFANA', 'true', 3001],
    ['FLOE_DEV_FORWARD_MINIO_CONSOLE', '19001', 19001],
    ['FLOE_DEV_FORWARD_PROMETHEUS', 'false', undefined],
  ])('come from %s=%s', (name, value, want) => {
    const f = load(undefined, { [name]: value });
    const key = { FLOE_DEV_FORWARD_GRAFANA: 'grafana', FLOE_DEV_FORWARD_MINIO_CONSOLE: 'minioConsole', FLOE_DEV_FORWARD_PROMETHEUS: 'prometheus' }[name] as 'grafana';
    expect(f[key]).toBe(want);
  });

  it.each<[string, string | undefined, NodeJS.ProcessEnv, string, RegExp]>([
    ['a port taken by another forward', 'forwards:\n  grafana: 3000\n', {}, 'forwards.grafana', /same port as forwards.dagster/],
    ['a word', 'forwards:\n  grafana: yes-please\n', {}, 'forwards.grafana', /is not a port: write a port number from 1 to 65535, true \(its usual port 3001\) or false/],
    ['a variable that is neither', undefined, { FLOE_DEV_FORWARD_GRAFANA: 'maybe' }, 'forwards.grafana', /\(from FLOE_DEV_FORWARD_GRAFANA\): value "maybe" is not a port/],
    ['on/off for true/false, with the word meant', undefined, { FLOE_DEV_FORWARD_PROMETHEUS: 'off' }, 'forwards.prometheus', /\(did you mean false\?\)/],
  ])('reject %s', (_what, yaml, env, key, message) => {
    let error: unknown;
    try {
      load(yaml, env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe(key);
    expect(`${(error as ConfigError).message} ${(error as ConfigError).hint ?? ''}`).toMatch(message);
  });
});
