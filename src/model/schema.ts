import type { ErrorObject, ValidateFunction } from 'ajv';
import * as generated from './generated/trace-record-validators.js';
import { pointerSegments, pointerToJsonPath, toJsonPath } from './json-path.js';
import { cut } from '../shared/text.js';
import { describeUnread, readerFor, type ForeignFormat } from './foreign/index.js';

/** What a record is, decided from its keys, never from a file name. */
export type RecordKind =
  /** `{info, data}`: Trace.to_json, `mlflow traces get`, an element of `mlflow traces search`. */
  | 'trace'
  /** `{"trace": {"trace_info", "spans"}}`: the 3.x REST GetTrace body. */
  | 'rest'
  /** `{"spans": [...], "request"?, "response"?}`: a traces.json artifact, no TraceInfo. */
  | 'artifact'
  /** A bare TraceInfo, e.g. an element of the REST search response. */
  | 'info';

/** Why a record was refused, in words a person can act on. */
export interface SchemaProblem {
  /** RFC 9535 JSONPath of the offending value, e.g. `$.data.spans[2].start_time_unix_nano`. */
  jsonPath: string;
  /** What was expected there: "an integer (nanoseconds since the epoch)", "one of OK, ERROR, …". */
  expected: string;
  /** What was found, short and safe to print: `string "abc"`, "object with keys foo, bar", "null". */
  found: string;
}

/** Our annotation keyword: the phrase a person sees when a value does not fit that schema. */
const EXPECTED_KEYWORD = 'x-expected';

const NOT_A_TRACE = 'a trace: an object with info and data (Trace.to_json), trace (REST), spans (traces.json) or a TraceInfo';

// The schema (schemas/trace-record.schema.json, shipped for other tools to read) is compiled
// ahead of time by scripts/build-validators.mjs into plain functions: nothing is compiled at start.
const validators = generated as unknown as Readonly<Record<RecordKind, ValidateFunction>>;

/**
 * Decides which envelope a parsed record is from its keys alone, so a renamed or concatenated
 * file is still read correctly. Returns a problem at `$` when the value is not an object or has
 * none of the keys of a known envelope.
 */
export function classifyRecord(value: unknown): { kind: RecordKind } | { problem: SchemaProblem } {
  if (isPlainObject(value)) {
    const has = (key: string): boolean => Object.hasOwn(value, key);
    if ((has('info') || has('data')) && isMlflowTrace(value)) return { kind: 'trace' };
    if (has('trace') && isRestBody(value.trace)) return { kind: 'rest' };
    if (has('spans') && Array.isArray(value.spans) && mlflowSpans(value.spans)) return { kind: 'artifact' };
    const hasId = has('trace_id') || has('request_id');
    if (hasId && ['request_time', 'timestamp_ms', 'state', 'status'].some(has)) return { kind: 'info' };
    // Not MLflow's (the shapes above are strict enough that no other tracer's record fits them):
    // another tracer's record is named for what it is. Asked only here, off the path of a trace.
    const foreign = foreignName(value);
    if (foreign !== null) return { problem: { jsonPath: '$', expected: NOT_A_TRACE, found: foreign } };
    if (has('trace')) {
      const found = `an object whose trace holds ${describeFound(value.trace)} (not MLflow's trace_info and spans)`;
      return { problem: { jsonPath: '$', expected: NOT_A_TRACE, found } };
    }
  }
  return { problem: { jsonPath: '$', expected: NOT_A_TRACE, found: describeFound(value) } };
}

/** What a record of another tracer is, in words ("a Jaeger trace list"), or null. */
function foreignName(value: Record<string, unknown>): string | null {
  const reader = readerFor(value);
  if (reader !== null) return `${FOREIGN_NAMES[reader.format]} (read when the file holds only such records)`;
  return describeUnread(value);
}

const FOREIGN_NAMES: Readonly<Record<ForeignFormat, string>> = {
  'otlp-json': 'an OTLP/JSON trace request',
  'otel-console': 'a span of OpenTelemetry console output',
  jaeger: 'a Jaeger trace',
  'zipkin-v2': 'a Zipkin v2 span',
  langfuse: 'a Langfuse trace export',
};

/**
 * A traces.json artifact's spans are MLflow's (`span_id` or 2.x `context`, snake_case): a list of
 * OTLP spans (`spanId`, an OTLP scope's `spans`) or of anything else is not one.
 */
function mlflowSpans(spans: readonly unknown[]): boolean {
  const first = spans.find(isPlainObject);
  if (first === undefined) return spans.length === 0;
  return ['span_id', 'context', 'start_time_unix_nano', 'trace_id'].some((key) => Object.hasOwn(first, key));
}

/** Keys of a 3.x TraceInfo and a 2.x TraceInfo: what `--extract-fields` may select under `info`. */
const INFO_KEYS = new Set([
  'trace_id',
  'client_request_id',
  'trace_location',
  'request_time',
  'execution_duration',
  'execution_duration_ms',
  'state',
  'trace_metadata',
  'assessments',
  'tags',
  'request_preview',
  'response_preview',
  'request_id',
  'experiment_id',
  'timestamp_ms',
  'execution_time_ms',
  'status',
  'request_metadata',
]);
const DATA_KEYS = new Set(['spans', 'request', 'response']);

