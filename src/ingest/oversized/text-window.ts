import { Buffer } from 'node:buffer';

/**
 * Recent text kept for turning the verifier's character offset into a byte offset. The verifier
 * reports the start of the offending lexeme, which may lie before the latest slice when a literal
 * or number straddles chunks, so at least this much earlier text stays available.
 */
const WINDOW_KEEP = 1024;

/**
 * The most recent input text with its character and byte position, so a character offset near the
 * end of what was fed can be turned into a byte offset.
 */
export class TextWindow {
  /** The recent text, in the pieces it was fed in (joining them on every append would copy it). */
  private pieces: string[] = [];
  private length = 0;
  /** Character index (in the fed text) of the first piece's first character. */
  private startChar = 0;
  /** Byte offset (in the record) of the first piece's first character. */
  private startByte = 0;

  /** Character index just past the last character fed. */
  get end(): number {
    return this.startChar + this.length;
  }

  /** Accounts for bytes that are not part of the fed text (a byte-order mark). */
  skipBytes(count: number): void {
    this.startByte += count;
  }

  /**
   * Moves past text that is not kept (a value read at once): the next piece starts at character
   * `charIndex` and record byte `byteOffset`. Offsets before that are no longer mapped.
   */
  skipTo(charIndex: number, byteOffset: number): void {
    this.pieces = [];
    this.length = 0;
    this.startChar = charIndex;
    this.startByte = byteOffset;
  }

  /** Adds the next piece; pieces never split a surrogate pair, so each one's byte length is exact. */
  append(piece: string): void {
    this.pieces.push(piece);
    this.length += piece.length;
    let first = this.pieces[0];
    while (first !== undefined && this.length - first.length >= piece.length + WINDOW_KEEP) {
      this.pieces.shift();
      this.length -= first.length;
      this.startChar += first.length;
      this.startByte += Buffer.byteLength(first, 'utf8');
      first = this.pieces[0];
    }
  }

  /** Byte offset of the character at `charIndex` (clamped to the window). */
  byteOffsetOf(charIndex: number): number {
    const text = this.text();
    const local = Math.max(0, Math.min(charIndex - this.startChar, text.length));
    return this.startByte + Buffer.byteLength(text.slice(0, local), 'utf8');
  }

  /** The text from `charIndex` to the end, when it is still in the window. */
  tail(charIndex: number): string | undefined {
    const text = this.text();
    const local = charIndex - this.startChar;
    return local < 0 || local > text.length ? undefined : text.slice(local);
  }

  /** The code point at `charIndex`, when it is still in the window. */
  codePointAt(charIndex: number): number | undefined {
    const text = this.text();
    const local = charIndex - this.startChar;
    if (local < 0 || local >= text.length) return undefined;
    return text.codePointAt(local);
  }

  /** The window as one string; only needed once, when describing an error. */
  private text(): string {
    if (this.pieces.length > 1) this.pieces = [this.pieces.join('')];
    return this.pieces[0] ?? '';
  }
}
