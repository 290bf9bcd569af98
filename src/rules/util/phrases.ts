/** Matchers made for a phrase list, by the list's identity: a rule's options are one array for the whole run. */
const made = new WeakMap<readonly string[], (text: string) => string | null>();

/**
 * A test for a text: the first of `phrases` it contains, or null. Matched case-insensitively, on
 * word boundaries where a phrase begins or ends with a letter or digit (any script: the lists
 * are data, and a config may add other languages); a straight apostrophe also matches a curly
 * one, as chat apps and keyboards write either. Made once per list (sessions call it for every
 * turn), and a phrase's expression runs only on a text that holds its letters.
 */
export function phraseMatcher(phrases: readonly string[]): (text: string) => string | null {
  const known = made.get(phrases);
  if (known !== undefined) return known;
  const tests = phrases
    .filter((p) => p.trim() !== '')
    .map((phrase) => {
      const body = phrase.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&').replace(/'/gu, "['\u2019]");
      const head = /^[\p{L}\p{N}]/u.test(phrase) ? '(?<![\\p{L}\\p{N}_])' : '';
      const tail = /[\p{L}\p{N}]$/u.test(phrase) ? '(?![\\p{L}\\p{N}_])' : '';
      // A cheap necessary condition first: the phrase's lower case in the text's (a curly
      // apostrophe read as a straight one); the word-bounded expression runs only on a hit.
      return { phrase, needle: flat(phrase), re: new RegExp(`${head}${body}${tail}`, 'iu') };
    });
  const matcher = (text: string): string | null => {
    const lower = flat(text);
    for (const t of tests) if (lower.includes(t.needle) && t.re.test(text)) return t.phrase;
    return null;
  };
  made.set(phrases, matcher);
  return matcher;
}

function flat(text: string): string {
  return text.toLowerCase().replace(/\u2019/gu, "'");
}
