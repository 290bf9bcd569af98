import { createReadStream, existsSync, type Dirent, type Stats } from 'node:fs';
import { decodeUtf16, utf16Encoding } from './utf16.js';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { isFileStore } from '../store/file-store.js';
import { storePath, storesAmong } from './store-inputs.js';
import { gunzipMembers } from './gunzip.js';
import { describeStart, hasJsonLine, isSqlite, isTar, isZeroBlock, readZeros, recognise, startsLikeJson } from './sniff.js';

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

/**
 * An MLflow store to read trace by trace rather than byte by byte: an SQLite tracking store
 * (`mlflow.db`) or a file store (`mlruns/`).
 */
export interface StoreInput {
  /** What provenance calls the store: the path as the user gave it (or as found in a directory). */
  name: string;
  kind: 'sqlite' | 'file';
  /** The database file, or the file store's root folder. */
  path: string;
  discovered: boolean;
}

/** What opening the inputs produces, in order. */
export type SourceEvent =
  | { type: 'source'; source: ByteSource }
  | { type: 'store'; store: StoreInput }
  | { type: 'skipped'; name: string; reason: string }
  | { type: 'error'; name: string; message: string }
  | { type: 'note'; name: string; kind: SourceNoteKind; message: string };

/**
 * Facts about an input met while opening it: bytes after the last gzip member (ignored, as
 * `gzip -dc` does), a tar archive with no entry, an input of a kind tracetriage does not read
 * (named once for what it is, with what to do instead).
 */
export type SourceNoteKind = 'trailing-bytes' | 'empty-archive' | 'unsupported' | 'utf16';

export interface OpenOptions {
  /** The stream `-` reads (the CLI passes process.stdin). */
  stdin?: Readable;
  /**
   * Told the size of each chunk read from a file or stdin, before any gunzip or tar: raw bytes,
   * the unit of {@link inputBytes}, so a progress bar can say how far the read is. A file found
   * in a directory and skipped unread counts whole once skipped, so the count still reaches that
   * total. Called on the reading path: keep it to a counter add.
   */
  onRead?: (bytes: number) => void;
}

/**
 * Expands the user's inputs into byte sources: files, directories (recursively, sorted by name),
 * `-` for stdin. Gzip and tar are recognised from their first bytes, not their names, and unpacked
 * as streams: nothing is extracted to disk. Files found in a directory or an archive that do not
 * start like JSON are skipped with a reason; inputs that cannot be read give an error event.
 */
export async function* openInputs(inputs: readonly string[], options: OpenOptions = {}): AsyncGenerator<SourceEvent> {
  for (const input of inputs) {
    if (input === '-') {
      if (!options.stdin) {
        yield { type: 'error', name: '<stdin>', message: 'no standard input to read' };
        continue;
      }
      yield* fromStream('<stdin>', counted(options.stdin, options.onRead), false);
      continue;
    }
    const path = storePath(input);
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      yield { type: 'error', name: input, message: describeFsError(error) };
      continue;
    }
    if (info.isDirectory() && (await isFileStore(path))) yield { type: 'store', store: { name: input, kind: 'file', path, discovered: false } };
    else if (info.isDirectory()) yield* walk(path, options.onRead);
    else yield* fromFile(path, false, options.onRead, input);
  }
}

/**
 * The inputs' total size in bytes as they lie on disk (a `.gz` or a tar archive at its packed
 * size): what `onRead` counts up to. Directories are walked as {@link openInputs} walks them
 * (linked files counted, linked directories not followed). Null when the total cannot be known
 * before reading: stdin among the inputs, an input that is neither a file nor a directory (a
 * FIFO), or a stat or listing that fails (the read meets that failure and reports it). Never
 * throws: a total only decorates a progress bar.
 */
export async function inputBytes(inputs: readonly string[]): Promise<number | null> {
  let total = 0;
  for (const input of inputs) {
    if (input === '-') return null;
    const info = await statOrNull(input);
    const size = info === null ? null : info.isDirectory() ? await treeBytes(input) : info.isFile() ? info.size : null;
    if (size === null) return null;
    total += size;
  }
  return total;
}

/** The bytes {@link walk} reads under a directory, or null if a listing or a stat fails. */
async function treeBytes(dir: string): Promise<number | null> {
  const entries = await sortedEntries(dir).catch((error: unknown) => asError(error));
  if (entries instanceof Error) return null;
  // Side by side: a directory of many small files would otherwise wait on one stat at a time.
  const sizes = await Promise.all(
    entries.map(async (entry): Promise<number | null> => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return treeBytes(path);
      if (!entry.isFile() && !entry.isSymbolicLink()) return 0;
      const info = await statOrNull(path);
      if (info === null) return null;
      return info.isFile() ? info.size : 0;
    }),
  );
  let total = 0;
  for (const size of sizes) {
    if (size === null) return null;
    total += size;
  }
  return total;
}

/**
 * A stat, or null when it fails. The caller gives up on a total then; the read that follows
 * meets the same failure and reports it with the input's name.
 */
function statOrNull(path: string): Promise<Stats | null> {
  return stat(path).then(
    (info) => info,
    () => null,
  );
}

