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
