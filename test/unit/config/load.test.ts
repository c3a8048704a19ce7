import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, loadConfigTolerant } from '../../../src/config/load.js';
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
      FLOE_DEV_TIMEOUT: '120s',
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
    ['port out of range', 'forwards:\n  cube: 70000\n', 'forwards.cube', /out of range: write a port number from 1 to 65535/],
    ['port zero', 'forwards:\n  dagster: 0\n', 'forwards.dagster', /out of range: write a port number from 1 to 65535/],
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
    ['FLOE_DEV_IMAGES_LOAD', 'perhaps', /`images.load` \(from FLOE_DEV_IMAGES_LOAD\): value "perhaps" is not a boolean: write true or false$/],
    ['FLOE_DEV_FORWARD_CUBE', 'abc', /`forwards.cube` \(from FLOE_DEV_FORWARD_CUBE\): value "abc" is not a number: write a port number from 1 to 65535/],
  ])('rejects %s=%s', (name, value, message) => {
    expect(loadError({ [name]: value }).message).toMatch(message);
  });

  it('ignores FLOE_DEV_* variables read elsewhere', () => {
    expect(load({ FLOE_DEV_HOME: '/tmp/x', FLOE_DEV_KIND: 'kind', FLOE_DEV_KUBECTL: 'kubectl' }).cluster.name).toBe('floe-dev');
  });
});

describe('every problem at once', () => {
  it('reports all of them in one ConfigError (exit 2), each with its key and source', () => {
    const path = withFile('namespce: x\nforwards:\n  cube: 99999\nimages:\n  load: yes\ntimeouts:\n  up: 15\n');
    const error = loadError({ FLOE_DEV_CLUSTR: 'x' });
    expect(error.exitCode).toBe(2);
    expect(error.problems.map((p) => p.key)).toEqual(['FLOE_DEV_CLUSTR', 'images.load', 'forwards.cube', 'timeouts.up', 'namespce']);
    expect(error.message).toMatch(/^the configuration has 5 problems:\n- /);
    for (const p of error.problems) expect(error.message).toContain(p.message);
    expect(error.message).toContain(`\`forwards.cube\` (in ${path})`);
    expect(error.hint).toContain('floe-dev config --defaults');
  });

  it('finds a clash of ports even next to other problems (a later round, after the bad values are left out)', () => {
    withFile('forwards:\n  dagster: 4000\n  polaris: nope\n');
    expect(loadError().problems.map((p) => p.key)).toEqual(['forwards.polaris', 'forwards.dagster']);
  });
});

describe('two forwards on one port', () => {
  it.each([
    // [yaml, blamed key, message]
    ['forwards:\n  dagster: 4000\n', 'forwards.dagster', 'value 4000 is the same port as forwards.cube (its default)'],
    ['forwards:\n  cube: 3000\n', 'forwards.cube', 'value 3000 is the same port as forwards.dagster (its default)'],
    ['forwards:\n  dagster: 5000\n  cube: 5000\n', 'forwards.cube', 'value 5000 is the same port as forwards.dagster'],
  ])('%j blames the key the user set', (yaml, key, message) => {
    const path = withFile(yaml);
    const error = loadError();
    expect(error.key).toBe(key);
    expect(error.message).toBe(`\`${key}\` (in ${path}): ${message}`);
    expect(error.message).not.toMatch(/missing|no value/);
  });

  it('blames the variable when the clash comes from the environment', () => {
    expect(loadError({ FLOE_DEV_FORWARD_MINIO: '8181' }).message).toBe(
      '`forwards.minio` (from FLOE_DEV_FORWARD_MINIO): value 8181 is the same port as forwards.polaris (its default)',
    );
  });
});

