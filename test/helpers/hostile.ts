// Hostile input (issue 12): fast-check generators of whole floe-dev invocations (floe-dev.yaml, FLOE_DEV_*
// variables, argv) built by mutating the default configuration, a sandbox to run each one in, and the checks every
// outcome must pass: exit 0 or 2 (1 or 3 only where the input is valid and the honest answer is "Docker/kind is
// not there"), one error headline, no stack, nothing written outside the state folder, nothing run on bad input.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ENV_VARS } from '../../src/config/env.js';
import { configSchema } from '../../src/config/schema.js';
import { wantsJson } from '../../src/main.js';
import { COMPONENTS, SERVICES } from '../../src/names.js';

/** The fixed default seed; FC_SEED=<n> reruns another (the seed in use is printed by each file). */
export const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 1_201_2026;

/** fast-check's parameters for every property here: the seed, and a failure printed with it and its path. */
export function params(numRuns: number): fc.Parameters<[HostileCase]> {
  return { seed: SEED, numRuns };
}

/**
 * Runs the property and, on failure, throws one readable error: the seed and path to replay it, the shrunk case
 * with long strings cut (fast-check's own report prints 100 KB values whole), and what was wrong.
 */
export async function checkAll(property: fc.IAsyncProperty<[HostileCase]>, numRuns: number): Promise<void> {
  const details = await fc.check(property, params(numRuns));
  if (!details.failed) return;
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    `hostile input failed after ${details.numRuns} cases (seed ${details.seed}, path "${details.counterexamplePath}"; ` +
      `rerun with FC_SEED=${details.seed}), shrunk ${details.numShrinks} times:\n${error}`,
  );
}

/** The built-in defaults, as `floe-dev config --defaults` prints them. */
export const DEFAULTS = configSchema.parse({}) as Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------------------
// Values

const HUGE = fc
  .tuple(fc.constantFrom('x', 'é', '🙂', 'a-', '\\', '"'), fc.integer({ min: 2_000, max: 30_000 }))
  .map(([unit, n]) => unit.repeat(n));

const TRICKY_TEXT = fc.constantFrom(
  '', ' ', '~', 'null', 'Null', 'NULL', 'true', 'True', 'yes', 'no', 'on', 'off', 'y', 'n', '0', '1', '-1',
  '3000', ' 3000 ', '+3000', '0x10', '0o17', '1e3', '1_000', '65536', '99999999999999999999', '.nan', '.inf', '-.inf',
  'NaN', 'Infinity', '0s', '10', '-5m', '1.5h', '0.5s', '99999999999h', '15m', '90s', '1h', '500ms', '512', '512m',
  '1Gi', '0Mi', '1e9', '250m', '0.0001', 'kube-system', 'default', 'floe-dev', 'FLOE', 'a'.repeat(64), 'x'.repeat(51),
  'storage,catalog', 'storage,,', ',', 'semantic,bogus', 'memory', 'cubestore', 'auto', '${HOME}', '$(id)', '`id`',
  '../../etc/passwd', '/dev/null', '%s%s%n', '\u202Eevil', '\u0000', 'line\nbreak', 'tab\there', '\uFEFFbom', '😀',
);

// ---------------------------------------------------------------------------------------------------------------
// Image references: valid pinned ones, and ones that are invalid for certain (those must be refused with exit 2)

export interface ImageCase {
  ref: string;
  /** Certainly not a valid pinned reference (floe-dev must refuse it). */
  bad: boolean;
}

const component = fc.stringMatching(/^[a-z0-9]{1,8}(?:[._-][a-z0-9]{1,6})?$/);
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/).filter((t) => t !== 'latest');
const goodImage = fc
  .tuple(
    fc.option(fc.constantFrom('quay.io/', 'localhost:5000/', 'registry.example.com:443/', 'ghcr.io/'), { nil: '' }),
    fc.array(component, { minLength: 1, maxLength: 3 }),
    fc.oneof(
      tag.map((t) => `:${t}`),
      fc.stringMatching(/^[a-f0-9]{64}$/).map((d) => `@sha256:${d}`),
      fc.tuple(tag, fc.stringMatching(/^[a-f0-9]{64}$/)).map(([t, d]) => `:${t}@sha256:${d}`),
    ),
  )
  .map(([registry, path, pin]) => ({ ref: `${registry}${path.join('/')}${pin}`, bad: false }));

