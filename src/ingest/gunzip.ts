import { createInflateRaw, type InflateRaw } from 'node:zlib';

/** A fact about a gzip stream that is not its content: bytes after its last member. */
export interface GunzipNote {
  /** Offset of the first such byte in the compressed input. */
  offset: number;
  message: string;
}

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
/** A gzip header larger than this (a huge name or extra field) is not believed. */
const MAX_HEADER = 64 * 1024;

/**
 * Gunzips a stream member by member, as `gzip -dc` does: several members (`cat a.gz b.gz`) are
 * read in order, and bytes after the last complete member (a padding of zeros, garbage) end the
 * content and are told to `note` with their offset, instead of failing the whole stream. Node's
 * own gunzip tries to read such bytes as one more member and fails, which drops the output of the
 * last chunk it was given. A member cut short throws after what came before it was yielded.
 *
 * Each member's header is read here and its deflate data inflated raw: the inflater stops at the
 * data's end and says how many input bytes it took, so the next member is found exactly.
 */
export async function* gunzipMembers(input: AsyncIterator<Buffer>, note: (note: GunzipNote) => void): AsyncGenerator<Buffer> {
  const reader = new ByteReader(input);
  for (let member = 0; ; member++) {
    const at = reader.offset;
    const header = await readHeader(reader);
    if (header === 'end') return;
    if (header !== 'ok') {
      if (member === 0) throw new Error(`not a gzip stream: ${header}`);
      const { length, zeros } = await reader.skipAll();
      note({
        offset: at,
        message: `${length} byte(s) after the last gzip member (from compressed byte ${at}) were ignored, as gzip -dc does: ${zeros ? 'zero padding' : header}`,
      });
      return;
    }
    yield* inflateMember(reader);
    // The trailer: CRC-32 and size (not checked again: the inflater checked the data's integrity).
    const trailer = await reader.take(8);
    if (trailer.length < 8) throw new Error('unexpected end of file (the gzip trailer is cut short)');
  }
}

/** 'ok' after a good header; 'end' at the end of input; otherwise why these bytes are no member. */
async function readHeader(reader: ByteReader): Promise<'ok' | 'end' | string> {
  const fixed = await reader.peek(10);
  if (fixed.length === 0) return 'end';
  if (fixed[0] !== 0x1f || fixed[1] !== 0x8b) return 'they do not start with the gzip magic bytes';
  if (fixed.length < 10) return 'a gzip header cut short';
  if (fixed[2] !== 8) return `unknown compression method ${fixed[2]}`;
  const flags = fixed[3]!;
  let length = 10;
  const need = async (n: number): Promise<Buffer | null> => {
    const bytes = await reader.peek(n);
    return bytes.length < n || n > MAX_HEADER ? null : bytes;
  };
  if (flags & FEXTRA) {
    const bytes = await need(length + 2);
    if (bytes === null) return 'a gzip header cut short';
    length += 2 + bytes.readUInt16LE(length);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    // A zero-terminated field: grow the look-ahead until its terminator is in it.
    for (;;) {
      const bytes = await need(Math.min(MAX_HEADER, length + 256));
      const end = bytes === null ? -1 : bytes.indexOf(0, length);
      if (end !== -1) {
        length = end + 1;
        break;
      }
      if (bytes === null || bytes.length >= MAX_HEADER) return 'a gzip header cut short';
      length = Math.max(length, bytes.length - 1);
      if ((await reader.peek(bytes.length + 1)).length === bytes.length) return 'a gzip header cut short';
    }
  }
  if (flags & FHCRC) length += 2;
  if ((await need(length)) === null) return 'a gzip header cut short';
  await reader.take(length);
  return 'ok';
}

/** Inflates one member's deflate data, leaving the reader just after it. */
async function* inflateMember(reader: ByteReader): AsyncGenerator<Buffer> {
  const inflater = createInflateRaw();
  let fed = 0;
  let failure: Error | null = null;
  inflater.on('error', (error: Error) => (failure = error));
  // Feeds one piece at a time and waits until it is taken, so the end of the data is seen in the
  // piece that holds it and nothing past that piece was written.
  const feeding = (async (): Promise<void> => {
    for (;;) {
      const piece = await reader.next();
      if (piece === null) {
        inflater.end();
        return;
      }
      fed += piece.length;
      await new Promise<void>((resolve) => inflater.write(piece, () => resolve()));
      if (failure !== null || inflater.destroyed) return;
      if (inflater.bytesWritten < fed) {
        // The deflate data ended inside this piece: give back what follows it.
        reader.unread(piece.subarray(piece.length - (fed - inflater.bytesWritten)));
        inflater.end();
        return;
      }
    }
  })();
  try {
    yield* readAll(inflater);
  } finally {
    inflater.destroy();
  }
  await feeding;
  if (failure !== null) throw failure;
}

async function* readAll(inflater: InflateRaw): AsyncGenerator<Buffer> {
  for await (const chunk of inflater) yield chunk as Buffer;
}

/** Pull-based reading of the compressed input, with look-ahead and give-back. */
class ByteReader {
  /** Offset in the input of the first byte of `pending`. */
  offset = 0;
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly input: AsyncIterator<Buffer>) {}

  /** The next piece: what was given back first, else the next chunk; null at the end. */
  async next(): Promise<Buffer | null> {
    if (this.pending.length > 0) {
      const piece = this.pending;
      this.pending = Buffer.alloc(0);
      this.offset += piece.length;
      return piece;
    }
    const { value, done } = await this.input.next();
    if (done === true) return null;
    this.offset += value.length;
    return value;
  }

  /** Gives back the end of the last piece taken. */
  unread(piece: Buffer): void {
    this.pending = Buffer.concat([piece, this.pending]);
    this.offset -= piece.length;
  }

  /** At least `n` bytes (fewer at the end of input) without taking them. */
  async peek(n: number): Promise<Buffer> {
    while (this.pending.length < n) {
      const { value, done } = await this.input.next();
      if (done === true) break;
      this.pending = this.pending.length === 0 ? value : Buffer.concat([this.pending, value]);
    }
    return this.pending;
  }

  /** Takes `n` bytes (fewer at the end of input). */
  async take(n: number): Promise<Buffer> {
    const bytes = (await this.peek(n)).subarray(0, n);
    this.pending = this.pending.subarray(bytes.length);
    this.offset += bytes.length;
    return bytes;
  }

  /** Reads to the end, holding nothing: how many bytes were left, and whether all were zero. */
  async skipAll(): Promise<{ length: number; zeros: boolean }> {
    let length = 0;
    let zeros = true;
    for (let piece = await this.next(); piece !== null; piece = await this.next()) {
      length += piece.length;
      if (zeros) zeros = isZero(piece);
    }
    return { length, zeros };
  }
}

const ZEROS = Buffer.alloc(64 * 1024);

/** Whether a buffer holds only zero bytes (compared a block at a time, not byte by byte). */
function isZero(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i += ZEROS.length) {
    const block = bytes.subarray(i, i + ZEROS.length);
    if (!block.equals(ZEROS.subarray(0, block.length))) return false;
  }
  return true;
}