describe('namespaces floe-dev does not own', () => {
  it.each(['kube-system', 'default', 'kube-public', 'kube-node-lease', 'local-path-storage', 'kube-anything'])('refuses %s', (ns) => {
    const error = loadError({}, { namespace: ns });
    expect(error.key).toBe('namespace');
    expect(error.message).toMatch(/belongs to Kubernetes itself: floe-dev installs only into a namespace of its own/);
  });

  it('takes any other DNS label', () => {
    expect(load({}, { namespace: 'my-platform' }).namespace).toBe('my-platform');
  });
});

describe('the file itself', () => {
  it('says where YAML breaks, shows the line, and ends without a dangling colon; the hint works in that folder', () => {
    const path = withFile('cluster:\n  name: a\n   bad: [\n');
    const error = loadError();
    const [first, ...excerpt] = error.message.split('\n');
    expect(first).toBe(`${path}, line 2, column 9 is not valid YAML: Nested mappings are not allowed in compact mappings`);
    expect(excerpt[0]).toMatch(/^ +name: a$/);
    expect(excerpt[1]).toMatch(/^ +\^$/);
    expect(error.message).toMatch(/more YAML errors? after it/);
    expect(error.hint).toContain('`floe-dev config --defaults`');
  });

  it('mentions a floe-dev.yml it finds and does not read', () => {
    writeFileSync(join(dir, 'floe-dev.yml'), 'namespace: from-yml\n');
    const loaded = loadConfig({ cwd: dir, env: {} });
    expect(loaded.config.namespace).toBe('floe-platform');
    expect(loaded.warnings).toEqual([`found ${join(dir, 'floe-dev.yml')}, which floe-dev does not read (it reads floe-dev.yaml): rename it, or pass --config floe-dev.yml`]);
    expect(loadConfig({ cwd: dir, env: {}, configFile: 'floe-dev.yml' }).config.namespace).toBe('from-yml');
  });

  it('says nothing about floe-dev.yml when floe-dev.yaml is there', () => {
    withFile('namespace: from-yaml\n');
    writeFileSync(join(dir, 'floe-dev.yml'), 'namespace: from-yml\n');
    expect(loadConfig({ cwd: dir, env: {} }).warnings).toEqual([]);
  });
});

