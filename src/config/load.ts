// Loads the effective configuration: embedded defaults < floe-dev.yaml < FLOE_DEV_* variables < flags.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { configSchema, type Config } from './schema.js';
import { envLayer } from './env.js';
import { cut, nearName as nearest, shownValue } from '../text.js';

export const CONFIG_FILE_NAME = 'floe-dev.yaml';

/** Names people give the file that floe-dev does not read: found, they are mentioned rather than ignored. */
const NEAR_MISS_FILE_NAMES = ['floe-dev.yml', 'floe-dev.YAML', 'floe-dev.yaml.yaml'];

/** What to do about configuration problems; names a command that works whatever state the file is in. */
export const CONFIG_FIX_HINT = 'fix them, then `floe-dev config` shows the result; `floe-dev config --defaults` prints a valid example of every key';

/** Flags that override configuration keys (only those given on the command line). */
export interface ConfigFlags {
  cluster?: string;
  /** `--context NAME`: an existing cluster's context (cluster.existing.context). */
  context?: string;
  namespace?: string;
  component?: string[];
  timeout?: string;
}

export interface LoadOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** `--config FILE` (or FLOE_DEV_CONFIG). */
  configFile?: string;
  flags?: ConfigFlags;
}

/** Where a layer came from, for error messages. */
interface Layer {
  describe(path: readonly PropertyKey[]): string;
  data: Record<string, unknown>;
  /** The file did not parse: its values are what could be salvaged, and problems they cause are not reported. */
  broken?: boolean;
}

export interface LoadedConfig {
  config: Config;
  /** The file that was read, if any. */
  file: string | undefined;
  /** Worth saying, not wrong (e.g. a floe-dev.yml that is not read). */
  warnings: string[];
}

export interface TolerantConfig extends LoadedConfig {
  /** What was wrong and left out: the configuration holds defaults in its place. */
  problems: ConfigProblem[];
}

/** The effective configuration; every problem found is reported at once, in one ConfigError (exit 2). */
export function loadConfig(options: LoadOptions): LoadedConfig {
  const { problems, ...loaded } = loadConfigTolerant(options);
  if (problems.length > 0) throw ConfigError.of(problems, CONFIG_FIX_HINT);
  return loaded;
}

/**
 * The configuration with every bad part left out (defaults in its place) and the problems listed: for `down`
 * and `doctor`, which must work whatever state floe-dev.yaml is in. An unparsable file keeps what could be read
 * of it (its cluster name, say).
 */
export function loadConfigTolerant(options: LoadOptions): TolerantConfig {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const layers: Layer[] = [];
  const file = findConfigFile(options, problems, warnings);
  if (file) {
    const layer = fileLayer(file, problems);
    if (layer) layers.push(layer);
  }
  const env = envLayer(options.env);
  problems.push(...env.problems);
  const flags = flagLayer(options.flags ?? {});
  layers.push(env, flags);
  if (options.flags?.cluster !== undefined && options.flags.context !== undefined) {
    // Two targets on one command line: which one `down` should act on is not floe-dev's to guess.
    problems.push({
      key: 'cluster.name',
      message: '`--cluster` cannot go with `--context`: --cluster names a kind cluster floe-dev makes, --context an existing cluster it installs into',
      hint: 'pass one of them',
    });
    deleteAt(flags.data, ['cluster', 'name']);
  }

  // Each round leaves out what the last one refused; a check that needs valid input (two forwards on one port)
  // only speaks once the values themselves are fine, so a few rounds find everything.
  for (let round = 0; round < 5; round++) {
    const merged = layers.reduce<Record<string, unknown>>((acc, layer) => deepMerge(acc, layer.data), {});
    const parsed = configSchema.safeParse(merged, { reportInput: true });
    if (parsed.success) return { config: parsed.data, file, warnings: [...warnings, ...unusedKindName(parsed.data, layers)], problems: unique(problems) };
    for (const issue of parsed.error.issues) {
      for (const { problem, path } of problemsOf(issue, layers, merged)) {
        if (problem) problems.push(problem);
        for (const layer of layers) deleteAt(layer.data, path);
      }
    }
  }
  return { config: configSchema.parse({}), file, warnings, problems: unique(problems) };
}

