import type { EvidenceInput, Turn } from './api.js';
import { defineRule } from './api.js';
import { MAX_HISTORY_KEYS, type ModelCallFacts } from '../model/facts.js';
import { excerpt, turnList } from './util/turn-list.js';

interface Options {
  first_only: boolean;
}

/** Dropped turns listed as evidence at most (the oldest first); the rest are counted. */
const MAX_DROPPED_EVIDENCE = 20;

/** What one turn's model input holds of the conversation. */
interface Input {
  turn: Turn;
  call: ModelCallFacts;
  keys: ReadonlySet<string>;
}

/**
 * Chat apps keep the model's context small with a sliding window (the last N messages) or a
 * token budget; the turns that fall out of it are gone for the model, and a fact the user gave
 * there (an order id, a date, a constraint) is answered later as if it had never been said.
 * The failure shows up turns after the cause and reads as a model mistake. This rule finds the
 * turn whose model input lost earlier turns, by matching the keys of each earlier turn's user
 * text and answer against the messages sent to the model (the manual workflow's "context window
 * management" step of the analyze-mlflow-session skill).
 */
export default defineRule<'historyDropped', Options>({
  meta: {
    id: 'history-truncation',
    type: 'problem',
    description: 'Finds turns whose model input no longer holds earlier turns of the conversation that the app had been sending (a sliding window or budget dropped them).',
    severity: 'warn',
    messages: {
      historyDropped: 'Turn {{turn}}: {{dropped}} {{verb}} no longer in the model input of "{{call}}" ({{kept}}); the model cannot see what was said there.',
    },
    suggestions: {
      historyDropped: 'Summarize the dropped turns into the prompt instead of cutting them, or keep key facts (order ids, dates, amounts, constraints) in a memory the app sends with every turn.',
    },
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        first_only: {
          type: 'boolean',
          description: 'Report an earlier turn only at the first turn whose model input lost it, not again at every later turn.',
        },
      },
    },
    defaultOptions: { first_only: true },
  },
  create(context) {
    const firstOnly = context.options.first_only;
    return {
      sessionExit(session) {
        const turns = session.turns;
        // Every step below costs what the turn's own input holds (its keys, the earlier turns it
        // has, the turns it reports), never a pass over all earlier turns: a session of 10,000
        // turns was quadratic here (issue 12).
        const index = keyIndex(turns);
        const inputs = turns.map((t, n) => inputOf(t, n, index));
        /** Turns [0, i) that are trackable (a user or answer key): how `kept` counts a window. */
        const trackableBefore = new Uint32Array(turns.length + 1);
        for (const [k, t] of turns.entries()) trackableBefore[k + 1] = trackableBefore[k]! + (trackable(t) ? 1 : 0);
        /** Turn index → the last later turn whose model input had it (carried as history). */
        const carriedUntil = new Map<number, number>();
        /** Turn indexes whose own model input held an earlier turn: the app was sending history then. */
        const sentHistory = new Set<number>();
        /**
         * Trackable turns still to report, in order (with first_only; else every trackable
         * turn): a dropped turn below the newest one present is found by walking them.
         */
        const pending = new Pending(turns.map(trackable));
        /**
         * Pending turns that a later input carried or whose own input sent history. With
         * first_only every one of them is reported at the next checked turn unless present
         * there, so this set stays as small as one input's present turns.
         */
        const expected = new Set<number>();
        for (const [n, input] of inputs.entries()) {
          if (input === null) continue;
          const present = presentIn(input, n, index);
          check(n, input, present);
          // After the check: turn n's input shows what it carried, for the turns after it.
          for (const k of present) {
            carriedUntil.set(k, n);
            if (pending.has(k)) expected.add(k);
          }
          if (present.length > 0) {
            sentHistory.add(n);
            if (pending.has(n)) expected.add(n);
          }
        }

        function check(n: number, input: Input, present: readonly number[]): void {
          // An earlier turn k is expected in this input when a later turn already carried it as
          // history, when the app was sending history at turn k itself (so it keeps turns, and k
          // is one of them), or when a newer turn is here (a window keeps the newest). A turn's own
          // message in its own input proves nothing: every app, stateless or not, sends it.
          const newestPresent = present.length === 0 ? -1 : present[present.length - 1]!;
          const here = new Set(present);
          const dropped: number[] = [];
          for (let k = pending.next(0); k < newestPresent; k = pending.next(k + 1)) if (!here.has(k)) dropped.push(k);
          for (const k of expected) {
            if (k >= newestPresent && k < n && !here.has(k) && (carriedUntil.has(k) || sentHistory.has(k))) dropped.push(k);
          }
          if (dropped.length === 0) return;
          dropped.sort((a, b) => a - b);
          if (firstOnly) {
            for (const k of dropped) {
              pending.remove(k);
              expected.delete(k);
            }
          }
          report(n, input, dropped, present);
        }

        function report(n: number, input: Input, dropped: readonly number[], present: readonly number[]): void {
          const number = (k: number): number => turns[k]!.number;
          const listed = dropped.slice(0, MAX_DROPPED_EVIDENCE);
          const evidence: EvidenceInput[] = [
            {
              spanId: input.call.spanId,
              path: input.call.path,
              kind: 'modelInput',
              label: `turn ${input.turn.number}'s model input ("${input.call.name}", ${input.call.messageCount ?? 0} messages): ${present.length === 0 ? 'no earlier turn' : turnList(present.map(number))}`,
            },
            ...listed.map((k): EvidenceInput => {
              const t = turns[k]!;
              const until = carriedUntil.get(k);
              const { userText, answerText } = t.digest.turn.texts;
              return {
                traceId: t.digest.traceId,
                spanId: t.digest.turn.spanId,
                path: t.facts.ioPath,
                kind: 'droppedTurn',
                label: `turn ${t.number}${until === undefined ? '' : ` (last sent with turn ${turns[until]!.number})`}: ${userText === '' ? `answer ${excerpt(answerText)}` : `user ${excerpt(userText)}`}`,
              };
            }),
          ];
          if (dropped.length > listed.length) evidence.push({ kind: 'omitted', label: `${dropped.length - listed.length} more dropped turns not listed` });
          context.report({
            messageId: 'historyDropped',
            traceId: input.turn.digest.traceId,
            spanId: input.call.spanId,
            path: input.call.path,
            relatedTurns: dropped.map(number),
            data: {
              turn: input.turn.number,
              dropped: turnList(dropped.map(number)),
              verb: dropped.length === 1 ? 'is' : 'are',
              call: input.call.name,
              kept: kept(n, present, trackableBefore, number),
            },
            evidence,
          });
        }
      },
    };
  },
});

