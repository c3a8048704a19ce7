// One parser for configuration values: the same text means the same thing (or is refused with the same words)
// in floe-dev.yaml, in a FLOE_DEV_* variable and in a flag.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type LoadedConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'floe-values-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

type Outcome = { value: unknown } | { error: string };

/** Loads with one key set from YAML (text as written after `key: `) or from the environment (raw text). */
function outcome(load: () => LoadedConfig, pick: (c: LoadedConfig['config']) => unknown): Outcome {
  try {
    return { value: pick(load().config) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The same words whichever layer said it: drop the "(in file)" / "(from VAR)" part.
    return { error: error.message.replace(/ \((in|from) [^)]+\)/, '') };
  }
}

function fromYaml(yaml: string): () => LoadedConfig {
  return () => {
    writeFileSync(join(dir, 'floe-dev.yaml'), yaml);
    try {
      return loadConfig({ cwd: dir, env: {} });
    } finally {
      rmSync(join(dir, 'floe-dev.yaml'));
    }
  };
}

const fromEnv = (env: Record<string, string>) => () => loadConfig({ cwd: dir, env });

describe.each([
  // [text, expected value or error]
  ['15m', { value: '15m' }],
  ['90s', { value: '90s' }],
  ['1h', { value: '1h' }],
  ['15', { error: '`timeouts.up`: value "15" needs a unit: write 15s or 15m' }],
  ['0s', { error: '`timeouts.up`: value "0s" must be longer than zero' }],
  ['0', { error: '`timeouts.up`: value "0" must be longer than zero' }],
  ['soon', { error: '`timeouts.up`: value "soon" is not a duration: write e.g. 90s, 15m or 1h' }],
  ['24h', { value: '24h' }],
  // Found by the hostile-input suite (FC_SEED=5): `up --timeout 99999999999h` crashed arming its timer.
  ['25h', { error: '`timeouts.up`: value "25h" is longer than floe-dev waits for anything: write at most 24h' }],
  ['99999999999h', { error: '`timeouts.up`: value "99999999999h" is longer than floe-dev waits for anything: write at most 24h' }],
])('timeouts.up = %s', (text, expected) => {
  it('reads the same from floe-dev.yaml and FLOE_DEV_TIMEOUT', () => {
    // YAML reads `15` as a number: the message shows it unquoted, and says the same otherwise.
    const yaml = outcome(fromYaml(`timeouts:\n  up: ${text}\n`), (c) => c.timeouts.up);
    const env = outcome(fromEnv({ FLOE_DEV_TIMEOUT: text }), (c) => c.timeouts.up);
    expect(env).toEqual(expected);
    expect(yaml).toEqual('error' in expected ? { error: expected.error.replace(`"${text}"`, /^\d+$/.test(text) ? text : `"${text}"`) } : expected);
  });

  it('and from --timeout', () => {
    expect(outcome(() => loadConfig({ cwd: dir, env: {}, flags: { timeout: text } }), (c) => c.timeouts.up)).toEqual(expected);
  });
});

describe.each([
  ['true', { value: true }],
  ['false', { value: false }],
  ['TRUE', { value: true }],
  ['False', { value: false }],
  ['yes', { error: '`images.load`: value "yes" is not a boolean: write true or false (did you mean true?)' }],
  ['no', { error: '`images.load`: value "no" is not a boolean: write true or false (did you mean false?)' }],
  ['on', { error: '`images.load`: value "on" is not a boolean: write true or false (did you mean true?)' }],
  ['maybe', { error: '`images.load`: value "maybe" is not a boolean: write true or false' }],
])('images.load = %s', (text, expected) => {
  it('reads the same from floe-dev.yaml and FLOE_DEV_IMAGES_LOAD', () => {
    expect(outcome(fromEnv({ FLOE_DEV_IMAGES_LOAD: text }), (c) => c.images.load)).toEqual(expected);
    expect(outcome(fromYaml(`images:\n  load: ${text}\n`), (c) => c.images.load)).toEqual(expected);
  });
});

