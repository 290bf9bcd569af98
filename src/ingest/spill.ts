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

/**
 * A temporary file that holds texts a run must keep until its end but need not hold in memory
 * (`analyze` keeps each trace's digest and facts there until every session is known, then reads
 * them back session by session). Texts are appended in order and read back by offset; the file
 * lives in a directory of its own under the OS temp dir, unlinked while open where the system
 * allows it, and gone after {@link close}.
 */
export class SpillFile {
  private readonly dir: string;
  private readonly fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private size = 0;
  private closed = false;
  private removed = false;
  /** With read-ahead: the last block read, and where it starts in the file. */
  private window: { start: number; bytes: Buffer } | null = null;

  /**
   * `readAhead` (bytes) suits texts read back in about the order they were written (the spans of
   * other tracers' files): each read that misses takes a block of that size, and the reads after
   * it are served from memory. Without it, each read reads just its text.
   */
  constructor(
    prefix = 'tracetriage-',
    private readonly readAhead = 0,
  ) {
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

  /** Appends a text (UTF-8) and returns where it is. */
  append(text: string): SpillRef {
    const bytes = Buffer.from(text, 'utf8');
    const ref = { offset: this.size, length: bytes.length };
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.size += bytes.length;
    if (this.pendingBytes >= WRITE_BYTES) this.flush();
    return ref;
  }

  /** The text at `ref`. */
  read(ref: SpillRef): string {
    if (ref.offset + ref.length > this.size - this.pendingBytes) this.flush();
    if (this.readAhead > ref.length) {
      const w = this.window;
      if (w === null || ref.offset < w.start || ref.offset + ref.length > w.start + w.bytes.length) {
        // Only what is on disk: the texts still in the write buffer are not in the file yet.
        const length = Math.max(ref.length, Math.min(this.readAhead, this.size - this.pendingBytes - ref.offset));
        this.window = { start: ref.offset, bytes: this.readAt(ref.offset, length) };
      }
      const at = ref.offset - this.window!.start;
      return this.window!.bytes.toString('utf8', at, at + ref.length);
    }
    return this.readAt(ref.offset, ref.length).toString('utf8');
  }

  private readAt(offset: number, length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length);
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
    this.pending = [];
    this.window = null;
    closeSync(this.fd);
    if (!this.removed) rmSync(this.dir, { recursive: true, force: true });
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    const chunk = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    let done = 0;
    const at = this.size - this.pendingBytes;
    while (done < chunk.length) done += writeSync(this.fd, chunk, done, chunk.length - done, at + done);
    this.pending = [];
    this.pendingBytes = 0;
  }
}
