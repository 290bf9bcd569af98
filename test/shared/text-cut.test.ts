import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { excerpt as ruleExcerpt } from '../../src/rules/util/turn-list.js';
import { codePoints, cut, CUT_COUNT, DOTS, ELLIPSIS, ELLIPSIS_AFTER, ELLIPSIS_TRIMMED, NO_MARK, type CutMark } from '../../src/shared/text.js';

// The one text cutter (src/shared/text.ts): lengths in code points, never half a character,
// never half a grapheme cluster, every marker from one function.

/** A lone surrogate anywhere in `text`. */
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });
const clusters = (text: string): string[] => [...GRAPHEMES.segment(text)].map((s) => s.segment);

describe('cut: the markers', () => {
  const long = 'abcdefghij';
  it.each<[string, CutMark, number, string]>([
    ['ELLIPSIS counts the … within the length', ELLIPSIS, 5, 'abcd…'],
    ['ELLIPSIS_AFTER puts the … after the length', ELLIPSIS_AFTER, 5, 'abcde…'],
    ['DOTS is MLflow’s table marker', DOTS, 6, 'abc...'],
    ['CUT_COUNT is the engine’s, counting what was left out', CUT_COUNT, 4, 'abcd… [cut, 6 chars]'],
    ['NO_MARK cuts bare', NO_MARK, 3, 'abc'],
  ])('%s', (_name, mark, max, expected) => {
    expect(cut(long, max, mark)).toBe(expected);
    expect(cut(long, long.length, mark)).toBe(long);
  });

  it('ELLIPSIS_TRIMMED drops the space before the …', () => {
    expect(cut('abc   def', 5, ELLIPSIS_TRIMMED)).toBe('abc…');
  });

  it('counts code points, not UTF-16 units, and groups large counts', () => {
    expect(cut('😀'.repeat(5), 5)).toBe('😀'.repeat(5));
    expect(cut('😀'.repeat(6), 5)).toBe('😀😀😀😀…');
    expect(cut('x'.repeat(1500), 10, CUT_COUNT)).toBe(`${'x'.repeat(10)}… [cut, 1 490 chars]`);
  });

  it('counts hidden code points in the marker, and always marks a text that has some', () => {
    expect(cut('abc', 10, CUT_COUNT, 7)).toBe('abc');
    expect(cut('abc', 2, CUT_COUNT, 7)).toBe('ab… [cut, 8 chars]');
  });

  it('keeps flags, ZWJ sequences and accents whole', () => {
    expect(cut('ab🇫🇷', 3, NO_MARK)).toBe('ab');
    expect(cut('a👨‍👩‍👧b', 3, NO_MARK)).toBe('a');
    expect(cut('cafe\u0301s', 4, NO_MARK)).toBe('caf');
    expect(cut('a\r\nb', 2, NO_MARK)).toBe('a');
  });
});