/** A directory's entries in byte order of their UTF-8 names: the same on every machine and locale. */
async function sortedEntries(dir: string): Promise<Dirent[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
}

async function* walk(dir: string, onRead: OpenOptions['onRead']): AsyncGenerator<SourceEvent> {
  let entries;
  try {
    entries = await sortedEntries(dir);
  } catch (error) {
    yield { type: 'error', name: dir, message: describeFsError(error) };
    return;
  }
  const stores = await storesAmong(dir, entries);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const part = stores.parts.get(entry.name);
    if (part !== undefined) {
      // Read with the store it belongs to (a write-ahead log, an artifact root): not a file of its own.
      if (part.note !== null) yield { type: 'skipped', name: path, reason: part.note };
      continue;
    }
    if (stores.fileStores.has(entry.name)) yield { type: 'store', store: { name: path, kind: 'file', path, discovered: true } };
    else if (entry.isDirectory()) yield* walk(path, onRead);
    else if (entry.isFile()) yield* fromFile(path, true, onRead);
    else if (entry.isSymbolicLink()) {
      // Linked files are read; linked directories are not followed (they can loop).
      const target = await stat(path).catch((error: unknown) => asError(error));
      if (target instanceof Error) yield { type: 'error', name: path, message: describeFsError(target) };
      else if (target.isFile()) yield* fromFile(path, true, onRead);
      else yield { type: 'skipped', name: path, reason: 'a link to a directory (not followed)' };
    }
  }
}

async function* fromFile(path: string, discovered: boolean, onRead: OpenOptions['onRead'], name = path): AsyncGenerator<SourceEvent> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    yield { type: 'error', name, message: describeFsError(error) };
    return;
  }
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  if (onRead === undefined) {
    yield* fromStream(name, stream, discovered, null, true, { path, size });
    return;
  }
  let read = 0;
  let settled = false;
  const count = (bytes: number): void => {
    if (settled) return;
    read += bytes;
    onRead(bytes);
  };
  for await (const event of fromStream(name, counted(stream, count), discovered, null, true, { path, size })) {
    yield event;
    // A file skipped unread, given up on or read as a store counts whole: the count must still
    // reach the total of file sizes. (A chunk still on its way from the closed file is not counted on top.)
    const whole = event.type === 'store' ? event.store.name === name : (event.type === 'skipped' || event.type === 'error') && event.name === name;
    if (whole && !settled) {
      settled = true;
      if (read < size) onRead(size - read);
    }
  }
}

const SNIFF_BYTES = 512;

/** Anything that yields bytes: a Node stream, a gunzip transform, a tar entry (a streamx stream). */
type ByteStream = AsyncIterable<Buffer> & { destroy?: () => void };

/** The stream, telling `onRead` each chunk's size as it is taken (raw bytes: before any unpacking). */
function counted(stream: ByteStream, onRead: ((bytes: number) => void) | undefined): ByteStream {
  if (onRead === undefined) return stream;
  return {
    [Symbol.asyncIterator]: (): AsyncIterator<Buffer> => {
      const inner = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      return {
        next: async () => {
          const step = await inner.next();
          if (step.done !== true) onRead(step.value.length);
          return step;
        },
        // Closing the counted stream closes the file (a skipped file, a failed unpacking).
        return: async (value?: unknown) => (inner.return ? inner.return(value) : { done: true, value: undefined }),
      };
    },
    destroy: () => stream.destroy?.(),
  };
}