describe('tolerant loading (down, doctor)', () => {
  it('keeps what is valid, puts defaults in place of the rest, and lists the problems', () => {
    withFile('cluster:\n  name: mine\nforwards:\n  cube: 99999\nnamespce: x\n');
    const loaded = loadConfigTolerant({ cwd: dir, env: { FLOE_DEV_NOPE: '1' } });
    expect(loaded.config.cluster.name).toBe('mine');
    expect(loaded.config.forwards.cube).toBe(4000);
    expect(loaded.problems.map((p) => p.key)).toEqual(['FLOE_DEV_NOPE', 'forwards.cube', 'namespce']);
  });

  it('salvages the cluster name from a file that does not parse, reporting only the syntax error', () => {
    withFile('cluster:\n  name: mine\nforwards: {cube: 4000\n');
    const loaded = loadConfigTolerant({ cwd: dir, env: {} });
    expect(loaded.config.cluster.name).toBe('mine');
    expect(loaded.problems).toHaveLength(1);
    expect(loaded.problems[0]?.message).toMatch(/is not valid YAML/);
  });

  it('ignores a --config file that does not exist, saying so', () => {
    const loaded = loadConfigTolerant({ cwd: dir, env: {}, configFile: 'nope.yaml' });
    expect(loaded.config.cluster.name).toBe('floe-dev');
    expect(loaded.problems[0]?.message).toMatch(/nope\.yaml does not exist/);
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

// Found by the hostile-input suite: a 5000-character FLOE_DEV_CLUSTER came back as a 5000-character error line, and
// `.nan` in floe-dev.yaml was shown as "value null".
describe('values in messages are shown short and as written', () => {
  it('cuts a huge value to 80 characters, saying how long it was', () => {
    const error = loadError({ FLOE_DEV_CLUSTER: 'x'.repeat(5_000) });
    expect(error.message).toBe(`\`cluster.name\` (from FLOE_DEV_CLUSTER): value "${'x'.repeat(79)}… (5002 characters) must be at most 50 characters`);
  });

  it('shows NaN and infinities as YAML writes them, binary data by its size', () => {
    withFile('forwards:\n  cube: .nan\n  minio: -.inf\nnamespace: !!binary aGVsbG8=\n');
    const messages = loadError().problems.map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^`forwards\.cube` .*: value \.nan must be a whole number/),
        expect.stringMatching(/^`forwards\.minio` .*: value -\.inf must be a whole number/),
        expect.stringMatching(/^`namespace` .*: value binary data \(5 bytes\) is not a string/),
      ]),
    );
  });

  it('keeps a value with a line break on one line', () => {
    const error = loadError({ FLOE_DEV_NAMESPACE: 'a\nb' });
    expect(error.message).toContain('value "a\\nb"');
    expect(error.message).not.toContain('\n');
  });

  it('cuts a huge unknown key', () => {
    withFile(`? ${'k'.repeat(3_000)}\n: 1\n`);
    expect(loadError().message).toMatch(/^unknown key `k{80}… \(3000 characters\)` \(in /);
  });
});

// Found by the hostile-input suite: a "billion laughs" file was "an unexpected problem" (exit 1).
describe('YAML that parses but cannot be read', () => {
  const bomb = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 9; i++) bomb.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);

  it('refuses aliases that expand without end, as a configuration problem', () => {
    withFile(`namespace: mine\nx:\n${bomb.map((l) => `  ${l}`).join('\n')}\n`);
    const error = loadError();
    expect(error.message).toMatch(/floe-dev\.yaml expands its YAML aliases \(\*name\) too many times for floe-dev to read: write the values out$/);
    expect(error.hint).toMatch(/fix the YAML there/);
  });

  it('down and doctor carry on with the defaults', () => {
    withFile(`x:\n${bomb.map((l) => `  ${l}`).join('\n')}\n`);
    const { config, problems } = loadConfigTolerant({ cwd: dir, env: {} });
    expect(config.cluster.name).toBe('floe-dev');
    expect(problems).toHaveLength(1);
  });

  it('says a file nests too deeply in those words', () => {
    withFile(`namespace: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    expect(loadError().message).toMatch(/is not valid YAML: it nests its values too deeply for floe-dev to read/);
  });

  it('still reads a few aliases', () => {
    withFile('forwards:\n  cube: &p 4001\n  minio: *p\n');
    expect(loadError().message).toMatch(/`forwards\.minio`.*same port as forwards\.cube/);
  });
});

// Found by the hostile-input suite: a mapping with a key named toString in a list of names crashed the message.
describe('values whose keys shadow Object methods', () => {
  it.each([
    ['components:\n  - storage\n  - toString: 0\n', /^`components\.1` .*: value \{"toString":0\} is not allowed; allowed: storage, catalog/],
    ['semantic:\n  cache: {toString: 1, valueOf: 2}\n', /^`semantic\.cache` .*: value \{"toString":1,"valueOf":2\} is not allowed; allowed: auto, cubestore, memory$/],
  ])('%j is a configuration problem', (yaml, message) => {
    withFile(yaml);
    expect(loadError().message).toMatch(message);
  });
});

// Found while fuzzing floe-dev.yaml: `__proto__:` was merged as the object's prototype, so the key vanished unreported.
describe('keys named like Object internals', () => {
  it.each(['__proto__', 'constructor', 'toString'])('%s is an unknown key, blamed on the file', (key) => {
    withFile(`${key}:\n  namespace: kube-system\n`);
    expect(loadError().message).toMatch(new RegExp(`^unknown key \`${key}\` \\(in .*floe-dev\\.yaml\\)`));
  });

  it('nested, too', () => {
    withFile('forwards:\n  __proto__: {cube: 1}\n');
    expect(loadError().message).toMatch(/^unknown key `forwards\.__proto__` \(in .*floe-dev\.yaml\)/);
  });
});
