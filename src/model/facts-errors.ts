// A trace's errors as facts: one per exception event or failed span, each with a signature that
// is the same for every occurrence of the same fault.
import { cut, NO_MARK } from '../shared/text.js';
import { shared } from './facts-keys.js';
import type { Span } from './types.js';

/** One error: a failed span, or an exception event. */
export interface ErrorFacts {
  /** Normalized `Type: message` (numbers, ids and quoted values replaced): the same fault has the same signature. */
  signature: string;
  spanId: string;
  spanName: string;
  path: string;
  /** Exception type and message as written (message cut to {@link NOTE_CHARS}). */
  type: string | null;
  message: string;
  /**
   * The attempt that succeeded after this error within the turn (a later sibling of the same
   * span or tool, or the span itself when it ended OK), in a turn that answered: a recovered
   * error is information, not a failure of the turn (see `recoveredSpans`). Null when not recovered.
   */
  recovered: { spanId: string; spanName: string; path: string } | null;
}

const NOTE_CHARS = 300;

/**
 * A fault's signature: exception type and message with the parts that vary between occurrences
 * (numbers, hex ids, UUIDs, quoted values) replaced, so `timeout after 30s (req 8f3a…)` and
 * `timeout after 31s (req 1b2c…)` are the same fault.
 */
export function errorSignature(type: string | null, message: string): string {
  const text = cut(message, 500, NO_MARK)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/giu, '<id>')
    .replace(/\b(?:0x)?[0-9a-f]*\d[0-9a-f]*\b/giu, (m) => (m.length >= 8 ? '<id>' : m))
    .replace(/'[^']{0,200}'|"[^"]{0,200}"/gu, '<s>')
    .replace(/\d+(?:\.\d+)?/gu, '<n>')
    .replace(/\s+/gu, ' ')
    .trim();
  const short = cut(text, 200, NO_MARK);
  return type === null || type === '' ? short : `${type}: ${short}`;
}

/** The errors of one span: one per `exception` event, else one for its ERROR status; none for a span that did neither. */
export function errorFacts(span: Span, path: string, recovery: (span: Span) => ErrorFacts['recovered']): ErrorFacts[] {
  const out: ErrorFacts[] = [];
  const exceptions = span.events.filter((e) => e.name === 'exception');
  if (exceptions.length === 0 && span.status !== 'ERROR') return out;
  const recovered = recovery(span);
  for (const event of exceptions) {
    const type = typeof event.attributes['exception.type'] === 'string' ? (event.attributes['exception.type'] as string) : null;
    const raw = event.attributes['exception.message'];
    const message = typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : String(raw);
    out.push({
      signature: errorSignature(type, message),
      spanId: span.spanId,
      spanName: shared(span.name),
      path,
      type: type === null ? null : shared(type),
      message: cut(message, NOTE_CHARS, NO_MARK),
      recovered,
    });
  }
  if (out.length === 0 && span.status === 'ERROR') {
    const message = span.statusMessage;
    out.push({
      signature: errorSignature(null, message === '' ? `${span.name} failed` : message),
      spanId: span.spanId,
      spanName: shared(span.name),
      path,
      type: null,
      message: cut(message, NOTE_CHARS, NO_MARK),
      recovered,
    });
  }
  return out;
}
