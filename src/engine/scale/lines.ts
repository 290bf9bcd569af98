import type { TraceDigest } from '../../model/digest-types.js';
import type { DocumentSighting } from '../../model/documents.js';
import type { TurnFacts } from '../../model/facts.js';
import type { PageInput } from '../../rules/api.js';
import type { AnalyzedSession } from '../analyze/analyze.js';
import type { Finding, RawFinding } from '../analyze/findings.js';
import type { Rejection } from '../read/read-events.js';
import { cut } from '../../shared/text.js';

// The lines `tracetriage digest`, `reduce` and `merge` exchange (docs/scale-out.md): JSON Lines,
// each line one object whose first member is `bucket`, so that an engine can route and sort a line
// by reading its start.

/** The version of the lines; a reader refuses another. */
export const SCALE_FORMAT = 1;

/** Buckets a digest spreads sessions over unless told otherwise. */
export const DEFAULT_BUCKETS = 1024;
/** Most buckets: the bucket must stay a small integer every engine sorts the same way. */
export const MAX_BUCKETS = 1 << 20;

/** The bucket of the lines that are about the whole input, not one session: they sort first. */
export const CONTEXT_BUCKET = -1;

/**
 * A session's bucket: FNV-1a (32 bits) over the UTF-8 bytes of its id (of the trace id for a trace
 * without a session), modulo `buckets`. Computed here and written on each line, so that an engine
 * groups by a small integer it sorts like any other, never by hashing the string itself (Dask's
 * per-process string hashing splits a session over partitions: dask/distributed#4141). The same id
 * gives the same bucket on every run, machine and engine, so a retried task writes the same lines.
 */
export function bucketOf(key: string, buckets: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % buckets;
}

/** One analysed trace: what the session stage needs of it, keyed for the shuffle. */
export interface TraceLine {
  bucket: number;
  /** Its session id; null for a trace without a session. */
  session: string | null;
  /** Its turn time (request time, else root start), ms since the epoch: the sort within a session. */
  time: number | null;
  kind: 'trace';
  v: typeof SCALE_FORMAT;
  /**
   * Where the trace was read, as (task, position in the task): the digest task's `--task` number
   * and the trace's count in it. Of copies of a trace, the one read first this way stands, as the
   * first one read does in `analyze` (give tasks numbers in the order of their inputs).
   */
  read: [number, number];
  traceId: string;
  digest: TraceDigest;
  facts: TurnFacts;
  /** Its trace visitors' findings, unworded. */
  findings: RawFinding[];
}

/** What a digest task read besides traces: one line each, bucket {@link CONTEXT_BUCKET}. */
export type ContextLine = { bucket: typeof CONTEXT_BUCKET; v: typeof SCALE_FORMAT } & (
  | { kind: 'page'; page: PageInput }
  /** The newest version of each document family the task's traces retrieved. */
  | { kind: 'documents'; sightings: DocumentSighting[] }
  /** A record the task could not read, or a trace it had to leave out: reported by `merge`. */
  | { kind: 'problem'; rejection: Rejection }
  /** The task's counts, which `merge` adds up. */
  | { kind: 'tally'; traces: number; duplicates: number; outsideSelection: number; rejected: number }
);

/** A digest line. */
export type DigestLine = TraceLine | ContextLine;

/** What `reduce` writes for a part of the sessions, one line each; the first line is the header. */
export type PartialLine = { v: typeof SCALE_FORMAT } & (
  | { kind: 'partial'; rules: string[] }
  | { kind: 'session'; session: Omit<AnalyzedSession, 'turnOrdinals' | 'turnTraceIds'> & { turnTraceIds: string[] } }
  | { kind: 'sessionless'; digest: TraceDigest; facts: TurnFacts }
  | { kind: 'finding'; finding: Finding }
  | { kind: 'state'; ruleId: string; state: unknown }
  | { kind: 'problem'; rejection: Rejection }
  | { kind: 'tally'; duplicates: number }
);

/** A line as JSON text: `bucket` first (see the top of this file). */
export function lineText(line: DigestLine): string {
  return JSON.stringify(line);
}

/** A line that is not what the reader expected, with where it is. */
export class ScaleLineError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    /** What is wrong, without the place. */
    readonly detail: string,
  ) {
    super(`${source}:${line}: ${detail}`);
    this.name = 'ScaleLineError';
  }
}