/**
 * `{info, data}` as MLflow writes it: a trace with an id or spans, or a partial one that
 * `--extract-fields` cut from it (only keys a trace has). `{"data": [...]}` (Jaeger, a paged API
 * answer) or an `info` of other keys is not one.
 */
function isMlflowTrace(value: Record<string, unknown>): boolean {
  const { info, data } = value;
  const infoOk = isPlainObject(info) && (Object.hasOwn(info, 'trace_id') || Object.hasOwn(info, 'request_id') || knownKeys(info, INFO_KEYS));
  const dataOk = isPlainObject(data) && (Object.hasOwn(data, 'spans') || knownKeys(data, DATA_KEYS));
  // One half of MLflow's shape is enough: a broken other half is then reported where it is broken.
  return infoOk || dataOk;
}

function knownKeys(object: Record<string, unknown>, keys: ReadonlySet<string>): boolean {
  return Object.keys(object).every((key) => keys.has(key));
}

/**
 * The REST GetTrace body's `trace`: an object with `trace_info` or `spans` (proto names). A value
 * that is no object is taken as a broken body, so the schema says what `trace` should hold.
 */
function isRestBody(trace: unknown): boolean {
  if (!isPlainObject(trace)) return true;
  return Object.hasOwn(trace, 'trace_info') || Object.hasOwn(trace, 'spans');
}

/**
 * Checks a classified record against the schema of its kind. Returns `null` when it is accepted,
 * otherwise the first problem found. Unknown and missing keys are accepted; a key whose value has
 * the wrong type or an unknown enum value is not.
 */
export function checkRecord(kind: RecordKind, value: unknown): SchemaProblem | null {
  const validate = validators[kind];
  if (validate(value)) return null;
  const error = validate.errors?.[0];
  // ajv always reports at least one error on failure; this keeps the contract if it ever did not.
  if (error === undefined) return { jsonPath: '$', expected: NOT_A_TRACE, found: describeFound(value) };
  return translate(error, value);
}

function translate(error: ErrorObject, root: unknown): SchemaProblem {
  const segments = pointerSegments(error.instancePath);
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty?: unknown }).missingProperty ?? '');
    return {
      jsonPath: toJsonPath([...segments, missing]),
      expected: annotation(error.parentSchema) ?? 'a value (this key is required)',
      found: 'nothing (the key is missing)',
    };
  }
  return {
    jsonPath: pointerToJsonPath(error.instancePath),
    expected: expectedPhrase(error),
    found: describeFound(valueAt(root, segments)),
  };
}

function expectedPhrase(error: ErrorObject): string {
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues?: unknown }).allowedValues;
    if (Array.isArray(allowed)) return `one of ${allowed.map(String).join(', ')}`;
  }
  const phrase = annotation(error.parentSchema);
  if (phrase !== undefined) return phrase;
  if (error.keyword === 'type') {
    const type = (error.params as { type?: unknown }).type;
    const types = Array.isArray(type) ? type.map(String) : String(type).split(',');
    return joinAlternatives(types.map(typePhrase));
  }
  // Only reachable if the schema gains a keyword without an x-expected; ajv's text beats nothing.
  return error.message ?? `a value valid for ${error.keyword}`;
}

function annotation(schemaObject: unknown): string | undefined {
  if (!isPlainObject(schemaObject)) return undefined;
  const phrase = schemaObject[EXPECTED_KEYWORD];
  return typeof phrase === 'string' ? phrase : undefined;
}

const TYPE_PHRASES: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function typePhrase(type: string): string {
  return TYPE_PHRASES[type] ?? type;
}

function joinAlternatives(phrases: readonly string[]): string {
  if (phrases.length <= 1) return phrases[0] ?? 'a value';
  return `${phrases.slice(0, -1).join(', ')} or ${phrases[phrases.length - 1] ?? ''}`;
}

function valueAt(root: unknown, segments: ReadonlyArray<string | number>): unknown {
  let current = root;
  for (const segment of segments) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isPlainObject(current)) current = Object.hasOwn(current, segment) ? current[segment] : undefined;
    else return undefined;
  }
  return current;
}

const MAX_STRING_CHARS = 60;
const MAX_KEYS_LISTED = 8;
const MAX_KEY_CHARS = 40;
const PLAIN_KEY = /^[A-Za-z0-9_.:@/-]+$/;

function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') return `string ${quote(value, MAX_STRING_CHARS)}`;
  if (typeof value === 'number' || typeof value === 'bigint') return `number ${String(value)}`;
  if (typeof value === 'boolean') return `boolean ${String(value)}`;
  if (Array.isArray(value)) {
    return value.length === 1 ? 'array of 1 item' : `array of ${value.length} items`;
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return 'empty object';
    const shown = keys.slice(0, MAX_KEYS_LISTED).map((key) => (PLAIN_KEY.test(key) && key.length <= MAX_KEY_CHARS ? key : quote(key, MAX_KEY_CHARS)));
    const more = keys.length > MAX_KEYS_LISTED ? `, … (${keys.length} keys)` : '';
    return `object with ${keys.length === 1 ? 'key' : 'keys'} ${shown.join(', ')}${more}`;
  }
  return typeof value;
}

/**
 * JSON-quotes a string cut at `max` code points. Beyond JSON's own escaping, line separators,
 * bidi controls and zero-width characters are escaped too: found values come from untrusted
 * files and end up on a terminal.
 */
function quote(text: string, max: number): string {
  return JSON.stringify(cut(text, max)).replace(/[\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
