import type { Span, Trace } from '../model/types.js';
import { defineRule, type EvidenceInput, type ReportDescriptor } from './api.js';
import { plural } from '../shared/plural.js';

type MessageId = 'orphanSpan' | 'multipleRoots' | 'spanCycle' | 'duplicateSpanId' | 'noRoot' | 'moreProblems';

/** Findings per trace before the rest is summed up in one `moreProblems`: a broken exporter can orphan thousands of spans. */
const MAX_FINDINGS = 20;
/** Spans listed as evidence of one finding. */
const MAX_EVIDENCE = 10;
/** Spans named in a cycle's chain before `…`. */
const MAX_CHAIN = 6;

/**
 * Every view of a trace (MLflow's UI, `tracetriage trace`, the turn I/O span, error propagation)
 * walks its span tree from the root. A span whose parent is not in the trace, a second root, a
 * parent cycle or a span id used twice breaks that walk: spans go missing from the tree or hang
 * under the wrong parent, and MLflow reads the trace's request and response from the first span
 * without a parent only (`TraceData._get_root_span`, mlflow/entities/trace_data.py). This rule
 * says which span, where, so the export or the instrumentation can be fixed before the rest of
 * the triage is trusted.
 */
export default defineRule<MessageId>({
  meta: {
    id: 'span-tree-integrity',
    type: 'problem',
    description: 'The span tree is broken: orphan spans, several roots, a parent cycle, a span id used twice, or no root.',
    severity: 'warn',
    messages: {
      orphanSpan: 'Span "{{name}}" ({{spanId}}) names parent {{parentId}}, which is not in the trace: {{cut}} cut off from the root.',
      multipleRoots:
        'The trace has {{count}} root spans: "{{name}}" ({{spanId}}) has no parent, besides the first root "{{first}}"; MLflow reads the trace\'s request and response from the first root only.',
      spanCycle: 'Parent cycle: {{chain}} (each span names the next as its parent); {{reach}} reached from no root.',
      duplicateSpanId:
        'Span id {{spanId}} is used by {{count}} spans ({{names}}): children and span-level assessments naming it are hung under the first, "{{first}}", which may not be the one they meant.',
      noRoot: 'No root span: each of the {{count}} spans names a parent ({{instead}}), so the trace has no top span to read its request and response from.',
      moreProblems: 'And {{count}} more span tree problems in this trace ({{kinds}}), not listed one by one.',
    },
    messageSeverity: { spanCycle: 'error' },
    suggestions: {
      orphanSpan: 'Check that every service on the request exports its spans to the same MLflow trace, and that the trace had ended (state {{state}}) when it was exported.',
      multipleRoots: "Start the extra root spans inside the request's root span (pass the parent span or keep the tracing context across threads and tasks).",
      spanCycle: 'The exporter or a hand-written span wrote wrong parent ids; re-export the trace from MLflow or fix the code that sets parent_span_id.',
      duplicateSpanId: 'Span ids must be unique in a trace; check for traces merged by hand or an SDK that reuses span ids.',
      noRoot: 'Export the trace again once it has ended (state {{state}}): the root span is exported last.',
    },
  },
  create(context) {
    return {
      trace({ trace, digest }) {
        // A partial trace (--extract-fields output) has no span ids to build a tree from, and a
        // record without spans (an info-only record) has no tree at all: nothing to judge.
        if (trace.partial || trace.spans.length === 0) return;
        const reports = problems(trace, digest.traceId);
        for (const r of reports.slice(0, MAX_FINDINGS)) context.report(r);
        const rest = reports.slice(MAX_FINDINGS);
        if (rest.length === 0) return;
        const kinds = new Map<string, number>();
        for (const r of rest) kinds.set(r.messageId, (kinds.get(r.messageId) ?? 0) + 1);
        context.report({
          messageId: 'moreProblems',
          traceId: digest.traceId,
          path: trace.paths.spans,
          data: { count: rest.length, kinds: [...kinds].map(([k, n]) => `${n} ${k}`).join(', ') },
          evidence: rest.slice(0, MAX_EVIDENCE).map((r) => ({ spanId: r.spanId ?? null, path: r.path ?? null, kind: r.messageId, label: `${r.messageId} at ${r.path ?? 'the span list'}` })),
        });
      },
    };
  },
});

