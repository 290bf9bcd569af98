/**
 * The scanner's byte tables and small pure helpers: the white space and letters it looks at besides
 * JSON's structural bytes (`json-bytes.ts`), which bytes can start a value, its holding caps, and
 * the reading of a chunk's edges (the lookahead kept for the next chunk, a byte order mark's start).
 * `scanner.ts` keeps file-local copies of the white space and letters for its byte loop.
 */
import { LBRACE } from './json-bytes.js';

export const LF = 0x0a;
export const CR = 0x0d;
export const SPACE = 0x20;
export const TAB = 0x09;
/** The first letters of Python's `NaN` and `Infinity`. */
export const UPPER_N = 0x4e;
export const UPPER_I = 0x49;

/**
 * Bytes that can start a JSON value (or Python's NaN/Infinity): a top-level run that starts with
 * any other byte (a NUL, a letter, a `}`) can never be a trace.
 */
export const STARTS_VALUE = new Uint8Array(256);
for (const c of '{["-0123456789tfnNI') STARTS_VALUE[c.charCodeAt(0)] = 1;

export function startsValue(c: number): boolean {
  return STARTS_VALUE[c] === 1;
}

/**
 * A run that is no JSON value (garbage, or a gzip bomb of NULs) is held up to this many bytes:
 * enough to say what it is; past that it is refused and skipped to the end of its line unheld.
 */
export const RUN_CAP = 64 * 1024;

/** Characters of a depth-1 key or page token kept while it is read: enough to match or show one. */
export const CAPTURE_CAP = 256;

export const EMPTY = Buffer.alloc(0);

/**
 * The bytes at the end of a chunk whose meaning depends on the bytes after them, wherever the
 * input is cut into chunks: a line break (a `{"` after it ends a cut-short first line), with the
 * CR before it (a JSON line ends before its CR) and a `{` after it; a lone CR.
 */
export function lookaheadTail(chunk: Buffer): number {
  const len = chunk.length;
  const last = chunk[len - 1];
  if (last === CR) return 1;
  if (last === LF) return chunk[len - 2] === CR ? 2 : 1;
  if (last === LBRACE && chunk[len - 2] === LF) return chunk[len - 3] === CR ? 3 : 2;
  return 0;
}

/** True when `bytes` could still grow into a UTF-8 or UTF-16 byte order mark. */
export function isBomPrefix(bytes: Buffer): boolean {
  const utf8 = [0xef, 0xbb, 0xbf];
  if (bytes.every((b, k) => b === utf8[k])) return true;
  return bytes.length === 1 && (bytes[0] === 0xff || bytes[0] === 0xfe);
}

/** The index of `byte` in `chunk` from `from`, or `none` when there is none. */
export function indexOr(chunk: Buffer, byte: number, from: number, none: number): number {
  const at = chunk.indexOf(byte, from);
  return at === -1 ? none : at;
}
