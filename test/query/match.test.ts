import { describe, expect, it } from 'vitest';
import { likeMatcher, quoteRegex, regexMatcher } from '../../src/query/match.js';

// [pattern, case-insensitive, text, matches]
const like: Array<[string, boolean, string, boolean]> = [
  ['abc', false, 'abc', true],
  ['abc', false, 'abd', false],
  ['abc', false, 'ABC', false],
  ['abc', true, 'ABC', true],
  ['ABC', true, 'abc', true],
  ['abc', false, 'abcd', false],
  ['a%', false, 'abc', true],
  ['%c', false, 'abc', true],
  ['%b%', false, 'abc', true],
  ['%b%', false, 'ac', false],
  ['%', false, '', true],
  ['', false, '', true],
  ['', false, 'a', false],
  ['%%', false, 'x', true],
  ['_', false, '', false],
  ['_', false, 'é', true],
  ['_', false, '😀', true],
  ['__', false, '😀', false],
  ['a_c', false, 'abc', true],
  ['a_c', false, 'ac', false],
  ['%_', false, 'x😀', true],
  ['_%_', false, '😀', false],
  ['%a%b%c%', false, 'xaybzc', true],
  ['%a%b%c%', false, 'xcybza', false],
  ['a%a', false, 'a', false],
  ['a%a', false, 'aa', true],
  ['%ab%ab', false, 'abab', true],
  ['%ab%ab', false, 'aab', false],
  ['%90%%', false, '"the number increased 90%"', true],
  // No escape character: a backslash is itself and % stays a wildcard.
  ['50\\%', false, '50\\x', true],
  ['50\\%', false, '50%', false],
  // Regex metacharacters are ordinary characters.
  ['a.c', false, 'abc', false],
  ['a.c', false, 'a.c', true],
  ['(x)*[', false, '(x)*[', true],
  ['^a$', false, 'a', false],
  // Unicode case folding for ILIKE.
  ['%ÉTÉ%', true, 'un été chaud', true],
  ['%ÉTÉ%', false, 'un été chaud', false],
];

describe('likeMatcher', () => {
  it.each(like)('%j (ci=%j) on %j → %j', (pattern, ci, text, expected) => {
    expect(likeMatcher(pattern, ci)(text)).toBe(expected);
  });

  // Its speed is measured by `make bench` (bench/micro.mjs, like-wildcards), not asserted here.
  it('answers a pattern of many wildcards over a long text', () => {
    const match = likeMatcher('%a%a%a%a%a%b', false);
    expect(match('a'.repeat(20_000))).toBe(false);
    expect(match(`${'a'.repeat(20_000)}b`)).toBe(true);
  });
});

const never = (message: string): never => {
  throw new Error(message);
};

// [pattern, text, found]: Python's re.search semantics (unanchored; ^ and $ at the text's ends; . not newline).
const rlike: Array<[string, string, boolean]> = [
  ['^gpt', 'gpt-4', true],
  ['^gpt', 'a gpt', false],
  ['turbo', 'gpt-3.5-turbo', true],
  ['^x$', 'axb', false],
  ['(preview|[0-9]{8})', 'claude-3-opus-20240229', true],
  ['(?i)ERROR', 'error', true],
  ['ERROR', 'error', false],
  ['a.b', 'a\nb', false],
  ['^b', 'a\nb', false],
  ['\\d+', 'x42', true],
  ['(?P<n>a)b', 'ab', true],
  ['é+', 'ééé', true],
];

describe('regexMatcher', () => {
  it.each(rlike)('%j on %j → %j', (pattern, text, expected) => {
    expect(regexMatcher(pattern, never)(text)).toBe(expected);
  });

  // RE2 refuses what it cannot run in linear time, with re2js's message.
  it.each([
    ['(a)\\1', 'invalid escape sequence: `\\1`'],
    ['(?=a)', 'invalid or unsupported Perl syntax: `(?=`'],
    ['(?!a)', 'invalid or unsupported Perl syntax: `(?!`'],
    ['(?<=a)b', 'invalid named capture: `(?<=a)b`'],
    ['[', 'missing closing ]: `[`'],
    ['a{2,1}', 'invalid repeat count: `{2,1}`'],
  ])('refuses %j', (pattern, message) => {
    expect(() => regexMatcher(pattern, never)).toThrow(`error parsing regexp: ${message}`);
  });

  // RE2 runs it in linear time: `make bench` (bench/micro.mjs, regex-backtracking) measures it.
  it('answers a catastrophic-backtracking pattern on a long text', () => {
    const match = regexMatcher('(a+)+$', never);
    expect(match(`${'a'.repeat(50_000)}b`)).toBe(false);
    expect(match('a'.repeat(50_000))).toBe(true);
  });

  it('quoteRegex makes any text literal', () => {
    const key = 'similarity.threshold(1)*';
    expect(regexMatcher(quoteRegex(key), never)(`x ${key} y`)).toBe(true);
    expect(regexMatcher(quoteRegex(key), never)('similarityXthreshold(1)')).toBe(false);
  });
});
