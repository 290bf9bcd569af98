import { isAscii, isUtf8 } from 'node:buffer';
import { jsonVerifier } from 'stream-json/core/utils/verifier.js';
import type { RawRecord } from './record.js';
import { rewriteNonFinite } from '../shared/non-finite.js';

/** stream-chain's flush marker (registered with Symbol.for so every copy of stream-chain agrees). */
const FLUSH = Symbol.for('object-stream.none');

/** Why a record's bytes are not a JSON value. */
export interface ParseProblem {
  code: 'invalid-utf8' | 'invalid-json';
  message: string;
  /** Absolute byte offset of the fault in the source. */
  offset: number;
  line: number;
  column: number;
}

/** Node's EXTERN_APEX: latin1 strings longer than this are allocated outside the V8 heap. */
const EXTERNAL_STRING_BYTES = 0xfbee9;

/** A parsed record: its value, and how many non-finite tokens were rewritten to get it. */
export interface ParsedRecord {
  value: unknown;
  nonFiniteTokens: number;
}

/**
 * Decodes and parses one record's bytes with `JSON.parse` (the hot path). Invalid UTF-8 is refused
 * rather than replaced, so no text is altered behind the user's back. Python's `NaN`, `Infinity` and
 * `-Infinity` tokens (which the scanner flags) are rewritten outside strings first: `NaN` becomes
 * `null`, `±Infinity` becomes `±1e999`, which `JSON.parse` reads as ±Infinity.
 */
export function parseRecord(record: RawRecord): ParsedRecord | { problem: ParseProblem } {
  if (record.text !== undefined) return parseText(record, record.text);
  const { bytes } = record;
  // Python writes JSON with ensure_ascii, so most records are pure ASCII, which decodes as latin1
  // to the same string at about twice the speed of the UTF-8 decoder. Not above ~1 MB: there Node
  // makes latin1 strings external, outside the V8 heap, where they linger until a full GC and
  // raised peak memory by a third on a 4 GB run.
  const ascii = bytes.length < EXTERNAL_STRING_BYTES && isAscii(bytes);
  if (!ascii && !isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    return { problem: locate(record, at, 'invalid-utf8', `invalid UTF-8 byte 0x${hex(bytes[at] ?? 0)}`) };
  }
  return parseText(record, bytes.toString(ascii ? 'latin1' : 'utf8'));
}

/** JSON.parse on a record's text, Python's non-finite tokens first rewritten where flagged. */
function parseText(record: RawRecord, decoded: string): ParsedRecord | { problem: ParseProblem } {
  let text = decoded;
  let nonFiniteTokens = 0;
  if (record.nonFinite) {
    const rewritten = rewriteNonFinite(text);
    text = rewritten.text;
    nonFiniteTokens = rewritten.count;
  }
  try {
    return { value: JSON.parse(text) as unknown, nonFiniteTokens };
  } catch (error) {
    // JSON.parse only throws SyntaxError; anything else is a bug and must surface.
    if (!(error instanceof SyntaxError)) throw error;
    return { problem: describeSyntaxError(record, text) };
  }
}

/**
 * Says where and why JSON.parse refused a record. V8's messages do not always carry a position and
 * quote the input (untrusted text), so the failed text is run through stream-json's verifier, which
 * gives the exact offset and what the grammar expected there. Only failed records pay for it.
 */
function describeSyntaxError(record: RawRecord, text: string): ParseProblem {
  const verify = jsonVerifier() as unknown as (chunk: string | symbol) => void;
  let charPos = text.length;
  let expected = '';
  try {
    verify(text);
    verify(FLUSH);
  } catch (error) {
    const e = error as { offset?: unknown; message?: unknown };
    if (typeof e.offset === 'number') charPos = e.offset;
    const m = typeof e.message === 'string' ? /cannot parse input: (.*)$/.exec(e.message) : null;
    if (m) expected = m[1]!;
  }
  const bytePos = Buffer.byteLength(text.slice(0, charPos));
  const c = record.bytes[bytePos];
  const found = c === undefined ? 'the end of the record' : describeByte(c);
  const why = expected === '' || expected === 'unexpected characters' ? `unexpected ${found}` : `${expected}, found ${found}`;
  return locate(record, bytePos, 'invalid-json', `not valid JSON: ${why}`);
}

function describeByte(c: number): string {
  if (c >= 0x21 && c <= 0x7e) return `'${String.fromCharCode(c)}'`;
  if (c === 0x20) return 'space';
  if (c === 0x0a) return 'line break';
  return `byte 0x${hex(c)}`;
}

function hex(c: number): string {
  return c.toString(16).padStart(2, '0');
}

/** Offset, line and column of byte `at` of a record, in its source. */
function locate(record: RawRecord, at: number, code: ParseProblem['code'], message: string): ParseProblem {
  const { bytes, provenance } = record;
  let line = provenance.line;
  let lineStartInRecord = -provenance.column + 1;
  const limit = Math.min(at, bytes.length);
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < limit; i = bytes.indexOf(0x0a, i + 1)) {
    line++;
    lineStartInRecord = i + 1;
  }
  return { code, message, offset: provenance.offset + at, line, column: at - lineStartInRecord + 1 };
}

/** Index of the first byte that breaks UTF-8 (only called when `isUtf8` said no). */
export function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    if (i + need >= bytes.length) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cont = bytes[i + k];
      if (cont === undefined || (cont & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cont & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}

/** Re-exported: the rewrite lives in the shared leaf, where a store's traces.json uses it too. */
export { rewriteNonFinite } from '../shared/non-finite.js';