function findConfigFile({ cwd, env, configFile }: LoadOptions, problems: ConfigProblem[], warnings: string[]): string | undefined {
  const explicit = configFile ?? env.FLOE_DEV_CONFIG;
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (existsSync(path)) return path;
    problems.push({
      key: undefined,
      message: `config file ${cut(path, 200)} does not exist`,
      hint: `check the path given to ${configFile ? '--config' : 'FLOE_DEV_CONFIG'}`,
    });
    return undefined;
  }
  const found = resolve(cwd, CONFIG_FILE_NAME);
  if (existsSync(found)) return found;
  for (const name of NEAR_MISS_FILE_NAMES) {
    const near = resolve(cwd, name);
    // readdir, not existsSync: on a case-insensitive disk floe-dev.YAML "exists" whenever floe-dev.yaml would.
    if (existsSync(near) && readdirSync(cwd).includes(name)) {
      warnings.push(`found ${near}, which floe-dev does not read (it reads ${CONFIG_FILE_NAME}): rename it, or pass --config ${name}`);
    }
  }
  return undefined;
}

function fileLayer(path: string, problems: ConfigProblem[]): Layer | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    problems.push({ key: undefined, message: `cannot read config file ${path}: ${(error as Error).message}` });
    return undefined;
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const describe = () => `in ${path}`;
  if (doc.errors.length > 0) {
    // The first syntax error is the one to fix; the parser's later ones mostly follow from it.
    const more = doc.errors.length - 1;
    const after = more > 0 ? `\n(and ${more} more YAML error${more === 1 ? '' : 's'} after it, often caused by this one)` : '';
    problems.push({ key: undefined, message: `${yamlProblem(path, doc.errors[0]!)}${after}`, hint: YAML_HINT });
    return { data: salvage(doc), describe, broken: true };
  }
  let data: unknown;
  try {
    data = doc.toJS() ?? {};
  } catch (error) {
    problems.push({ key: undefined, message: unreadableYaml(path, error), hint: YAML_HINT });
    return { data: {}, describe, broken: true };
  }
  if (!isPlainObject(data)) {
    problems.push({ key: undefined, message: `${path} must hold a mapping of keys (cluster:, namespace:, ...), not ${describeType(data)}`, hint: YAML_HINT });
    return undefined;
  }
  return { data, describe };
}

/**
 * A document that parses but cannot be turned into values: aliases that expand without end (a "billion laughs"
 * file: yaml's toJS refuses more than maxAliasCount, default 100, expansions; eemeli.org/yaml "Options") or
 * nesting deeper than the parser's stack.
 */
function unreadableYaml(path: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/alias count/i.test(message)) return `${path} expands its YAML aliases (*name) too many times for floe-dev to read: write the values out`;
  if (error instanceof RangeError) return `${path} nests its values too deeply for floe-dev to read`;
  return `${path} cannot be read as YAML values: ${message}`;
}

const YAML_HINT = 'fix the YAML there; `floe-dev config --defaults` prints a valid floe-dev.yaml to compare with';

/** "…, line 2, column 9: not valid YAML: <reason>" and the line with a caret under the spot. */
function yamlProblem(path: string, error: YAMLError): string {
  const [first = '', ...excerpt] = error.message.split('\n');
  // The parser's own stack overflow is reported as a syntax error: say what it means.
  const reason = /Maximum call stack size exceeded/.test(first) ? 'it nests its values too deeply for floe-dev to read' : first.replace(/ at line \d+, column \d+:?$/, '');
  const at = error.linePos?.[0];
  const where = at ? `, line ${at.line}, column ${at.col}` : '';
  while (excerpt[0]?.trim() === '') excerpt.shift();
  while (excerpt.at(-1)?.trim() === '') excerpt.pop();
  const shown = excerpt.map((l) => `    ${l}`);
  return [`${path}${where} is not valid YAML: ${reason}`, ...shown].join('\n');
}

