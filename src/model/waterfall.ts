import { cutText } from './messages.js';
import { spanTypeLabel } from './span-kind.js';
import type { Span, SpanStatus, Trace } from './types.js';

/** The spans of a trace on a time axis, in tree order (each root, then its subtree depth first). */
export interface Waterfall {
  /** Trace duration on the axis (ms): the latest span end after the earliest start; null when no span has both times. */
  totalMs: number | null;
  spans: WaterfallSpan[];
  /** Spans past the bound, left out. */
  omitted: number;
}

/** One bar of a waterfall. */
export interface WaterfallSpan {
  spanId: string;
  name: string;
  /** `mlflow.spanType`, else an OTel kind attribute; null when neither is set. */
  type: string | null;
  /** Depth below its root (orphan subtrees start again at 0; spans on a parent cycle are at 0). */
  depth: number;
  /** Start after the earliest span start (ms), or null when unknown. */
  startMs: number | null;
  /** Null when the start or end is unknown (an unfinished span). */
  durationMs: number | null;
  status: SpanStatus;
  /** True on the span the turn's input and output came from. */
  turnIo: boolean;
  /** For an ERROR span: its first exception (`Type: message`), else its status message, cut; else null. */
  error: string | null;
}

/** Longest name or error kept per bar. */
const LABEL_CHARS = 200;

/**
 * A trace's spans as waterfall bars: roots in start order, each followed by its subtree depth
 * first (children in start order), then orphan subtrees, then spans on parent cycles; at most
 * `maxSpans` bars, the rest counted. Iterative, so a chain of 100 000 spans costs a loop. Times
 * are offsets from the earliest known start, so the axis starts at 0.
 */
export function waterfallOf(trace: Trace, ioSpanIndex: number | null, maxSpans: number): Waterfall {
  const { spans, tree } = trace;
  let origin = Infinity;
  let end = -Infinity;
  for (const s of spans) {
    if (s.startTimeNs !== null) origin = Math.min(origin, s.startTimeNs);
    if (s.endTimeNs !== null) end = Math.max(end, s.endTimeNs);
  }
  const known = Number.isFinite(origin);
  const bars: WaterfallSpan[] = [];
  const seen = new Set<number>();
  const visit = (head: number): void => {
    const stack: Array<{ index: number; depth: number }> = [{ index: head, depth: 0 }];
    while (stack.length > 0) {
      const { index, depth } = stack.pop()!;
      if (seen.has(index)) continue;
      seen.add(index);
      if (bars.length < maxSpans) bars.push(bar(spans[index]!, depth, known ? origin : null, index === ioSpanIndex));
      const children = tree.children[index] ?? [];
      for (let i = children.length - 1; i >= 0; i--) stack.push({ index: children[i]!, depth: depth + 1 });
    }
  };
  for (const head of [...tree.roots, ...tree.orphans, ...tree.cycles]) visit(head);
  // Anything the tree did not reach (it should reach every span) is still counted.
  const omitted = spans.length - bars.length;
  const totalMs = known && end >= origin ? ms(end - origin) : null;
  return { totalMs, spans: bars, omitted };
}

function bar(span: Span, depth: number, origin: number | null, turnIo: boolean): WaterfallSpan {
  const start = span.startTimeNs;
  const stop = span.endTimeNs;
  return {
    spanId: span.spanId,
    name: cutText(span.name, LABEL_CHARS),
    type: spanTypeLabel(span),
    depth,
    startMs: start === null || origin === null ? null : ms(start - origin),
    durationMs: start === null || stop === null ? null : ms(stop - start),
    status: span.status,
    turnIo,
    error: span.status === 'ERROR' ? errorLine(span) : null,
  };
}

/** Nanoseconds (doubles, exact to about 256 ns at today's epoch) as milliseconds to the microsecond. */
function ms(ns: number): number {
  return Math.round(ns / 1e3) / 1e3;
}

/** `Type: message` of the first exception event, else the status message; null when both are empty. */
function errorLine(span: Span): string | null {
  const event = span.events.find((e) => e.name === 'exception');
  const text = (key: string): string => {
    const value = event?.attributes[key];
    return value === undefined || value === null ? '' : String(value);
  };
  const type = text('exception.type');
  const message = text('exception.message');
  const line = type !== '' && message !== '' ? `${type}: ${message}` : type || message || span.statusMessage;
  return line === '' ? null : cutText(line, LABEL_CHARS);
}
