import { Buffer, isUtf8 } from 'node:buffer';
import { firstInvalidUtf8 } from '../parse.js';

const EMPTY = Buffer.alloc(0);

/**
 * How many bytes a character has whose first byte is `lead` (1 for ASCII, 0 for a byte that starts
 * none: a continuation byte or one UTF-8 never uses).
 */
function charBytes(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Where the last character of `bytes` starts if the end cuts it short (it may go on in the next chunk), else `bytes.length`. */
function wholeCharsEnd(bytes: Buffer): number {
  const n = bytes.length;
  for (let at = n - 1; at >= 0 && at >= n - 3; at--) {
    const b = bytes[at] as number;
    if ((b & 0xc0) === 0x80) continue;
    const need = charBytes(b);
    return need > n - at ? at : n;
  }
  return n;
}

/**
 * Checks that a record pushed in chunks is UTF-8, as `parseRecord` checks a record it holds whole:
 * the span-by-span path refuses the same records, at the same byte, instead of reading each bad
 * byte as U+FFFD. A character cut by a chunk's end is checked with the next chunk.
 */
export class Utf8Check {
  /** The start of a character cut by the last chunk's end (at most 3 bytes). */
  private carry: Buffer = EMPTY;
  /** Record offset of the next byte pushed. */
  private at = 0;
  /** The byte that broke UTF-8, once `push` found one. */
  badByte = 0;

  /** The record offset of the first byte of `chunk` that breaks UTF-8, or -1. */
  push(chunk: Buffer): number {
    const base = this.at - this.carry.length;
    this.at += chunk.length;
    const bytes = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const end = wholeCharsEnd(bytes);
    const whole = end === bytes.length ? bytes : bytes.subarray(0, end);
    if (!isUtf8(whole)) {
      const bad = firstInvalidUtf8(whole);
      this.badByte = whole[bad] ?? 0;
      return base + bad;
    }
    this.carry = end === bytes.length ? EMPTY : Buffer.from(bytes.subarray(end));
    return -1;
  }

  /** At the record's end: the offset of a character cut short by it, or -1. */
  finish(): number {
    return this.carry.length === 0 ? -1 : this.at - this.carry.length;
  }
}
