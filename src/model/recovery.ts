import type { Span, Trace } from './types.js';

/**
 * What a retry is an attempt of: the tool it calls (`gen_ai.tool.name`, OpenInference's
 * `tool.name`), else the span's name. Two attempts of one tool may be named after the call
 * (`tool_call_1`, `tool_call_2`) by some frameworks, and after the tool by others.
 */
export function attemptKey(span: Span): string {
  for (const key of ['gen_ai.tool.name', 'tool.name']) {
    const value = span.attributes.get(key);
    if (typeof value === 'string' && value !== '') return `tool:${value}`;
  }
  return `name:${span.name}`;
}

/** True when the span neither failed nor recorded an exception. */
export function succeeded(span: Span): boolean {
  return span.status !== 'ERROR' && !span.events.some((e) => e.name === 'exception');
}

/**
 * The attempt that succeeded after `failed` (one or more failed attempts of one span): a span of
 * the same attempt key under the same parent, started at or after the last failure (file order
 * when times are missing), that neither failed nor recorded an exception. A sibling that ran
 * before or beside the failures is not a recovery from them. Null when there is none.
 */
export function laterSuccess(trace: Trace, failed: readonly Span[]): Span | null {
  const first = failed[0];
  if (first === undefined) return null;
  const key = attemptKey(first);
  const mine = new Set(failed);
  let latest = Number.NEGATIVE_INFINITY;
  let lastIndex = -1;
  for (const span of failed) {
    latest = Math.max(latest, span.startTimeNs ?? Number.NEGATIVE_INFINITY);
    lastIndex = Math.max(lastIndex, span.index);
  }
  let best: Span | null = null;
  for (const span of trace.spans) {
    if (mine.has(span) || span.parentId !== first.parentId || !succeeded(span) || attemptKey(span) !== key) continue;
    const after = span.startTimeNs !== null && latest !== Number.NEGATIVE_INFINITY ? span.startTimeNs >= latest : span.index > lastIndex;
    if (!after) continue;
    if (best === null || (span.startTimeNs ?? Number.POSITIVE_INFINITY) < (best.startTimeNs ?? Number.POSITIVE_INFINITY)) best = span;
  }
  return best;
}

/**
 * Whether an error on `span` was recovered within the turn, and by what: a later attempt that
 * succeeded (see {@link laterSuccess}), or, for an exception recorded on a span that still
 * ended `OK`, the span itself (the code caught it and went on). Never when the turn did not
 * answer (`answered` false: trace state ERROR, an ERROR root, no answer) or when a span above
 * it failed too: then the error reached the turn.
 */
export function recoveryOf(trace: Trace, span: Span, answered: boolean, parents: ReadonlyMap<number, number>): Span | null {
  if (!answered) return null;
  // Bounded walk: parent links from a reached span cannot loop, but a span on a cycle can.
  let p = parents.get(span.index);
  for (let steps = 0; p !== undefined && steps < trace.spans.length; steps++) {
    if (trace.spans[p]!.status === 'ERROR') return null;
    p = parents.get(p);
  }
  return span.status === 'OK' ? span : laterSuccess(trace, [span]);
}

/** Parent index of each span reached from a root or an orphan (from the tree's child lists). */
export function parentIndex(trace: Trace): Map<number, number> {
  const out = new Map<number, number>();
  trace.tree.children.forEach((list, parent) => {
    for (const child of list) out.set(child, parent);
  });
  return out;
}
