import { decodeAttributeValue } from './attributes.js';
import { isEmptyIo, resolveSpanIo, type IoValue, type ResolveOptions, type SpanIo } from './carriers.js';
import type { Trace } from './types.js';

/**
 * Why the turn I/O span is the one it is:
 * - `root`: the root has both input and output;
 * - `descendant`: the nearest span below a wrapper with both input and output;
 * - `failed`: the nearest span with some I/O that ended in error; its missing side is the failure
 *   itself (an agent that timed out has inputs and no answer), so nothing deeper replaces it;
 * - `partial`: no span has both sides: the nearest span with either;
 * - `preview`: no span has any I/O: MLflow's truncated previews, `truncated: true`;
 * - `none`: nothing at all.
 */
export type TurnSelection = 'root' | 'descendant' | 'failed' | 'partial' | 'preview' | 'none';

/** The turn's input and output and the span they were read from. */
export interface TurnIo {
  /** Index into `trace.spans`, or null when the I/O came from previews or was not found. */
  spanIndex: number | null;
  spanId: string | null;
  spanName: string | null;
  /** Depth below its root (or orphan head), 0 for the root itself. */
  depth: number | null;
  input: IoValue | null;
  output: IoValue | null;
  /** True when a side comes from a preview MLflow cuts (250 / 1,000 / 10,000 characters). */
  truncated: boolean;
  /** Names of the spans above the I/O span, root first: the wrappers that were passed over. */
  wrapperChain: string[];
  selection: TurnSelection;
  /**
   * The span the output was read from when it is not the I/O span: a later call of the same kind
   * under the same parent (an agent loop: the first model call asks for a tool, the last one
   * answers). Null when the output is the I/O span's own.
   */
  answerSpan: { index: number; spanId: string; name: string } | null;
}

/** Options of {@link turnIo}: the carrier table's extra rows. */
export type TurnIoOptions = ResolveOptions;

/** The carrier named for values read from MLflow's truncated previews. */
export const TRUNCATED_PREVIEW = 'truncated-preview';

interface Candidate {
  index: number;
  selection: 'root' | 'descendant' | 'failed' | 'partial';
}

/**
 * Finds the turn I/O span of a trace.
 *
 * The root is the turn I/O span when it has both input and output (an empty value — `{}`, `[]`,
 * `null`, `""` — counts as missing, see `isEmptyIo`). Otherwise the spans below it are searched
 * breadth first, one depth at a time; within a depth, by start time (then file order):
 * 1. the first span with both input and output is the turn I/O span;
 * 2. else the first span with some I/O whose status is ERROR: the turn failed there, and the
 *    spans below it are its internal steps, not the turn's answer;
 * 3. else the search goes one level deeper.
 * When no span has both sides, the nearest span (same order) with either side is taken. Input and
 * output are stitched from two spans in one case only, an agent loop: when the span found below a
 * wrapper has later siblings of the same kind (same `mlflow.spanType`, else same name) with both
 * sides and no error, the last one's output is the answer (the first model call asked for a tool,
 * the last one answered). A tool's output is never the answer: a TOOL span is not of a model
 * call's kind.
 *
 * Several roots are searched in start order, then orphan subtrees (a span whose parent is not in
 * the file heads one); spans on a parent cycle are never reached. Only when no span has any I/O
 * are the truncated previews used: `request_preview` / `response_preview` (info), then
 * `mlflow.traceInputs` / `mlflow.traceOutputs` (metadata), marked `truncated`.
 */
export function turnIo(trace: Trace, options: TurnIoOptions = {}): TurnIo {
  const cache = new Map<number, SpanIo>();
  const io = (i: number): SpanIo => {
    let hit = cache.get(i);
    if (!hit) {
      hit = resolveSpanIo(trace.spans[i]!, options);
      cache.set(i, hit);
    }
    return hit;
  };
  const heads = [...trace.tree.roots, ...trace.tree.orphans];
  const parents = new Map<number, number>();
  let partial: Candidate | null = null;
  for (const head of heads) {
    const found = searchHead(trace, head, io, parents);
    if (found.best) return fromSpan(trace, found.best, io(found.best.index), parents, io);
    partial ??= found.partial;
  }
  if (partial) return fromSpan(trace, partial, io(partial.index), parents);
  return fromPreviews(trace);
}

