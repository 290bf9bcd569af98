import type { Ajv as AjvType, ErrorObject, ValidateFunction } from 'ajv';
import { ruleById, type RuleSetting } from './analyze/rule-set.js';
import { readTextFile } from '../ingest/text-file.js';
import { keyCarrier, CARRIERS, type Carrier } from '../model/carrier-table.js';
import { pointerSegments, toJsonPath } from '../model/json-path.js';
import type { PolarityOverrides, PolarityRule } from '../model/scorers.js';
import { cut } from '../shared/text.js';

/**
 * What a `--config` file adds to the built-in tables, in the shape the model's functions take.
 * Every list is empty and `scorers` is `{}` when no config is given.
 */
export interface TriageConfig {
  /**
   * Session keys, in order (`sessionIdOf` in src/model/session-keys.ts): each is looked up in trace
   * metadata, then trace tags, after the built-in info keys; then on every span, nearest the
   * root first, after the span's built-in keys.
   */
  sessionKeys: string[];
  /** User keys tried after the built-in ones (`userIdOf`), looked up like `sessionKeys`. */
  userKeys: string[];
  /** Extra carrier rows (`keyCarrier`), tried after the built-in rows and before `generic`. */
  carriers: Carrier[];
  /** Polarity rules by assessment name, laid over the built-in rows (`ruleFor`). */
  scorers: PolarityOverrides;
  /** Rule settings by rule id (`analyze`), options already checked against each rule's schema. */
  rules: Record<string, RuleSetting>;
  /** The file the config came from, or null for the defaults. */
  source: string | null;
}

/** A config as its file is written (snake_case, docs/config.md), after schema validation. */
export interface ConfigFile {
  schema_version: 1;
  session_keys?: string[];
  user_keys?: string[];
  carriers?: Array<{ id: string; input: string[]; output: string[] }>;
  scorers?: Record<string, ScorerEntry>;
  rules?: Record<string, 'off' | 'info' | 'warn' | 'error' | { severity?: 'off' | 'info' | 'warn' | 'error'; options?: Record<string, unknown> }>;
}

/** One entry of `scorers` in a config file: how to read the values of one assessment name. */
export interface ScorerEntry {
  pass?: string[];
  fail?: string[];
  booleans?: boolean;
  pass_at_least?: number;
  pass_at_most?: number;
  level?: 'trace' | 'session';
  detects?: boolean;
}

/**
 * A config that cannot be used: unreadable, not JSON, or refused by the schema or a rule's option
 * schema. The message names the file (or what stands for it), the JSONPath and what was expected.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads, validates and converts the config file at `path` (a `ConfigError` when it cannot be read
 * or is refused). Nothing is looked up in the working directory: the CLI decides which file to read.
 */
export async function readConfigFile(path: string): Promise<TriageConfig> {
  let text: string;
  try {
    text = await readTextFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw error;
    throw new ConfigError(`cannot read config file ${path}: ${code === 'ENOENT' ? 'no such file' : code}`);
  }
  return parseConfig(text, path);
}

/** The config of a run given none: empty lists, no overrides, every rule at its default. */
export function defaultConfig(): TriageConfig {
  return { sessionKeys: [], userKeys: [], carriers: [], scorers: {}, rules: {}, source: null };
}

/** Validates and converts the text of a config file; `name` is what messages call the file. */
export async function parseConfig(text: string, name: string): Promise<TriageConfig> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new ConfigError(`config ${name}: not valid JSON: ${error.message}`);
  }
  return checkConfig(value, name);
}

/**
 * Validates and converts a config already parsed from JSON (the file's snake_case shape, as
 * docs/config.md describes it); `name` is what messages call it. The same checks as a file gets.
 */
export async function checkConfig(value: unknown, name: string): Promise<TriageConfig> {
  const validate = await configValidator();
  if (!validate(value)) {
    const problem = translate(validate.errors?.[0], value);
    throw new ConfigError(`config ${name}: ${problem.path}: expected ${problem.expected}, found ${problem.found}`);
  }
  const file = value as ConfigFile;
  const carriers = (file.carriers ?? []).map((c, i) => checkedCarrier(c, i, name, file.carriers ?? []));
  const scorers: Record<string, Partial<PolarityRule>> = {};
  for (const [scorer, entry] of Object.entries(file.scorers ?? {})) scorers[scorer] = toRule(entry, scorer, name);
  const rules: Record<string, RuleSetting> = {};
  for (const [id, entry] of Object.entries(file.rules ?? {})) rules[id] = checkedRule(id, entry, name);
  return { sessionKeys: file.session_keys ?? [], userKeys: file.user_keys ?? [], carriers, scorers, rules, source: name };
}

