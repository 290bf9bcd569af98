import { linesOf as readLines, LineSourceError } from '../ingest/line-reader.js';
import type { SourcedLine } from '../ingest/line-reader.js';
import { CliError } from './errors.js';
import { STDIN_ARG } from './run-read.js';

/** The lines of a file, or of stdin for `-` (see `ingest/line-reader.ts`); an unreadable file is an input error naming it. */
export async function* linesOf(given: string): AsyncGenerator<SourcedLine> {
  // The CLI stands `-` in for stdin with STDIN_ARG (run-read.ts).
  try {
    yield* readLines(given === STDIN_ARG ? '-' : given, process.stdin);
  } catch (error) {
    if (error instanceof LineSourceError) throw new CliError(error.message, 'input');
    throw error;
  }
}
