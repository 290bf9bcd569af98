/** Whether `text` is the start of a literal or of an escape sequence, and nothing else. */
export function isCutLexeme(text: string | undefined): boolean {
  if (text === undefined || text.length === 0) return false;
  return ['true', 'false', 'null'].some((literal) => literal.startsWith(text)) || /^\\(u[0-9a-fA-F]{0,3})?$/.test(text);
}

/** Turns a stream-json error message into what the grammar wanted at that point. */
export function describeExpected(reason: string, container: 'object' | 'array' | null): string {
  const closer = container === 'object' ? "',' or '}'" : container === 'array' ? "',' or ']'" : "',' or a closing bracket";
  if (/expected ','|expected '[}\]]'/.test(reason)) return closer;
  if (reason.includes("unexpected token ']'")) return 'a value';
  if (reason.includes("unexpected token '}'") || reason.includes('expected an object key')) return 'an object key (a string)';
  if (reason.includes("expected ':'")) return "':'";
  if (reason.includes('expected a value')) return 'a value';
  if (reason.includes('escaped characters')) return 'a valid escape sequence or character in a string';
  if (reason.includes('expected a string value')) return "the closing '\"' of the string";
  if (reason.includes('unexpected characters')) return 'end of input';
  if (/starting digit|expected a digit|fractional part|exponent/.test(reason)) return 'digits of a number';
  return reason;
}

/**
 * Names the offending character for an error message: printable ASCII quoted (`'x'`), anything
 * else (whitespace, control characters, non-ASCII) as its code point, which cannot be misread.
 */
export function describeChar(codePoint: number | undefined): string {
  if (codePoint === undefined) return 'end of input';
  if (codePoint > 0x20 && codePoint < 0x7f) return `'${String.fromCharCode(codePoint)}'`;
  return `character U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}