/** What the digest of a trace takes from a config: the keys, carriers and scorer overrides. */
export function digestOptionsOf(config: TriageConfig): { extraCarriers: Carrier[]; sessionKeys: string[]; userKeys: string[]; overrides: PolarityOverrides } {
  return { extraCarriers: config.carriers, sessionKeys: config.sessionKeys, userKeys: config.userKeys, overrides: config.scorers };
}

/** A rule's setting, its id known and its options fitting the rule's own schema. */
function checkedRule(id: string, entry: NonNullable<ConfigFile['rules']>[string], name: string): RuleSetting {
  const rule = ruleById(id);
  if (rule === undefined) {
    throw new ConfigError(`config ${name}: ${toJsonPath(['rules', id])}: expected a rule id (see 'tracetriage rules'), found an unknown rule`);
  }
  const setting: RuleSetting = typeof entry === 'string' ? { severity: entry } : { ...entry };
  if (setting.options !== undefined) {
    const validate = optionValidator(id, rule.meta.schema ?? { type: 'object', additionalProperties: false });
    if (!validate(setting.options)) {
      const error = validate.errors?.[0];
      const segments = ['rules', id, 'options', ...pointerSegments(error?.instancePath ?? '')];
      const extra = (error?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
      if (extra !== undefined) {
        const known = Object.keys((rule.meta.schema?.properties as object | undefined) ?? {});
        const expected = known.length === 0 ? 'no options (this rule has none)' : `one of the options ${known.join(', ')}`;
        throw new ConfigError(`config ${name}: ${toJsonPath([...segments, extra])}: expected ${expected}, found an unknown option`);
      }
      const found = describe(valueAt(setting.options, pointerSegments(error?.instancePath ?? '')));
      throw new ConfigError(`config ${name}: ${toJsonPath(segments)}: expected a value that ${error?.message ?? "fits the rule's schema"}, found ${found}`);
    }
  }
  return setting;
}

const optionValidators = new Map<string, ValidateFunction>();

function optionValidator(id: string, schema: Readonly<Record<string, unknown>>): ValidateFunction {
  let validate = optionValidators.get(id);
  if (validate === undefined) {
    // Set by compileSchema, which parseConfig awaits before any rule's options are checked.
    if (Ajv === null) throw new Error('config: rule options checked before the config schema was compiled');
    validate = new Ajv({ allErrors: false, strict: false }).compile(schema);
    optionValidators.set(id, validate);
  }
  return validate;
}

function checkedCarrier(c: { id: string; input: string[]; output: string[] }, i: number, name: string, all: ReadonlyArray<{ id: string }>): Carrier {
  const at = toJsonPath(['carriers', i, 'id']);
  // The id is what a turn reports as its carrier: it must say which row was used, unambiguously.
  if (CARRIERS.some((row) => row.id === c.id) || all.findIndex((other) => other.id === c.id) !== i) {
    throw new ConfigError(`config ${name}: ${at}: expected a carrier id not already in the carrier table, found ${JSON.stringify(c.id)}`);
  }
  if (c.input.length === 0 && c.output.length === 0) {
    throw new ConfigError(`config ${name}: ${toJsonPath(['carriers', i])}: expected at least one input or output key, found none`);
  }
  return keyCarrier(c.id, c.input, c.output);
}

function toRule(entry: ScorerEntry, scorer: string, name: string): Partial<PolarityRule> {
  const { pass_at_least: least, pass_at_most: most } = entry;
  if (least !== undefined && most !== undefined && least > most) {
    const at = toJsonPath(['scorers', scorer]);
    throw new ConfigError(`config ${name}: ${at}: expected pass_at_least <= pass_at_most, found ${least} > ${most}`);
  }
  const rule: { -readonly [K in keyof PolarityRule]?: PolarityRule[K] } = {};
  // Stored lowercase, as PolarityRule documents; polarityUnder compares lowercased anyway.
  if (entry.pass !== undefined) rule.pass = entry.pass.map((v) => v.trim().toLowerCase());
  if (entry.fail !== undefined) rule.fail = entry.fail.map((v) => v.trim().toLowerCase());
  if (entry.booleans !== undefined) rule.booleans = entry.booleans;
  if (least !== undefined) rule.passAtLeast = least;
  if (most !== undefined) rule.passAtMost = most;
  if (entry.level !== undefined) rule.level = entry.level;
  if (entry.detects !== undefined) rule.detects = entry.detects;
  return rule;
}

let compiled: Promise<ValidateFunction> | null = null;
// Loaded with the config schema, not at start: ajv takes about 40 ms to load, and most runs have no config file.
let Ajv: typeof AjvType | null = null;
let schemaRoot: Record<string, unknown> = {};

function configValidator(): Promise<ValidateFunction> {
  return (compiled ??= compileSchema());
}

/**
 * Compiled at the first `--config`, not ahead of time like the trace-record schema: this schema is
 * small (a few ms to compile) and only commands given a config pay for it, so a generated
 * validator would add a build step for nothing. The schema file is the one shipped in schemas/.
 */
async function compileSchema(): Promise<ValidateFunction> {
  // The package's own schemas/ folder: two levels up from both src/engine and dist/engine.
  const schema = JSON.parse(await readTextFile(new URL('../../schemas/config.schema.json', import.meta.url))) as Record<string, unknown>;
  schemaRoot = schema;
  Ajv = (await import('ajv')).Ajv;
  const ajv = new Ajv({ allErrors: false, strict: true, verbose: true, allowUnionTypes: true });
  ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
  return ajv.compile(schema);
}

interface Problem {
  path: string;
  expected: string;
  found: string;
}

function translate(error: ErrorObject | undefined, root: unknown): Problem {
  if (error === undefined) return { path: '$', expected: 'a valid config', found: describe(root) };
  const segments = pointerSegments(error.instancePath);
  const params = error.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
  if (error.keyword === 'required') {
    return { path: toJsonPath([...segments, params.missingProperty ?? '']), expected: expectedAt(error), found: 'nothing (the key is missing)' };
  }
  if (error.keyword === 'additionalProperties') {
    const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {}).filter((k) => k !== '$schema');
    return { path: toJsonPath([...segments, params.additionalProperty ?? '']), expected: `one of the keys ${known.join(', ')}`, found: 'an unknown key' };
  }
  const value = valueAt(root, segments);
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    return { path: toJsonPath(segments), expected: `one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`, found: describe(value) };
  }
  return { path: toJsonPath(segments), expected: annotation(error.parentSchema) ?? error.message ?? 'a valid value', found: describe(value) };
}

