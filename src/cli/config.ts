import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Argv } from 'yargs';
import { readTextFile } from '../ingest/text-file.js';
import { keyCarrier, CARRIERS, type Carrier } from '../model/carriers.js';
import { pointerSegments, toJsonPath } from '../model/json-path.js';
import type { PolarityOverrides, PolarityRule } from '../model/scorers.js';
import { CliError } from './errors.js';

/**
 * What a `--config` file adds to the built-in tables, in the shape the model's functions take.
 * Every list is empty and `scorers` is `{}` when no config is given.
 */
export interface TriageConfig {
  /**
   * Session keys tried after the built-in ones (`sessionIdOf` in src/model/session.ts), in order;
   * each is looked up in trace metadata, then trace tags, then the root span's attributes.
   */
  sessionKeys: string[];
  /** User keys tried after the built-in ones (`userIdOf`), looked up like `sessionKeys`. */
  userKeys: string[];
  /** Extra carrier rows (`keyCarrier`), tried after the built-in rows and before `generic`. */
  carriers: Carrier[];
  /** Polarity rules by assessment name, laid over the built-in rows (`ruleFor`). */
  scorers: PolarityOverrides;
}

/** Adds `--config <file>` to a command. */
export function configOption<T>(y: Argv<T>) {
  return y.option('config', {
    type: 'string',
    normalize: true,
    describe: 'JSON config: extra session/user keys, I/O carriers, scorer polarity (docs/config.md)',
  });
}

/** The file as written (snake_case), after schema validation. */
interface ConfigFile {
  schema_version: 1;
  session_keys?: string[];
  user_keys?: string[];
  carriers?: Array<{ id: string; input: string[]; output: string[] }>;
  scorers?: Record<string, ScorerEntry>;
}

interface ScorerEntry {
  pass?: string[];
  fail?: string[];
  booleans?: boolean;
  pass_at_least?: number;
  pass_at_most?: number;
  level?: 'trace' | 'session';
}

/**
 * Reads, validates and converts a config file; `undefined` gives the defaults (empty lists, no
 * overrides: the built-in tables alone). Any problem (unreadable file, invalid JSON, a value the schema refuses, a carrier id that repeats
 * one already in the table, an empty numeric range) is a `CliError` naming the file, the JSONPath
 * and what was expected. There is no implicit lookup: a config changes verdicts, so it is only
 * used when named on the command line.
 */
export async function loadConfig(path: string | undefined): Promise<TriageConfig> {
  if (path === undefined) return { sessionKeys: [], userKeys: [], carriers: [], scorers: {} };
  let text: string;
  try {
    text = await readTextFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw error;
    throw new CliError(`cannot read config file ${path}: ${code === 'ENOENT' ? 'no such file' : code}`, 'usage');
  }
  return parseConfig(text, path);
}

/** Validates and converts the text of a config file; `name` is what messages call the file. */
export async function parseConfig(text: string, name: string): Promise<TriageConfig> {
  const validate = await configValidator();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new CliError(`config ${name}: not valid JSON: ${error.message}`, 'usage');
  }
  if (!validate(value)) {
    const problem = translate(validate.errors?.[0], value);
    throw new CliError(`config ${name}: ${problem.path}: expected ${problem.expected}, found ${problem.found}`, 'usage');
  }
  const file = value as ConfigFile;
  const carriers = (file.carriers ?? []).map((c, i) => checkedCarrier(c, i, name, file.carriers ?? []));
  const scorers: Record<string, Partial<PolarityRule>> = {};
  for (const [scorer, entry] of Object.entries(file.scorers ?? {})) scorers[scorer] = toRule(entry, scorer, name);
  return { sessionKeys: file.session_keys ?? [], userKeys: file.user_keys ?? [], carriers, scorers };
}

function checkedCarrier(c: { id: string; input: string[]; output: string[] }, i: number, name: string, all: ReadonlyArray<{ id: string }>): Carrier {
  const at = toJsonPath(['carriers', i, 'id']);
  // The id is what a turn reports as its carrier: it must say which row was used, unambiguously.
  if (CARRIERS.some((row) => row.id === c.id) || all.findIndex((other) => other.id === c.id) !== i) {
    throw new CliError(`config ${name}: ${at}: expected a carrier id not already in the carrier table, found ${JSON.stringify(c.id)}`, 'usage');
  }
  if (c.input.length === 0 && c.output.length === 0) {
    throw new CliError(`config ${name}: ${toJsonPath(['carriers', i])}: expected at least one input or output key, found none`, 'usage');
  }
  return keyCarrier(c.id, c.input, c.output);
}

function toRule(entry: ScorerEntry, scorer: string, name: string): Partial<PolarityRule> {
  const { pass_at_least: least, pass_at_most: most } = entry;
  if (least !== undefined && most !== undefined && least > most) {
    const at = toJsonPath(['scorers', scorer]);
    throw new CliError(`config ${name}: ${at}: expected pass_at_least <= pass_at_most, found ${least} > ${most}`, 'usage');
  }
  const rule: { -readonly [K in keyof PolarityRule]?: PolarityRule[K] } = {};
  // Stored lowercase, as PolarityRule documents; polarityUnder compares lowercased anyway.
  if (entry.pass !== undefined) rule.pass = entry.pass.map((v) => v.trim().toLowerCase());
  if (entry.fail !== undefined) rule.fail = entry.fail.map((v) => v.trim().toLowerCase());
  if (entry.booleans !== undefined) rule.booleans = entry.booleans;
  if (least !== undefined) rule.passAtLeast = least;
  if (most !== undefined) rule.passAtMost = most;
  if (entry.level !== undefined) rule.level = entry.level;
  return rule;
}

let compiled: Promise<ValidateFunction> | null = null;
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
  // The package's own schemas/ folder: two levels up from both src/cli and dist/cli.
  const schema = JSON.parse(await readTextFile(new URL('../../schemas/config.schema.json', import.meta.url))) as Record<string, unknown>;
  schemaRoot = schema;
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
    const chars = Array.from(value);
    return `string ${JSON.stringify(chars.length > MAX_SHOWN ? `${chars.slice(0, MAX_SHOWN - 1).join('')}…` : value)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return value.length === 1 ? 'an array of 1 item' : `an array of ${value.length} items`;
  const keys = Object.keys(value as object);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}`;
}