describe('cut: properties over texts full of astral characters and clusters', () => {
  const piece = fc.constantFrom('a', ' ', 'é', 'e\u0301', '😀', '𝒳', '🇫🇷', '👨‍👩‍👧', '👍🏽', '\r\n', '한', '中', '\u0915\u094d\u0937');
  const text = fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(''));
  const marks = fc.constantFrom(ELLIPSIS, ELLIPSIS_AFTER, DOTS, CUT_COUNT, NO_MARK, ELLIPSIS_TRIMMED);

  it('never leaves a lone surrogate, never splits a cluster, keeps the length and says what it left out', () => {
    fc.assert(
      fc.property(text, fc.nat({ max: 80 }), marks, (t, max, mark) => {
        const out = cut(t, max, mark);
        expect(out).not.toMatch(LONE);
        const total = codePoints(t);
        if (total <= max) {
          expect(out).toBe(t);
          return;
        }
        const tail = mark.tail(0, total);
        const kept = mark === CUT_COUNT ? out.slice(0, out.lastIndexOf('… [cut, ')) : out.slice(0, out.length - tail.length);
        expect(t.startsWith(kept)).toBe(true);
        // The kept part ends on a cluster boundary of the whole text (trimming only drops spaces).
        const boundaries = new Set<number>([0]);
        let at = 0;
        for (const c of clusters(t)) boundaries.add((at += c.length));
        if (mark.trimEnd !== true) expect(boundaries.has(kept.length), JSON.stringify([t, max, out])).toBe(true);
        const room = mark.within ? Math.max(0, max - codePoints(tail)) : max;
        expect(codePoints(kept)).toBeLessThanOrEqual(room);
        // A cut keeps every whole cluster that fits.
        const next = clusters(t.slice(kept.length))[0] ?? '';
        if (mark.trimEnd !== true) expect(codePoints(kept) + codePoints(next)).toBeGreaterThan(room);
        if (mark === CUT_COUNT) expect(out.endsWith(`… [cut, ${String(total - codePoints(kept)).replace(/\B(?=(\d{3})+(?!\d))/gu, ' ')} chars]`)).toBe(true);
      }),
      { numRuns: 3000, seed: 12 },
    );
  });

  it('cuts an astral character at every UTF-16 position of a long text whole', () => {
    const base = 'x'.repeat(300);
    for (let at = 0; at < 300; at++) {
      const t = `${base.slice(0, at)}😀${base.slice(at)}`;
      for (const max of [at - 1, at, at + 1, at + 2]) {
        if (max < 0) continue;
        expect(cut(t, max, NO_MARK)).not.toMatch(LONE);
        expect(cut(t, max, CUT_COUNT)).not.toMatch(LONE);
      }
    }
  });

  it('steps back over a cluster longer than the fast path looks at (a flag run, a long ZWJ run)', () => {
    const flags = '🇫🇷'.repeat(100);
    expect(cut(`a${flags}`, 8, NO_MARK)).toBe(`a${'🇫🇷'.repeat(3)}`);
    const zwj = 'a' + '👨‍👩‍👧'.repeat(40);
    const out = cut(zwj, 100, NO_MARK);
    expect(clusters(zwj.slice(0, out.length)).at(-1)).toBe('👨‍👩‍👧');
  });
});

describe('the rules’ evidence excerpt (turn-list.ts) cuts through the shared cutter', () => {
  it('an emoji straddling the cut stays whole', () => {
    // 58 letters then an emoji: a UTF-16 cut at 59 units left half of it (a lone high surrogate).
    const text = `${'a'.repeat(58)}😀 and more`;
    expect(ruleExcerpt(text)).toBe(`"${'a'.repeat(58)}😀…"`);
    expect(ruleExcerpt(text)).not.toMatch(LONE);
    expect(ruleExcerpt(`${'a'.repeat(57)}👨‍👩‍👧 and more`)).toBe(`"${'a'.repeat(57)}…"`);
  });
});

// A guard on the class: new text cuts in the report and rules layers go through the shared
// cutter. It looks for the hand-written shapes the cutter replaced (`Array.from(x).slice(0,`,
// `[...x].slice(0,`, `${x.slice(0, N)}…`, `x.slice(0, N) + '…'`): a slice of a list is not flagged.
describe('no hand-written text cut in src/report and src/rules', () => {
  const SRC = new URL('../../src/', import.meta.url).pathname;
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
    });
  it('finds none', () => {
    const offenders = ['report', 'rules', 'model', 'engine', 'cli'].flatMap((folder) =>
      files(join(SRC, folder)).flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${relative(SRC, file)}:${i + 1}` }))
          .filter(({ line }) => /Array\.from\([\w.]+\)\.slice\(0,|\[\.\.\.[\w.]+\]\.slice\(0,|\.slice\(0, [^)]*\)(?:\.join\(''\))?(?:\}…|\}\.\.\.| \+ '(?:…|\.\.\.)')/u.test(line))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      ),
    );
    expect(offenders).toEqual([]);
  });
});
