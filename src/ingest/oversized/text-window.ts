import { Buffer } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';

/**
 * Recent text kept for turning the verifier's character offset into a byte offset. The verifier
 * reports the start of the offending lexeme, which may lie before the latest slice when a literal
 * or number straddles chunks, so at least this much earlier text stays available.
 */
const WINDOW_KEEP = 1024;

const REPLACEMENT = '\uFFFD';

const EMPTY = Buffer.alloc(0);

/** Decoded text with the record bytes it was decoded from. */
export interface DecodedText {
  text: string;
  /** How many bytes of the record the text was decoded from. */
  bytes: number;
  /**
   * Those bytes, kept only when some character did not come from as many bytes as its UTF-8
   * encoding has (invalid UTF-8: each maximal bad subpart of 1 to 3 bytes is one U+FFFD, 3 bytes
   * re-encoded); null when `Buffer.byteLength` of any prefix of the text is exact.
   */
  raw: Buffer | null;
}

/**
 * The index in `bytes` just past the first `units` UTF-16 code units decoded from `bytes[from]`
 * on (`from` starts a character), by the WHATWG UTF-8 decoder's rules, which V8, `TextDecoder`
 * and `StringDecoder` follow: each maximal subpart of an invalid sequence, and each byte that
 * starts none, is one U+FFFD. A count that ends inside a surrogate pair stops before its character.
 */
export function unitsToBytes(bytes: Uint8Array, from: number, units: number): number {
  const n = bytes.length;
  let at = from;
  let left = units;
  while (left > 0 && at < n) {
    const lead = bytes[at] as number;
    let need = 0;
    let lower = 0x80;
    let upper = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) need = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      need = 2;
      // Overlong forms and encoded surrogates are cut at their second byte.
      if (lead === 0xe0) lower = 0xa0;
      else if (lead === 0xed) upper = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      need = 3;
      // Overlong forms and code points past U+10FFFF are cut at their second byte.
      if (lead === 0xf0) lower = 0x90;
      else if (lead === 0xf4) upper = 0x8f;
    }
    let end = at + 1;
    let seen = 0;
    while (seen < need && end < n) {
      const next = bytes[end] as number;
      if (next < lower || next > upper) break;
      lower = 0x80;
      upper = 0xbf;
      end += 1;
      seen += 1;
    }
    // A whole 4-byte sequence is a surrogate pair; anything else is one unit (ASCII, a 2- or
    // 3-byte character, or one U+FFFD for the bytes seen).
    const count = need === 3 && seen === 3 ? 2 : 1;
    if (count > left) return at;
    left -= count;
    at = end;
  }
  return at;
}

/**
 * `StringDecoder('utf8')` that also says how many record bytes each piece of text came from: the
 * decoder holds back an incomplete sequence for the next write, so a write's text need not come
 * from the chunk's bytes. The count follows from the text, not from how much the decoder holds.
 */
export class CountingDecoder {
  private readonly decoder = new StringDecoder('utf8');
  /** The bytes the decoder holds back, as far as this count goes (a copy: the caller's chunk is not kept). */
  private held: Buffer = EMPTY;

  write(chunk: Buffer): DecodedText {
    return this.count(this.decoder.write(chunk), chunk);
  }

  end(): DecodedText {
    return this.count(this.decoder.end(), EMPTY);
  }

  private count(text: string, chunk: Buffer): DecodedText {
    const held = this.held;
    if (!text.includes(REPLACEMENT)) {
      // Text without U+FFFD came from valid UTF-8, which is its own encoding: the common path.
      const bytes = Buffer.byteLength(text, 'utf8');
      this.held = bytes >= held.length ? copy(chunk.subarray(bytes - held.length)) : Buffer.concat([held.subarray(bytes), chunk]);
      return { text, bytes, raw: null };
    }
    const all = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
    const bytes = unitsToBytes(all, 0, text.length);
    this.held = copy(all.subarray(bytes));
    // A U+FFFD never came from more than its 3 bytes, so equal totals mean every character did
    // (literal U+FFFD, bad 3-byte subparts): its encoding counts right, no bytes need keeping.
    const raw = bytes === Buffer.byteLength(text, 'utf8') ? null : copy(all.subarray(0, bytes));
    return { text, bytes, raw };
  }
}

function copy(bytes: Buffer): Buffer {
  return bytes.length === 0 ? EMPTY : Buffer.from(bytes);
}

/** The pieces as one, in order. */
export function joinDecoded(parts: DecodedText[]): DecodedText {
  if (parts.length === 1) return parts[0] as DecodedText;
  let bytes = 0;
  let invalid = false;
  for (const part of parts) {
    bytes += part.bytes;
    if (part.raw) invalid = true;
  }
  const text = parts.map((part) => part.text).join('');
  // A valid part's encoding stands for its bytes: it decodes to the same characters of the same lengths.
  const raw = invalid ? Buffer.concat(parts.map((part) => part.raw ?? Buffer.from(part.text, 'utf8'))) : null;
  return { text, bytes, raw };
}

/**
 * Code units `from` to `to` of `decoded`, whose bytes start at `byteFrom` of its bytes; `to` must
 * not split a surrogate pair.
 */
export function sliceDecoded(decoded: DecodedText, from: number, to: number, byteFrom: number): DecodedText {
  const text = from === 0 && to === decoded.text.length ? decoded.text : decoded.text.slice(from, to);
  const raw = decoded.raw;
  if (!raw) return { text, bytes: Buffer.byteLength(text, 'utf8'), raw: null };
  const byteTo = unitsToBytes(raw, byteFrom, to - from);
  const bytes = byteTo - byteFrom;
  return { text, bytes, raw: bytes === Buffer.byteLength(text, 'utf8') ? null : raw.subarray(byteFrom, byteTo) };
}

/**
 * The most recent input text with its character and byte position, so a character offset near the
 * end of what was fed can be turned into a byte offset.
 */
export class TextWindow {
  /** The recent text, in the pieces it was fed in (joining them on every append would copy it). */
  private pieces: string[] = [];
  /**
   * Each piece's record bytes, and those bytes themselves when they hold invalid UTF-8 (see
   * DecodedText); dropped with their piece, so they are bounded like the text.
   */
  private sizes: number[] = [];
  private raws: Array<Buffer | null> = [];
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
    this.raws = [];
    this.length = 0;
    this.startChar = charIndex;
    this.startByte = byteOffset;
  }

  /** Adds the next piece, which never splits a surrogate pair. */
  append(piece: DecodedText): void {
    const text = piece.text;
    this.pieces.push(text);
    this.sizes.push(piece.bytes);
    this.raws.push(piece.raw);
    this.length += text.length;
    let first = this.pieces[0];
    while (first !== undefined && this.length - first.length >= text.length + WINDOW_KEEP) {
      this.pieces.shift();
      this.raws.shift();
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
      const raw = this.raws[i];
      return byte + (raw ? unitsToBytes(raw, 0, local) : Buffer.byteLength(piece.slice(0, local), 'utf8'));
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
