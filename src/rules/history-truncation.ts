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
      historyDropped:
        'Summarize the dropped turns into the prompt instead of cutting them, or keep key facts (order ids, dates, amounts, constraints) in a memory the app sends with every turn.',
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
        const inputs = turns.map(inputOf);
        /** Turn index → the last later turn whose model input had it (carried as history). */
        const carriedUntil = new Map<number, number>();
        /** Turn indexes whose own model input held an earlier turn: the app was sending history then. */
        const sentHistory = new Set<number>();
        const reported = new Set<number>();
        for (const [n, input] of inputs.entries()) {
          if (input === null) continue;
          check(n, input);
          // After the check: turn n's input shows what it carried, for the turns after it.
          for (let k = 0; k < n; k++) {
            if (!has(input, turns[k]!)) continue;
            carriedUntil.set(k, n);
            sentHistory.add(n);
          }
        }

        function check(n: number, input: Input): void {
          const trackable = turns.slice(0, n).map((t, k) => ({ t, k })).filter(({ t }) => t.facts.userKey !== null || t.facts.answerKey !== null);
          const present = trackable.filter(({ t }) => has(input, t)).map(({ k }) => k);
          // An earlier turn k is expected in this input when a later turn already carried it as
          // history, when the app was sending history at turn k itself (so it keeps turns, and k
          // is one of them), or when a newer turn is here (a window keeps the newest). A turn's own
          // message in its own input proves nothing: every app, stateless or not, sends it.
          const newestPresent = present.length === 0 ? -1 : Math.max(...present);
          const dropped = trackable
            .filter(({ t, k }) => !has(input, t) && (carriedUntil.has(k) || sentHistory.has(k) || k < newestPresent))
            .map(({ k }) => k)
            .filter((k) => !(firstOnly && reported.has(k)));
          if (dropped.length === 0) return;
          for (const k of dropped) reported.add(k);
          report(n, input, dropped, present, trackable.map(({ k }) => k));
        }

        function report(n: number, input: Input, dropped: readonly number[], present: readonly number[], trackable: readonly number[]): void {
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
              kept: kept(n, present, trackable, number),
            },
            evidence,
          });
        }
      },
    };
  },
});

/**
 * The model call of a turn whose input was read for history (facts read one call per trace:
 * the one with the most attribute text), or null when the turn tells nothing: no call's input
 * was readable as messages, the key list hit MAX_HISTORY_KEYS (newer messages were left out,
 * so a missing turn proves nothing), or the call holds neither this turn's own user text nor
 * any earlier turn (then it is some other model call, e.g. a query rewriter or a judge, not the
 * conversation's; a turn whose own text is too short for a key is judged by earlier turns only).
 */
function inputOf(turn: Turn, index: number, turns: readonly Turn[]): Input | null {
  let call: ModelCallFacts | undefined;
  for (const c of turn.facts.modelCalls) if (c.messageCount !== null && c.messageCount > 0 && (call === undefined || c.historyKeys.length > call.historyKeys.length)) call = c;
  if (call === undefined || call.historyKeys.length >= MAX_HISTORY_KEYS) return null;
  const input: Input = { turn, call, keys: new Set(call.historyKeys) };
  const own = turn.facts.userKey !== null && input.keys.has(turn.facts.userKey);
  return own || turns.slice(0, index).some((t) => has(input, t)) ? input : null;
}

/** True when the model input holds the earlier turn's user text or its answer. */
function has(input: Input, earlier: Turn): boolean {
  const { userKey, answerKey } = earlier.facts;
  return (userKey !== null && input.keys.has(userKey)) || (answerKey !== null && input.keys.has(answerKey));
}

/**
 * What the input still holds, in words: "it keeps the last 3 turns" when the earlier turns it
 * has are the newest trackable ones without a hole, else the list, else none.
 */
function kept(n: number, present: readonly number[], trackable: readonly number[], number: (k: number) => number): string {
  if (present.length === 0) return 'it keeps none of the earlier turns';
  const oldest = Math.min(...present);
  const window = trackable.filter((k) => k >= oldest);
  if (window.length === present.length && window.at(-1) === trackable.at(-1)) {
    const count = n - oldest + 1;
    return `it keeps the last ${count} turns`;
  }
  return `it keeps ${turnList(present.map(number))}`;
}