const badImage: fc.Arbitrary<ImageCase> = fc
  .oneof(
    fc.constantFrom('', ' ', 'nginx', 'nginx:latest', 'Nginx:1.0', 'nginx :1.0', 'nginx:', ':1.0', '-nginx:1', 'nginx:1.0 ', 'ngi nx:1',
      'nginx@sha256:abc', 'nginx:1.0@sha256:XYZ', '/nginx:1', 'nginx//x:1', 'nginx:-1', `nginx:${'t'.repeat(200)}`, 'ñginx:1',
      'nginx:1;rm -rf /', '$(id):1', '--help', '-v', 'quay.io/', 'a/b/c/', 'UPPER/case:1', 'nginx:1\n'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map((s) => `${s}Ü:1`),
    component.map((c) => c.toUpperCase() + 'X'),
  )
  .map((ref) => ({ ref, bad: true }));

export const imageRef: fc.Arbitrary<ImageCase> = fc.oneof(goodImage, badImage);

/** Any value a YAML file can hold, biased toward what trips validators. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -70_000, max: 70_000 }),
    fc.double(),
    fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, -1, 0, 65_535, 65_536, 2 ** 53, -(2 ** 31), 1e308, 0.5, 3000.5),
    fc.boolean(),
    fc.constant(null),
    TRICKY_TEXT,
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    HUGE,
    imageRef.map((r) => r.ref),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('v'), { maxKeys: 3 }),
  ),
})).v;

// ---------------------------------------------------------------------------------------------------------------
// Configuration: the defaults, mutated as a tree, then as YAML text

type Path = (string | number)[];

/** Every path of the defaults, and paths the schema knows that the defaults leave out. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}
const EXTRA_PATHS: Path[] = [
  ['timeouts', 'ready'],
  ['forwards', 'grafana'],
  ['forwards', 'minioConsole'],
  ['forwards', 'prometheus'],
  ...SERVICES.flatMap((s): Path[] => [
    ['services', s, 'image'],
    ['services', s, 'resources', 'limits', 'memory'],
    ['services', s, 'resources', 'requests', 'cpu'],
  ]),
  ['orchestrator', 'codeLocations', 0, 'name'],
  ['orchestrator', 'codeLocations', 0, 'image'],
  ['orchestrator', 'codeLocations', 0, 'module'],
  ['orchestrator', 'codeLocations', 1, 'port'],
  ['images', 'extra', 0],
];
const PATHS = [...pathsOf(DEFAULTS).filter((p) => p.length > 0), ...EXTRA_PATHS];

const newKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', 'namespce', 'clustr', 'nodeimage',
    'Forwards', 'forwards ', 'images.load', 'cube', 'minio', 'load', 'name', '<<', '0', '-1', '~', 'k'.repeat(5_000)),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
);

type Mutation =
  | { op: 'set'; path: Path; value: unknown }
  | { op: 'drop'; path: Path }
  | { op: 'add'; path: Path; key: string; value: unknown }
  | { op: 'nest'; path: Path; depth: number; list: boolean }
  | { op: 'image'; path: Path; image: ImageCase };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...PATHS), value: hostileValue }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant('drop' as const), path: fc.constantFrom(...PATHS) }), weight: 2 },
  {
    arbitrary: fc.record({ op: fc.constant('add' as const), path: fc.constantFrom([], ...PATHS.filter((p) => p.length < 3)), key: newKey, value: hostileValue }),
    weight: 2,
  },
  {
    arbitrary: fc.record({ op: fc.constant('nest' as const), path: fc.constantFrom(...PATHS), depth: fc.integer({ min: 1, max: 400 }), list: fc.boolean() }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('image' as const),
      path: fc.constantFrom<Path>(['images', 'extra', 0], ['images', 'extra', 1], ['cluster', 'nodeImage'], ...SERVICES.map((s): Path => ['services', s, 'image'])),
      image: imageRef,
    }),
    weight: 2,
  },
);

function apply(root: Record<string, unknown>, m: Mutation): void {
  const parent = (path: Path): Record<string | number, unknown> | undefined => {
    let node: unknown = root;
    for (const key of path.slice(0, -1)) {
      if (node === null || typeof node !== 'object') return undefined;
      const record = node as Record<string | number, unknown>;
      if (record[key] === undefined || record[key] === null || typeof record[key] !== 'object') {
        Object.defineProperty(record, key, { value: typeof path[path.indexOf(key) + 1] === 'number' ? [] : {}, enumerable: true, writable: true, configurable: true });
      }
      node = record[key];
    }
    return node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>) : undefined;
  };
  const set = (obj: Record<string | number, unknown>, key: string | number, value: unknown) =>
    // defineProperty: `__proto__` becomes a key of the file, as YAML would have it, not the object's prototype.
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  const at = m.path.at(-1);
  switch (m.op) {
    case 'set': {
      const p = parent(m.path);
      if (p && at !== undefined) set(p, at, m.value);
      return;
    }
    case 'image': {
      const p = parent(m.path);
      if (p && at !== undefined) set(p, at, m.image.ref);
      return;
    }
    case 'drop': {
      const p = parent(m.path);
      if (p && at !== undefined) delete p[at];
      return;
    }
    case 'add': {
      const target = m.path.length === 0 ? root : (parent([...m.path, 'x'])) ;
      if (target && !Array.isArray(target)) set(target, m.key, m.value);
      return;
    }
    case 'nest': {
      const p = parent(m.path);
      if (!p || at === undefined) return;
      let value = p[at];
      for (let i = 0; i < m.depth; i++) value = m.list ? [value] : { a: value };
      set(p, at, value);
      return;
    }
  }
}

/** Text-level damage that a tree cannot express: duplicate keys, alias bombs, tags, deep flow nesting, bytes. */
type TextMutation =
  | { op: 'dupLine'; at: number }
  | { op: 'bomb'; depth: number; under: string }
  | { op: 'tag'; text: string }
  | { op: 'flowNest'; depth: number; under: string }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'docs' }
  | { op: 'replace'; text: string }
  | { op: 'crlf' }
  | { op: 'mergeKey' };

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ op: fc.constant('dupLine' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('bomb' as const), depth: fc.integer({ min: 2, max: 9 }), under: fc.constantFrom('x', 'namespace', 'components', 'images') }),
  fc.record({
    op: fc.constant('tag' as const),
    text: fc.constantFrom('namespace: !!binary aGVsbG8=', 'namespace: !!timestamp 2001-12-14', 'components: !!set {storage, catalog}',
      'images: !!omap [load: true]', 'namespace: !foo bar', 'namespace: !!js/function "function(){}"', 'forwards: !!str 3000',
      'namespace: !!int 12', 'cluster: !!null', '? [a, b]\n: c', '? {a: 1}\n: 2', '&a namespace: *a', 'namespace: *undefinedAlias'),
  }),
  fc.record({ op: fc.constant('flowNest' as const), depth: fc.integer({ min: 50, max: 20_000 }), under: fc.constantFrom('x', 'namespace', 'forwards') }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom('\t', '\uFEFF', '\u0000', '\r', ':', '- ', '&', '*', '!', '|', '>', '{', ']', '"', "'", '#', '%', '@', '`', '\u2028', '\uD800'), fc.string({ unit: 'binary', maxLength: 6 })),
  }),
  fc.record({ op: fc.constant('docs' as const) }),
  fc.record({ op: fc.constant('replace' as const), text: fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('', '---', '...', '[]', '- a', '42', '"x"', 'null', '%YAML 1.1\n---\nnamespace: x', '%TAG ! tag:x,2000:\n---\n!a b')) }),
  fc.record({ op: fc.constant('crlf' as const) }),
  fc.record({ op: fc.constant('mergeKey' as const) }),
);

