/** The bytes of JSON's grammar that the byte-level readers (scanner, oversized path) look for. */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
export const COLON = 0x3a;
export const COMMA = 0x2c;

/** Whether the bytes just before `at`, down to `from` at most, are an odd run of backslashes (the byte at `at` is escaped). */
export function oddBackslashesBefore(bytes: Uint8Array, at: number, from: number): boolean {
  let k = at - 1;
  while (k >= from && bytes[k] === BACKSLASH) k -= 1;
  return ((at - 1 - k) & 1) === 1;
}

/**
 * The first quote at or after `from` that is not escaped (after an even run of backslashes,
 * counted back to `from` at most), or -1: a string's closing quote when `from` is inside it and
 * not just after a pending escape. One `indexOf` (memchr) per quote, none per escape.
 */
export function unescapedQuote(bytes: Uint8Array, from: number): number {
  let quote = bytes.indexOf(QUOTE, from);
  while (quote !== -1 && oddBackslashesBefore(bytes, quote, from)) quote = bytes.indexOf(QUOTE, quote + 1);
  return quote;
}
