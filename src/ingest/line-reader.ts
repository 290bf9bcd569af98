import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

/** A line of text and where it was read. */
export interface SourcedLine {
  text: string;
  source: string;
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's start in its source. */
  offset: number;
}

/** A source of lines that cannot be read (missing, a directory, not permitted), named. */
export class LineSourceError extends Error {
  override name = 'LineSourceError';
}

/**
 * The lines of a file, or of stdin for `-`, with their number and byte offset: what `reduce` and
 * `merge` read (digest lines and parts are JSON Lines; a line is never longer than one digest).
 * A file that cannot be read throws a {@link LineSourceError} naming it.
 */
export async function* linesOf(path: string, stdin: Readable): AsyncGenerator<SourcedLine> {
  const source = path === '-' ? '(stdin)' : path;
  const stream = path === '-' ? stdin : createReadStream(path);
  let rest = Buffer.alloc(0);
  let offset = 0;
  let line = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let data = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
      let start = 0;
      for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
        line++;
        const end = nl > start && data[nl - 1] === 13 ? nl - 1 : nl;
        yield { text: data.toString('utf8', start, end), source, line, offset };
        offset += nl + 1 - start;
        start = nl + 1;
      }
      data = data.subarray(start);
      rest = Buffer.from(data);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES')
      throw new LineSourceError(`${source}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a file of lines' : 'permission denied'}`);
    throw error;
  }
  if (rest.length > 0) yield { text: rest.toString('utf8'), source, line: line + 1, offset };
}

/** Several sources of lines read one after the other, as one stream (each line keeps its source). */
export async function* concatLines(sources: ReadonlyArray<AsyncIterable<SourcedLine>>): AsyncGenerator<SourcedLine> {
  for (const source of sources) yield* source;
}
