/** A piece of the query text and its 0-based position in the whole text. */
export interface Part {
  readonly text: string;
  readonly offset: number;
}

const CLOSER: Record<string, string> = { '(': ')', '[': ']' };

/**
 * Walks `text` from `start` and calls `visit` on every character that is outside quotes
 * (`'...'`, `"..."`, `` `...` ``) and says how deep it sits in brackets and parentheses (0 at the
 * top; a closer is seen at its opener's depth). `visit` returns true to stop there. The walk
 * returns where it stopped (`text.length` at the end) and, when the text ended inside quotes,
 * where they opened. JSONPath strings escape with a backslash; the filter grammar of `where` does
 * not (a doubled quote is its escape, which needs no special case here).
 */
export function walkTopLevel(text: string, start: number, backslashEscapes: boolean, visit: (char: string, at: number, depth: number) => boolean): { stop: number; unclosedQuote: number | null } {
  const open: string[] = [];
  let quoteAt = -1;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (quoteAt >= 0) {
      const quote = text[quoteAt];
      if (c === '\\' && backslashEscapes && quote !== '`') i++;
      else if (c === quote) quoteAt = -1;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      quoteAt = i;
      continue;
    }
    if (c === ')' || c === ']') {
      if (open.at(-1) === c) open.pop();
      if (visit(c, i, open.length)) return { stop: i, unclosedQuote: null };
      continue;
    }
    if (visit(c, i, open.length)) return { stop: i, unclosedQuote: null };
    const closer = CLOSER[c];
    if (closer !== undefined) open.push(closer);
  }
  return { stop: text.length, unclosedQuote: quoteAt >= 0 ? quoteAt : null };
}

/**
 * Splits `'<jsonpath> | stage | stage'` on the `|` that sit outside quotes, backticks, brackets
 * and parentheses, so `[?@.a == 1 || @.b]` and `where(name = 'a|b')` stay whole. The first part
 * is the JSONPath, whose strings escape with a backslash.
 */
export function splitStages(text: string): Part[] {
  const parts: Part[] = [];
  let from = 0;
  const atBar = (c: string, _: number, depth: number): boolean => c === '|' && depth === 0;
  while (from <= text.length) {
    const bar = walkTopLevel(text, from, parts.length === 0, atBar).stop;
    parts.push({ text: text.slice(from, bar), offset: from });
    from = bar + 1;
  }
  return parts;
}
