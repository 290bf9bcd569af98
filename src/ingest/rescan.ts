import { RecordScanner } from './scanner.js';
import type { ScannedRecord, ScannerOptions } from './scan-types.js';

/**
 * Scans a JSON line taken by the fast path whose JSON.parse failed, to say precisely why: a value
 * cut short, NaN tokens, more than one value on the line, or garbage. Returns the records found in
 * it, at their real offsets; a value the line ends inside is reported as a cut-short line.
 */
export function rescanLine(record: ScannedRecord, options: Partial<ScannerOptions> = {}): ScannedRecord[] {
  const out: ScannedRecord[] = [];
  const scanner = new RecordScanner(record.provenance.source, { record: (r) => out.push(r), note: () => undefined }, options);
  scanner.startAt(record);
  scanner.push(record.bytes);
  scanner.finish();
  for (const r of out) {
    // The input really ended inside the last line: that is a truncated input, not a cut line.
    if (r.problem?.code === 'truncated' && !record.endOfInput) {
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
