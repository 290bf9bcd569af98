/**
 * Glue between Node streams and the async iterators the sources are read through: counting the raw
 * bytes taken, reading a head to recognise a stream and putting it back in front, and pumping an
 * iterator into a writable (the tar extractor) with back-pressure.
 */
import { asError } from './read-errors.js';

/** Anything that yields bytes: a Node stream, a gunzip transform, a tar entry (a streamx stream). */
export type ByteStream = AsyncIterable<Buffer> & { destroy?: () => void };

/** The stream, telling `onRead` each chunk's size as it is taken (raw bytes: before any unpacking). */
export function counted(stream: ByteStream, onRead: ((bytes: number) => void) | undefined): ByteStream {
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

/** Writes the head and the rest of an iterator into a writable, ending or destroying it. */
export function pump(head: Buffer, iterator: AsyncIterator<Buffer>, into: NodeJS.WritableStream & { destroy(error?: Error): void }): void {
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

/** The first `want` bytes or more (whole chunks; fewer at the end of the stream), taken from the iterator. */
export async function readHead(iterator: AsyncIterator<Buffer>, want: number): Promise<Buffer> {
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
export async function* prepend(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  for (;;) {
    const { value, done } = await rest.next();
    if (done === true) return;
    yield value;
  }
}
