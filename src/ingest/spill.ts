import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a text was put in a {@link SpillFile}. */
export interface SpillRef {
  offset: number;
  length: number;
}

/** Bytes gathered before one write: few system calls, little memory. */
const WRITE_BYTES = 1 << 20;

/** Size of a block the read cache holds: a read that misses reads its whole block. */
export const SPILL_BLOCK_BYTES = 64 << 10;
/** The read cache's default size: bounded, whatever the size of the file. */
export const SPILL_CACHE_BYTES = 8 << 20;
/** A text longer than this is read on its own, not through the cache. */
const CACHED_TEXT_BYTES = 4 * SPILL_BLOCK_BYTES;

/**
 * A temporary file that holds texts a run must keep until its end but need not hold in memory
 * (`analyze` keeps each trace's digest and facts there until every session is known, then reads
 * them back session by session). Texts are appended in order and read back by offset; the file
 * lives in a directory of its own under the OS temp dir, unlinked while open where the system
 * allows it, and gone after {@link close}.
 *
 * Reads go through a cache of the file's blocks ({@link SPILL_BLOCK_BYTES} each, least recently
 * used dropped first, `cacheBytes` in all): texts read back near where they were written — a
 * session's turns, findings in the order they were made, spans of one trace — cost one system
 * call per block instead of one per text. Memory stays bounded by the cache size.
 */
export class SpillFile {
  private readonly dir: string;
  private readonly fd: number;
  /** The write buffer ({@link WRITE_BYTES}), allocated at the first append; its first `pendingBytes` are not in the file yet. */
  private pending: Buffer | null = null;
  private pendingBytes = 0;
  private size = 0;
  private closed = false;
  private removed = false;
  /** Blocks by index, least recently used first (a Map keeps insertion order); `filled`: bytes of the block read. */
  private readonly blocks = new Map<number, { bytes: Buffer; filled: number }>();
  private readonly maxBlocks: number;

  constructor(prefix = 'tracetriage-', cacheBytes = SPILL_CACHE_BYTES) {
    this.maxBlocks = Math.max(0, Math.floor(cacheBytes / SPILL_BLOCK_BYTES));
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    const path = join(this.dir, 'spill');
    this.fd = openSync(path, 'w+', 0o600);
    // Unlinked at once where the system allows it (POSIX): the open descriptor keeps the data, and
    // nothing is left behind even if the process is killed. Windows refuses to unlink an open
    // file (EPERM/EBUSY): there the file stays until `close` removes it.
    try {
      unlinkSync(path);
      rmdirSync(this.dir);
      this.removed = true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES') throw error;
    }
  }

  /**
   * Appends a text (UTF-8) and returns where it is. Texts are encoded straight into one write
   * buffer (no buffer per text: those lived until the next write, long enough for the garbage
   * collector to move them to the old generation); a text that may not fit is written on its own.
   */
  append(text: string): SpillRef {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const most = text.length * 3;
    if (this.pendingBytes + most > WRITE_BYTES) this.flush();
    if (most > WRITE_BYTES) {
      const bytes = Buffer.from(text, 'utf8');
      const ref = { offset: this.size, length: bytes.length };
      this.writeAt(bytes, this.size);
      this.size += bytes.length;
      return ref;
    }
    this.pending ??= Buffer.allocUnsafeSlow(WRITE_BYTES);
    const length = this.pending.write(text, this.pendingBytes, 'utf8');
    const ref = { offset: this.size, length };
    this.pendingBytes += length;
    this.size += length;
    return ref;
  }

  /** The text at `ref`. */
  read(ref: SpillRef): string {
    return this.bytes(ref).toString('utf8');
  }

  /** The bytes at `ref`, through the cache: a view that the next read may take over (decode or copy it first). */
  bytes(ref: SpillRef): Buffer {
    const { offset, length } = ref;
    if (offset < 0 || length < 0 || offset + length > this.size) throw new RangeError(`spill read of ${length} bytes at ${offset} is past the end (${this.size} bytes)`);
    if (offset + length > this.size - this.pendingBytes) this.flush();
    if (length === 0) return Buffer.alloc(0);
    if (this.maxBlocks === 0 || length > CACHED_TEXT_BYTES) return this.readAt(offset, length);
    const first = Math.floor(offset / SPILL_BLOCK_BYTES);
    const last = Math.floor((offset + length - 1) / SPILL_BLOCK_BYTES);
    const start = offset - first * SPILL_BLOCK_BYTES;
    if (first === last) return this.block(first, start + length).subarray(start, start + length);
    // Each block's part is copied out before the next block is read: that read may take over the
    // memory of a block read just before.
    const out = Buffer.allocUnsafe(length);
    let at = 0;
    for (let b = first; b <= last; b++) {
      const from = b === first ? start : 0;
      const to = b === last ? offset + length - b * SPILL_BLOCK_BYTES : SPILL_BLOCK_BYTES;
      at += this.block(b, to).copy(out, at, from, to);
    }
    return out;
  }

