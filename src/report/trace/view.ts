import type { TurnIo } from '../../model/turn-io.js';
import type { AssessmentTriage } from '../../model/triage.js';
import type { Span, SpanEvent, Trace } from '../../model/types.js';

// What the three forms of `tracetriage trace` (text, Markdown, JSON) share: the order spans are
// shown in, what is cut, and how a span's type, duration and exceptions are read. Pure functions
// of a trace the CLI has already read and triaged; the report folder imports nothing but types.

/** What `tracetriage trace` renders: the trace, its turn I/O span and its triaged assessments. */
export interface TraceReportInput {
  trace: Trace;
  io: TurnIo;
  triage: AssessmentTriage;
  /** The session id (built-in keys, then the config's), or null. */
  session: string | null;
  /** The end user (built-in keys, then the config's), or null. */
  user: string | null;
}

/** `--attributes` and `--full`. */
export interface TraceReportOptions {
  /** Show each span's decoded attributes. */
  attributes: boolean;
  /** Lift the bounds on values, stack traces and children per span. */
  full: boolean;
}

/** Where a span sits: under a root, a root, the head of an orphan subtree, or on a parent cycle. */
export type SpanPlace = 'root' | 'child' | 'orphan' | 'cycle';

/** One exception event, as OTel's `record_exception` and MLflow's `SpanEvent.from_exception` write it. */
export interface ExceptionView {
  type: string | null;
  message: string | null;
  /** The whole stack trace, or null. */
  stacktrace: string | null;
  /** Milliseconds after the span started, when both times are known. */
  offsetMs: number | null;
}

/** One span as the reports show it. */
export interface SpanRow {
  kind: 'span';
  index: number;
  /** Indentation level: the depth below the root or orphan head (0 for cycle spans). */
  depth: number;
  place: SpanPlace;
  span: Span;
  /** `mlflow.spanType`, else the first OTel kind attribute present; null when neither is. */
  type: { value: string; key: string } | null;
  durationMs: number | null;
  exceptions: ExceptionView[];
  /** Other events by name, with how many times each occurs (streaming chunks can be thousands). */
  otherEvents: Array<{ name: string; count: number }>;
  /** True on the span that carries the turn's input and output. */
  turnIo: boolean;
}

/** Spans left out of the tree: too deep, or past the children shown per span. */
export interface CutRow {
  kind: 'cut';
  depth: number;
  /** The span whose descendants were cut. */
  parent: number;
  reason: 'depth' | 'width';
  /** How many spans were left out (the cut children and everything below them). */
  spans: number;
}

/** The tree in display order. */
export interface SpanRows {
  rows: Array<SpanRow | CutRow>;
  /** Spans not shown, in total. */
  cut: number;
}

/** Deeper spans are summarized in one line: indentation past this helps nobody. */
export const MAX_SHOWN_DEPTH = 40;
/** Children shown per span without `--full`; the rest are summarized in one line. */
export const MAX_SHOWN_CHILDREN = 200;
/** Stack trace lines shown without `--full`. */
export const STACK_LINES = 4;

/**
 * The OTel span kind attributes MLflow translates into a span type when `mlflow.spanType` is
 * absent, in the order of MLflow's translators (`_TRANSLATORS` in
 * mlflow/tracing/otel/translation/__init__.py: OpenInference, GenAI, Traceloop, Google ADK (the
 * GenAI key), Vercel AI). The raw kind is shown, not MLflow's mapping of it.
 */
export const KIND_KEYS: readonly string[] = ['openinference.span.kind', 'gen_ai.operation.name', 'traceloop.span.kind', 'ai.operationId'];

/**
 * The spans in display order: each root (start order) with its subtree depth first, then each
 * orphan subtree, then the spans on parent cycles. Iterative, so a chain of 100 000 spans costs a
 * loop, not a stack frame each; spans deeper than {@link MAX_SHOWN_DEPTH} and children past
 * {@link MAX_SHOWN_CHILDREN} (unless `full`) become one {@link CutRow} each.
 */
