import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { FormatOptions, FormatRegistry } from '../report/format.js';
import { escapeInvisible } from '../shared/escape/terminal.js';

export type { FormatOptions, Verbosity } from '../report/format.js';

/**
 * A formatter's output as the CLI writes it: invisible and C1 characters that trace content
 * carries are written as `\uXXXX` (the same JSON value), so the API's text equals the CLI's, byte
 * for byte, and nothing it renders can reorder or drive a terminal.
 */
export function* outputChunks(chunks: Iterable<string>): Generator<string> {
  for (const chunk of chunks) yield escapeInvisible(chunk);
}

/** A view as one format of its registry prints it, as one string: the CLI's bytes. */
export function formatWith<Format extends string, View, Options extends FormatOptions>(registry: FormatRegistry<Format, View, Options>, view: View, format: Format, options: Options): string {
  if (!Object.hasOwn(registry, format)) throw new RangeError(`unknown format ${JSON.stringify(format)}; known: ${Object.keys(registry).join(', ')}`);
  return joined(registry[format](view, options));
}

/** Every chunk joined: the whole output as one string. */
export function joined(chunks: Iterable<string>): string {
  let text = '';
  for (const chunk of outputChunks(chunks)) text += chunk;
  return text;
}

/**
 * Writes a formatter's output to a stream (a file, a socket, `process.stdout`), waiting for the
 * stream to drain whenever it asks, so a large output never piles up in memory. The stream is left
 * open. Resolves once the stream has written the last chunk (its write callback ran). Bytes (`analyze`'s Parquet) are written as they are.
 */
export async function writeOutput(stream: Writable, output: string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>): Promise<void> {
  const chunks = typeof output === 'string' ? [output] : output;
  // One chunk behind the iteration, so that the last one is written with a callback: a small last
  // chunk does not fill the stream's buffer, and would otherwise still be queued on return.
  let last: string | Uint8Array | undefined;
  for await (const chunk of chunks) {
    if (last !== undefined && !stream.write(last)) await once(stream, 'drain');
    last = chunk;
  }
  if (last === undefined) return;
  const chunk = last;
  await new Promise<void>((resolve, reject) => stream.write(chunk, (error) => (error ? reject(error) : resolve())));
}
