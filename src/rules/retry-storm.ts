import { errorSignature } from '../model/facts-errors.js';
import { attemptKey, RecoveryIndex } from '../model/recovery.js';
import type { Span, Trace } from '../model/types.js';
import { defineRule, type EvidenceInput, type ReportDescriptor } from './api.js';
import { noStop } from './util/wording.js';
import { formatDuration } from '../shared/time.js';

type MessageId = 'retryStorm' | 'retriesThenSuccess';

/** Options of the rule (see `meta.schema`). */
interface Options {
  min_failures: number;
  by_signature: boolean;
}

/** Failed attempts listed as evidence of one finding; the count in the message is the total. */
const MAX_EVIDENCE = 10;
/** Span names listed for a signature seen on differently named spans. */
const MAX_NAMES = 3;

/** One failure: a failed span, or one exception event of a span (MLflow's `span.record_exception`). */
interface Occurrence {
  span: Span;
  signature: string;
}

/**
 * An agent that calls the same failing tool or model again and again burns time, tokens and rate
 * limit, and the trace shows it only as a long list of red spans that a reader skims past. The
 * same span (same name under the same parent) failing several times in one trace, or the same
 * error signature repeating on unrelated spans, is a retry loop or a fan-out hitting one broken
 * dependency. When the last attempt succeeded the turn recovered, but the finding still says what
 * the retries cost.
 */
export default defineRule<MessageId, Options>({
  meta: {
    id: 'retry-storm',
    type: 'problem',
    description: 'The same span, or the same error, fails again and again in one trace: a retry loop or a fan-out hitting one broken dependency.',
    severity: 'warn',
    messages: {
      retryStorm: '{{what}} failed {{count}} times in {{spread}} {{where}}; error: {{signature}}.',
      retriesThenSuccess: 'Span "{{name}}" failed {{times}} {{where}} before an attempt succeeded; the retries cost {{lost}}; error: {{signature}}.',
    },
    messageSeverity: { retriesThenSuccess: 'info' },
    suggestions: {
      retryStorm: 'Fix the failing dependency ({{signature}}) and bound the retries (a retry budget with backoff, or stop after the first error of this kind).',
      retriesThenSuccess: 'Check why the first attempts failed; retry with backoff, or fix the input the failing attempts had.',
    },
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        min_failures: { type: 'integer', minimum: 2, description: 'Failures of the same span (or the same error) in one trace that make a storm.' },
        by_signature: { type: 'boolean', description: 'Also group failures by error signature across differently named spans, not only by span name and parent.' },
      },
    },
    defaultOptions: { min_failures: 3, by_signature: true },
  },
  create(context) {
    const { min_failures: min, by_signature: bySignature } = context.options;
    return {
      trace({ trace, digest }) {
        // A partial trace (--extract-fields output) has no parent ids: "the same span" cannot be told.
        if (trace.partial) return;
        const failures = occurrences(trace);
        if (failures.length === 0) return;
        const covered = new Set<Span>();
        const recovery = new RecoveryIndex(trace);
        const bySpan = groupBy(failures, (o) => `${attemptKey(o.span)}\u0000${o.span.parentId ?? ''}`);
        for (const [key, group] of bySpan) {
          const success = recovery.laterSuccess([...new Set(group.map((o) => o.span))]);
          // Fewer failures than a storm: said only when a later attempt succeeded (a recovered
          // error is information, never a failure of the turn: see `ErrorFacts.recovered`).
          if (group.length < min && success === null) continue;
          for (const o of group) covered.add(o.span);
          context.report(spanGroup(trace, digest.traceId, key, group, success));
        }
        if (!bySignature || failures.length < min) return;
        for (const [signature, all] of groupBy(failures, (o) => o.signature)) {
          const group = origins(trace, all);
          // Already told as one span failing again and again.
          if (group.length < min || group.every((o) => covered.has(o.span))) continue;
          context.report(signatureGroup(trace, digest.traceId, signature, group));
        }
      },
    };
  },
});

/** Every failure of the trace in start order: one per exception event, else one per ERROR span. */
function occurrences(trace: Trace): Occurrence[] {
  const out: Occurrence[] = [];
  for (const span of byStart(trace.spans)) {
    const exceptions = span.events.filter((e) => e.name === 'exception');
    for (const e of exceptions) {
      const type = typeof e.attributes['exception.type'] === 'string' ? e.attributes['exception.type'] : null;
      const raw = e.attributes['exception.message'];
      out.push({ span, signature: errorSignature(type, typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : String(raw)) });
    }
    // Same reading as `errorFacts` (src/model/facts-errors.ts), so the signatures match `systemic-failure`'s.
    if (exceptions.length === 0 && span.status === 'ERROR') {
      out.push({ span, signature: errorSignature(null, span.statusMessage === '' ? `${span.name} failed` : span.statusMessage) });
    }
  }
  return out;
}