function applyText(text: string, m: TextMutation): string {
  const lines = text.split('\n');
  switch (m.op) {
    case 'dupLine': {
      const i = m.at % Math.max(1, lines.length);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 'bomb': {
      // "Billion laughs": each level nine aliases of the one before, 9^depth strings when expanded.
      const levels = [`a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]`];
      for (let i = 1; i < m.depth; i++) levels.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
      const bomb = `${m.under}:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
      return `${withoutTopKey(text, m.under)}\n${bomb}`;
    }
    case 'tag':
      return `${withoutTopKey(text, m.text.split(':')[0]!.trim())}\n${m.text}\n`;
    case 'flowNest':
      return `${withoutTopKey(text, m.under)}\n${m.under}: ${'['.repeat(m.depth)}1${']'.repeat(m.depth)}\n`;
    case 'truncate':
      return text.slice(0, m.at % Math.max(1, text.length));
    case 'insert': {
      const i = m.at % Math.max(1, text.length);
      return text.slice(0, i) + m.text + text.slice(i);
    }
    case 'docs':
      return `${text}\n---\nnamespace: second-document\n`;
    case 'replace':
      return m.text;
    case 'crlf':
      return text.replaceAll('\n', '\r\n');
    case 'mergeKey':
      return `${withoutTopKey(withoutTopKey(text, 'base'), 'forwards')}\nbase: &base {dagster: 3000, cube: 4000}\nforwards:\n  <<: *base\n  minio: 9000\n`;
  }
}

/** The YAML without the top-level key (and its block), so an appended one is not a duplicate by accident. */
function withoutTopKey(text: string, key: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let skipping = false;
  for (const line of lines) {
    if (/^\S/.test(line)) skipping = line.startsWith(`${key}:`);
    if (!skipping) out.push(line);
  }
  return out.join('\n');
}

export const configText: fc.Arbitrary<string> = fc
  .tuple(fc.array(mutation, { minLength: 0, maxLength: 4 }), fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary: fc.array(textMutation, { minLength: 1, maxLength: 2 }), weight: 1 }))
  .map(([mutations, texts]) => {
    const tree = structuredClone(DEFAULTS);
    for (const m of mutations) apply(tree, m);
    let text: string;
    try {
      text = stringify(tree, { aliasDuplicateObjects: false, lineWidth: 0 });
    } catch {
      text = JSON.stringify(tree) ?? '';
    }
    for (const t of texts ?? []) text = applyText(text, t);
    return text;
  });

// ---------------------------------------------------------------------------------------------------------------
// Environment

const KNOWN_VARS = Object.keys(ENV_VARS);
const envName = fc.oneof(
  { arbitrary: fc.constantFrom(...KNOWN_VARS), weight: 4 },
  { arbitrary: fc.constantFrom('FLOE_DEV_NAMESPAC', 'FLOE_DEV_', 'FLOE_DEV_cluster', 'FLOE_DEV_TIMEOUTS', 'FLOE_DEV_FORWARD_DAGSTR', 'FLOE_DEV_CONFIG'), weight: 1 },
  { arbitrary: fc.stringMatching(/^[A-Z0-9_]{1,12}$/).map((s) => `FLOE_DEV_${s}`), weight: 1 },
);
/** Environment values cannot hold NUL (execve refuses it); everything else goes. */
const envValue = fc.oneof(TRICKY_TEXT, fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 10 }), HUGE, imageRef.map((r) => r.ref)).map((v) => v.replaceAll('\u0000', ''));
export const hostileEnv: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 1 },
  { arbitrary: fc.array(fc.tuple(envName, envValue), { minLength: 1, maxLength: 3 }).map((pairs) => Object.fromEntries(pairs)), weight: 1 },
);

// ---------------------------------------------------------------------------------------------------------------
// Command lines

export interface Invocation {
  /** The command and its own arguments. */
  command: string[];
  /** Global options (the oracle runs `config` with them). */
  globals: string[];
  /** A token that floe-dev must certainly refuse (an unknown option, a value outside a choice list, a bad image). */
  bad: boolean;
  /** Which commands may honestly end in 1 or 3 on valid input: they reach for Docker, kind or a cluster. */
  cluster: boolean;
}

const junkToken = fc.oneof(
  fc.constantFrom('--bogus', '--namspace', '--clustr=x', '-x', '-Z', '--skip-smok', '--recreat', '--output=xml', '--output', '--component=bogus'),
  fc.stringMatching(/^[a-z]{3,10}$/).map((s) => `--zz-${s}`),
);
const word = fc.oneof(fc.constantFrom('', ' ', '-', '--', 'x', 'up', 'down', '🙂', 'a'.repeat(3_000)), fc.string({ unit: 'grapheme', maxLength: 8 }));
const componentValue = fc.oneof(fc.constantFrom(...COMPONENTS).map((c) => ({ v: c, bad: false })), fc.constantFrom('Storage', 'bogus', '', 'storage,catalog').map((v) => ({ v, bad: true })));
const durationValue = fc.oneof(TRICKY_TEXT, fc.string({ maxLength: 10 }));

type Part = { tokens: string[]; bad: boolean };
const ok = (...tokens: string[]): Part => ({ tokens, bad: false });
const opt = (part: fc.Arbitrary<Part>) => fc.option(part, { nil: ok() });

const COMMAND_LINES: [string, boolean, fc.Arbitrary<Part[]>][] = [
  ['config', false, fc.tuple(fc.constant(ok('config')), opt(fc.constant(ok('--defaults'))))],
  ['render', false, fc.tuple(fc.constant(ok('render')), opt(fc.constant(ok('--summary'))), opt(componentValue.map((c) => ({ tokens: ['--component', c.v], bad: c.bad }))))],
  ['up --help', false, fc.tuple(fc.constant(ok('up')), fc.constantFrom(ok('--help'), ok('-h')), opt(fc.constant(ok('--recreate'))))],
  ['completion', false, fc.tuple(fc.constant(ok('completion')), opt(fc.constantFrom(ok('bash'), ok('zsh'), { tokens: ['fish'], bad: true })))],
  ['doctor', true, fc.tuple(fc.constant(ok('doctor')))],
  [
    'up',
    true,
    fc.tuple(
      fc.constant(ok('up')),
      opt(componentValue.map((c) => ({ tokens: ['--component', c.v], bad: c.bad }))),
      opt(fc.constantFrom(ok('--recreate'), ok('--skip-smoke'), ok('--no-skip-smoke'))),
      opt(durationValue.map((d) => ok('--timeout', d))),
    ),
  ],
  ['status', true, fc.tuple(fc.constant(ok('status')))],
  ['down', true, fc.tuple(fc.constant(ok('down')), opt(fc.constant(ok('--keep-cluster'))))],
  ['load', true, fc.tuple(fc.constant(ok('load')), fc.array(imageRef, { minLength: 1, maxLength: 3 }).map((images) => ({ tokens: images.map((i) => i.ref), bad: images.some((i) => i.bad) })))],
  [
    'code-location',
    true,
    fc.tuple(
      fc.constant(ok('code-location')),
      fc.oneof(fc.constant(ok('reload')), fc.constantFrom('restart', 'Reload').map((a) => ({ tokens: [a], bad: true }))),
      fc.oneof(fc.constantFrom('example', 'my-project').map((n) => ok(n)), word.filter((w) => !w.startsWith('-')).map((n) => ok(n))),
      opt(imageRef.map((i) => ({ tokens: ['--image', i.ref], bad: i.bad }))),
    ),
  ],
  ['forward', true, fc.tuple(fc.constant(ok('forward')), opt(fc.oneof(fc.constantFrom(ok('start'), ok('stop'), ok('status')), fc.constantFrom('sideways', 'START').map((a) => ({ tokens: [a], bad: true })))))],
  ['credentials', true, fc.tuple(fc.constant(ok('credentials')), opt(fc.constantFrom(ok('--env'), ok('--cube-token'), { tokens: ['--env', '--cube-token'], bad: true })))],
];

const globalPart: fc.Arbitrary<Part> = fc.oneof(
  fc.constantFrom(ok('--json'), ok('--no-json'), ok('--output', 'text'), ok('--output', 'json'), ok('--output=json')),
  fc.constantFrom('xml', 'JSON', '').map((v) => ({ tokens: ['--output', v], bad: true })),
  fc.oneof(TRICKY_TEXT, word).map((v) => ok('--cluster', v)),
  fc.oneof(TRICKY_TEXT, word).map((v) => ok('--namespace', v)),
  fc.constantFrom('floe-dev.yaml', 'missing.yaml', '', '/dev/null', '/', '.', '../home').map((v) => ok('--config', v)),
  fc.constantFrom(ok('--cluster', 'a', '--cluster', 'b'), ok('--config', 'floe-dev.yaml', '--config', 'floe-dev.yaml'), ok('--namespace=a', '--namespace=b')),
);

export const invocation: fc.Arbitrary<Invocation> = fc
  .tuple(
    fc.constantFrom(...COMMAND_LINES.map((_, i) => i)).chain((i) => COMMAND_LINES[i]![2].map((parts) => ({ parts, cluster: COMMAND_LINES[i]![1] }))),
    fc.array(globalPart, { maxLength: 2 }),
    // One line in six carries a junk token (fc.option's freq is the odds of *no* value).
    fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary: junkToken, weight: 1 }),
  )
  .map(([{ parts, cluster }, globals, junk]) => {
    const command = parts.flatMap((p) => p.tokens);
    if (junk !== null) command.push(junk);
    return {
      command,
      globals: globals.flatMap((p) => p.tokens),
      // --help wins over everything else on the line (yargs answers it before checking the rest), as in git.
      bad: !command.some((t) => t === '--help' || t === '-h') && (parts.some((p) => p.bad) || globals.some((p) => p.bad) || junk !== null),
      cluster,
    };
  });

export interface HostileCase {
  invocation: Invocation;
  env: Record<string, string>;
  /** floe-dev.yaml in the working directory (none when undefined). */
  yaml: string | undefined;
  /** FLOE_DEV_HOME: a fresh folder, a file, or a place no folder can be made (/proc). */
  stateHome: 'folder' | 'file' | 'proc';
}

export const hostileCase: fc.Arbitrary<HostileCase> = fc.record({
  invocation,
  env: hostileEnv,
  yaml: fc.option(configText, { freq: 5, nil: undefined }),
  stateHome: fc.oneof({ arbitrary: fc.constant('folder' as const), weight: 18 }, { arbitrary: fc.constantFrom('file' as const, 'proc' as const), weight: 1 }),
});

// ---------------------------------------------------------------------------------------------------------------
// The sandbox and the checks

export interface Sandbox {
  root: string;
  cwd: string;
  env: Record<string, string>;
  stateDir: string;
  trip: string;
  /** Files and folders where writes are expected (relative to root). */
  allowed: string[];
  dispose(): void;
}

/**
 * A folder per case: HOME (must stay empty), the working directory with floe-dev.yaml, the state folder, and
 * kind/kubectl "tripwires" that record that they ran and fail loudly; Docker at a socket nobody listens on.
 */
export function sandbox(c: HostileCase, base = tmpdir()): Sandbox {
  const root = mkdtempSync(join(base, 'floe-hostile-'));
  const cwd = join(root, 'work');
  const home = join(root, 'home');
  const bin = join(root, 'bin');
  const trip = join(root, 'trip.log');
  for (const dir of [cwd, home, bin]) mkdirSync(dir);
  for (const tool of ['kind', 'kubectl']) {
    const path = join(bin, tool);
    writeFileSync(path, `#!/bin/sh\necho "$0 $*" >> '${trip}'\necho "tripwire: floe-dev ran ${tool} $*" >&2\nexit 97\n`);
    chmodSync(path, 0o755);
  }
  if (c.yaml !== undefined) writeFileSync(join(cwd, 'floe-dev.yaml'), c.yaml);
  const stateDir = c.stateHome === 'folder' ? join(root, 'state') : c.stateHome === 'file' ? join(root, 'state-file') : '/proc/floe-dev-nope';
  if (c.stateHome === 'file') writeFileSync(stateDir, 'not a folder');
  const env: Record<string, string> = {
    ...c.env,
    HOME: home,
    FLOE_DEV_HOME: stateDir,
    FLOE_DEV_KIND: join(bin, 'kind'),
    FLOE_DEV_KUBECTL: join(bin, 'kubectl'),
    DOCKER_HOST: `unix://${join(root, 'no-docker.sock')}`,
  };
  const { command } = c.invocation;
  if (command[0] === 'up' || command[0] === 'doctor') {
    // Preflight binds each forward port to see it is free; the e2e suites of this machine own 3000, 8181, ...
    // These commands get a private block instead (unless the case sets the variable itself).
    const ports = ['DAGSTER', 'POLARIS', 'POLARIS_MANAGEMENT', 'CUBE', 'MINIO'];
    ports.forEach((p, i) => (env[`FLOE_DEV_FORWARD_${p}`] ??= String(47_600 + i)));
  }
  return {
    root,
    cwd,
    env,
    stateDir,
    trip,
    allowed: ['work', 'work/floe-dev.yaml', 'home', 'bin', 'bin/kind', 'bin/kubectl', 'trip.log', 'state', ...(c.stateHome === 'file' ? ['state-file'] : [])],
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Paths under root that were written but are not the state folder nor the sandbox's own files. */
export function strayFiles(box: Sandbox): string[] {
  const stray: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(box.root, path);
      if (rel === 'state' || rel.startsWith('state/')) continue;
      if (!box.allowed.includes(rel)) stray.push(rel);
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(box.root);
  return stray;
}

export interface Outcome {
  code: number;
  out: string;
  err: string;
}

/** What every outcome must satisfy; returns the reasons it does not (empty: fine). */
export function problemsWith(c: HostileCase, box: Sandbox, o: Outcome, configOracle: (() => Promise<Outcome>) | undefined): Promise<string[]> | string[] {
  const argv = [...c.invocation.command, ...c.invocation.globals];
  const problems: string[] = [];
  const allowed = c.invocation.cluster ? [0, 1, 2, 3] : [0, 2];
  if (!allowed.includes(o.code)) problems.push(`exit ${o.code}, expected one of ${allowed.join(', ')}`);
  if (c.invocation.bad && o.code !== 2) problems.push(`a certainly bad token, yet exit ${o.code} (expected 2)`);
  const text = `${o.err}\n${o.out}`;
  if (/unexpected problem|please report it/.test(text)) problems.push('"unexpected problem": floe-dev treated the input as its own bug');
  if (!argv.includes('--verbose') && /^\s+at .+:\d+:\d+\)?$/m.test(text)) problems.push('a stack trace');
  const headlines = o.err.split('\n').filter((l) => l.startsWith('error: '));
  if (headlines.length > 1) problems.push(`${headlines.length} error headlines`);
  if (o.code === 2 && headlines.length !== 1) problems.push('exit 2 without exactly one "error: " line');
  if (headlines.length === 1) {
    const lines = o.err.split('\n');
    const after = lines.slice(lines.indexOf(headlines[0]!) + 1).filter((l) => l !== '');
    const stray = after.find((l) => !l.startsWith('  '));
    // The error is the last thing said: its continuation lines are indented under it.
    if (stray !== undefined) problems.push(`a line after the error that is not part of it: ${JSON.stringify(stray.slice(0, 80))}`);
  }
  const long = o.err.split('\n').find((l) => l.length > 1_000);
  if (long) problems.push(`a line of ${long.length} characters on stderr (input echoed whole?)`);
  if (o.code === 2 && wantsJson(argv) && !argv.includes('--help') && !argv.includes('-h')) {
    try {
      const doc = JSON.parse(o.out) as { ok?: unknown };
      if (doc.ok !== false) problems.push('--json: the error document does not say ok: false');
    } catch {
      problems.push('--json: stdout is not one JSON document');
    }
  }
  if (o.code === 2 && existsSync(box.trip)) problems.push('exit 2 (bad input), yet kind or kubectl was run');
  const stray = strayFiles(box);
  if (stray.length > 0) problems.push(`wrote outside the state folder: ${stray.slice(0, 5).join(', ')}`);
  const command = c.invocation.command[0]!;
  if (!configOracle) return problems;
  if ((o.code === 1 || o.code === 3) && !['down', 'doctor'].includes(command)) {
    // Past validation only with a configuration that `floe-dev config` (same file, variables, global options) accepts.
    return configOracle().then((r) => (r.code === 0 ? problems : [...problems, `exit ${o.code} although \`floe-dev config\` refuses this input (exit ${r.code}): bad input must be exit 2`]));
  }
  if (command === 'down' && o.code !== 2) {
    // down carries on past a broken floe-dev.yaml, but not past a bad cluster name (or, with --keep-cluster, namespace):
    // those pick what it deletes.
    return configOracle().then((r) =>
      r.code === 2 && (c.invocation.command.includes('--keep-cluster') ? /^\s*(?:error: |- )`(?:cluster\.name|namespace)`/m : /^\s*(?:error: |- )`cluster\.name`/m).test(r.err)
        ? [...problems, `down exit ${o.code} with a bad cluster name or namespace (it would act on another one): expected 2`]
        : problems,
    );
  }
  return problems;
}

/**
 * The oracle's invocation: `floe-dev config` with the same global options, and the command's own configuration
 * flags as the variables they override (`--component` is FLOE_DEV_COMPONENTS, `--timeout` FLOE_DEV_TIMEOUT; both sit
 * above floe-dev.yaml, so the file's value under them does not count in either).
 */
export function oracleOf(c: HostileCase): { argv: string[]; env: Record<string, string> } {
  const env: Record<string, string> = {};
  const components: string[] = [];
  const tokens = c.invocation.command;
  tokens.forEach((token, i) => {
    if (token === '--component' && tokens[i + 1] !== undefined) components.push(tokens[i + 1]!);
    if (token === '--timeout' && tokens[i + 1] !== undefined) env.FLOE_DEV_TIMEOUT = tokens[i + 1]!;
  });
  // code-location reload looks only at the orchestrator: it sets the components itself, as --component would.
  if (tokens[0] === 'code-location') components.push('orchestrator');
  if (components.length > 0) env.FLOE_DEV_COMPONENTS = components.join(',');
  return { argv: ['config', ...c.invocation.globals], env };
}

/** The case as a reader can replay it. */
export function describeCase(c: HostileCase, o?: Outcome): string {
  const shorten = (s: string) => (s.length > 400 ? `${s.slice(0, 400)}… (${s.length} chars)` : s);
  return [
    `argv: ${JSON.stringify([...c.invocation.command, ...c.invocation.globals].map(shorten))}`,
    `env: ${shorten(JSON.stringify(c.env))}`,
    `floe-dev.yaml: ${c.yaml === undefined ? '(none)' : shorten(JSON.stringify(c.yaml))}`,
    `FLOE_DEV_HOME: ${c.stateHome}`,
    ...(o ? [`exit ${o.code}`, `stderr: ${shorten(o.err)}`, `stdout: ${shorten(o.out)}`] : []),
  ].join('\n');
}
