import type { Span, Trace } from './types.js';

/**
 * What a retry is an attempt of: the tool it calls (`gen_ai.tool.name`, OpenInference's
 * `tool.name`), else the span's name. Two attempts of one tool may be named after the call
 * (`tool_call_1`, `tool_call_2`) by some frameworks, and after the tool by others.
 */
export function attemptKey(span: Span): string {
  for (const key of ['gen_ai.tool.name', 'tool.name']) {
    if (!span.attributes.has(key)) continue;
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
 * The attempts of each span of a trace that succeeded, grouped by parent and attempt key, in
 * start order: built once per trace (one pass over the spans), so asking for the recovery of
 * every failed span of a trace of thousands of spans and failures stays linear.
 */
export class RecoveryIndex {
  private readonly successes = new Map<string, Span[]>();
  private parents: Map<number, number> | undefined;

  constructor(private readonly trace: Trace) {
    for (const span of trace.spans) {
      if (!succeeded(span)) continue;
      const key = groupKey(span);
      const list = this.successes.get(key);
      if (list) list.push(span);
      else this.successes.set(key, [span]);
    }
    for (const list of this.successes.values()) list.sort(byStart);
  }

  /**
   * The attempt that succeeded after `failed` (one or more failed attempts of one span): the
   * first span of the same attempt key under the same parent that started at or after the last
   * failure (file order when times are missing) and neither failed nor recorded an exception. A
   * sibling that ran before or beside the failures is not a recovery from them.
   */
  laterSuccess(failed: readonly Span[]): Span | null {
    const first = failed[0];
    if (first === undefined) return null;
    const list = this.successes.get(groupKey(first));
    if (list === undefined) return null;
    let latest = Number.NEGATIVE_INFINITY;
    let lastIndex = -1;
    for (const span of failed) {
      latest = Math.max(latest, span.startTimeNs ?? Number.NEGATIVE_INFINITY);
      lastIndex = Math.max(lastIndex, span.index);
    }
    const timed = latest !== Number.NEGATIVE_INFINITY;
    // The list is in start order, spans without a time last: the first that qualifies is the earliest.
    for (const span of list) if (timed && span.startTimeNs !== null ? span.startTimeNs >= latest : span.index > lastIndex) return span;
    return null;
  }

  /**
   * Whether an error on `span` was recovered within a turn that answered (see `turnAnswered`), and
   * by what: a later attempt that succeeded, or, for an exception recorded on a span that still
   * ended `OK`, the span itself (the code caught it and went on). Never when a span above it
   * failed too: then the error reached the turn.
   */
  recoveryOf(span: Span): Span | null {
    this.parents ??= parentIndex(this.trace);
    // Bounded walk: parent links from a reached span cannot loop, but a span on a cycle can.
    let p = this.parents.get(span.index);
    for (let steps = 0; p !== undefined && steps < this.trace.spans.length; steps++) {
      if (this.trace.spans[p]!.status === 'ERROR') return null;
      p = this.parents.get(p);
    }
    return span.status === 'OK' ? span : this.laterSuccess([span]);
  }
}

/**
 * True when a turn answered: the trace did not end in error (state, first root span) and it has
 * an answer text. Only then can an error in it have been recovered.
 */
export function turnAnswered(trace: Trace, answerText: string): boolean {
  const root = trace.tree.roots[0];
  return trace.info.state !== 'ERROR' && (root === undefined || trace.spans[root]!.status !== 'ERROR') && answerText.trim() !== '';
}

/**
 * Every span of the trace whose failure (ERROR, or an exception recorded) was recovered within
 * the turn, with the span that recovered it (see {@link RecoveryIndex.recoveryOf}): decided once
 * per trace, read by the digest and the facts alike. Empty when the turn did not answer.
 */
export function recoveredSpans(trace: Trace, answered: boolean): Map<Span, Span> {
  const out = new Map<Span, Span>();
  if (!answered) return out;
  let index: RecoveryIndex | undefined;
  for (const span of trace.spans) {
    if (succeeded(span)) continue;
    index ??= new RecoveryIndex(trace);
    const by = index.recoveryOf(span);
    if (by !== null) out.set(span, by);
  }
  return out;
}

function groupKey(span: Span): string {
  return `${span.parentId ?? ''}\u0000${attemptKey(span)}`;
}

function byStart(a: Span, b: Span): number {
  return (a.startTimeNs ?? Number.POSITIVE_INFINITY) - (b.startTimeNs ?? Number.POSITIVE_INFINITY) || a.index - b.index;
}

/** Parent index of each span reached from a root or an orphan (from the tree's child lists). */
function parentIndex(trace: Trace): Map<number, number> {
  const out = new Map<number, number>();
  trace.tree.children.forEach((list, parent) => {
    for (const child of list) out.set(child, parent);
  });
  return out;
}
