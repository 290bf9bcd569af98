import { traceView } from '../engine/trace.js';
import type { TriageConfig } from '../engine/config.js';
import { findTrace } from '../engine/search/get.js';
import type { ExitVerdict } from '../engine/outcome.js';
import type { Provenance } from '../ingest/record.js';
import { extractFields, parseExtractFields, parseLossless, printLossless } from '../query/extract-fields.js';
import { reindentJson } from '../query/reindent.js';
import { TRACE_FORMATS, type TraceFormat, type TraceFormatOptions } from '../report/trace/formats.js';
import type { TraceReportInput } from '../report/trace/view.js';
import { configOf } from './config.js';
import { formatWith, joined } from './output.js';
import { engineRead, ProblemLog, type Input, type ReadingOptions, type ReadProblems } from './read.js';

/** Options of {@link getTrace}. */
export interface GetTraceOptions extends ReadingOptions {
  /** Session and user keys, carriers, scorer polarity; default none. */
  config?: TriageConfig;
}

/** A trace found: the trace read and triaged, its original text, and where it was. */
export interface FoundTrace {
  /** What `formatTrace` renders: the trace, its turn I/O, its triaged assessments, session and user. */
  view: TraceReportInput;
  /** The record's original JSON text, every digit as written; null for a record too big to keep as text (read span by span). */
  text: string | null;
  provenance: Provenance;
}

/**
 * One trace looked up: `found`; `missing` when no trace has the id (or, asked for none, the inputs
 * hold none); `ambiguous` when asked for none and the inputs hold more than one.
 */
export type TraceLookup =
  | { status: 'found'; trace: FoundTrace; exit: ExitVerdict; problems: ReadProblems }
  | { status: 'missing' | 'ambiguous'; trace: null; exit: ExitVerdict; problems: ReadProblems };

/**
 * Finds one trace, as `tracetriage trace <id>` and `get --trace-id <id>` do: the first with the id
 * in input order (a 32-hex id also matches its `tr-` form), read no further than it. With `id`
 * null, the one trace the inputs hold.
 */
export async function getTrace(inputs: Input | readonly Input[], id: string | null, options: GetTraceOptions = {}): Promise<TraceLookup> {
  const config = configOf(options.config);
  const read = engineRead(inputs, options);
  const log = new ProblemLog(options.onEvent);
  const { found, traces, more } = await findTrace(read.inputs, id, { ...read.options, onEvent: log.onEvent });
  log.addTraces(traces);
  if (more === true) {
    const exit: ExitVerdict = { code: 2, reason: 'the inputs hold more than one trace: name one (search lists their ids)' };
    return { status: 'ambiguous', trace: null, exit, problems: log.problems };
  }
  if (found === null) {
    const missing = id === null ? 'the inputs hold no trace' : `trace ${JSON.stringify(id)} is not in the inputs`;
    return { status: 'missing', trace: null, exit: log.verdict({ missing }), problems: log.problems };
  }
  const view: TraceReportInput = traceView(found.trace, config);
  const text = found.bytes.length === 0 ? null : found.bytes.toString('utf8');
  return { status: 'found', trace: { view, text, provenance: found.provenance }, exit: log.verdict(), problems: log.problems };
}

/** The formats of {@link formatTrace} (as `trace --format`), and its options (`--attributes`, `--full`, colour). */
export type { TraceFormat, TraceFormatOptions };

/** A trace as `trace <id> --format <format>` prints it: the span tree, errors, the turn I/O span, assessments triaged. */
export function formatTrace(trace: FoundTrace, format: TraceFormat, options: TraceFormatOptions = {}): string {
  return formatWith(TRACE_FORMATS, trace.view, format, options);
}

/** Options of {@link formatTraceRecord}. */
export interface TraceRecordOptions {
  /** Comma-separated dot paths to print instead of the whole record, as `--extract-fields` (`info.trace_id,data.spans.*.name`). */
  extractFields?: string;
}

/**
 * A trace as `mlflow traces get` (and `tracetriage get`) prints it: its original text laid out
 * with indent 2, every digit kept, or the fields asked for (a path that matches nothing is left
 * out). Throws a `RangeError` for a record too big to keep as text (`text` null).
 */
export function formatTraceRecord(trace: FoundTrace, options: TraceRecordOptions = {}): string {
  if (trace.text === null) throw new RangeError(`trace ${trace.view.trace.traceId} is too big to print from its text (read span by span)`);
  if (options.extractFields === undefined) return joined([reindentJson(trace.text, 0) + '\n']);
  const { value } = extractFields(parseLossless(trace.text), parseExtractFields(options.extractFields));
  return joined([printLossless(value, 0) + '\n']);
}