/** What a document with syntax errors still says (yaml builds a tree around them); nothing when it cannot. */
function salvage(doc: ReturnType<typeof parseDocument>): Record<string, unknown> {
  try {
    const data: unknown = doc.toJS();
    return isPlainObject(data) ? data : {};
  } catch {
    return {};
  }
}

function flagLayer(flags: ConfigFlags): Layer {
  const data: Record<string, unknown> = {};
  const flagOf = new Map<string, string>();
  if (flags.cluster !== undefined) {
    data.cluster = { name: flags.cluster };
    flagOf.set('cluster', '--cluster');
  }
  if (flags.context !== undefined) {
    data.cluster = { ...(data.cluster as object | undefined), existing: { context: flags.context } };
    flagOf.set('cluster.existing', '--context');
  }
  if (flags.namespace !== undefined) {
    data.namespace = flags.namespace;
    flagOf.set('namespace', '--namespace');
  }
  if (flags.component !== undefined && flags.component.length > 0) {
    data.components = flags.component;
    flagOf.set('components', '--component');
  }
  if (flags.timeout !== undefined) {
    data.timeouts = { up: flags.timeout };
    flagOf.set('timeouts', '--timeout');
  }
  return { data, describe: (path) => `in ${flagOf.get(path.slice(0, 2).map(String).join('.')) ?? flagOf.get(String(path[0])) ?? 'a flag'}` };
}

/** The problems an issue stands for, each with the path to leave out (a list is left out whole). */
function problemsOf(issue: z.core.$ZodIssue, layers: Layer[], merged: Record<string, unknown>): { problem?: ConfigProblem; path: PropertyKey[] }[] {
  if (issue.code === 'unrecognized_keys') {
    const allowed = knownKeys(issue.path);
    return issue.keys.map((key) => {
      const fullPath = [...issue.path, key];
      const suggestion = nearest(key, allowed);
      const origin = layerOf(fullPath, layers);
      const message = `unknown key \`${cut(dotted(fullPath))}\`${sourceText(fullPath, origin)}${suggestion ? `; did you mean \`${dotted([...issue.path, suggestion])}\`?` : ''}`;
      return {
        problem: origin?.broken ? undefined : { key: dotted(fullPath), message, hint: allowed.length > 0 ? `valid keys here: ${allowed.join(', ')}` : undefined },
        path: fullPath,
      };
    });
  }
  const samePortAs = (issue as { params?: { samePortAs?: unknown } }).params?.samePortAs;
  if (issue.code === 'custom' && typeof samePortAs === 'string') return [portClash(issue, samePortAs, layers)];

  const path = issue.path;
  const origin = layerOf(path, layers);
  const input = 'input' in issue ? issue.input : valueAt(merged, path);
  const allowed = issue.code === 'invalid_value' ? `; allowed: ${issue.values.map((v) => String(v)).join(', ')}` : '';
  const shown = input === undefined ? 'no value' : `value ${shownValue(input)}`;
  const message = `\`${dotted(path)}\`${sourceText(path, origin)}: ${shown} ${issueMessage(issue, input)}${allowed}`;
  const listAt = path.findIndex((segment) => typeof segment === 'number');
  return [{ problem: origin?.broken ? undefined : { key: dotted(path), message }, path: listAt < 0 ? path : path.slice(0, listAt) }];
}

/**
 * Two forwards on one port: blame the key the user set, never a default they did not write. The schema reports
 * the later key; when only the earlier one was set, it is the one at fault.
 */
function portClash(issue: z.core.$ZodIssue, other: string, layers: Layer[]): { problem?: ConfigProblem; path: PropertyKey[] } {
  const parent = issue.path.slice(0, -1);
  const later = issue.path;
  const earlier = [...parent, other];
  const laterOrigin = layerOf(later, layers, true);
  const earlierOrigin = layerOf(earlier, layers, true);
  const [blamed, origin, partner, partnerSet] =
    laterOrigin || !earlierOrigin ? [later, laterOrigin, earlier, Boolean(earlierOrigin)] : [earlier, earlierOrigin, later, false];
  const port = 'input' in issue ? issue.input : undefined;
  return {
    problem: origin?.broken
      ? undefined
      : {
          key: dotted(blamed),
          message: `\`${dotted(blamed)}\`${sourceText(blamed, origin)}: value ${shownValue(port)} is the same port as ${dotted(partner)}${partnerSet ? '' : ' (its default)'}`,
          hint: 'give each forward a port of its own',
        },
    path: blamed,
  };
}
function issueMessage(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      // A required key left out, where the schema says what belongs there.
      if (value === undefined && !issue.message.startsWith('Invalid input')) return issue.message;
      return issue.expected === 'int' ? 'must be a whole number' : `is not ${article(issue.expected)}`;
    case 'invalid_value': {
      // Only text has a nearest name; String() of a mapping can throw (`{toString: 0}`).
      const near = typeof value === 'string' ? nearest(value, issue.values.map(String)) : undefined;
      return `is not allowed${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`;
    }
    case 'invalid_key':
      return 'is not a known name';
    case 'too_small':
    case 'too_big':
      return issue.message.startsWith('Too') ? `is out of range (${issue.message})` : issue.message;
    default:
      return issue.message;
  }
}

/** The keys the schema accepts at a path (for "did you mean"). */
function knownKeys(path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType = configSchema;
  for (const segment of path) {
    const inner = unwrap(schema);
    const shape = (inner._zod.def as { shape?: Record<string, z.core.$ZodType> }).shape;
    const valueType = (inner._zod.def as { valueType?: z.core.$ZodType }).valueType;
    if (shape && typeof segment === 'string' && shape[segment]) schema = shape[segment];
    else if (valueType) schema = valueType;
    else return [];
  }
  const def = unwrap(schema)._zod.def as { shape?: Record<string, unknown>; keyType?: z.core.$ZodType };
  if (def.shape) return Object.keys(def.shape);
  // A record keyed by an enum (services.<name>): its names.
  const entries = (def.keyType?._zod.def as { entries?: Record<string, string> } | undefined)?.entries;
  return entries ? Object.values(entries) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { innerType?: z.core.$ZodType; out?: z.core.$ZodType };
    if (def.innerType) current = def.innerType;
    else if (def.out) current = def.out;
    else return current;
  }
}