function searchHead(trace: Trace, head: number, io: (i: number) => SpanIo, parents: Map<number, number>): { best: Candidate | null; partial: Candidate | null } {
  const { spans, tree } = trace;
  const isRoot = tree.roots.includes(head);
  let partial: Candidate | null = null;
  let level = [head];
  const seen = new Set<number>(level);
  while (level.length > 0) {
    level.sort((a, b) => (spans[a]!.startTimeNs ?? Infinity) - (spans[b]!.startTimeNs ?? Infinity) || a - b);
    const both = level.find((i) => io(i).input !== null && io(i).output !== null);
    if (both !== undefined) {
      return { best: { index: both, selection: both === head && isRoot ? 'root' : 'descendant' }, partial };
    }
    const some = (i: number): boolean => io(i).input !== null || io(i).output !== null;
    const failed = level.find((i) => spans[i]!.status === 'ERROR' && some(i));
    if (failed !== undefined) return { best: { index: failed, selection: 'failed' }, partial };
    const first = level.find(some);
    if (partial === null && first !== undefined) partial = { index: first, selection: 'partial' };
    const next: number[] = [];
    for (const i of level) {
      for (const child of tree.children[i] ?? []) {
        if (seen.has(child)) continue;
        seen.add(child);
        parents.set(child, i);
        next.push(child);
      }
    }
    level = next;
  }
  return { best: null, partial };
}

function fromSpan(trace: Trace, found: Candidate, spanIo: SpanIo, parents: Map<number, number>, io: (i: number) => SpanIo = () => ({ input: null, output: null })): TurnIo {
  const span = trace.spans[found.index]!;
  const answer = found.selection === 'descendant' ? loopAnswer(trace, found.index, parents, io) : null;
  const chain: string[] = [];
  for (let i = parents.get(found.index); i !== undefined; i = parents.get(i)) {
    chain.unshift(trace.spans[i]!.name);
  }
  return {
    spanIndex: found.index,
    spanId: span.spanId,
    spanName: span.name,
    depth: trace.tree.depth[found.index] ?? null,
    input: spanIo.input,
    output: answer ? io(answer).output : spanIo.output,
    truncated: false,
    wrapperChain: chain,
    selection: found.selection,
    answerSpan: answer === null ? null : { index: answer, spanId: trace.spans[answer]!.spanId, name: trace.spans[answer]!.name },
  };
}

/** The last later sibling of the same kind with both sides and no error (see `turnIo`), or null. */
function loopAnswer(trace: Trace, index: number, parents: Map<number, number>, io: (i: number) => SpanIo): number | null {
  const parent = parents.get(index);
  if (parent === undefined) return null;
  const { spans } = trace;
  const kind = (i: number): string => spans[i]!.attributes.getString('mlflow.spanType') ?? `name:${spans[i]!.name}`;
  const start = (i: number): number => spans[i]!.startTimeNs ?? Infinity;
  const mine = kind(index);
  let answer: number | null = null;
  for (const i of trace.tree.children[parent] ?? []) {
    if (i === index || start(i) < start(index) || kind(i) !== mine || spans[i]!.status === 'ERROR') continue;
    const sibling = io(i);
    if (sibling.input === null || sibling.output === null) continue;
    if (answer === null || start(i) >= start(answer)) answer = i;
  }
  return answer;
}

/**
 * MLflow cuts `mlflow.traceInputs` / `mlflow.traceOutputs` to 250 characters
 * (`MAX_CHARS_IN_TRACE_INFO_METADATA`, `mlflow/tracing/constant.py`) and the previews to 1,000
 * (10,000 on Databricks), keeping the last user / assistant message's text when it finds one
 * (`mlflow/tracing/utils/truncation.py`). The previews are preferred: they are longer and, for
 * chat input, already the user's words. Both are copies of the root's I/O, so they are empty for
 * a wrapper root; they serve partial exports and traces whose spans were not exported.
 */
function fromPreviews(trace: Trace): TurnIo {
  const { info } = trace;
  const pick = (sources: Array<[string, string | null | undefined]>): IoValue | null => {
    for (const [key, text] of sources) {
      if (text === null || text === undefined) continue;
      const value = decodeAttributeValue(text);
      if (!isEmptyIo(value)) return { carrier: TRUNCATED_PREVIEW, key, value };
    }
    return null;
  };
  const input = pick([
    ['request_preview', info.requestPreview],
    ['mlflow.traceInputs', info.metadata['mlflow.traceInputs']],
  ]);
  const output = pick([
    ['response_preview', info.responsePreview],
    ['mlflow.traceOutputs', info.metadata['mlflow.traceOutputs']],
  ]);
  const any = input !== null || output !== null;
  return {
    spanIndex: null,
    spanId: null,
    spanName: null,
    depth: null,
    input,
    output,
    truncated: any,
    wrapperChain: [],
    selection: any ? 'preview' : 'none',
    answerSpan: null,
  };
}
