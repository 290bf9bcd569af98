import type { ForeignProblem, NanoDigits } from './types.js';

/**
 * Small decoders the Jaeger, Zipkin and Langfuse readers share: ids to fixed-width lowercase hex,
 * microsecond and RFC 3339 times to nanosecond digits (never through a double: a nanosecond
 * epoch exceeds 2^53), and the wording of a problem's `found`.
 */

const HEX = /^[0-9a-fA-F]+$/;

/**
 * A hex id as lowercase hex of `width` digits, left-padded with zeros as OTel does for the 64-bit
 * trace ids of Jaeger and Zipkin; null when it is not hex, longer than `width` or all zeros (an
 * invalid id in OTel and W3C trace context).
 */
export function hexId(value: unknown, width: 16 | 32): string | null {
  if (typeof value !== 'string' || value === '' || value.length > width || !HEX.test(value)) return null;
  const id = value.toLowerCase().padStart(width, '0');
  return /^0+$/.test(id) ? null : id;
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

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * An RFC 3339 / ISO 8601 time (`2025-08-22T09:38:56.228Z`, with up to nine fraction digits; no
 * zone means UTC, as Langfuse's ClickHouse times are) as nanosecond digits since the epoch.
 */
export function isoToNs(value: unknown): NanoDigits | null {
  if (typeof value !== 'string') return null;
  const m = RFC3339.exec(value.trim());
  if (!m) return null;
  const zone = m[4] === undefined || m[4] === 'z' ? 'Z' : m[4];
  const seconds = Date.parse(`${m[1]}T${m[2]}${zone}`);
  if (!Number.isFinite(seconds) || seconds < 0) return null;
  const fraction = BigInt((m[3] ?? '').padEnd(9, '0'));
  return (BigInt(seconds) * 1_000_000n + fraction).toString();
}

/** What a problem says it found: the type, and the value when it is short. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length <= 60 ? `${typeof value} ${text}` : `${typeof value} of ${text.length} characters`;
}

/** A problem about the value at `jsonPath`. */
export function problem(jsonPath: string, expected: string, found: unknown): ForeignProblem {
  return { jsonPath, expected, found: describeFound(found) };
}

/** A plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A non-empty string, or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An OTel span kind name for a kind word (`server`, `CLIENT`, ...), as the proto enum names it. */
export function spanKindName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const kind = value.toUpperCase();
  return ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER', 'INTERNAL'].includes(kind) ? `SPAN_KIND_${kind}` : undefined;
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