/** The last layer that sets `path` (or, unless `exact`, one of its parents). */
function layerOf(path: readonly PropertyKey[], layers: Layer[], exact = false): Layer | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    for (let n = path.length; n > (exact ? path.length - 1 : 0); n--) {
      if (valueAt(layer.data, path.slice(0, n)) !== undefined) return layer;
    }
  }
  return undefined;
}

function sourceText(path: readonly PropertyKey[], layer: Layer | undefined): string {
  return layer ? ` (${layer.describe(path)})` : '';
}

/** Removes the value at `path` (a no-op when it is not there). */
function deleteAt(data: Record<string, unknown>, path: readonly PropertyKey[]): void {
  const parent = valueAt(data, path.slice(0, -1));
  if (isPlainObject(parent)) delete parent[String(path.at(-1))];
}

/** A kind cluster's name set beside cluster.existing names nothing floe-dev uses: say so rather than ignore it. */
function unusedKindName(config: Config, layers: readonly Layer[]): string[] {
  if (!config.cluster.existing) return [];
  const setter = layers.findLast((l) => valueAt(l.data, ['cluster', 'name']) !== undefined);
  if (!setter) return [];
  return [`\`cluster.name\`${sourceText(['cluster', 'name'], setter)} is not used: with cluster.existing floe-dev installs into context ${config.cluster.existing.context}, not into a kind cluster`];
}

function unique(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.message) && seen.add(p.message));
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const segment of path) {
    // Own keys only: `__proto__` or `constructor` of any object is not a value the user set.
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = Object.hasOwn(out, key) ? out[key] : undefined;
    // defineProperty, not `out[key] =`: a key named __proto__ stays a key (then refused as unknown) instead of
    // silently becoming the merged object's prototype.
    Object.defineProperty(out, key, {
      value: isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function dotted(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function describeType(v: unknown): string {
  return Array.isArray(v) ? 'a list' : v === null ? 'null' : `a ${typeof v}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

