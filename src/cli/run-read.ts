import { availableParallelism } from 'node:os';
import type { SummaryEvent } from '../engine/read-events.js';
import { readSummaries, type SummaryOptions } from '../engine/summaries.js';

/**
 * yargs drops a bare `-` from positional lists, so main.ts swaps it for this token (a NUL byte
 * cannot occur in a path) and it is swapped back here.
 */
export const STDIN_ARG = '\u0000stdin';

/** Options every reading command shares. */
export interface ReadArgs {
  inputs: string[];
  jobs?: number | undefined;
  'max-record-mb'?: number | undefined;
}

/**
 * Default worker threads. On two cores the reading thread and one worker already share the CPU,
 * and measured `stats` was no faster with workers (2.35 s vs 2.43 s on 1 GB, twice the memory), so
 * workers start only with four cores or more: one per core but the reader's, at most four.
 */
export function defaultJobs(): number {
  const cores = availableParallelism();
  return cores >= 4 ? Math.min(4, cores - 1) : 1;
}

/** Feeds every summary event of the inputs to `consume`; stdin is the only process stream read. */
export async function forEachSummary(args: ReadArgs, consume: (event: SummaryEvent) => void): Promise<void> {
  const options: SummaryOptions = { stdin: process.stdin, jobs: args.jobs ?? defaultJobs() };
  if (args['max-record-mb'] !== undefined) options.scanner = { maxRecordBytes: Math.max(1, Math.round(args['max-record-mb'] * 1e6)) };
  const inputs = args.inputs.map((input) => (input === STDIN_ARG ? '-' : input));
  for await (const event of readSummaries(inputs, options)) consume(event);
}

/** Writes text to stdout, waiting for the pipe to drain (large outputs, `| head`). */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}
