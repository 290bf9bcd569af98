import { depthBeyond } from './depth.js';
import { SpilledText, textOf } from './spilled-text.js';
/**
 * Span attributes, decoded on first use. The Python SDK stores every value as a JSON string
 * (`"mlflow.spanType": "\"AGENT\""`); OTel-ingested values can be encoded twice; values set on the
 * raw OTel span may be plain text; the TypeScript SDK and the REST body hold decoded values. Most
 * attributes of most spans are never looked at, so nothing is decoded up front.
 */
export class Attributes {
  private cache: Map<string, unknown> | undefined;

  /**
   * @param raw - the attribute map as it appears in the file (after OTLP arrays were flattened)
   * @param encoded - whether string values are JSON text (Python SDK) or already values (TS SDK, REST)
   */
  constructor(
    readonly raw: Readonly<Record<string, unknown>>,
    readonly encoded: boolean,
  ) {}

  /** Attribute names in file order. */
  keys(): string[] {
    return Object.keys(this.raw);
  }

  has(key: string): boolean {
    return Object.hasOwn(this.raw, key);
  }

  /**
   * The decoded value, or undefined when the attribute is absent. A value kept in a temporary file
   * ({@link SpilledText}: a long string of a trace read span by span) is read back and decoded at
   * each call, never cached: holding them would hold the trace.
   */
  get(key: string): unknown {
    if (!this.has(key)) return undefined;
    const hit = this.cache?.get(key);
    if (hit !== undefined || this.cache?.has(key)) return hit;
    const raw = this.raw[key];
    if (raw instanceof SpilledText) return this.encoded ? decodeAttributeValue(raw.text()) : raw.text();
    const value = this.encoded ? decodeAttributeValue(raw) : raw;
    (this.cache ??= new Map()).set(key, value);
    return value;
  }

  /** The value as the file holds it (JSON text for the Python SDK's attributes), not decoded. */
  rawValue(key: string): unknown {
    return this.has(key) ? textOf(this.raw[key]) : undefined;
  }

  /** The length of every string value as the file holds it, in UTF-16 code units (nothing is read back). */
  rawTextLength(): number {
    let size = 0;
    for (const value of Object.values(this.raw)) if (typeof value === 'string' || value instanceof SpilledText) size += value.length;
    return size;
  }

  /** The decoded value when it is a string, else undefined. */
  getString(key: string): string | undefined {
    const value = this.get(key);
    return typeof value === 'string' ? value : undefined;
  }

  /** Every attribute decoded, for display. */
  toObject(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of this.keys()) out[key] = this.get(key);
    return out;
  }
}

/**
 * Decodes one stored attribute value: JSON text becomes its value; a result that is itself the JSON
 * text of an array or object (OTel-ingested values, mlflow-trace-formats.md §2.6) is decoded once
 * more; text that is not JSON stays as it is, as MLflow's own reader does.
 */
export function decodeAttributeValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const once = tryParseJson(value);
  if (once === NOT_JSON) return value;
  if (typeof once === 'string') {
    const twice = looksLikeContainer(once) ? tryParseJson(once) : NOT_JSON;
    if (twice !== NOT_JSON) return twice;
  }
  return once;
}

const NOT_JSON = Symbol('not-json');

function tryParseJson(text: string): unknown {
  if (!looksLikeJson(text)) return NOT_JSON;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    // Not JSON: MLflow keeps such values as raw strings, and so do we (the caller returns `text`).
    return NOT_JSON;
  }
  // JSON text inside a string escapes the record's depth bound (JSON.parse is not recursive, the
  // readers and writers downstream are): nesting beyond it stays the text the file holds.
  return depthBeyond(value) === null ? value : NOT_JSON;
}

function looksLikeJson(text: string): boolean {
  const c = text.charCodeAt(0);
  // { [ " - 0-9 t f n, after optional white space (rare; JSON.parse decides).
  return c === 0x7b || c === 0x5b || c === 0x22 || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e || c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function looksLikeContainer(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('{') || t.startsWith('[');
}

/**
 * OTLP values nest (arrays of kvlists of arrays…). Past this depth a value is kept as the marker
 * below instead of being converted, so hostile input cannot exhaust the stack: JSON Lines reach
 * here without the scanner's depth bound.
 */
export const MAX_OTLP_DEPTH = 64;
export const TOO_DEEP = '[nested too deep]';

/**
 * Flattens OTLP proto-JSON attributes (`[{key, value: {string_value | int_value | ...}}]`, REST
 * GetTrace) into a plain map of typed values. Accepts both snake_case and camelCase value keys.
 */
export function flattenOtlpAttributes(list: readonly unknown[], depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of list) {
    if (item === null || typeof item !== 'object') continue;
    const { key, value } = item as { key?: unknown; value?: unknown };
    if (typeof key !== 'string') continue;
    out[key] = anyValue(value, depth + 1);
  }
  return out;
}

function anyValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value ?? null;
  if (depth > MAX_OTLP_DEPTH) return TOO_DEEP;
  const v = value as Record<string, unknown>;
  const pick = (snake: string, camel: string): unknown => (snake in v ? v[snake] : v[camel]);
  if ('string_value' in v || 'stringValue' in v) return pick('string_value', 'stringValue');
  if ('bool_value' in v || 'boolValue' in v) return pick('bool_value', 'boolValue');
  if ('int_value' in v || 'intValue' in v) {
    const n = pick('int_value', 'intValue');
    return typeof n === 'string' ? Number(n) : n;
  }
  if ('double_value' in v || 'doubleValue' in v) return pick('double_value', 'doubleValue');
  if ('bytes_value' in v || 'bytesValue' in v) return pick('bytes_value', 'bytesValue');
  if ('array_value' in v || 'arrayValue' in v) {
    const arr = pick('array_value', 'arrayValue') as { values?: unknown[] } | null;
    return (arr?.values ?? []).map((item) => anyValue(item, depth + 1));
  }
  if ('kvlist_value' in v || 'kvlistValue' in v) {
    const kv = pick('kvlist_value', 'kvlistValue') as { values?: unknown[] } | null;
    return flattenOtlpAttributes(kv?.values ?? [], depth + 1);
  }
  return null;
}