export function spanRows(input: TraceReportInput, options: Pick<TraceReportOptions, 'full'>): SpanRows {
  const { trace, io } = input;
  const { tree } = trace;
  const rows: Array<SpanRow | CutRow> = [];
  const seen = new Set<number>();
  let cut = 0;
  const stack: Array<{ index: number; depth: number; place: SpanPlace } | CutRow> = [];
  const heads = [...tree.roots.map((index) => ({ index, place: 'root' as const })), ...tree.orphans.map((index) => ({ index, place: 'orphan' as const }))];
  for (const head of heads) {
    if (seen.has(head.index)) continue;
    stack.push({ index: head.index, depth: 0, place: head.place });
    while (stack.length > 0) {
      const next = stack.pop()!;
      if ('kind' in next) {
        rows.push(next);
        continue;
      }
      const { index, depth, place } = next;
      if (seen.has(index)) continue;
      seen.add(index);
      rows.push(spanRow(trace, index, depth, place, io));
      const children = (tree.children[index] ?? []).filter((c) => !seen.has(c));
      if (children.length === 0) continue;
      if (depth + 1 > MAX_SHOWN_DEPTH) {
        const n = countSubtrees(trace, children, seen);
        rows.push({ kind: 'cut', depth: depth + 1, parent: index, reason: 'depth', spans: n });
        cut += n;
        continue;
      }
      const shown = options.full ? children : children.slice(0, MAX_SHOWN_CHILDREN);
      const hidden = children.slice(shown.length);
      // The cut line comes after the shown children: pushed first, popped last.
      if (hidden.length > 0) {
        const n = countSubtrees(trace, hidden, seen);
        stack.push({ kind: 'cut', depth: depth + 1, parent: index, reason: 'width', spans: n });
        cut += n;
      }
      for (let i = shown.length - 1; i >= 0; i--) stack.push({ index: shown[i]!, depth: depth + 1, place: 'child' });
    }
  }
  for (const index of tree.cycles) {
    if (seen.has(index)) continue;
    seen.add(index);
    rows.push(spanRow(trace, index, 0, 'cycle', io));
  }
  return { rows, cut };
}

function spanRow(trace: Trace, index: number, depth: number, place: SpanPlace, io: TurnIo): SpanRow {
  const span = trace.spans[index]!;
  const start = span.startTimeNs;
  const end = span.endTimeNs;
  const exceptions: ExceptionView[] = [];
  const others = new Map<string, number>();
  for (const event of span.events) {
    if (event.name === 'exception') exceptions.push(exceptionOf(event, start));
    else others.set(event.name, (others.get(event.name) ?? 0) + 1);
  }
  return {
    kind: 'span',
    index,
    depth,
    place,
    span,
    type: spanType(span),
    durationMs: start !== null && end !== null ? (end - start) / 1e6 : null,
    exceptions,
    otherEvents: [...others].map(([name, count]) => ({ name, count })),
    turnIo: io.spanIndex === index,
  };
}

/** A span's type: `mlflow.spanType`, else the first OTel kind attribute ({@link KIND_KEYS}). */
export function spanType(span: Span): { value: string; key: string } | null {
  for (const key of ['mlflow.spanType', ...KIND_KEYS]) {
    const value = span.attributes.get(key);
    if (typeof value === 'string' && value !== '') return { value, key };
  }
  return null;
}

function exceptionOf(event: SpanEvent, startNs: number | null): ExceptionView {
  const text = (key: string): string | null => {
    const value = event.attributes[key];
    if (value === undefined || value === null || value === '') return null;
    return typeof value === 'string' ? value : String(value);
  };
  return {
    type: text('exception.type'),
    message: text('exception.message'),
    stacktrace: text('exception.stacktrace'),
    offsetMs: event.timeNs !== null && startNs !== null ? (event.timeNs - startNs) / 1e6 : null,
  };
}

/**
 * The stack trace lines worth a glance. A Python traceback ("most recent call last") ends with the
 * frame that raised and the exception line, and starts with OTel's and MLflow's wrapper frames,
 * so its last lines are kept; any other trace (Java, JavaScript) puts the raising frame first.
 */
export function stackExcerpt(stacktrace: string, full: boolean): { lines: string[]; omitted: number } {
  const lines = stacktrace.replace(/\s+$/, '').split(/\r?\n/);
  if (full || lines.length <= STACK_LINES) return { lines, omitted: 0 };
  const pythonic = /^Traceback \(most recent call last\)/.test(lines[0] ?? '');
  return { lines: pythonic ? lines.slice(-STACK_LINES) : lines.slice(0, STACK_LINES), omitted: lines.length - STACK_LINES };
}

function countSubtrees(trace: Trace, heads: readonly number[], seen: ReadonlySet<number>): number {
  const counted = new Set<number>();
  const stack = [...heads];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (counted.has(i) || seen.has(i)) continue;
    counted.add(i);
    for (const c of trace.tree.children[i] ?? []) stack.push(c);
  }
  return counted.size;
}
