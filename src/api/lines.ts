import { Readable } from 'node:stream';
import { linesOf as streamLines, type SourcedLine } from '../ingest/line-reader.js';
import { escapeInvisible } from '../shared/escape/terminal.js';

/**
 * Lines of JSON as the scale-out steps exchange them (docs/scale-out.md): an array or any
 * (async) iterable of strings, each one line (a trailing newline dropped; a string holding several
 * lines is cut at them), or a `Readable`: of bytes (a file's stream, a socket), cut at newlines as
 * the CLI reads a file; in object mode, its chunks are strings as above.
 */
export type Lines = Iterable<string> | AsyncIterable<string> | Readable;

/** Where a step's lines go: told of each line's text (without its newline) in order, and awaited. */
export type LineSink = (line: string) => void | Promise<void>;

/**
 * A line as the CLI writes it (`JSON.stringify`, then invisible characters as `\uXXXX`: the same
 * JSON value, see `outputChunks`), so the API's lines equal the CLI's, byte for byte.
 */
export function lineOf(value: unknown): string {
  return escapeInvisible(JSON.stringify(value));
}

/**
 * The lines of `given`, numbered, with their byte offset, named `name` in messages (a file's
 * stream by its path, as the CLI names the file). A string is refused: it is a path or a text,
 * and the steps take lines.
 */
export async function* sourcedLines(given: Lines, name: string): AsyncGenerator<SourcedLine> {
  if (typeof given === 'string') {
    throw new TypeError(`${name}: a string; pass lines (an array of strings, an iterable, or a Readable such as fs.createReadStream(path))`);
  }
  if (given instanceof Readable && !given.readableObjectMode) {
    const path: unknown = (given as Readable & { path?: unknown }).path;
    const source = typeof path === 'string' ? path : name;
    for await (const line of streamLines('-', Readable.from(bytesOf(given)))) yield { ...line, source };
    return;
  }
  let line = 0;
  let offset = 0;
  for await (const chunk of given as AsyncIterable<unknown>) {
    if (typeof chunk !== 'string') throw new TypeError(`${name}: expected strings (lines), found ${chunk === null ? 'null' : typeof chunk}`);
    const texts = chunk.split('\n');
    if (texts.length > 1 && texts.at(-1) === '') texts.pop();
    for (const raw of texts) {
      const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      yield { text, source: name, line: ++line, offset };
      offset += Buffer.byteLength(raw) + 1;
    }
  }
}

/** A byte stream's chunks as bytes, whatever encoding it was set to. */
async function* bytesOf(stream: Readable): AsyncGenerator<Buffer> {
  for await (const chunk of stream as AsyncIterable<Buffer | string>) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

/** `given` as a list of sources of lines, for the options that take one or several (a list of strings is one). */
export function linesList(given: Lines | readonly Lines[]): Lines[] {
  if (!Array.isArray(given)) return [given as Lines];
  const list = given as readonly unknown[];
  if (list.every((item) => typeof item === 'string')) return [list as string[]];
  if (list.some((item) => typeof item === 'string')) {
    throw new TypeError('a list that mixes strings with other sources of lines: pass one list of strings, or a list of sources (arrays, iterables, Readables)');
  }
  return [...(list as Lines[])];
}
