/**
 * The byte source a scan reads: one stream of bytes (a file, stdin, a decompressed `.gz`, a tar
 * entry) with the head already taken to recognise it, read once, keeping its read error.
 */
import { asError } from './read-errors.js';

/**
 * One byte stream to scan: a file, stdin, a decompressed `.gz`, or an entry of a tar archive
 * (named `archive.tgz!dir/file.json`). Iterate it once; a read error ends the iteration and is kept
 * in `error`, so one broken source never stops the others.
 */
export class ByteSource {
  error: Error | undefined;
  private consumed = false;

  constructor(
    /** What provenance calls the source. */
    readonly name: string,
    /** Found by walking a directory or an archive (not named by the user). */
    readonly discovered: boolean,
    /** How the bytes were unpacked on the way (offsets count the unpacked bytes). */
    readonly unpacked: 'gzip' | null,
    /** Set for a plain file read as it is: it can also be read by ranges (`ranges.ts`). */
    readonly file: { path: string; size: number } | null,
    private readonly head: Buffer,
    private readonly rest: AsyncIterator<Buffer>,
  ) {}

  /**
   * Bytes already taken from the stream to recognise it: all that was read (and counted by
   * `onRead`) of a plain file before it is closed to be read another way.
   */
  get headBytes(): number {
    return this.head.length;
  }

  /** Stops reading without draining (a plain file read another way). */
  async close(): Promise<void> {
    this.consumed = true;
    await this.rest.return?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    if (this.consumed) return;
    this.consumed = true;
    if (this.head.length > 0) yield this.head;
    try {
      for (;;) {
        const { value, done } = await this.rest.next();
        if (done) return;
        yield value;
      }
    } catch (error) {
      this.error = asError(error);
    }
  }

  /** Reads and drops whatever was not consumed (a tar entry must be drained before the next). */
  async drain(): Promise<void> {
    for await (const chunk of this) void chunk;
  }
}
