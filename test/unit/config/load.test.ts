import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { DEFAULT_NODE_IMAGE, durationMs } from '../../../src/config/schema.js';
import { ConfigError } from '../../../src/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'floe-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function withFile(text: string): string {
  const path = join(dir, 'floe-dev.yaml');
  writeFileSync(path, text);
  return path;
}

function load(env: NodeJS.ProcessEnv = {}, flags = {}, configFile?: string) {
  return loadConfig({ cwd: dir, env, flags, configFile }).config;
}

function loadError(env: NodeJS.ProcessEnv = {}, flags = {}, configFile?: string): ConfigError {
  try {
    load(env, flags, configFile);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults (zero configuration)', () => {
  it('gives a complete configuration without any file, variable or flag', () => {
    const config = load();
    expect(config.cluster).toEqual({ name: 'floe-dev', nodeImage: DEFAULT_NODE_IMAGE, mergeKubeconfig: false });
    expect(config.namespace).toBe('floe-platform');
    expect(config.components).toEqual(['storage', 'catalog', 'observability', 'orchestrator', 'semantic']);
    expect(config.forwards).toMatchObject({ dagster: 3000, polaris: 8181, polarisManagement: 8182, cube: 4000 });
    expect(config.images.load).toBe(true);
  });
});

describe('precedence: defaults < file < environment < flags', () => {
  it('takes each layer over the one before', () => {
    withFile('cluster:\n  name: from-file\nnamespace: file-ns\nforwards:\n  cube: 4100\n');
    expect(load().cluster.name).toBe('from-file');
    expect(load({ FLOE_DEV_CLUSTER: 'from-env' }).cluster.name).toBe('from-env');
    expect(load({ FLOE_DEV_CLUSTER: 'from-env' }, { cluster: 'from-flag' }).cluster.name).toBe('from-flag');
    // Keys not overridden keep the file's values; sibling defaults survive a partial section.
    const config = load({ FLOE_DEV_CLUSTER: 'from-env' }, { cluster: 'from-flag' });
    expect(config.namespace).toBe('file-ns');
    expect(config.forwards.cube).toBe(4100);
    expect(config.forwards.dagster).toBe(3000);
  });

  it('reads --config, then FLOE_DEV_CONFIG, before ./floe-dev.yaml', () => {
    withFile('namespace: local\n');
    const other = join(dir, 'other.yaml');
    writeFileSync(other, 'namespace: other\n');
    expect(load({}, {}, other).namespace).toBe('other');
    expect(load({ FLOE_DEV_CONFIG: other }).namespace).toBe('other');
    expect(load().namespace).toBe('local');
  });

  it('parses typed environment variables', () => {
    const config = load({
      FLOE_DEV_COMPONENTS: 'orchestrator, storage',
      FLOE_DEV_IMAGES_LOAD: 'false',
      FLOE_DEV_FORWARD_DAGSTER: '3300',
      FLOE_DEV_TIMEOUT: '120',
    });
    expect(config.components).toEqual(['orchestrator', 'storage']);
    expect(config.images.load).toBe(false);
    expect(config.forwards.dagster).toBe(3300);
    expect(durationMs(config.timeouts.up)).toBe(120_000);
  });

  it('takes --component and --timeout flags', () => {
    const config = load({}, { component: ['semantic'], timeout: '5m' });
    expect(config.components).toEqual(['semantic']);
    expect(durationMs(config.timeouts.up)).toBe(300_000);
  });
});

