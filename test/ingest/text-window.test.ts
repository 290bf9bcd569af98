import { describe, expect, it } from 'vitest';
import { OversizedParseError, OversizedRecordParser } from '../../src/ingest/oversized.js';
import { CountingDecoder } from '../../src/ingest/oversized/text-window.js';
import { random } from '../helpers/prng.js';

/** Feeds `bytes` in chunks of `chunkSize` bytes (after `head`, pushed alone) and returns the error finish() or push() throws. */
function errorOf(bytes: Buffer, chunkSize: number, head?: Buffer): OversizedParseError {
  const parser = new OversizedRecordParser();
  try {
    if (head) parser.push(head);
    for (let at = 0; at < bytes.length; at += chunkSize) parser.push(bytes.subarray(at, at + chunkSize));
    parser.finish();
  } catch (error) {
    if (error instanceof OversizedParseError) return error;
    throw error;
  }
  throw new Error('expected an OversizedParseError');
}

/** The UTF-8 of strings and the bytes of the rest, one after the other. */
const bytesOf = (...parts: Array<string | number[] | Uint8Array>): Buffer => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

/** A first chunk big enough to be parsed at once (small chunks are batched into 64 Ki code units). */
const PAD = Buffer.from(' '.repeat(1 << 16));

/** Bytes that break UTF-8, each kind (the decoder would read each maximal bad subpart as one U+FFFD). */
const INVALID: Array<{ name: string; bytes: number[] }> = [
  { name: 'a lone continuation byte', bytes: [0x80] },
  { name: 'a truncated 3-byte sequence', bytes: [0xe2, 0x82] },
  { name: 'an overlong slash', bytes: [0xc0, 0xaf] },
  { name: 'an encoded surrogate', bytes: [0xed, 0xa0, 0x80] },
  { name: 'bytes F5 to FF', bytes: [0xf5, 0xf8, 0xfe, 0xff] },
  { name: 'a truncated 4-byte sequence', bytes: [0xf0, 0x9f, 0x98] },
  { name: 'a 4-byte sequence past U+10FFFF', bytes: [0xf4, 0x90, 0x80, 0x80] },
];

/** Valid text around them: a literal U+FFFD (three bytes, one replacement character, not a bad byte) and 4-byte characters. */
const LITERAL = '\uFFFD';
const EMOJI = '😀';

interface Case {
  name: string;
  input: Buffer;
  offset: number;
  message: string;
}

/** The record offset of the first byte of `input` that breaks UTF-8, and the message that names it. */
function firstBad(input: Buffer): { offset: number; message: string } {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(input);
  // The bytes before the first U+FFFD that did not come from a literal one.
  let at = 0;
  for (const ch of text) {
    const bytes = Buffer.from(ch);
    if (ch === '\uFFFD' && !input.subarray(at, at + 3).equals(bytes)) break;
    at += bytes.length;
  }
  return { offset: at, message: `invalid UTF-8 byte 0x${input[at]!.toString(16).padStart(2, '0')} at byte ${at}` };
}

/**
 * Records whose bad bytes sit inside strings, where a value is expected, among Python's NaN and
 * Infinity, and all kinds together: each is refused at its first bad byte (the syntax error after
 * it is never reached). One with only literal U+FFFD (valid UTF-8) is read to its syntax error.
 */
function cases(): Case[] {
  const out: Case[] = [];
  const refused = (name: string, input: Buffer): void => {
    out.push({ name, input, ...firstBad(input) });
  };
  for (const { name, bytes } of INVALID) {
    refused(`${name} inside strings`, bytesOf(`{"a": "${EMOJI}x`, bytes, `${LITERAL}", "b": "`, bytes, bytes, `${EMOJI}"`, ' #}'));
    refused(`${name} where a value is expected`, bytesOf(`["${LITERAL}${EMOJI}", `, bytes, ']'));
  }
  const all = INVALID.flatMap(({ bytes }) => bytes);
  refused('every kind of bad byte together', bytesOf(`{"${EMOJI}": "`, all, LITERAL, all, `", "n": [1, "`, all, `"`, ' 2]}'));
  refused('NaN and Infinity among bad bytes', bytesOf('["', 'x', '", NaN, -Infinity, "', [0xe2, 0x82], '", Infinity, NaN', ' ?]'));
  const literal = bytesOf(`["${LITERAL}${LITERAL}${EMOJI}", ${'"é", '.repeat(3)}`);
  out.push({
    name: 'only literal U+FFFD (no bad byte)',
    input: bytesOf(literal, '}'),
    offset: literal.length,
    message: `unexpected '}' at byte ${literal.length} inside an array at $: expected a value`,
  });
  return out;
}

describe('OversizedRecordParser: a byte that breaks UTF-8 refuses the record at that byte', () => {
  for (const { name, input, offset, message } of cases()) {
    it(`${name}: the exact byte, in chunks of 1 to 7 bytes and at once`, () => {
      for (const chunkSize of [1, 2, 3, 4, 5, 6, 7, input.length]) {
        const error = errorOf(input, chunkSize);
        expect({ offset: error.offset, message: error.message }, `${chunkSize}-byte chunks`).toStrictEqual({ offset, message });
      }
    });

    it(`${name}: the exact byte, split at every byte after a 64 KiB first chunk`, () => {
      const shifted = offset + PAD.length;
      for (let at = 1; at < input.length; at += 1) {
        const error = errorOf(input.subarray(at), input.length, Buffer.concat([PAD, input.subarray(0, at)]));
        expect({ offset: error.offset, message: error.message }, `split at ${at}`).toStrictEqual({ offset: shifted, message: message.replace(`at byte ${offset}`, `at byte ${shifted}`) });
      }
    });
  }
});

