import { cut, ELLIPSIS_AFTER } from '../../shared/text.js';
import type { ForeignBatch, ForeignProblem, NanoDigits } from './types.js';

/**
 * The small decoders every reader of another tracer's format shares, one each: ids to
 * fixed-width lowercase hex, times to nanosecond digits (never through a double: a nanosecond
 * epoch exceeds 2^53), span kinds to the proto enum name, and the wording of a problem.
 */

const HEX = /^[0-9a-f]+$/i;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const ZERO = /^0+$/;

/**
 * A trace id (16 bytes) or span id (8 bytes) as lowercase hex of exactly `bytes * 2` digits, from
 * hex (the OTLP/JSON spec; `0x`-prefixed in the Python SDK's console output) or base64 of the raw
 * bytes (protobuf's canonical JSON mapping, e.g. Python's `MessageToJson`). A shorter id is
 * left-padded with zeros as OTel does for 64-bit Jaeger and Zipkin trace ids. Null when the value
 * is no such id, or is all zeros (OTel's invalid id).
 */
export function decodeOtelId(value: unknown, bytes: 8 | 16): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const text = value.startsWith('0x') || value.startsWith('0X') ? value.slice(2) : value;
  let hex: string | null = null;
  // Hex is tried first: base64 of 8 or 16 bytes ends in `=` or `==`, which no hex id has.
  if (HEX.test(text) && text.length <= bytes * 2) hex = text.toLowerCase();
  else if (text === value && BASE64.test(text)) {
    const raw = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    // Base64 of 8 or 16 bytes only: a longer or shorter run is not an id of this kind.
    if (raw.length === bytes || (bytes === 16 && raw.length === 8)) hex = raw.toString('hex');
  }
  if (hex === null || ZERO.test(hex)) return null;
  return hex.padStart(bytes * 2, '0');
}

/**
 * Nanoseconds since the epoch as digits, from OTLP's `fixed64` (a decimal string, or a number
 * when a producer wrote one; a number above 2^53 already lost digits in JSON.parse). Null for a
 * missing value and for 0, OTLP's "not set"; undefined when the value is present but no time.
 */
export function nanosFromOtlp(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && /^\d{1,30}$/.test(value)) {
    const digits = value.replace(/^0+/, '');
    return digits === '' ? null : digits;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value === 0 ? null : BigInt(value).toString();
  return undefined;
}

/** Integer microseconds (a JSON number or digit string) as nanosecond digits. */
export function microsToNs(value: unknown): NanoDigits | null {
  const micros = wholeNumber(value);
  return micros === null ? null : (micros * 1000n).toString();
}

/** Start plus a duration in microseconds, as nanosecond digits. */
export function endFromDuration(startNs: NanoDigits | null, durationMicros: unknown): NanoDigits | null {
  const duration = wholeNumber(durationMicros);
  return startNs === null || duration === null ? null : (BigInt(startNs) + duration * 1000n).toString();
}

function wholeNumber(value: unknown): bigint | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : null;
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  return null;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Nanoseconds since the epoch as digits from an ISO 8601 time with up to nine fraction digits and
 * a zone (`Z` or an offset; none means UTC, as Langfuse's ClickHouse times are), computed in
 * integers so no digit is lost (the Python SDK prints microseconds,
 * `2026-12-04T03:12:20.881817Z`). Null when the text is no such time.
 */
export function nanosFromIso(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = ISO.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return null;
  const ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s));
  // Date.UTC rolls 31 February over into March: a day the month does not have is no time.
  if (!Number.isFinite(ms) || new Date(ms).getUTCDate() !== day) return null;
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  const seconds = BigInt(ms / 1000 - offsetMinutes * 60);
  const nanos = seconds * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
  return nanos < 0n ? null : nanos.toString();
}

const KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];

/**
 * A span kind as the proto enum name, from the enum number (OTLP/JSON), the enum name, or the
 * Python SDK's `SpanKind.CLIENT`. Undefined when the value names no kind.
 */
export function spanKindName(value: unknown): string | undefined {
  if (typeof value === 'number') return KINDS[value];
  if (typeof value !== 'string') return undefined;
  const name = value
    .toUpperCase()
    .replace(/^SPANKIND\./, '')
    .replace(/^SPAN_KIND_/, '');
  const full = `SPAN_KIND_${name}`;
  return KINDS.includes(full) ? full : undefined;
}

/**
 * What a reader found where it expected something else, short: a scalar with its type and JSON
 * (cut at 80 code points; `string "0x12"`, as a rejected MLflow record says it), or a container's kind.
 */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${cut(JSON.stringify(value), 80, ELLIPSIS_AFTER)}`;
}

/** A problem about the value at `jsonPath`. */
export function problem(jsonPath: string, expected: string, found: unknown): ForeignProblem {
  return { jsonPath, expected, found: describeFound(found) };
}

/** Notes in the batch what was left out of the record: where, what was expected, what was there. */
export function addProblem(batch: ForeignBatch, jsonPath: string, expected: string, found: unknown): void {
  batch.problems.push(problem(jsonPath, expected, found));
}

/** A plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A non-empty string, or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The value as a plain object (not null, not an array), or null. */
export function objectOf(value: unknown): Record<string, unknown> | null {
  return isRecord(value) ? value : null;
}

/**
 * 64-bit FNV-1a of the UTF-8 bytes of `input`, as 16 lowercase hex digits: a stable id for an id
 * that is not hex (a Langfuse UUID observation id), computed the same on every run and machine.
 */
export function fnv1a64(input: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(input)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
