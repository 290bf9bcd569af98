import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../src/shared/id-index.js';
import { randomInts } from '../helpers/prng.js';

// The trace ids of a run, numbered in a compact index: every id must come back exactly as given
// (whatever its characters), be found again by its number, and never be taken for another.
describe('IdIndex', () => {
  it('numbers ids in the order first seen and finds them again, past every growth', () => {
    const index = new IdIndex();
    const ids = Array.from({ length: 50_000 }, (_, i) => `${(i * 2654435761) % 4294967296}`.padStart(32, 'f'));
    ids.forEach((id, i) => expect(index.numberOf(id)).toBe(i));
    expect(index.size).toBe(50_000);
    ids.forEach((id, i) => {
      expect(index.find(id)).toBe(i);
      expect(index.numberOf(id)).toBe(i);
      expect(index.at(i)).toBe(id);
    });
    expect(index.size).toBe(50_000);
    expect(index.find('not-there')).toBe(-1);
    expect(index.find(`${ids[0]!}x`)).toBe(-1);
    expect(index.find(ids[0]!.slice(1))).toBe(-1);
  });

  it('keeps any string exactly: empty, latin1, wider characters, lone surrogates, NUL', () => {
    const index = new IdIndex();
    const ids = ['', 'é', 'ÿ\u0000ÿ', 'Ā', '日本語', '\uD800', '\uDC00x', '😀', 'a\uD800b', 'tr-1', 'TR-1'];
    ids.forEach((id, i) => expect(index.numberOf(id)).toBe(i));
    ids.forEach((id, i) => {
      expect(index.at(i)).toBe(id);
      expect(index.find(id)).toBe(i);
    });
    // A wide id and a latin1 id with the same low bytes are different ids.
    expect(index.find('\u0100')).toBe(3);
    expect(index.find('\u0000')).toBe(-1);
  });

  it('keeps trace ids of hex digits in half the bytes, and tells them from ids that only look alike', () => {
    const index = new IdIndex();
    const ids = [
      'tr-0123456789abcdef0123456789abcdef', // MLflow
      '0123456789abcdef0123456789abcdef', // OpenTelemetry, the same digits
      'tr-0123456789ABCDEF0123456789ABCDEF', // upper case: kept as written, not as hex
      'tr-0123456789abcdef0123456789abcde', // odd number of digits
      'tr-',
      'tr-tr-00',
      'tr-00',
      '00',
      '0',
      'tr-0g',
      'TR-00',
      'tr-00é',
      'tr-00日',
    ];
    ids.forEach((id, i) => expect(index.numberOf(id)).toBe(i));
    ids.forEach((id, i) => {
      expect(index.at(i)).toBe(id);
      expect(index.find(id)).toBe(i);
    });
    expect(index.find('tr-0000')).toBe(-1);
    expect(index.find('tr-0')).toBe(-1);
    expect(index.find('000')).toBe(-1);
  });

  it('numbers random ids as a Map does, whatever mix of hex digits, prefix and other characters they hold', () => {
    const next = randomInts(11);
    const alphabet = ['0', '9', 'a', 'f', 'g', 'A', 'F', '-', 't', 'r', 'é', '日', '\uD800'];
    const prefixes = ['', 'tr-', 'tr', 'r-', 'TR-'];
    const index = new IdIndex();
    const expected = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const hexOnly = next(2) === 0;
      const length = next(9);
      let id = prefixes[next(prefixes.length)]!;
      for (let k = 0; k < length; k++) id += hexOnly ? '0123456789abcdef'[next(16)]! : alphabet[next(alphabet.length)]!;
      const n = expected.get(id) ?? expected.size;
      if (!expected.has(id)) {
        expect(index.find(id)).toBe(-1);
        expected.set(id, n);
      }
      expect(index.numberOf(id)).toBe(n);
    }
    expect(index.size).toBe(expected.size);
    for (const [id, n] of expected) {
      expect(index.at(n)).toBe(id);
      expect(index.find(id)).toBe(n);
    }
  });

  it('tells a number it does not hold', () => {
    const index = new IdIndex();
    index.numberOf('a');
    expect(() => index.at(1)).toThrow(/no id numbered 1/);
    expect(() => index.at(-1)).toThrow(RangeError);
  });
});
