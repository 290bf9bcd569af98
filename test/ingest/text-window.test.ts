import { describe, expect, it } from 'vitest';
import { OversizedParseError, OversizedRecordParser } from '../../src/ingest/oversized.js';
import { CountingDecoder, unitsToBytes } from '../../src/ingest/oversized/text-window.js';
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

/**
 * Bytes that decode to replacement characters. Every invalid byte (or maximal invalid subpart) is
 * one U+FFFD of three bytes when re-encoded, so each shifts a byte offset computed from the decoded
 * text (a 3-byte subpart does not, which the walk must still count right).
 */
const INVALID: Array<{ name: string; bytes: number[] }> = [
  { name: 'a lone continuation byte', bytes: [0x80] },
  { name: 'a truncated 3-byte sequence', bytes: [0xe2, 0x82] },
  { name: 'an overlong slash', bytes: [0xc0, 0xaf] },
  { name: 'an encoded surrogate', bytes: [0xed, 0xa0, 0x80] },
  { name: 'bytes F5 to FF', bytes: [0xf5, 0xf8, 0xfe, 0xff] },
  { name: 'a truncated 4-byte sequence', bytes: [0xf0, 0x9f, 0x98] },
  { name: 'a 4-byte sequence past U+10FFFF', bytes: [0xf4, 0x90, 0x80, 0x80] },
];

/** Valid text around them: a literal U+FFFD (three bytes, one replacement character) and 4-byte characters. */
const LITERAL = '\uFFFD';
const EMOJI = '😀';

interface Case {
  name: string;
  input: Buffer;
  offset: number;
  message: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const { name, bytes } of INVALID) {
    // The bad bytes inside a string, then a syntax error after it.
    const head = bytesOf(`{"a": "${EMOJI}x`, bytes, `${LITERAL}", "b": "`, bytes, bytes, `${EMOJI}"`);
    out.push({
      name: `${name} inside strings`,
      input: bytesOf(head, ' #}'),
      offset: head.length + 1,
      message: `unexpected '#' at byte ${head.length + 1} inside an object at $: expected ',' or '}'`,
    });
    // The bad bytes where a value is expected, after more of them in a string: reported at their first byte.
    const before = bytesOf('["', bytes, `${LITERAL}${EMOJI}", `);
    out.push({
      name: `${name} where a value is expected`,
      input: bytesOf(before, bytes, ']'),
      offset: before.length,
      message: `unexpected character U+FFFD at byte ${before.length} inside an array at $: expected a value`,
    });
  }
  const all = INVALID.flatMap(({ bytes }) => bytes);
  const mixed = bytesOf(`{"${EMOJI}": "`, all, LITERAL, all, `", "n": [1, "`, all, `"`);
  out.push({
    name: 'every kind of bad byte together',
    input: bytesOf(mixed, ' 2]}'),
    offset: mixed.length + 1,
    message: `unexpected '2' at byte ${mixed.length + 1} inside an array at $.n: expected ',' or ']'`,
  });
  const tokens = bytesOf('["', [0x80], '", NaN, -Infinity, "', [0xe2, 0x82], '", Infinity, NaN');
  out.push({
    name: 'NaN and Infinity among bad bytes',
    input: bytesOf(tokens, ' ?]'),
    offset: tokens.length + 1,
    message: `unexpected '?' at byte ${tokens.length + 1} inside an array at $: expected ',' or ']'`,
  });
  const literal = bytesOf(`["${LITERAL}${LITERAL}${EMOJI}", ${'"é", '.repeat(3)}`);
  out.push({
    name: 'only literal U+FFFD (no bad byte)',
    input: bytesOf(literal, '}'),
    offset: literal.length,
    message: `unexpected '}' at byte ${literal.length} inside an array at $: expected a value`,
  });
  return out;
}

describe('OversizedRecordParser: byte offsets after invalid UTF-8', () => {
  for (const { name, input, offset, message } of cases()) {
    it(`reports the exact byte after ${name}, in chunks of 1 to 7 bytes and at once`, () => {
      for (const chunkSize of [1, 2, 3, 4, 5, 6, 7, input.length]) {
        const error = errorOf(input, chunkSize);
        expect({ offset: error.offset, message: error.message }, `${chunkSize}-byte chunks`).toStrictEqual({ offset, message });
      }
    });

    it(`reports the exact byte after ${name}, split at every byte after a 64 KiB first chunk`, () => {
      const shifted = offset + PAD.length;
      for (let at = 1; at < input.length; at += 1) {
        const error = errorOf(input.subarray(at), input.length, Buffer.concat([PAD, input.subarray(0, at)]));
        expect({ offset: error.offset, message: error.message }, `split at ${at}`).toStrictEqual({ offset: shifted, message: message.replace(`at byte ${offset} `, `at byte ${shifted} `) });
      }
    });
  }
});

