import { RecordScanner } from './scanner.js';
import type { ScannedRecord, ScannerOptions } from './scan-types.js';

/**
 * What to do with a record a fast path took without scanning (a JSON line, a pretty-printed array
 * element) once JSON.parse refused it: the records to parse instead, or null when JSON.parse's own
 * complaint stands (it names the exact byte). A record that is whole but holds NaN tokens comes
 * back flagged, to be parsed again with them rewritten. A JSON line may hold several values or a
 * value cut short: its parts come back, each with its problem. A pretty element stays one record:
 * splitting a damaged element would turn each of its lines into a rejection.
 */
export function resolveUnscanned(record: ScannedRecord, options: Partial<ScannerOptions> = {}): ScannedRecord[] | null {
  const parts = rescanRecord(record, options);
  const whole = parts.length === 1 && parts[0]!.problem === undefined ? parts[0]! : undefined;
  if (whole) return whole.nonFinite ? [whole] : null;
  return record.container === 'document' ? parts : null;
}

/**
 * Scans a record a fast path took without scanning, to say precisely why JSON.parse failed: a value
 * cut short, NaN tokens, more than one value on a line, or garbage. Returns the records found in
 * it, at their real offsets; a value a line ends inside is reported as a cut-short line.
 */
export function rescanRecord(record: ScannedRecord, options: Partial<ScannerOptions> = {}): ScannedRecord[] {
  const out: ScannedRecord[] = [];
  const scanner = new RecordScanner(record.provenance.source, { record: (r) => out.push(r), note: () => undefined }, options);
  scanner.startAt(record);
  scanner.push(record.bytes);
  scanner.finish();
  for (const r of out) {
    r.container = record.container;
    // The input really ended inside the last line: that is a truncated input, not a cut line.
    if (r.problem?.code === 'truncated' && record.container === 'document' && !record.endOfInput) {
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