describe('OversizedRecordParser: byte offsets after characters of 2 to 4 bytes in large records', () => {
  const wide = `é∑${EMOJI}${LITERAL}`;

  it('maps offsets far past the text window, and across slices of one big chunk', () => {
    // Top-level members stay on the token path (only containers are read at once), so the window
    // drops many pieces holding wide characters; at once, the text is cut into slices of 256 Ki units.
    const members = Array.from({ length: 30_000 }, (_, i) => bytesOf(`"k${i}": "${EMOJI}`, wide, `${LITERAL}é", `));
    const head = bytesOf('{', ...members, '"last": 1');
    const input = bytesOf(head, ' 2}');
    for (const chunkSize of [4093, 1 << 16, input.length]) {
      const error = errorOf(input, chunkSize);
      expect(error.offset, `${chunkSize}-byte chunks`).toBe(head.length + 1);
      expect(error.message).toBe(`unexpected '2' at byte ${head.length + 1} inside an object at $: expected ',' or '}'`);
    }
  });

  it('counts a byte-order mark, values read at once and a skipped long string among wide characters', () => {
    const span = bytesOf('{"name": "', wide, '", "n": [1, 2]}');
    const long = bytesOf('"', ...Array.from({ length: 20_000 }, () => wide), '"');
    const head = bytesOf([0xef, 0xbb, 0xbf], '{"a": "', wide, '", "data": {"spans": [', span, ', ', span, ']}, "long": ', long, ', "b": "', wide, '"');
    const input = bytesOf(head, ' @}');
    for (const chunkSize of [1, 3, 7, 4096, input.length]) {
      const error = errorOf(input, chunkSize);
      expect(error.offset, `${chunkSize}-byte chunks`).toBe(head.length + 1);
      expect(error.message).toBe(`unexpected '@' at byte ${head.length + 1} inside an object at $: expected ',' or '}'`);
    }
  });

  it('refuses a bad byte far past the text window and after a skipped long string', () => {
    const bad = [0x80, 0xe2, 0x82];
    const members = Array.from({ length: 30_000 }, (_, i) => bytesOf(`"k${i}": "${EMOJI}`, wide, `", `));
    const long = bytesOf('"', ...Array.from({ length: 20_000 }, () => wide), '"');
    const head = bytesOf('{', ...members, '"long": ', long, ', "b": "x');
    const input = bytesOf(head, bad, '"}');
    for (const chunkSize of [7, 4093, input.length]) {
      const error = errorOf(input, chunkSize);
      expect({ offset: error.offset, message: error.message, code: error.code }, `${chunkSize}-byte chunks`).toStrictEqual({
        offset: head.length,
        message: `invalid UTF-8 byte 0x80 at byte ${head.length}`,
        code: 'invalid-utf8',
      });
    }
  });
});

/** Code points drawn from each UTF-8 length: ASCII, 2 bytes, 3 bytes (surrogates excluded, U+FEFF and U+FFFD included), 4 bytes. */
const RANGES: Array<[number, number]> = [
  [0x00, 0x7f],
  [0x80, 0x7ff],
  [0x800, 0xd7ff],
  [0xe000, 0xffff],
  [0x10000, 0x10ffff],
];

/** A string of up to 24 random code points, each from a random range of RANGES (plus U+FEFF and U+FFFD now and then). */
function randomText(next: () => number): string {
  const length = Math.floor(next() * 25);
  let text = '';
  for (let i = 0; i < length; i++) {
    const pick = next();
    if (pick < 0.05) text += '\uFEFF';
    else if (pick < 0.1) text += '\uFFFD';
    else {
      const [low, high] = RANGES[Math.floor(next() * RANGES.length)] as [number, number];
      text += String.fromCodePoint(low + Math.floor(next() * (high - low + 1)));
    }
  }
  return text;
}

describe('CountingDecoder', () => {
  it('gives the bytes each write decoded, on random UTF-8 in random chunks', () => {
    const next = random(2);
    /** Writes whose text did not come from their own chunk: the decoder held back a cut character. */
    let held = 0;
    for (let round = 0; round < 20_000; round++) {
      const text = randomText(next);
      const bytes = Buffer.from(text, 'utf8');
      const decoder = new CountingDecoder();
      const parts = [];
      for (let at = 0; at < bytes.length; ) {
        const size = Math.floor(next() * 6);
        const chunk = bytes.subarray(at, at + size);
        const part = decoder.write(chunk);
        if (part.bytes !== chunk.length) held += 1;
        parts.push(part);
        at += size;
      }
      parts.push(decoder.end());
      const label = bytes.toString('hex');
      expect(parts.map((part) => part.text).join(''), label).toBe(text);
      let at = 0;
      for (const part of parts) {
        expect(part.bytes, `${label} from ${at}`).toBe(Buffer.byteLength(part.text, 'utf8'));
        // The bytes the part came from decode to it alone (a character cut by a chunk's end comes whole with the write that completes it).
        expect(bytes.subarray(at, at + part.bytes).toString('utf8'), `${label} from ${at}`).toBe(part.text);
        at += part.bytes;
      }
      expect(at, label).toBe(bytes.length);
    }
    expect(held).toBeGreaterThan(1000);
  });
});
