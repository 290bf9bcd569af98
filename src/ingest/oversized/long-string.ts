import { Buffer } from 'node:buffer';
import { BACKSLASH, QUOTE } from '../json-bytes.js';

const LOWER_U = 0x75;

/** Bytes that may follow a backslash in a JSON string, `u` apart: `" \ / b f n r t`. */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;

const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/** Where a skipped run of a string ended: at its closing quote, or at a byte the grammar rejects. */
export interface SkipEnd {
  /** The buffer scanned (the bytes held back from the previous chunk, then the chunk). */
  buf: Buffer;
  /** Record offset of `buf[0]`. */
  base: number;
  /** Index in `buf` of the closing quote, or of the first byte of what the grammar rejects. */
  stop: number;
}

/**
 * The rest of a string already being cut, skipped without decoding it into text: only the UTF-16
 * length it adds is counted, and its bytes are checked as the grammar would (no control
 * character, only valid escapes). At the closing quote, or at the first byte the grammar rejects,
 * the caller sends the bytes from there on to the token path again, which closes the string, or
 * reports the error at its exact byte.
 */
export class LongStringSkipper {
  /** UTF-16 code units of the string's text skipped so far. */
  units = 0;
  /** An escape cut by the end of a chunk, held back so that an error in it is reported from its backslash. */
  private carry: Buffer | null = null;

  /**
   * Scans the next bytes (`chunk` at record offset `base`); returns where the skipped run ended, if it did.
   *
   * The bytes are UTF-8 (the parser refuses a record at its first byte that is not, before any
   * byte gets here), so the code units are counted from the bytes alone: one per byte that starts
   * a character, two for a character of four bytes (a surrogate pair), none for the rest.
   */
  feed(chunk: Buffer, base: number): SkipEnd | null {
    const carry = this.carry;
    this.carry = null;
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    const start = carry ? base - carry.length : base;
    const n = buf.length;
    /** Bytes of the run that add no code unit: continuation bytes, the rest of each escape. */
    let savings = 0;
    let escapeAt = -1;
    let hexLeft = 0;
    let escaped = false;
    let stop = -1;
    for (let i = 0; i < n; i++) {
      const b = buf[i] as number;
      if (hexLeft > 0) {
        if (HEX[b] !== 1) {
          stop = escapeAt;
          break;
        }
        hexLeft -= 1;
        // `\uXXXX`: six bytes, one code unit.
        if (hexLeft === 0) savings += 5;
        continue;
      }
      if (escaped) {
        escaped = false;
        if (b === LOWER_U) hexLeft = 4;
        else if (SIMPLE_ESCAPE[b] === 1) savings += 1;
        else {
          stop = escapeAt;
          break;
        }
        continue;
      }
      if (b === QUOTE || b < 0x20) {
        stop = i;
        break;
      }
      if (b === BACKSLASH) {
        escaped = true;
        escapeAt = i;
      } else if (b >= 0x80) {
        // A continuation byte adds nothing; the first byte of four stands for two units.
        if ((b & 0xc0) === 0x80) savings += 1;
        else if (b >= 0xf0) savings -= 1;
      }
    }
    let end = stop === -1 ? n : stop;
    if (stop === -1 && (escaped || hexLeft > 0)) {
      // Scanned again from its backslash with the next chunk (the bytes of the escape add no units yet).
      end = escapeAt;
      this.carry = buf.subarray(escapeAt);
    }
    this.units += end - savings;
    return stop === -1 ? null : { buf, base: start, stop };
  }

  /** The record ended inside the string: the held-back bytes of a cut escape (the token path reports them). */
  finish(): Buffer | null {
    const carry = this.carry;
    this.carry = null;
    return carry;
  }
}
