import { Buffer } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';

/**
 * Recent text kept for turning the verifier's character offset into a byte offset. The verifier
 * reports the start of the offending lexeme, which may lie before the latest slice when a literal
 * or number straddles chunks, so at least this much earlier text stays available.
 */
const WINDOW_KEEP = 1024;

/**
 * Decoded text with the record bytes it was decoded from.
 *
 * The parser refuses a record at its first byte that is not UTF-8 before any byte is decoded
 * (`Utf8Check`), so every text here is the exact UTF-8 of its bytes: their count is
 * `Buffer.byteLength` of the text, and so is that of any part of it that keeps surrogate pairs whole.
 */
export interface DecodedText {
  text: string;
  /** How many bytes of the record the text was decoded from. */
  bytes: number;
}

/**
 * `StringDecoder('utf8')` that also says how many record bytes each piece of text came from: the
 * decoder holds back a character cut short by a chunk's end for the next write, so a write's text
 * need not come from the chunk's bytes. The count follows from the text (its UTF-8 length, exact
 * since the bytes are UTF-8): held-back bytes count with the write that completes their character
 * (a character the record's end cuts short is refused before `end` is called).
 */
export class CountingDecoder {
  private readonly decoder = new StringDecoder('utf8');

  write(chunk: Buffer): DecodedText {
    return counted(this.decoder.write(chunk));
  }

  end(): DecodedText {
    return counted(this.decoder.end());
  }
}

function counted(text: string): DecodedText {
  return { text, bytes: Buffer.byteLength(text, 'utf8') };
}

/** The pieces as one, in order. */
export function joinDecoded(parts: DecodedText[]): DecodedText {
  if (parts.length === 1) return parts[0] as DecodedText;
  let bytes = 0;
  for (const part of parts) bytes += part.bytes;
  return { text: parts.map((part) => part.text).join(''), bytes };
}

/** Code units `from` to `to` of `decoded`; `to` must not split a surrogate pair. */
export function sliceDecoded(decoded: DecodedText, from: number, to: number): DecodedText {
  const text = from === 0 && to === decoded.text.length ? decoded.text : decoded.text.slice(from, to);
  return counted(text);
}

/**
 * The most recent input text with its character and byte position, so a character offset near the
 * end of what was fed can be turned into a byte offset.
 */
export class TextWindow {
  /** The recent text, in the pieces it was fed in (joining them on every append would copy it). */
  private pieces: string[] = [];
  /** Each piece's record bytes (its UTF-8 length: see DecodedText). */
  private sizes: number[] = [];
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
    this.sizes = [];
    this.length = 0;
    this.startChar = charIndex;
    this.startByte = byteOffset;
  }

  /** Adds the next piece, which never splits a surrogate pair. */
  append(piece: DecodedText): void {
    const text = piece.text;
    this.pieces.push(text);
    this.sizes.push(piece.bytes);
    this.length += text.length;
    let first = this.pieces[0];
    while (first !== undefined && this.length - first.length >= text.length + WINDOW_KEEP) {
      this.pieces.shift();
      this.length -= first.length;
      this.startChar += first.length;
      this.startByte += this.sizes.shift() as number;
      first = this.pieces[0];
    }
  }

  /** Byte offset of the character at `charIndex` (clamped to the window). */
  byteOffsetOf(charIndex: number): number {
    let local = Math.max(0, Math.min(charIndex - this.startChar, this.length));
    let byte = this.startByte;
    for (let i = 0; i < this.pieces.length; i++) {
      const piece = this.pieces[i] as string;
      if (local >= piece.length) {
        byte += this.sizes[i] as number;
        local -= piece.length;
        continue;
      }
      return byte + Buffer.byteLength(piece.slice(0, local), 'utf8');
    }
    return byte;
  }

  /** The text from `charIndex` to the end, when it is still in the window. */
  tail(charIndex: number): string | undefined {
    const local = charIndex - this.startChar;
    return local < 0 || local > this.length ? undefined : this.text().slice(local);
  }

  /** The code point at `charIndex`, when it is still in the window. */
  codePointAt(charIndex: number): number | undefined {
    const local = charIndex - this.startChar;
    if (local < 0 || local >= this.length) return undefined;
    return this.text().codePointAt(local);
  }

  /** The window as one string; only needed when describing an error. */
  private text(): string {
    return this.pieces.length === 1 ? (this.pieces[0] as string) : this.pieces.join('');
  }
}