it('1 and 0 are refused in both layers with the word meant (YAML reads them as numbers)', () => {
  expect(outcome(fromEnv({ FLOE_DEV_MERGE_KUBECONFIG: '1' }), (c) => c.cluster.mergeKubeconfig)).toEqual({
    error: '`cluster.mergeKubeconfig`: value "1" is not a boolean: write true or false (did you mean true?)',
  });
  expect(outcome(fromYaml('cluster:\n  mergeKubeconfig: 0\n'), (c) => c.cluster.mergeKubeconfig)).toEqual({
    error: '`cluster.mergeKubeconfig`: value 0 is not a boolean: write true or false (did you mean false?)',
  });
});

describe('ports and counts', () => {
  it.each([
    ['4100', { value: 4100 }],
    ['65536', { error: '`forwards.cube`: value "65536" is out of range: write a port number from 1 to 65535' }],
    ['40.5', { error: '`forwards.cube`: value "40.5" must be a whole number: write a port number from 1 to 65535' }],
    ['cube', { error: '`forwards.cube`: value "cube" is not a number: write a port number from 1 to 65535' }],
  ])('FLOE_DEV_FORWARD_CUBE=%s', (text, expected) => {
    expect(outcome(fromEnv({ FLOE_DEV_FORWARD_CUBE: text }), (c) => c.forwards.cube)).toEqual(expected);
  });

  it('reads a list the same way: comma-separated text or a YAML list', () => {
    expect(outcome(fromEnv({ FLOE_DEV_COMPONENTS: 'catalog, storage' }), (c) => c.components)).toEqual({ value: ['catalog', 'storage'] });
    expect(outcome(fromYaml('components: [catalog, storage]\n'), (c) => c.components)).toEqual({ value: ['catalog', 'storage'] });
  });
});

describe('CPU and memory, as Kubernetes accepts them', () => {
  const cpu = (v: string) => outcome(fromYaml(`services:\n  cube:\n    resources:\n      requests:\n        cpu: ${v}\n`), (c) => c.services.cube?.resources?.requests?.cpu);
  const memory = (v: string) =>
    outcome(fromYaml(`services:\n  cube:\n    resources:\n      limits:\n        memory: ${v}\n`), (c) => c.services.cube?.resources?.limits?.memory);
  const key = (resource: string) => `\`services.cube.resources.${resource}\``;

  it.each([
    ['1', { value: '1' }],
    ['0.5', { value: '0.5' }],
    ['250m', { value: '250m' }],
    ['"2"', { value: '2' }],
    ['0.0005', { error: `${key('requests.cpu')}: value 0.0005 is finer than Kubernetes keeps CPU (1m = 0.001 of a core): write 1m` }],
    ['0', { error: `${key('requests.cpu')}: value 0 must be greater than zero` }],
    ['lots', { error: `${key('requests.cpu')}: value "lots" is not a CPU quantity: write e.g. 250m, 0.5 or 2` }],
  ])('cpu: %s', (text, expected) => {
    expect(cpu(text)).toEqual(expected);
  });

  it.each([
    ['1073741824', { value: '1073741824' }],
    ['512Mi', { value: '512Mi' }],
    ['1Gi', { value: '1Gi' }],
    ['512', { error: `${key('limits.memory')}: value 512 is 512 bytes (a number without a unit is bytes, as in Kubernetes): did you mean 512Mi?` }],
    ['512m', { error: `${key('limits.memory')}: value "512m" is not a memory quantity: "m" means thousandths of a byte; did you mean 512Mi?` }],
    ['1gi', { error: `${key('limits.memory')}: value "1gi" is not a memory quantity: did you mean 1Gi? (Kubernetes suffixes are case-sensitive)` }],
    ['512K', { error: `${key('limits.memory')}: value "512K" is not a memory quantity: did you mean 512Ki? (Kubernetes suffixes are case-sensitive)` }],
    ['2GB', { error: `${key('limits.memory')}: value "2GB" is not a memory quantity: did you mean 2Gi? (Kubernetes suffixes are case-sensitive)` }],
    ['lots', { error: `${key('limits.memory')}: value "lots" is not a memory quantity: write e.g. 256Mi, 1Gi or 512M (the suffixes are case-sensitive)` }],
    ['1Ki', { error: `${key('limits.memory')}: value "1Ki" is below 6Mi, too little for any container` }],
  ])('memory: %s', (text, expected) => {
    expect(memory(text)).toEqual(expected);
  });
});
