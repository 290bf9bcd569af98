import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { ANSI_STYLE, PLAIN_STYLE, withWidth, type Style } from '../report/style.js';
import { escapeInvisible } from '../shared/escape/terminal.js';

/** Options every text formatter takes. */
export interface FormatOptions {
  /** ANSI colours in the text formats (never in JSON, Markdown, JUnit or SARIF); default false. */
  color?: boolean;
  /** Columns the text formats may take (tables cut cells and drop columns, long lines are cut or wrapped); default 0, no limit. */
  width?: number;
  /**
   * How much `analyze`'s text says: `normal` (default) one line per session and repeated findings
   * folded; `verbose` every finding with its evidence; `quiet` error findings only.
   */
  verbosity?: Verbosity;
}

/** How much a text format says. */
export type Verbosity = 'quiet' | 'normal' | 'verbose';

/** The style of a text format. */
export function styleOf(options: FormatOptions): Style {
  return withWidth(options.color === true ? ANSI_STYLE : PLAIN_STYLE, options.width);
}

/**
 * A formatter's output as the CLI writes it: invisible and C1 characters that trace content
 * carries are written as `\uXXXX` (the same JSON value), so the API's text equals the CLI's, byte
 * for byte, and nothing it renders can reorder or drive a terminal.
 */
export function* outputChunks(chunks: Iterable<string>): Generator<string> {
  for (const chunk of chunks) yield escapeInvisible(chunk);
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
 * open. Resolves once the last chunk is handed over.
 */
export async function writeOutput(stream: Writable, output: string | Iterable<string> | AsyncIterable<string>): Promise<void> {
  const chunks = typeof output === 'string' ? [output] : output;
  for await (const chunk of chunks) {
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
}
