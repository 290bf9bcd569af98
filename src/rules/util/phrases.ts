/**
 * A test for a text: the first of `phrases` it contains, or null. Matched case-insensitively, on
 * word boundaries where a phrase begins or ends with a letter or digit (any script: the lists
 * are data, and a config may add other languages); a straight apostrophe also matches a curly
 * one, as chat apps and keyboards write either.
 */
export function phraseMatcher(phrases: readonly string[]): (text: string) => string | null {
  const tests = phrases
    .filter((p) => p.trim() !== '')
    .map((phrase) => {
      const body = phrase.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&').replace(/'/gu, "['\u2019]");
      const head = /^[\p{L}\p{N}]/u.test(phrase) ? '(?<![\\p{L}\\p{N}_])' : '';
      const tail = /[\p{L}\p{N}]$/u.test(phrase) ? '(?![\\p{L}\\p{N}_])' : '';
      return { phrase, re: new RegExp(`${head}${body}${tail}`, 'iu') };
    });
  return (text) => tests.find((t) => t.re.test(text))?.phrase ?? null;
}