function spanGroup(trace: Trace, traceId: string, key: string, group: readonly Occurrence[], success: Span | null): ReportDescriptor<MessageId> {
  const first = group[0]!.span;
  const where = placeOf(trace, first);
  const signature = signatureOf(group);
  const evidence = attempts(trace, group);
  if (success !== null) {
    const start = first.startTimeNs;
    const lost = start === null || success.startTimeNs === null ? 'an unknown time' : formatDuration((success.startTimeNs - start) / 1e6);
    return {
      messageId: 'retriesThenSuccess',
      traceId,
      spanId: first.spanId,
      path: `${trace.paths.spans}[${first.index}]`,
      key: `span:${key}`,
      data: { name: first.name, times: timesOf(group.length), where, lost, signature: noStop(signature) },
      evidence: [...evidence, { spanId: success.spanId, path: `${trace.paths.spans}[${success.index}]`, kind: 'success', label: `attempt that succeeded: "${success.name}"` }],
    };
  }
  return {
    messageId: 'retryStorm',
    traceId,
    spanId: first.spanId,
    path: `${trace.paths.spans}[${first.index}]`,
    key: `span:${key}`,
    data: { what: `Span "${first.name}"`, count: group.length, spread: spreadOf(group), where, signature: noStop(signature) },
    evidence,
  };
}

function signatureGroup(trace: Trace, traceId: string, signature: string, group: readonly Occurrence[]): ReportDescriptor<MessageId> {
  const first = group[0]!.span;
  const names = [...new Set(group.map((o) => `"${o.span.name}"`))];
  const listed = names.length > MAX_NAMES ? `${names.slice(0, MAX_NAMES).join(', ')} and ${names.length - MAX_NAMES} more` : names.join(', ');
  return {
    messageId: 'retryStorm',
    traceId,
    spanId: first.spanId,
    path: `${trace.paths.spans}[${first.index}]`,
    key: `signature:${signature}`,
    data: { what: 'The same error', count: group.length, spread: spreadOf(group), where: `on ${names.length === 1 ? 'span' : 'spans'} ${listed}`, signature: noStop(signature) },
    evidence: attempts(trace, group),
  };
}

/**
 * Drops the failures that only pass on a failure below them: an error that propagates from a tool
 * to the agent to the root has one signature on three spans, but it happened once. What is left
 * are the spans where the error started.
 */
function origins(trace: Trace, group: readonly Occurrence[]): Occurrence[] {
  const parentOf = new Map<number, number>();
  trace.tree.children.forEach((list, parent) => {
    for (const child of list) parentOf.set(child, parent);
  });
  const inGroup = new Set(group.map((o) => o.span.index));
  const propagated = new Set<number>();
  for (const index of inGroup) {
    // Bounded walk: the tree's parent links cannot loop from a reached span, but a span on a cycle can.
    let p = parentOf.get(index);
    for (let steps = 0; p !== undefined && steps < trace.spans.length; steps++) {
      if (inGroup.has(p)) propagated.add(p);
      p = parentOf.get(p);
    }
  }
  return group.filter((o) => !propagated.has(o.span.index));
}

/** `once`, `twice`, `3 times`. */
function timesOf(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

function attempts(trace: Trace, group: readonly Occurrence[]): EvidenceInput[] {
  return group.slice(0, MAX_EVIDENCE).map((o, i) => ({
    spanId: o.span.spanId,
    path: `${trace.paths.spans}[${o.span.index}]`,
    kind: 'failedAttempt',
    label: `failure ${i + 1} of ${group.length}: "${o.span.name}": ${o.signature}`,
  }));
}

/** `under "agent"`, `as a root span`, or `under missing parent <id>`. */
function placeOf(trace: Trace, span: Span): string {
  if (span.parentId === null) return 'as a root span';
  const parent = trace.spans.find((s) => s.spanId === span.parentId);
  return parent === undefined ? `under missing parent ${span.parentId}` : `under "${parent.name}"`;
}

/** The most frequent signature, and how many others there were. */
function signatureOf(group: readonly Occurrence[]): string {
  const counts = groupBy(group, (o) => o.signature);
  const [top] = [...counts].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const others = counts.size - 1;
  return others === 0 ? top![0] : `${top![0]} (and ${others} other ${others === 1 ? 'error' : 'errors'})`;
}

/** From the first failure's start to the last one's end. */
function spreadOf(group: readonly Occurrence[]): string {
  // A loop, not Math.min(...list): a storm can be longer than the engine's argument limit.
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const { span } of group) {
    if (span.startTimeNs !== null) first = Math.min(first, span.startTimeNs);
    const end = span.endTimeNs ?? span.startTimeNs;
    if (end !== null) last = Math.max(last, end);
  }
  return first === Number.POSITIVE_INFINITY || last === Number.NEGATIVE_INFINITY ? 'an unknown time' : formatDuration((last - first) / 1e6);
}

function byStart(spans: readonly Span[]): Span[] {
  return [...spans].sort((a, b) => (a.startTimeNs ?? Number.POSITIVE_INFINITY) - (b.startTimeNs ?? Number.POSITIVE_INFINITY) || a.index - b.index);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
