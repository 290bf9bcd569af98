/** UTF-16 inputs (PowerShell's `>`, some Windows editors): told from their first bytes and read as UTF-8. */

/**
 * UTF-16 text, told by its byte order mark or, without one, by the NUL byte every ASCII character
 * of JSON has beside it in UTF-16 (`{\0"\0` little-endian, `\0{\0"` big-endian). PowerShell's
 * `>` and some Windows editors write exports so.
 */
export function utf16Encoding(head: Buffer): { label: 'utf-16le' | 'utf-16be'; bom: boolean } | null {
  if (head.length < 2) return null;
  if (head[0] === 0xff && head[1] === 0xfe) return { label: 'utf-16le', bom: true };
  if (head[0] === 0xfe && head[1] === 0xff) return { label: 'utf-16be', bom: true };
  if (head.length < 4) return null;
  const jsonStart = (c: number): boolean => c === 0x7b || c === 0x5b || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
  if (jsonStart(head[0]!) && head[1] === 0 && head[2] !== 0 && head[3] === 0) return { label: 'utf-16le', bom: false };
  if (head[0] === 0 && jsonStart(head[1]!) && head[2] === 0 && head[3] !== 0) return { label: 'utf-16be', bom: false };
  return null;
}

/** UTF-16 bytes as UTF-8 (a byte order mark dropped; an unpaired surrogate becomes U+FFFD). */
export async function* decodeUtf16(input: AsyncIterable<Buffer>, label: 'utf-16le' | 'utf-16be'): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder(label);
  for await (const chunk of input) {
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield Buffer.from(text, 'utf8');
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield Buffer.from(tail, 'utf8');
}