/** A turn that can be found in a later input: it has a user or an answer key. */
function trackable(turn: Turn): boolean {
  return turn.facts.userKey !== null || turn.facts.answerKey !== null;
}

/** Text key → the indexes of the turns whose user text or answer has it, in ascending order. */
type KeyIndex = ReadonlyMap<string, readonly number[]>;

function keyIndex(turns: readonly Turn[]): KeyIndex {
  const index = new Map<string, number[]>();
  for (const [k, t] of turns.entries()) {
    for (const key of [t.facts.userKey, t.facts.answerKey]) {
      if (key === null) continue;
      const list = index.get(key);
      if (list === undefined) index.set(key, [k]);
      else if (list[list.length - 1] !== k) list.push(k);
    }
  }
  return index;
}

/** The turns before `n` whose user text or answer the input holds, in ascending order. */
function presentIn(input: Input, n: number, index: KeyIndex): number[] {
  const present = new Set<number>();
  for (const key of input.keys) {
    for (const k of index.get(key) ?? []) {
      if (k >= n) break;
      present.add(k);
    }
  }
  return [...present].sort((a, b) => a - b);
}

/**
 * Turn indexes in ascending order with removal, and `next(i)`: the first one at or after `i`
 * (the length when none). Path halving keeps a walk over removed runs near constant time.
 */
class Pending {
  /** `skip[i]` points at or before the next index ≥ i still in the set; `skip[length]` is the end. */
  private readonly skip: Uint32Array;
  private readonly inSet: Uint8Array;

  constructor(members: readonly boolean[]) {
    this.skip = new Uint32Array(members.length + 1);
    this.inSet = new Uint8Array(members.length);
    for (let i = 0; i <= members.length; i++) this.skip[i] = i;
    for (const [i, m] of members.entries()) {
      if (m) this.inSet[i] = 1;
      else this.skip[i] = i + 1;
    }
  }

  has(i: number): boolean {
    return this.inSet[i] === 1;
  }

  remove(i: number): void {
    this.inSet[i] = 0;
    this.skip[i] = i + 1;
  }

  next(i: number): number {
    const skip = this.skip;
    while (skip[i] !== i) {
      const up = skip[skip[i]!]!;
      skip[i] = up;
      i = up;
    }
    return i;
  }
}

/**
 * The model call of a turn whose input was read for history (facts read one call per trace:
 * the one with the most attribute text), or null when the turn tells nothing: no call's input
 * was readable as messages, the key list hit MAX_HISTORY_KEYS (newer messages were left out,
 * so a missing turn proves nothing), or the call holds neither this turn's own user text nor
 * any earlier turn (then it is some other model call, e.g. a query rewriter or a judge, not the
 * conversation's; a turn whose own text is too short for a key is judged by earlier turns only).
 */
function inputOf(turn: Turn, n: number, index: KeyIndex): Input | null {
  let call: ModelCallFacts | undefined;
  for (const c of turn.facts.modelCalls) if (c.messageCount !== null && c.messageCount > 0 && (call === undefined || c.historyKeys.length > call.historyKeys.length)) call = c;
  if (call === undefined || call.historyKeys.length >= MAX_HISTORY_KEYS) return null;
  const input: Input = { turn, call, keys: new Set(call.historyKeys) };
  const own = turn.facts.userKey !== null && input.keys.has(turn.facts.userKey);
  if (own) return input;
  for (const key of input.keys) if ((index.get(key)?.[0] ?? n) < n) return input;
  return null;
}

/**
 * What the input still holds, in words: "it keeps the last 3 turns" when the earlier turns it
 * has are the newest trackable ones without a hole, else the list, else none.
 */
function kept(n: number, present: readonly number[], trackableBefore: Uint32Array, number: (k: number) => number): string {
  if (present.length === 0) return 'it keeps none of the earlier turns';
  // `present` is ascending and trackable: its first is the oldest, and the trackable turns from
  // there to n end with the newest trackable one, so the window has no hole when it counts as many.
  const oldest = present[0]!;
  if (trackableBefore[n]! - trackableBefore[oldest]! === present.length) {
    const count = n - oldest + 1;
    return `it keeps the last ${count} turns`;
  }
  return `it keeps ${turnList(present.map(number))}`;
}
