import { describe, expect, it } from 'vitest';
import { CountingDecoder, unitsToBytes } from '../../src/ingest/oversized/text-window.js';

/** Bytes that start, continue, cut short or break UTF-8 sequences, ASCII, and the bytes of U+FFFD and a BOM. */
const ALPHABET = [0x41, 0x22, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xaf, 0xbb, 0xbd, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xee, 0xef, 0xf0, 0xf3, 0xf4, 0xf5, 0xf8, 0xfe, 0xff];

/** A small seeded generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
