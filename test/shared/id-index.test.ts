import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../src/shared/id-index.js';

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

  it('tells a number it does not hold', () => {
    const index = new IdIndex();
    index.numberOf('a');
    expect(() => index.at(1)).toThrow(/no id numbered 1/);
    expect(() => index.at(-1)).toThrow(RangeError);
  });
});