  /**
   * The records in `ref`, each ended by '\n' (the last may lack it: a '\n' at the end does not
   * start an empty record), as their bytes without the '\n', read in order straight from the file
   * through one buffer of `chunkBytes`, not through the block cache: a long region read once from
   * start to end costs one buffer, whatever its size. A record is given whole even when a read cut
   * it (and a UTF-8 character in it: '\n' never occurs inside one); decoded, it is what
   * {@link read} gives. Each record is a view of the buffer, valid until the next is asked for:
   * decode or copy it to keep it. The file may grow while the records are read.
   */
  lines(ref: SpillRef, chunkBytes = SPILL_BLOCK_BYTES): Iterable<Buffer> {
    const { offset, length } = ref;
    if (offset < 0 || length < 0 || offset + length > this.size) throw new RangeError(`spill read of ${length} bytes at ${offset} is past the end (${this.size} bytes)`);
    if (!(chunkBytes >= 1)) throw new RangeError(`spill chunk of ${chunkBytes} bytes`);
    return { [Symbol.iterator]: () => this.readLines(offset, offset + length, Math.min(Math.floor(chunkBytes), length)) };
  }

  private *readLines(offset: number, end: number, chunkBytes: number): Generator<Buffer> {
    if (offset === end) return;
    if (end > this.size - this.pendingBytes) this.flush();
    const chunk = Buffer.allocUnsafeSlow(chunkBytes);
    /** The start of a record begun in earlier reads, copied out of the buffer (which the next read takes over). */
    let begun: Buffer[] = [];
    for (let at = offset; at < end; ) {
      const n = Math.min(chunkBytes, end - at);
      const bytes = this.readInto(chunk, at, n).subarray(0, n);
      at += n;
      let from = 0;
      for (let nl = bytes.indexOf(0x0a, from); nl !== -1; nl = bytes.indexOf(0x0a, from)) {
        const line = begun.length === 0 ? bytes.subarray(from, nl) : Buffer.concat([...begun, bytes.subarray(from, nl)]);
        begun = [];
        from = nl + 1;
        yield line;
      }
      if (from < n) begun.push(Buffer.from(bytes.subarray(from)));
    }
    if (begun.length > 0) yield Buffer.concat(begun);
  }

  /** Appends bytes as they are, `parts` one after the other, and returns where they all are (see {@link append}). */
  appendBytes(...parts: Uint8Array[]): SpillRef {
    const ref = { offset: this.size, length: 0 };
    for (const bytes of parts) {
      if (this.pendingBytes + bytes.length > WRITE_BYTES) this.flush();
      if (bytes.length > WRITE_BYTES) this.writeAt(bytes, this.size);
      else {
        this.pending ??= Buffer.allocUnsafeSlow(WRITE_BYTES);
        this.pending.set(bytes, this.pendingBytes);
        this.pendingBytes += bytes.length;
      }
      this.size += bytes.length;
      ref.length += bytes.length;
    }
    return ref;
  }

  /** Block `index`, holding at least its first `needed` bytes (a block at the end of the file may have grown since it was read). */
  private block(index: number, needed: number): Buffer {
    let entry = this.blocks.get(index);
    if (entry !== undefined) {
      this.blocks.delete(index);
      this.blocks.set(index, entry);
      if (entry.filled >= needed) return entry.bytes.subarray(0, entry.filled);
    } else {
      // The least recently used block's memory is taken over once the cache is full: a block
      // costs one allocation for the whole run, not one per miss.
      let bytes: Buffer | undefined;
      if (this.blocks.size >= this.maxBlocks) {
        const [oldest, victim] = this.blocks.entries().next().value!;
        this.blocks.delete(oldest);
        bytes = victim.bytes;
      }
      entry = { bytes: bytes ?? Buffer.allocUnsafeSlow(SPILL_BLOCK_BYTES), filled: 0 };
      this.blocks.set(index, entry);
    }
    const start = index * SPILL_BLOCK_BYTES;
    entry.filled = Math.min(SPILL_BLOCK_BYTES, this.size - this.pendingBytes - start);
    this.readInto(entry.bytes, start, entry.filled);
    return entry.bytes.subarray(0, entry.filled);
  }

  private readAt(offset: number, length: number): Buffer {
    return this.readInto(Buffer.allocUnsafe(length), offset, length);
  }

  private readInto(buffer: Buffer, offset: number, length: number): Buffer {
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buffer, done, length - done, offset + done);
      if (n === 0) throw new Error(`spill file ended at byte ${offset + done} of ${this.size}`);
      done += n;
    }
    return buffer;
  }

  /** Deletes the file and its directory; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = null;
    this.blocks.clear();
    closeSync(this.fd);
    if (!this.removed) rmSync(this.dir, { recursive: true, force: true });
  }

  private flush(): void {
    if (this.pendingBytes === 0 || this.pending === null) return;
    this.writeAt(this.pending.subarray(0, this.pendingBytes), this.size - this.pendingBytes);
    this.pendingBytes = 0;
  }

  private writeAt(bytes: Uint8Array, at: number): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, at + done);
  }
}