describe('bad input is a ConfigError naming the key', () => {
  it.each([
    ['unknown top-level key with a suggestion', 'namespce: x\n', 'namespce', /unknown key `namespce`.*did you mean `namespace`/],
    ['unknown nested key with a suggestion', 'cluster:\n  nmae: x\n', 'cluster.nmae', /did you mean `cluster.name`/],
    ['unknown key far from any', 'zzzzzzzzzz: 1\n', 'zzzzzzzzzz', /unknown key `zzzzzzzzzz`(?!.*did you mean)/],
    ['wrong type', 'images:\n  load: maybe\n', 'images.load', /`images.load`.*"maybe" is not a boolean/],
    ['port out of range', 'forwards:\n  cube: 70000\n', 'forwards.cube', /between 1 and 65535/],
    ['port zero', 'forwards:\n  dagster: 0\n', 'forwards.dagster', /between 1 and 65535/],
    ['port not whole', 'forwards:\n  dagster: 3000.5\n', 'forwards.dagster', /whole number/],
    ['two forwards on one port', 'forwards:\n  cube: 3000\n', 'forwards.cube', /same port as forwards.dagster/],
    ['cluster name with capitals', 'cluster:\n  name: MyCluster\n', 'cluster.name', /lower-case/],
    ['cluster name with underscore', 'cluster:\n  name: my_cluster\n', 'cluster.name', /kind's rule/],
    ['cluster name too long', `cluster:\n  name: ${'a'.repeat(51)}\n`, 'cluster.name', /at most 50/],
    ['namespace not a DNS label', 'namespace: -bad\n', 'namespace', /DNS label/],
    ['unknown component', 'components: [storage, semntic]\n', 'components.1', /"semntic" is not allowed \(did you mean "semantic"\?\); allowed: storage, catalog/],
    ['no components', 'components: []\n', 'components', /at least one/],
    ['unknown service override', 'services:\n  polars:\n    image: apache/polaris:1.7.0\n', 'services.polars', /unknown key `services.polars`.*did you mean `services.polaris`/],
    ['malformed image', 'services:\n  polaris:\n    image: "Apache/Polaris 1.7"\n', 'services.polaris.image', /not a valid image reference/],
    ['unpinned image', 'services:\n  polaris:\n    image: apache/polaris\n', 'services.polaris.image', /must be pinned/],
    ['latest image', 'services:\n  cube:\n    image: cubejs/cube:latest\n', 'services.cube.image', /not `latest`/],
    ['negative memory', 'services:\n  cube:\n    resources:\n      limits:\n        memory: "-1Gi"\n', 'services.cube.resources.limits.memory', /not a memory quantity/],
    ['unparsable cpu', 'services:\n  cube:\n    resources:\n      requests:\n        cpu: lots\n', 'services.cube.resources.requests.cpu', /not a CPU quantity/],
    ['zero memory', 'services:\n  cube:\n    resources:\n      requests:\n        memory: "0"\n', 'services.cube.resources.requests.memory', /greater than zero/],
    ['bad duration', 'timeouts:\n  up: soon\n', 'timeouts.up', /duration/],
    ['bad cache driver', 'semantic:\n  cache: redis\n', 'semantic.cache', /allowed: auto, cubestore, memory/],
  ])('%s', (_name, yaml, key, message) => {
    const path = withFile(yaml);
    const error = loadError();
    expect(error.key).toBe(key);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(path);
    expect(error.exitCode).toBe(2);
  });

  it('reports bad YAML with its line', () => {
    withFile('cluster:\n  name: a\n   bad: [\n');
    const error = loadError();
    expect(error.message).toMatch(/is not valid YAML/);
    expect(error.message).toMatch(/line \d+/);
  });

  it('rejects a file that is not a mapping', () => {
    withFile('- just\n- a list\n');
    expect(loadError().message).toMatch(/must hold a mapping/);
  });

  it('rejects a missing --config file', () => {
    expect(loadError({}, {}, join(dir, 'nope.yaml')).message).toMatch(/does not exist/);
  });

  it('names the environment variable that set a bad value', () => {
    const error = loadError({ FLOE_DEV_CLUSTER: 'Bad_Name' });
    expect(error.message).toMatch(/`cluster.name` \(from FLOE_DEV_CLUSTER\)/);
  });

  it('names the flag that set a bad value', () => {
    const error = loadError({}, { namespace: 'Not OK' });
    expect(error.message).toMatch(/`namespace` \(in --namespace\)/);
  });

  it.each([
    ['FLOE_DEV_CLUSTR', 'x', /unknown environment variable FLOE_DEV_CLUSTR; did you mean FLOE_DEV_CLUSTER/],
    ['FLOE_DEV_IMAGES_LOAD', 'perhaps', /FLOE_DEV_IMAGES_LOAD="perhaps" is not a boolean/],
    ['FLOE_DEV_FORWARD_CUBE', 'abc', /FLOE_DEV_FORWARD_CUBE="abc" is not a number/],
  ])('rejects %s=%s', (name, value, message) => {
    expect(loadError({ [name]: value }).message).toMatch(message);
  });

  it('ignores FLOE_DEV_* variables read elsewhere', () => {
    expect(load({ FLOE_DEV_HOME: '/tmp/x', FLOE_DEV_KIND: 'kind', FLOE_DEV_KUBECTL: 'kubectl' }).cluster.name).toBe('floe-dev');
  });
});

describe('durationMs', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
  ])('%s → %d ms', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });
});
