#!/usr/bin/env node
/**
 * The "plain scan + JSON.parse" baseline `stats` is measured against: the least work any tool
 * must do to look inside every trace of a JSON Lines export.
 *
 *   node bench/baseline.mjs <file.jsonl>
 *
 * The scan of bench/lib/jsonl-scan.mjs (1 MiB read stream, records cut at `\n` on the bytes, each
 * `JSON.parse`d), and one field touched (`data.spans.length`, summed so the parse cannot be
 * optimised away). JSON Lines only: a `search` export (one pretty-printed document) has no record
 * per line.
 *
 * Prints one JSON line: {"bytes", "records", "spans", "seconds", "mb_per_s"} (MB = 1e6 bytes).
 */
import { resultLine, scanJsonl } from './lib/jsonl-scan.mjs';

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  process.stderr.write('usage: node bench/baseline.mjs <file.jsonl>\n');
  process.exit(2);
}

let spans = 0;
try {
  const scan = await scanJsonl(file, (doc) => {
    spans += doc.data.spans.length;
  });
  process.stdout.write(resultLine({ bytes: scan.bytes, records: scan.records, spans }, scan));
} catch (err) {
  process.stderr.write(`baseline: ${err.message}\n`);
  process.exit(1);
}
