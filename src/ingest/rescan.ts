import { RecordScanner } from './scanner.js';
import type { ScanProblem, ScannedRecord, ScannerOptions } from './scan-types.js';

/** Bytes that can start a JSON value (or Python's NaN/Infinity). */
const VALUE_START = new Set([...'{["-0123456789tfnNI'].map((c) => c.charCodeAt(0)));

/**
 * Why a JSON line that JSON.parse refused is not one record, said precisely: the line ends before
 * its value does (cut short), or a second value starts on it. A line is one record whatever it
 * holds, so this only explains: it never cuts the line into several records (that would invent
 * records and shift every index after it). Null when JSON.parse's own complaint, which names the
 * exact byte, says it best (garbage after the value, a bad token).
 */
export function explainLine(record: ScannedRecord, options: Partial<ScannerOptions> = {}): (ScanProblem & { column?: number }) | null {
  const parts: ScannedRecord[] = [];
  let unclosed = false;
  const scanner = new RecordScanner(record.provenance.source, { record: (r) => parts.push(r), note: (n) => (unclosed ||= n.code === 'unclosed-envelope') }, options);
  scanner.startAt(record);
  scanner.push(record.bytes);
  scanner.finish();
  const problem = parts.find((part) => part.problem)?.problem;
  if (problem) return asLineProblem(problem, record);
  const first = parts[0];
  if (first === undefined) return null;
  if (first.container !== 'document') {
    // A line that opens an array: its elements are no separate values.
    return unclosed
      ? { code: 'cut-short-line', message: 'the line ends inside an array that is not closed', offset: record.provenance.offset + record.bytes.length, line: record.provenance.line }
      : null;
  }
  // What follows the first value on the line, past white space.
  let at = first.provenance.offset + first.provenance.length - record.provenance.offset;
  while (at < record.bytes.length && WHITE_SPACE.has(record.bytes[at]!)) at++;
  const next = record.bytes[at];
  if (next === undefined || !VALUE_START.has(next)) return null;
  const offset = record.provenance.offset + at;
  const column = record.provenance.column + at;
  return {
    code: 'invalid-json',
    message: `two values on one line: a second value starts at byte ${offset} (column ${column}); a JSON line holds one record`,
    offset,
    line: record.provenance.line,
    column,
  };
}

const WHITE_SPACE = new Set([0x20, 0x09, 0x0d]);

/** The input really ended inside the last line only when it has no line feed after it. */
function asLineProblem(problem: ScanProblem, record: ScannedRecord): ScanProblem {
  if (problem.code !== 'truncated' || record.endOfInput) return problem;
  const inString = problem.message.includes('string');
  return { ...problem, code: 'cut-short-line', message: `the line ends before its JSON value is complete${inString ? ' (inside a string)' : ''}` };
}

/**
 * Scans a record a fast path took without scanning, to say precisely why JSON.parse failed: a value
 * cut short, more than one value on a line, or garbage. Returns the values found in it, at their
 * real offsets; a value a line ends inside is reported as a cut-short line.
 */
export function rescanRecord(record: ScannedRecord, options: Partial<ScannerOptions> = {}): ScannedRecord[] {
  const out: ScannedRecord[] = [];
  const scanner = new RecordScanner(record.provenance.source, { record: (r) => out.push(r), note: () => undefined }, options);
  scanner.startAt(record);
  scanner.push(record.bytes);
  scanner.finish();
  for (const r of out) {
    r.container = record.container;
    if (r.problem && record.container === 'document') r.problem = asLineProblem(r.problem, record);
  }
  return out;
}
