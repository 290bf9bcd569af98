import { COLON, COMMA, LBRACE, LBRACKET, QUOTE, RBRACE, RBRACKET, unescapedQuote } from './json-bytes.js';

/** A byte range `[start, end)` inside a record. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Finds the value of `path` (object keys, outermost first) inside one record's bytes without
 * parsing the record: only string state and nesting are tracked, and the scan stops as soon as the
 * value ends. `search` uses it to read `info` alone (a few KB at the front of a trace that may
 * weigh MBs) and decide a filter before the spans are parsed. Returns null when the bytes are not
 * an object holding that path, or are not well formed where it looked; the caller then parses the
 * whole record, which reports any fault properly.
 */
export function findValue(bytes: Uint8Array, path: readonly string[]): ByteRange | null {
  let start = 0;
  let end = bytes.length;
  for (const key of path) {
    const found = findKey(bytes, start, end, Buffer.from(JSON.stringify(key)));
    if (found === null) return null;
    ({ start, end } = found);
  }
  return { start, end };
}

function findKey(bytes: Uint8Array, from: number, to: number, quotedKey: Uint8Array): ByteRange | null {
  let i = skipSpace(bytes, from, to);
  if (bytes[i] !== LBRACE) return null;
  i = skipSpace(bytes, i + 1, to);
  if (bytes[i] === RBRACE) return null;
  while (i < to) {
    if (bytes[i] !== QUOTE) return null;
    const keyEnd = stringEnd(bytes, i, to);
    if (keyEnd < 0) return null;
    const match = keyEnd - i === quotedKey.length && equalAt(bytes, i, quotedKey);
    i = skipSpace(bytes, keyEnd, to);
    if (bytes[i] !== COLON) return null;
    const valueStart = skipSpace(bytes, i + 1, to);
    const valueEnd = valueEndAt(bytes, valueStart, to);
    if (valueEnd < 0) return null;
    if (match) return { start: valueStart, end: valueEnd };
    i = skipSpace(bytes, valueEnd, to);
    if (bytes[i] !== COMMA) return null;
    i = skipSpace(bytes, i + 1, to);
  }
  return null;
}

function skipSpace(bytes: Uint8Array, i: number, to: number): number {
  while (i < to) {
    const c = bytes[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/**
 * The index just past the string that opens at `i`, or -1: the first quote after it that an odd
 * run of backslashes does not escape, found with `indexOf` (native) rather than byte by byte.
 */
function stringEnd(bytes: Uint8Array, i: number, to: number): number {
  const j = unescapedQuote(bytes, i + 1);
  return j === -1 || j >= to ? -1 : j + 1;
}

/** The index just past the value that starts at `i` (a container, a string or a scalar), or -1. */
function valueEndAt(bytes: Uint8Array, i: number, to: number): number {
  const first = bytes[i];
  if (first === QUOTE) return stringEnd(bytes, i, to);
  if (first !== LBRACE && first !== LBRACKET) {
    let j = i;
    while (j < to) {
      const c = bytes[j]!;
      if (c === COMMA || c === RBRACE || c === RBRACKET || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) break;
      j++;
    }
    return j > i ? j : -1;
  }
  let depth = 0;
  for (let j = i; j < to; j++) {
    const c = bytes[j]!;
    if (c === QUOTE) {
      j = stringEnd(bytes, j, to) - 1;
      if (j < 0) return -1;
    } else if (c === LBRACE || c === LBRACKET) depth++;
    else if (c === RBRACE || c === RBRACKET) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

function equalAt(bytes: Uint8Array, at: number, needle: Uint8Array): boolean {
  for (let k = 0; k < needle.length; k++) if (bytes[at + k] !== needle[k]) return false;
  return true;
}

/**
 * The first key of the object a record's bytes hold and the first byte of its value, read without
 * parsing (a few bytes in): enough to tell an MLflow trace (`{"info": {…`) from another tracer's
 * record before the record is parsed. Null when the bytes do not start that way, or the key holds
 * an escape.
 */
export function firstKey(bytes: Uint8Array): { key: string; value: number } | null {
  let i = skipSpace(bytes, 0, bytes.length);
  if (bytes[i] !== LBRACE) return null;
  i = skipSpace(bytes, i + 1, bytes.length);
  if (bytes[i] !== QUOTE) return null;
  const end = stringEnd(bytes, i, Math.min(bytes.length, i + MAX_FIRST_KEY));
  if (end < 0) return null;
  const key = Buffer.from(bytes.buffer, bytes.byteOffset + i + 1, end - i - 2).toString('latin1');
  if (key.includes('\\')) return null;
  i = skipSpace(bytes, end, bytes.length);
  if (bytes[i] !== COLON) return null;
  i = skipSpace(bytes, i + 1, bytes.length);
  return i < bytes.length ? { key, value: bytes[i]! } : null;
}

/** A first key longer than this is no key of a trace format. */
const MAX_FIRST_KEY = 256;
