/**
 * The user's inputs opened into source events: standard input, files, directories walked in byte
 * order of their names, MLflow stores among them; each stream is then told by its first bytes
 * (`open-stream.ts`). Also the inputs' total size for a progress bar, and whether a word names an input.
 */
import { createReadStream, existsSync, type Dirent, type Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { isFileStore } from '../store/file-store.js';
import type { ByteSource } from './byte-source.js';
import { fromStream } from './open-stream.js';
import { asError, describeFsError } from './read-errors.js';
import { storePath, storesAmong } from './store-inputs.js';
import { counted } from './stream-glue.js';

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

/**
 * Whether a command-line word names an input rather than an id: standard input, an MLflow store
 * URI, or a path that exists. Used where an id may be left out (`trace file.json`), so that the
 * one word is read as the input it is.
 */
export function namesInput(word: string): boolean {
  if (word === '-' || word.startsWith('sqlite:')) return true;
  return existsSync(word);
}