function expectedAt(error: ErrorObject): string {
  const property = (error.params as { missingProperty?: string }).missingProperty ?? '';
  const properties = (error.parentSchema as { properties?: Record<string, unknown> }).properties ?? {};
  return annotation(properties[property]) ?? 'a value (this key is required)';
}

/** The schema's `x-expected` phrase, following one local `$ref` (`#/$defs/…`) when the node has none. */
function annotation(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const node = schema as Record<string, unknown>;
  const phrase = node['x-expected'];
  if (typeof phrase === 'string') return phrase;
  const ref = node.$ref;
  const defs = schemaRoot.$defs as Record<string, unknown> | undefined;
  if (typeof ref === 'string' && ref.startsWith('#/$defs/') && defs !== undefined) return annotation(defs[ref.slice('#/$defs/'.length)]);
  return undefined;
}

function valueAt(root: unknown, segments: ReadonlyArray<string | number>): unknown {
  let current = root;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = Object.hasOwn(current, segment) ? (current as Record<string | number, unknown>)[segment] : undefined;
  }
  return current;
}

const MAX_SHOWN = 40;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    return `string ${JSON.stringify(cut(value, MAX_SHOWN))}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return value.length === 1 ? 'an array of 1 item' : `an array of ${value.length} items`;
  const keys = Object.keys(value as object);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}`;
}
