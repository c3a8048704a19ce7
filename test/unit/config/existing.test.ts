// cluster.existing and --context: validated like every key (exit 2, the key's path, the name meant).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError, ExitCode } from '../../../src/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'floe-existing-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function load(yaml: string | undefined, env: NodeJS.ProcessEnv = {}, flags = {}) {
  if (yaml !== undefined) writeFileSync(join(dir, 'floe-dev.yaml'), yaml);
  else rmSync(join(dir, 'floe-dev.yaml'), { force: true });
  return loadConfig({ cwd: dir, env, flags }).config;
}

function problem(yaml: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    load(yaml, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('cluster.existing', () => {
  it('refuses a context name no kubeconfig would hold: 2048 characters, or a line break (found by the hostile-input suite)', () => {
    const long = problem('', { FLOE_DEV_CONTEXT: 'x'.repeat(2048) });
    expect(long.exitCode).toBe(ExitCode.usage);
    expect(long.message).toMatch(/cluster\.existing\.context.*at most 253 characters/s);
    expect(long.message.split('\n').every((line) => line.length < 400)).toBe(true);
    expect(problem('cluster:\n  existing:\n    context: "a\\nb"\n').message).toMatch(/control characters/);
  });

  it('is off by default (kind)', () => {
    expect(load(undefined).cluster.existing).toBeUndefined();
  });

  it('reads kubeconfig and context from the file, the context from --context or FLOE_DEV_CONTEXT', () => {
    expect(load('cluster:\n  existing:\n    kubeconfig: ~/work.yaml\n    context: big\n').cluster.existing).toEqual({ kubeconfig: '~/work.yaml', context: 'big' });
    expect(load(undefined, {}, { context: 'from-flag' }).cluster.existing).toEqual({ context: 'from-flag' });
    expect(load(undefined, { FLOE_DEV_CONTEXT: 'from-env' }).cluster.existing).toEqual({ context: 'from-env' });
    // The flag picks the context and keeps the file's kubeconfig.
    expect(load('cluster:\n  existing:\n    kubeconfig: /k\n    context: a\n', {}, { context: 'b' }).cluster.existing).toEqual({ kubeconfig: '/k', context: 'b' });
  });

  it.each([
    ['no context', 'cluster:\n  existing:\n    kubeconfig: /k\n', 'cluster.existing.context', /`cluster.existing.context` \(in .*\): no value given; cluster.existing needs the context/],
    ['empty context', 'cluster:\n  existing:\n    context: ""\n', 'cluster.existing.context', /must name a context/],
    ['a near-miss key', 'cluster:\n  existing:\n    context: a\n    kubeconfg: /k\n', 'cluster.existing.kubeconfg', /did you mean `cluster.existing.kubeconfig`/],
    ['merging a kubeconfig too', 'cluster:\n  mergeKubeconfig: true\n  existing:\n    context: a\n', 'cluster.mergeKubeconfig', /applies to kind clusters only/],
  ])('%s: exit 2 naming the key', (_name, yaml, key, message) => {
    const error = problem(yaml);
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.problems.map((p) => p.key)).toContain(key);
    expect(error.message).toMatch(message);
  });

  it('says --context set it when the flag is at fault', () => {
    try {
      loadConfig({ cwd: dir, env: {}, flags: { context: '' } });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as Error).message).toMatch(/`cluster.existing.context` \(in --context\)/);
    }
  });
});

describe('a kind cluster name beside an existing cluster', () => {
  it('refuses --cluster with --context (exit 2): two targets on one command line', () => {
    try {
      loadConfig({ cwd: dir, env: {}, flags: { cluster: 'mine', context: 'prod' } });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).exitCode).toBe(ExitCode.usage);
      expect((error as ConfigError).problems.map((p) => p.key)).toEqual(['cluster.name']);
      expect((error as Error).message).toMatch(/`--cluster` cannot go with `--context`/);
    }
  });

  it('warns that a cluster.name from the file or FLOE_DEV_CLUSTER is not used, naming where it came from', () => {
    writeFileSync(join(dir, 'floe-dev.yaml'), 'cluster:\n  name: mine\n');
    const fromFile = loadConfig({ cwd: dir, env: {}, flags: { context: 'prod' } });
    expect(fromFile.config.cluster.existing).toEqual({ context: 'prod' });
    expect(fromFile.warnings).toEqual([expect.stringMatching(/^`cluster.name` \(in .*floe-dev\.yaml.*\) is not used: with cluster.existing floe-dev installs into context prod/)]);
    rmSync(join(dir, 'floe-dev.yaml'));
    const fromEnv = loadConfig({ cwd: dir, env: { FLOE_DEV_CLUSTER: 'mine', FLOE_DEV_CONTEXT: 'prod' } });
    expect(fromEnv.warnings).toEqual([expect.stringMatching(/`cluster.name` \(from FLOE_DEV_CLUSTER\) is not used/)]);
    // Nothing to say when only one target is named.
    expect(loadConfig({ cwd: dir, env: {}, flags: { context: 'prod' } }).warnings).toEqual([]);
    expect(loadConfig({ cwd: dir, env: {}, flags: { cluster: 'mine' } }).warnings).toEqual([]);
  });
});

describe('cluster.existing with the local registry', () => {
  it('is refused: the cluster cannot reach a registry on this machine', () => {
    const error = problem('cluster:\n  existing:\n    context: a\nregistry:\n  enabled: true\n');
    expect(error.problems.map((p) => p.key)).toContain('registry.enabled');
    expect(error.message).toMatch(/cannot reach a registry on 127.0.0.1/);
  });
});
