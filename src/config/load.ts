// Loads the effective configuration: embedded defaults < floe-dev.yaml < FLOE_DEV_* variables < flags.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configSchema, type Config } from './schema.js';
import { ENV_VARS, envLayer } from './env.js';

export const CONFIG_FILE_NAME = 'floe-dev.yaml';

/** Flags that override configuration keys (only those given on the command line). */
export interface ConfigFlags {
  cluster?: string;
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
}

export interface LoadedConfig {
  config: Config;
  /** The file that was read, if any. */
  file: string | undefined;
}

export function loadConfig(options: LoadOptions): LoadedConfig {
  const layers: Layer[] = [];
  const file = findConfigFile(options);
  if (file) layers.push(fileLayer(file));
  layers.push(envLayer(options.env));
  layers.push(flagLayer(options.flags ?? {}));

  const merged = layers.reduce<Record<string, unknown>>((acc, layer) => deepMerge(acc, layer.data), {});
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw toConfigError(parsed.error, layers, merged);
  return { config: parsed.data, file };
}

function findConfigFile({ cwd, env, configFile }: LoadOptions): string | undefined {
  const explicit = configFile ?? env.FLOE_DEV_CONFIG;
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) {
      throw new ConfigError(`config file ${path} does not exist`, undefined, {
        hint: `check the path given to ${configFile ? '--config' : 'FLOE_DEV_CONFIG'}`,
      });
    }
    return path;
  }
  const found = resolve(cwd, CONFIG_FILE_NAME);
  return existsSync(found) ? found : undefined;
}

function fileLayer(path: string): Layer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`, undefined);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const where = first.linePos?.[0] ? ` (line ${first.linePos[0].line}, column ${first.linePos[0].col})` : '';
    throw new ConfigError(`${path}${where} is not valid YAML: ${first.message.split('\n')[0]}`, undefined, {
      hint: 'fix the YAML syntax; `floe-dev config` prints a valid example of every key',
    });
  }
  const data: unknown = doc.toJS() ?? {};
  if (!isPlainObject(data)) {
    throw new ConfigError(`${path} must hold a mapping of keys (cluster:, namespace:, ...), not ${describeType(data)}`, undefined);
  }
  return { data, describe: () => `in ${path}` };
}

function flagLayer(flags: ConfigFlags): Layer {
  const data: Record<string, unknown> = {};
  const flagOf = new Map<string, string>();
  if (flags.cluster !== undefined) {
    data.cluster = { name: flags.cluster };
    flagOf.set('cluster', '--cluster');
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
    data.timeouts = { up: /^\d+$/.test(flags.timeout) ? Number(flags.timeout) : flags.timeout };
    flagOf.set('timeouts', '--timeout');
  }
  return { data, describe: (path) => `in ${flagOf.get(String(path[0])) ?? 'a flag'}` };
}

function toConfigError(error: z.ZodError, layers: Layer[], merged: Record<string, unknown>): ConfigError {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const parentPath = issue.path;
    const key = issue.keys[0]!;
    const fullPath = [...parentPath, key];
    const allowed = knownKeys(parentPath);
    const suggestion = nearest(key, allowed);
    const source = sourceOf(fullPath, layers);
    return new ConfigError(
      `unknown key \`${dotted(fullPath)}\`${source}${suggestion ? `; did you mean \`${dotted([...parentPath, suggestion])}\`?` : ''}`,
      dotted(fullPath),
      { hint: allowed.length > 0 ? `valid keys here: ${allowed.join(', ')}` : undefined },
    );
  }
  const path = issue.path;
  const value = valueAt(merged, path);
  const source = sourceOf(path, layers);
  const allowed = issue.code === 'invalid_value' ? `; allowed: ${issue.values.map((v) => String(v)).join(', ')}` : '';
  return new ConfigError(
    `\`${dotted(path)}\`${source}: ${value === undefined ? 'missing value' : `value ${JSON.stringify(value)}`} ${issueMessage(issue, value)}${allowed}`,
    dotted(path),
  );
}

/** The closest allowed name when it is near enough to be a typo. */
function nearest(value: string, allowed: string[]): string | undefined {
  if (allowed.length === 0) return undefined;
  const candidate = closest(value, allowed);
  return distance(value, candidate) <= Math.max(2, Math.floor(value.length / 3)) ? candidate : undefined;
}

function issueMessage(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' ? 'must be a whole number' : `is not ${article(issue.expected)}`;
    case 'invalid_value': {
      const near = nearest(String(value), issue.values.map(String));
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

function sourceOf(path: readonly PropertyKey[], layers: Layer[]): string {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    for (let n = path.length; n > 0; n--) {
      if (valueAt(layer.data, path.slice(0, n)) !== undefined) return ` (${layer.describe(path)})`;
    }
  }
  return '';
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value;
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

export { ENV_VARS };
