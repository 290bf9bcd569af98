// Counterexamples are written to test/fuzz/found/*.json and read back by the replay test. JSON
// alone loses what fuzzing is about (bytes, -0, NaN, undefined), so those travel tagged; lone
// surrogates survive as JSON.stringify escapes them (\udXXX).

type Tagged = { $bytes: string } | { $number: string } | { $undefined: true };

/** A value as JSON text that `decodeValue` turns back into the same value. */
export function encodeValue(value: unknown): string {
  return JSON.stringify(tag(value), null, 1);
}

/** The value `encodeValue` wrote. */
export function decodeValue(text: string): unknown {
  return untag(JSON.parse(text) as unknown);
}

function tag(value: unknown): unknown {
  if (value === undefined) return { $undefined: true } satisfies Tagged;
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) return { $number: String(Object.is(value, -0) ? '-0' : value) };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') } satisfies Tagged;
  if (Array.isArray(value)) return value.map(tag);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = tag(v);
    return out;
  }
  return value;
}

function untag(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(untag);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const o = value as Record<string, unknown>;
    if (keys.length === 1 && typeof o.$bytes === 'string') return Buffer.from(o.$bytes, 'base64');
    if (keys.length === 1 && typeof o.$number === 'string') return o.$number === '-0' ? -0 : Number(o.$number);
    if (keys.length === 1 && o.$undefined === true) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = untag(v);
    return out;
  }
  return value;
}