describe('OversizedRecordParser: byte offsets after invalid UTF-8 in large records', () => {
  const bad = [0x80, 0xe2, 0x82, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xff, 0xf0, 0x9f, 0x98];

  it('maps offsets far past the text window, and across slices of one big chunk', () => {
    // Top-level members stay on the token path (only containers are read at once), so the window
    // drops many pieces holding bad bytes; at once, the text is cut into slices of 256 Ki units.
    const members = Array.from({ length: 30_000 }, (_, i) => bytesOf(`"k${i}": "${EMOJI}`, bad, `${LITERAL}é", `));
    const head = bytesOf('{', ...members, '"last": 1');
    const input = bytesOf(head, ' 2}');
    for (const chunkSize of [4093, 1 << 16, input.length]) {
      const error = errorOf(input, chunkSize);
      expect(error.offset, `${chunkSize}-byte chunks`).toBe(head.length + 1);
      expect(error.message).toBe(`unexpected '2' at byte ${head.length + 1} inside an object at $: expected ',' or '}'`);
    }
  });

  it('counts a byte-order mark, values read at once and a skipped long string among bad bytes', () => {
    const span = bytesOf('{"name": "', bad, '", "n": [1, 2]}');
    const long = bytesOf('"', ...Array.from({ length: 20_000 }, () => bad), '"');
    const head = bytesOf([0xef, 0xbb, 0xbf], '{"a": "', bad, '", "data": {"spans": [', span, ', ', span, ']}, "long": ', long, ', "b": "', bad, '"');
    const input = bytesOf(head, ' @}');
    for (const chunkSize of [1, 3, 7, 4096, input.length]) {
      const error = errorOf(input, chunkSize);
      expect(error.offset, `${chunkSize}-byte chunks`).toBe(head.length + 1);
      expect(error.message).toBe(`unexpected '@' at byte ${head.length + 1} inside an object at $: expected ',' or '}'`);
    }
  });
});

/** Bytes that start, continue, cut short or break UTF-8 sequences, ASCII, and the bytes of U+FFFD and a BOM. */
const ALPHABET = [0x41, 0x22, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xaf, 0xbb, 0xbd, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xee, 0xef, 0xf0, 0xf3, 0xf4, 0xf5, 0xf8, 0xfe, 0xff];

function randomBytes(next: () => number): Buffer {
  const length = Math.floor(next() * 16);
  return Buffer.from(Array.from({ length }, () => ALPHABET[Math.floor(next() * ALPHABET.length)] as number));
}

/** The reference decoder: WHATWG UTF-8, a leading BOM kept as a character like StringDecoder does. */
const decode = (bytes: Uint8Array): string => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);

describe('unitsToBytes', () => {
  it('counts code units as TextDecoder decodes them, on random bytes', () => {
    const next = random(1);
    for (let round = 0; round < 20_000; round++) {
      const bytes = randomBytes(next);
      const text = decode(bytes);
      expect(unitsToBytes(bytes, 0, text.length), `${bytes.toString('hex')}: all`).toBe(bytes.length);
      for (let units = 0; units <= text.length; units++) {
        const low = text.charCodeAt(units);
        if (low >= 0xdc00 && low <= 0xdfff) continue;
        // Each split point must cut the bytes where the text is cut: both halves decode alone to their half.
        const at = unitsToBytes(bytes, 0, units);
        expect([decode(bytes.subarray(0, at)), decode(bytes.subarray(at))], `${bytes.toString('hex')} at ${units} units`).toStrictEqual([text.slice(0, units), text.slice(units)]);
      }
    }
  });

  it('stops before a character whose surrogate pair the count would split', () => {
    const bytes = Buffer.from('a😀b');
    expect([1, 2, 3, 4].map((units) => unitsToBytes(bytes, 0, units))).toStrictEqual([1, 1, 5, 6]);
  });
});

describe('CountingDecoder', () => {
  it('gives the bytes each write decoded, on random bytes in random chunks', () => {
    const next = random(2);
    for (let round = 0; round < 20_000; round++) {
      const bytes = Buffer.concat([randomBytes(next), randomBytes(next), randomBytes(next)]);
      const decoder = new CountingDecoder();
      const parts = [];
      for (let at = 0; at < bytes.length; ) {
        const size = Math.floor(next() * 6);
        parts.push(decoder.write(bytes.subarray(at, at + size)));
        at += size;
      }
      parts.push(decoder.end());
      const label = bytes.toString('hex');
      expect(parts.map((part) => part.text).join(''), label).toBe(decode(bytes));
      let at = 0;
      for (const part of parts) {
        const own = bytes.subarray(at, at + part.bytes);
        expect(decode(own), `${label} from ${at}`).toBe(part.text);
        // Bytes are kept exactly when re-encoding the text would count them wrong.
        if (part.raw) expect(part.raw.equals(own), `${label} from ${at}`).toBe(true);
        else expect(Buffer.byteLength(part.text), `${label} from ${at}`).toBe(part.bytes);
        at += part.bytes;
      }
      expect(at, label).toBe(bytes.length);
    }
  });
});
