/**
 * One byte stream into source events, told by its first bytes rather than its name: gzip unpacked
 * and UTF-16 decoded (then told again), a tar archive's file entries each in turn, an SQLite file
 * as a store, a known kind or a head that is not JSON skipped or noted, anything else a source.
 */
import tar from 'tar-stream';
import { ByteSource } from './byte-source.js';
import { gunzipMembers } from './gunzip.js';
import { asError, describeFsError } from './read-errors.js';
import { describeStart, hasJsonLine, isSqlite, isTar, isZeroBlock, readZeros, recognise, startsLikeJson } from './sniff.js';
import type { SourceEvent } from './sources.js';
import { type ByteStream, prepend, pump, readHead } from './stream-glue.js';
import { decodeUtf16, utf16Encoding } from './utf16.js';

/** How much of a stream is read to recognise it. */
const SNIFF_BYTES = 512;

/**
 * The events of one stream (a file, stdin, an unpacked or decoded stream, a tar entry), ending once
 * it is read to its end: a source is drained after its reader is done with it.
 */
export async function* fromStream(
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
