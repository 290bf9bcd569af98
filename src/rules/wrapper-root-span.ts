import { defineRule, type EvidenceInput, type Turn } from './api.js';
import { plural } from '../shared/plural.js';
import { turnList } from './util/turn-list.js';

/** Turns (or traces) a finding lists as evidence at most; the rest are counted. */
const MAX_EVIDENCE = 20;

/** A turn whose root span is a wrapper, with what the message says of it. */
interface Wrapped {
  turn: Turn;
  root: { spanId: string; name: string; path: string };
  missing: string;
  /** Where the I/O was found: span name, depth and the wrappers above it. */
  placement: string;
}

/**
 * MLflow's Chat Sessions view and `mlflow traces search` previews show the root span's I/O; when
 * the root is a wrapper (a web handler, a `@trace`d entry point without arguments) every turn
 * looks empty there. tracetriage reads the turn from the span below that carries it; this rule
 * says which one, so the instrumentation can be fixed or the view read with that in mind.
 *
 * The cause is the app's instrumentation, the same for every turn, so the rule says it once per
 * session and root span (listing the turns and each place the I/O was found), and once per app
 * pattern (root name, missing side, I/O placement) for traces without a session: one finding a
 * person acts on, not one per turn.
 */
export default defineRule({
  meta: {
    id: 'wrapper-root-span',
    type: 'suggestion',
    description: 'The root span has no meaningful input or output; the turn is carried by a span below it (said once per session and root span).',
    severity: 'warn',
    messages: {
      wrapperRoot: 'Root span "{{root}}" has no {{missing}} in {{where}}; {{subject}} I/O is on {{placements}}, read with carrier {{carrier}}.',
    },
    suggestions: {
      wrapperRoot:
        "Put the request and the answer on the root span (span.set_inputs() / set_outputs() on it, or @mlflow.trace on the entry point that receives them), so MLflow's session view and previews show the turn.",
    },
  },
  create(context) {
    return {
      sessionExit(session) {
        // Traces without a session are folded by app pattern in dumpExit, once.
        if (session.sessionless) return;
        const wrapped = session.turns.map(wrappedOf).filter((w): w is Wrapped => w !== null);
        const count = session.turns.length;
        for (const group of groupBy(wrapped, (w) => [w.root.name, w.missing])) {
          const placements = groupBy(group, (w) => [w.placement]).map((same) =>
            group.length === same.length ? same[0]!.placement : `${same[0]!.placement} in ${turnList(same.map((w) => w.turn.number))}`,
          );
          report(
            { shown: group.slice(0, MAX_EVIDENCE), count: group.length, carriers: carriersOf(group), placements },
            `${turnList(group.map((w) => w.turn.number))} of ${count}`,
            group.slice(1).map((w) => w.turn.number),
          );
        }
      },
      // dumpExit reads only its DumpInput: nothing gathered over the sessions to merge.
      saveDump: () => null,
      dumpExit(dump) {
        // Traces without a session fold by app pattern: the same root, the same missing side, the
        // I/O in the same place. They are read one at a time (they may be millions): a fold keeps
        // its count, its carriers and the turns it shows.
        const folds = new Map<string, Fold>();
        for (const turn of dump.withoutSession) {
          const w = wrappedOf(turn);
          if (w === null) continue;
          const key = JSON.stringify([w.root.name, w.missing, w.placement]);
          let fold = folds.get(key);
          if (fold === undefined) folds.set(key, (fold = { shown: [], count: 0, carriers: [], placements: [w.placement] }));
          fold.count++;
          if (fold.shown.length < MAX_EVIDENCE) fold.shown.push(w);
          for (const c of carriersOf([w])) if (!fold.carriers.includes(c)) fold.carriers.push(c);
        }
        for (const fold of folds.values()) report(fold, `${plural(fold.count, 'trace')} without a session`, null);
      },
    };

    /** Reports a fold; `relatedTurns` are its other turns in a session (null: traces without a session). */
    function report(fold: Fold, where: string, relatedTurns: number[] | null): void {
      const { shown, count } = fold;
      const first = shown[0]!;
      const evidence: EvidenceInput[] = [
        { traceId: first.turn.digest.traceId, spanId: first.root.spanId, path: first.root.path, kind: 'wrapperRoot', label: `root "${first.root.name}" without turn I/O` },
        ...shown.map((w) => ({
          traceId: w.turn.digest.traceId,
          spanId: w.turn.digest.turn.spanId,
          path: w.turn.facts.ioPath,
          kind: 'ioSpan',
          // Reporters print each evidence's turn beside it: the label does not repeat it.
          label: `turn I/O on "${w.turn.digest.turn.spanName ?? w.turn.digest.turn.spanId}", depth ${w.turn.digest.turn.depth}`,
        })),
      ];
      if (shown.length < count) evidence.push({ kind: 'omitted', label: `${count - shown.length} more ${relatedTurns !== null ? 'turns' : 'traces'} not listed` });
      context.report({
        messageId: 'wrapperRoot',
        traceId: first.turn.digest.traceId,
        spanId: first.turn.digest.turn.spanId,
        path: first.turn.facts.ioPath,
        ...(relatedTurns !== null ? { relatedTurns } : {}),
        data: {
          root: first.root.name,
          missing: first.missing,
          where,
          subject: count === 1 ? "the turn's" : "the turns'",
          placements: fold.placements.join('; '),
          carrier: fold.carriers.join(' + ') || 'none',
        },
        evidence,
      });
    }
  },
});

/** Turns folded into one finding: the first few (shown as evidence), how many, their carriers and where their I/O was found. */
interface Fold {
  shown: Wrapped[];
  count: number;
  /** Carriers of their I/O, in first-seen order. */
  carriers: string[];
  placements: string[];
}

/** The carriers of the turns' input and output, each once, in first-seen order. */
function carriersOf(group: readonly Wrapped[]): string[] {
  return [...new Set(group.flatMap((w) => [w.turn.digest.turn.input?.carrier, w.turn.digest.turn.output?.carrier]).filter((c): c is string => c !== undefined))];
}

/** The turn's wrapper root, when its root span lacks a side and the I/O was read below it. */
function wrappedOf(turn: Turn): Wrapped | null {
  const { root, spanId, spanName, depth, wrapperChain } = turn.digest.turn;
  const io = turn.facts.rootIo;
  if (root === null || spanId === null || (io?.input && io.output)) return null;
  return {
    turn,
    root,
    missing: io?.input ? 'output' : io?.output ? 'input' : 'input or output',
    placement: `"${spanName ?? spanId}" at depth ${depth} (via ${wrapperChain.join(' > ') || root.name})`,
  };
}

/** Groups in first-seen order by a key of strings. */
function groupBy<T>(items: readonly T[], key: (item: T) => readonly string[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = JSON.stringify(key(item));
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}