/** Reads a digest line, checking the members the reduce relies on; throws a {@link ScaleLineError}. */
export function parseDigestLine(text: string, source: string, line: number): DigestLine {
  const value = parseObject(text, source, line);
  if (value.v !== SCALE_FORMAT)
    throw new ScaleLineError(
      source,
      line,
      `expected a tracetriage digest line of format ${SCALE_FORMAT} ("v": ${SCALE_FORMAT}), found ${describe(value.v)} (made by another version, or not a digest line)`,
    );
  const bucket = value.bucket;
  if (!Number.isSafeInteger(bucket) || (bucket as number) < CONTEXT_BUCKET) throw new ScaleLineError(source, line, `$.bucket: expected an integer >= -1, found ${describe(bucket)}`);
  if (bucket === CONTEXT_BUCKET) {
    const need = checker(value, source, line);
    switch (value.kind) {
      case 'page':
        need('page', isObject, 'an object');
        need('page.source', isString, 'a string');
        need('page.token', isString, 'a string');
        break;
      case 'documents':
        need('sightings', Array.isArray, 'an array');
        break;
      case 'problem':
        needRejection(need);
        break;
      case 'tally':
        for (const n of ['traces', 'duplicates', 'outsideSelection', 'rejected']) need(n, isCount, 'an integer >= 0');
        break;
      default:
        throw new ScaleLineError(source, line, `$.kind: expected page, documents, problem or tally on a line of bucket -1, found ${describe(value.kind)}`);
    }
    return value as unknown as ContextLine;
  }
  if (value.kind !== 'trace') throw new ScaleLineError(source, line, `$.kind: expected "trace" on a line of bucket ${String(bucket)}, found ${describe(value.kind)}`);
  if (value.session !== null && typeof value.session !== 'string') throw new ScaleLineError(source, line, `$.session: expected a string or null, found ${describe(value.session)}`);
  if (!Array.isArray(value.read) || value.read.length !== 2 || !value.read.every((n) => Number.isSafeInteger(n)))
    throw new ScaleLineError(source, line, `$.read: expected [task, position], two integers, found ${describe(value.read)}`);
  if (typeof value.traceId !== 'string') throw new ScaleLineError(source, line, `$.traceId: expected a string, found ${describe(value.traceId)}`);
  for (const member of ['digest', 'facts'] as const) {
    if (typeof value[member] !== 'object' || value[member] === null) throw new ScaleLineError(source, line, `$.${member}: expected an object, found ${describe(value[member])}`);
  }
  // The members the session stage reads first: a line of another version or an edited one is
  // named here rather than failing a session later.
  const need = checker(value, source, line);
  need('digest.traceId', (v) => v === value.traceId, `the line's traceId (${describe(value.traceId)})`);
  need('digest.turn', isObject, 'an object');
  need('digest.errors', Array.isArray, 'an array');
  need('digest.assessments', isObject, 'an object');
  for (const n of ['verdicts', 'scorerErrors', 'scorers']) need(`digest.assessments.${n}`, Array.isArray, 'an array');
  need('digest.assessments.counts', isObject, 'an object');
  for (const n of ['modelCalls', 'documents', 'errors']) need(`facts.${n}`, Array.isArray, 'an array');
  need('facts.assessmentsPath', isString, 'a string');
  if (!Array.isArray(value.findings)) throw new ScaleLineError(source, line, `$.findings: expected an array, found ${describe(value.findings)}`);
  return value as unknown as TraceLine;
}

/** Reads a partial line (what `reduce` wrote); throws a {@link ScaleLineError}. */
export function parsePartialLine(text: string, source: string, line: number): PartialLine {
  const value = parseObject(text, source, line);
  if (value.v !== SCALE_FORMAT) throw new ScaleLineError(source, line, `expected a tracetriage partial result of format ${SCALE_FORMAT} ("v": ${SCALE_FORMAT}), found ${describe(value.v)}`);
  const need = checker(value, source, line);
  switch (value.kind) {
    case 'partial':
      need('rules', (v) => Array.isArray(v) && v.every(isString), 'an array of rule ids');
      break;
    case 'session':
      need('session', isObject, 'an object');
      need('session.sessionId', isString, 'a string');
      need('session.turns', isCount, 'an integer >= 0');
      need('session.firstTimeMs', (v) => v === null || typeof v === 'number', 'a number or null');
      need('session.turnTraceIds', (v) => Array.isArray(v) && v.every(isString), 'an array of trace ids');
      break;
    case 'sessionless':
      need('digest', isObject, 'an object');
      need('digest.traceId', isString, 'a string');
      need('facts', isObject, 'an object');
      break;
    case 'finding':
      need('finding', isObject, 'an object');
      for (const n of ['ruleId', 'messageId', 'severity', 'message', 'fingerprint']) need(`finding.${n}`, isString, 'a string');
      need('finding.sessionId', (v) => v === null || isString(v), 'a string or null');
      need('finding.traceId', (v) => v === null || isString(v), 'a string or null');
      need('finding.evidence', Array.isArray, 'an array');
      break;
    case 'state':
      need('ruleId', isString, 'a string');
      break;
    case 'problem':
      needRejection(need);
      break;
    case 'tally':
      need('duplicates', isCount, 'an integer >= 0');
      break;
    default:
      throw new ScaleLineError(source, line, `$.kind: expected partial, session, sessionless, finding, state, problem or tally, found ${describe(value.kind)}`);
  }
  return value as unknown as PartialLine;
}

/** A check of one member of a line, by its dotted path, that throws a {@link ScaleLineError} saying what was expected. */
function checker(value: Record<string, unknown>, source: string, line: number) {
  return (path: string, test: (v: unknown) => boolean, expected: string): void => {
    let at: unknown = value;
    for (const key of path.split('.')) at = isObject(at) ? at[key] : undefined;
    if (!test(at)) throw new ScaleLineError(source, line, `$.${path}: expected ${expected}, found ${describe(at)}`);
  };
}

/** The members of a carried problem that `merge` reports from. */
function needRejection(need: ReturnType<typeof checker>): void {
  need('rejection', isObject, 'an object');
  need('rejection.provenance', isObject, 'an object');
  need('rejection.message', isString, 'a string');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

function isCount(v: unknown): boolean {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

function parseObject(text: string, source: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ScaleLineError(source, line, `not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ScaleLineError(source, line, `expected a JSON object, found ${describe(value)}`);
  return value as Record<string, unknown>;
}

/** Characters of a string value a message quotes. */
const SHOWN_CHARS = 40;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(cut(value, SHOWN_CHARS));
  return typeof value === 'object' ? 'an object' : String(value);
}
