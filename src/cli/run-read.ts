import { readTraces, type ReadEvent, type ReadOptions } from '../engine/read.js';

/** Options every reading command shares. */
export interface ReadArgs {
  inputs: string[];
  'max-record-mb'?: number | undefined;
}

/** Feeds every read event of the inputs to `consume`; stdin is the only process stream read. */
export async function forEachEvent(args: ReadArgs, consume: (event: ReadEvent) => void): Promise<void> {
  const options: ReadOptions = { stdin: process.stdin };
  if (args['max-record-mb'] !== undefined) options.scanner = { maxRecordBytes: Math.max(1, Math.round(args['max-record-mb'] * 1e6)) };
  for await (const event of readTraces(args.inputs, options)) consume(event);
}

/** Writes text to stdout, waiting for the pipe to drain (large outputs, `| head`). */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}