async function* fromStream(
  name: string,
  stream: ByteStream,
  discovered: boolean,
  unpacked: 'gzip' | null = null,
  /** A file can simply be closed when skipped; a tar entry must be read to its end first. */
  closeable = false,
  /** The plain file being read as it is, if that is what this is. */
  file: { path: string; size: number } | null = null,
): AsyncGenerator<SourceEvent> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head: Buffer;
  try {
    head = await readHead(iterator, SNIFF_BYTES);
  } catch (error) {
    yield { type: 'error', name, message: describeFsError(error) };
    return;
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const notes: Array<{ offset: number; message: string }> = [];
    const members = gunzipMembers(prepend(head, iterator), (note) => notes.push(note));
    const gunzipped: ByteStream = {
      [Symbol.asyncIterator]: () => members,
      destroy: () => {
        void members.return(undefined);
        stream.destroy?.();
      },
    };
    yield* fromStream(name, gunzipped, discovered, 'gzip', closeable);
    // The gunzipped stream was read to its end above: its notes are known now.
    for (const { message } of notes) yield { type: 'note', name, kind: 'trailing-bytes', message };
    return;
  }
  const utf16 = utf16Encoding(head);
  if (utf16 !== null) {
    const { label, bom } = utf16;
    const message = `UTF-16${label === 'utf-16le' ? 'LE' : 'BE'} text${bom ? ' (it starts with a byte order mark)' : ''}, read as UTF-8: offsets and lengths count bytes of the UTF-8 text`;
    yield { type: 'note', name, kind: 'utf16', message };
    const decoded = decodeUtf16(prepend(head, iterator), label);
    const stream8: ByteStream = {
      [Symbol.asyncIterator]: () => decoded,
      destroy: () => {
        void decoded.return(undefined);
        stream.destroy?.();
      },
    };
    yield* fromStream(name, stream8, discovered, unpacked, closeable);
    return;
  }
  if (isTar(head)) {
    yield* tarEntries(name, head, iterator);
    return;
  }
  if (file !== null && isSqlite(head)) {
    // A database file is read by SQLite from its path, as a store: this stream is done with.
    stream.destroy?.();
    yield { type: 'store', store: { name, kind: 'sqlite', path: file.path, discovered } };
    return;
  }
  if (isZeroBlock(head)) {
    // Only zero blocks so far: an empty tar archive (`tar cf x.tar --files-from /dev/null`), unless
    // something else follows. A NUL bomb is told from it after 1 MiB and read on (and refused).
    const zeros = await readZeros(head, iterator);
    if (zeros.empty) {
      yield { type: 'note', name, kind: 'empty-archive', message: `an empty tar archive (${zeros.length} zero bytes, no entry): no records` };
      return;
    }
    head = zeros.head;
  }
  const kind = recognise(head);
  if (kind !== null) {
    if (closeable) stream.destroy?.();
    else for await (const chunk of { [Symbol.asyncIterator]: () => iterator }) void chunk;
    // Named once for what it is: a file in a directory is skipped; one the user named is a problem.
    if (discovered) yield { type: 'skipped', name, reason: kind };
    else yield { type: 'note', name, kind: 'unsupported', message: kind };
    return;
  }
  // A file found in a directory is skipped unless it starts like JSON; one the user named is read
  // (its damaged lines are rejected one by one) unless no line of its head starts a JSON value.
  if (head.length > 0 && !startsLikeJson(head) && (discovered || !hasJsonLine(head))) {
    // A tar entry must be read to its end before the next one comes; a file can just be closed.
    if (closeable) stream.destroy?.();
    else for await (const chunk of { [Symbol.asyncIterator]: () => iterator }) void chunk;
    const reason = `not JSON (starts with ${describeStart(head)})`;
    if (discovered) yield { type: 'skipped', name, reason };
    else yield { type: 'note', name, kind: 'unsupported', message: `${reason}: no line of its first ${head.length} bytes starts a JSON value, so it is not a trace export` };
    return;
  }
  const source = new ByteSource(name, discovered, unpacked, file, head, iterator);
  yield { type: 'source', source };
  await source.drain();
}

async function* tarEntries(name: string, head: Buffer, iterator: AsyncIterator<Buffer>): AsyncGenerator<SourceEvent> {
  const extract = tar.extract();
  pump(head, iterator, extract);
  try {
    for await (const entry of extract) {
      const entryName = `${name}!${entry.header.name}`;
      if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') {
        // tar-stream types entry chunks as unknown; they are Buffers.
        yield* fromStream(entryName, entry as unknown as ByteStream, true);
      } else entry.resume();
    }
  } catch (error) {
    yield { type: 'error', name, message: `reading the tar archive failed: ${asError(error).message}` };
  }
}

/** Writes the head and the rest of an iterator into a writable, ending or destroying it. */
function pump(head: Buffer, iterator: AsyncIterator<Buffer>, into: NodeJS.WritableStream & { destroy(error?: Error): void }): void {
  void (async () => {
    try {
      if (head.length > 0 && !into.write(head)) await once(into, 'drain');
      for (;;) {
        const { value, done } = await iterator.next();
        if (done) break;
        if (!into.write(value)) await once(into, 'drain');
      }
      into.end();
    } catch (error) {
      into.destroy(asError(error));
      // Close the source too (a file stream closes itself only at its end).
      // The write error is what gets reported; a failure to close after it adds nothing.
      await iterator.return?.().catch(() => undefined);
    }
  })();
}

/**
 * Waits for `drain`, or for `close`: a writable destroyed by its reader (a skipped file) never
 * drains, and the next write then fails, which closes the source.
 */
function once(emitter: NodeJS.EventEmitter, event: 'drain'): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      emitter.off(event, done);
      emitter.off('close', done);
      resolve();
    };
    emitter.once(event, done);
    emitter.once('close', done);
  });
}

async function readHead(iterator: AsyncIterator<Buffer>, want: number): Promise<Buffer> {
  const pieces: Buffer[] = [];
  let size = 0;
  while (size < want) {
    const { value, done } = await iterator.next();
    if (done) break;
    pieces.push(value);
    size += value.length;
  }
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
}

/** The head, then the rest of an iterator. */
async function* prepend(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  for (;;) {
    const { value, done } = await rest.next();
    if (done === true) return;
    yield value;
  }
}

function describeFsError(error: unknown): string {
  const e = asError(error) as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return e.message;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Whether a command-line word names an input rather than an id: standard input, an MLflow store
 * URI, or a path that exists. Used where an id may be left out (`trace file.json`), so that the
 * one word is read as the input it is.
 */
export function namesInput(word: string): boolean {
  if (word === '-' || word.startsWith('sqlite:')) return true;
  return existsSync(word);
}
