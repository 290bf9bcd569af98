/**
 * Whether `code` is a UTF-16 high (leading) surrogate. Text is only ever cut before one, so a
 * surrogate pair stays whole: a lone high surrogate is not a character and has no exact UTF-8
 * length.
 */
export function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
