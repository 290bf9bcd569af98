import { parseRecord, type ParsedRecord } from '../../ingest/parse.js';
import type { Provenance } from '../../ingest/record.js';
import { explainLine } from '../../ingest/rescan.js';
import type { ScannedRecord } from '../../ingest/scanner.js';
import { depthBeyond, MAX_DEPTH } from '../../model/depth.js';
import { toJsonPath } from '../../model/json-path.js';
import { normalizeRecord } from '../../model/normalize.js';
import type { ReadEvent, Rejection, RejectionCode } from './read-events.js';

/**
 * Parses and normalizes one record held in memory: the per-record work, the same in the main
 * thread and in a worker. One record in gives one event out (a list for the callers' sake): a JSON
 * line is one record whatever it holds, so one that JSON.parse refuses is rejected whole, with
 * the reason a rescan finds.
 */
export function processRecord(record: ScannedRecord): ReadEvent[] {
  const parsed = parseScanned(record);
  if ('type' in parsed) return [parsed];
  return [toTraceEvent(record, parsed.value, parsed.nonFiniteTokens, 0)];
}

/**
 * One record's bytes as a JSON value within the depth bound, or the rejection saying why they are
 * not one. What the value is (a trace, another tracer's record) is the caller's to decide.
 */
export function parseScanned(record: ScannedRecord): ParsedRecord | ReadEvent {
  if (record.problem) {
    const { code, message, offset, line } = record.problem;
    return reject(record.provenance, code, message, { offset, line });
  }
  const parsed = parseRecord(record);
  if ('problem' in parsed && record.unscanned && parsed.problem.code === 'invalid-json') {
    const again = reread(record);
    if (again !== null) return again;
  }
  if ('problem' in parsed) {
    const { code, message, offset, line, column } = parsed.problem;
    return reject(record.provenance, code, message, { offset, line, column });
  }
  if (record.unscanned) {
    const deep = tooDeep(record, parsed.value);
    if (deep !== null) return deep;
  }
  return parsed;
}

/**
 * A record a fast path took without scanning, that JSON.parse refused: it may hold Python's NaN or
 * Infinity (which the fast path did not look for), or, for a JSON line, be cut short or hold two
 * values, which a rescan says precisely. Null when JSON.parse's own complaint stands.
 */
function reread(record: ScannedRecord): ParsedRecord | ReadEvent | null {
  if (!record.nonFinite) {
    const again = parseRecord({ ...record, nonFinite: true });
    if (!('problem' in again)) return tooDeep(record, again.value) ?? again;
  }
  // A pretty element stays with JSON.parse's complaint: its lines are not records.
  if (record.container !== 'document') return null;
  const why = explainLine(record);
  if (why === null) return null;
  const { code, message, offset, line, column } = why;
  return reject(record.provenance, code, message, column === undefined ? { offset, line } : { offset, line, column });
}

/** Segments of a too-deep location worth printing: enough to find the value, not 512 of them. */
const SHOWN_SEGMENTS = 8;

/**
 * A fast-path record was parsed without the scanner's depth bound (JSON.parse is not recursive):
 * it gets the same bound and the same `too-deep` rejection here, so every command downstream
 * (re-printing, JSONPath, jq, the normalizer) only ever sees values it can walk.
 */
function tooDeep(record: ScannedRecord, value: unknown): ReadEvent | null {
  const location = depthBeyond(value, MAX_DEPTH);
  if (location === null) return null;
  const under = toJsonPath(location.slice(0, SHOWN_SEGMENTS));
  return reject(
    record.provenance,
    'too-deep',
    `nested deeper than ${MAX_DEPTH} levels (no trace is) under ${under}; not read`,
    { offset: record.provenance.offset, line: record.provenance.line },
    { jsonPath: under, expected: `at most ${MAX_DEPTH} levels of nesting`, found: `more than ${MAX_DEPTH}` },
  );
}

/** Normalizes a parsed value (from JSON.parse or the oversized path) into a trace or a rejection. */
export function toTraceEvent(record: ScannedRecord, value: unknown, nonFinite: number, truncatedStrings: number): ReadEvent {
  const result = normalizeRecord(value);
  if ('problem' in result) {
    const { jsonPath, expected, found } = result.problem;
    const notTrace = jsonPath === '$';
    return reject(
      record.provenance,
      notTrace ? 'not-a-trace' : 'schema',
      notTrace ? `not a trace: expected ${expected}, found ${found}` : `at ${jsonPath}: expected ${expected}, found ${found}`,
      { offset: record.provenance.offset, line: record.provenance.line },
      { jsonPath, expected, found },
    );
  }
  const { trace } = result;
  if (record.storeWarnings) trace.warnings.push(...record.storeWarnings);
  if (record.joinWarnings) trace.warnings.push(...record.joinWarnings);
  if (record.origin !== undefined) trace.format = { ...trace.format, label: record.origin };
  if (nonFinite > 0) {
    trace.warnings.push({
      code: 'non-finite-number',
      message: `${nonFinite} NaN/Infinity token(s) (written by Python's json): NaN read as null, Infinity as Infinity`,
      jsonPath: '$',
    });
  }
  if (truncatedStrings > 0) {
    trace.warnings.push({
      code: 'truncated-strings',
      message: `record of ${record.provenance.length} bytes read in streaming mode: ${truncatedStrings} long string(s) kept as excerpts`,
      jsonPath: '$',
    });
  }
  return { type: 'trace', trace, provenance: record.provenance, bytes: record.bytes, value };
}

/** Builds a rejection event. */
export function reject(provenance: Provenance, code: RejectionCode, message: string, at: Rejection['at'], detail: Pick<Rejection, 'jsonPath' | 'expected' | 'found'> = {}): ReadEvent {
  return { type: 'rejected', rejection: { provenance, code, message, at, ...detail } };
}