/** Every problem of the tree, worst first: no root, cycles, duplicate ids, orphans, extra roots. */
function problems(trace: Trace, traceId: string): Array<ReportDescriptor<MessageId>> {
  const { spans, tree } = trace;
  const at = (i: number): string => `${trace.paths.spans}[${i}]`;
  const label = (s: Span): string => `"${s.name}" (${s.spanId})`;
  const evidence = (indices: readonly number[], kind: string, what: string): EvidenceInput[] =>
    indices.slice(0, MAX_EVIDENCE).map((i) => ({ spanId: spans[i]!.spanId, path: at(i), kind, label: `${what} ${label(spans[i]!)}` }));
  const state = trace.info.state;
  const out: Array<ReportDescriptor<MessageId>> = [];

  if (tree.roots.length === 0) {
    const instead = [tree.orphans.length > 0 ? plural(tree.orphans.length, 'orphan') : null, tree.cycles.length > 0 ? `${plural(tree.cycles.length, 'span')} on or below a cycle` : null].filter(
      (s): s is string => s !== null,
    );
    out.push({
      messageId: 'noRoot',
      traceId,
      path: trace.paths.spans,
      data: { count: spans.length, instead: instead.join(', '), state },
      evidence: evidence([...tree.orphans, ...tree.cycles], 'topSpan', 'span at the top instead:'),
    });
  }

  for (const loop of cycles(trace)) {
    const first = spans[loop.members[0]!]!;
    const names = loop.members.slice(0, MAX_CHAIN).map((i) => label(spans[i]!));
    const chain = loop.members.length > MAX_CHAIN ? [...names, '…'] : [...names, label(first)];
    const total = loop.members.length + loop.below;
    out.push({
      messageId: 'spanCycle',
      traceId,
      spanId: first.spanId,
      path: at(first.index),
      data: {
        chain: chain.join(' → '),
        reach: loop.below > 0 ? `these spans and ${loop.below} below them (${total} in all) are` : total === 1 ? 'this span is' : `these ${total} spans are`,
        state,
      },
      evidence: evidence(loop.members, 'cycleMember', 'on the cycle:'),
    });
  }

  for (const { spanId, indices } of tree.duplicates) {
    const second = indices[1]!;
    const names = [...new Set(indices.map((i) => `"${spans[i]!.name}"`))];
    out.push({
      messageId: 'duplicateSpanId',
      traceId,
      spanId,
      path: at(second),
      data: { spanId, count: indices.length, names: names.join(', '), first: spans[indices[0]!]!.name },
      evidence: evidence(indices, 'duplicateUse', 'uses the id:'),
    });
  }

  for (const i of [...tree.orphans].sort((a, b) => a - b)) {
    const span = spans[i]!;
    const below = descendants(tree.children, i);
    out.push({
      messageId: 'orphanSpan',
      traceId,
      spanId: span.spanId,
      path: at(i),
      data: {
        name: span.name,
        spanId: span.spanId,
        parentId: span.parentId ?? '',
        cut: below === 0 ? 'it is' : `it and the ${plural(below, 'span')} below it are`,
        state,
      },
      evidence: evidence([i], 'orphanSpan', 'orphan'),
    });
  }

  // MLflow takes the first root in span order, whatever its start time.
  const roots = [...tree.roots].sort((a, b) => a - b);
  const firstRoot = roots[0];
  for (const i of roots.slice(1)) {
    const span = spans[i]!;
    out.push({
      messageId: 'multipleRoots',
      traceId,
      spanId: span.spanId,
      path: at(i),
      data: { count: roots.length, name: span.name, spanId: span.spanId, first: spans[firstRoot!]!.name, state },
      evidence: [...evidence([i], 'extraRoot', 'extra root'), ...evidence([firstRoot!], 'firstRoot', 'first root')],
    });
  }
  return out;
}

/** Spans below `head` in the tree (children lists never loop: a cycle is unreachable from a head). */
function descendants(children: readonly number[][], head: number): number {
  let count = 0;
  const queue = [...children[head]!];
  for (let q = 0; q < queue.length; q++) {
    count++;
    for (const child of children[queue[q]!]!) queue.push(child);
  }
  return count;
}

/**
 * The parent loops among the spans the tree reached from no head, each with its members in
 * parent order from its lowest index, and how many unreached spans hang below it. Parents are
 * looked up as `buildSpanTree` does (the first span of a duplicated id), without recursion.
 */
function cycles(trace: Trace): Array<{ members: number[]; below: number }> {
  const { spans, tree } = trace;
  if (tree.cycles.length === 0) return [];
  const byId = new Map<string, number>();
  spans.forEach((s, i) => {
    if (s.spanId !== '' && !byId.has(s.spanId)) byId.set(s.spanId, i);
  });
  const parentOf = (i: number): number | undefined => {
    const id = spans[i]!.parentId;
    return id === null ? undefined : byId.get(id);
  };
  const loopOf = new Map<number, number>();
  const loops: Array<{ members: number[]; below: number }> = [];
  for (const start of tree.cycles) {
    if (loopOf.has(start)) continue;
    const path: number[] = [];
    const onPath = new Map<number, number>();
    let j: number | undefined = start;
    while (j !== undefined && !loopOf.has(j) && !onPath.has(j)) {
      onPath.set(j, path.length);
      path.push(j);
      j = parentOf(j);
    }
    let id: number;
    let tail: number[];
    if (j !== undefined && onPath.has(j)) {
      const loop = path.slice(onPath.get(j));
      const low = loop.indexOf(loop.reduce((a, b) => Math.min(a, b)));
      id = loops.length;
      loops.push({ members: [...loop.slice(low), ...loop.slice(0, low)], below: 0 });
      tail = path.slice(0, onPath.get(j));
      for (const m of loop) loopOf.set(m, id);
    } else if (j !== undefined && loopOf.has(j)) {
      id = loopOf.get(j)!;
      tail = path;
    } else {
      // Not reachable: every unreached span leads to a loop. Kept so a bug shows as no finding, not a crash.
      continue;
    }
    for (const m of tail) loopOf.set(m, id);
    loops[id]!.below += tail.length;
  }
  return loops.sort((a, b) => a.members[0]! - b.members[0]!);
}
