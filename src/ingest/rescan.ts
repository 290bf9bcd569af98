import { RecordScanner } from './scanner.js';
import type { ScannedRecord, ScannerOptions } from './scan-types.js';

/**
 * Scans a record a fast path took without scanning (a JSON line, a pretty-printed array element)
 * whose JSON.parse failed, to say precisely why: a value cut short, NaN tokens, more than one
 * value on a line, or garbage. Returns the records found in it, at their real offsets, in the
 * record's container; a value a line ends inside is reported as a cut-short line.
 */
export function rescanRecord(record: ScannedRecord, options: Partial<ScannerOptions> = {}): ScannedRecord[] {
  const out: ScannedRecord[] = [];
  const scanner = new RecordScanner(record.provenance.source, { record: (r) => out.push(r), note: () => undefined }, options);
  scanner.startAt(record);
  scanner.push(record.bytes);
  scanner.finish();
  const line = record.container === 'document';
  for (const r of out) {
    r.container = record.container;
    if (r.problem?.code !== 'truncated') continue;
    if (!line) {
      // An element whose closing line came too early: its brackets do not balance there.
      r.problem = { ...r.problem, message: 'the value is not closed where its indentation ends it (brackets do not balance)' };
      continue;
    }
    // The input really ended inside the last line: that is a truncated input, not a cut line.
    if (!record.endOfInput) {
      const inString = r.problem.message.includes('string');
      r.problem = {
        ...r.problem,
        code: 'cut-short-line',
        message: `the line ends before its JSON value is complete${inString ? ' (inside a string)' : ''}`,
      };
    }
  }
  return out;
}
