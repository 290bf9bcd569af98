import type { ModelCallFacts, TurnFacts } from '../model/facts.js';
import { defineRule, type SessionInput, type Turn } from './api.js';
import { formatDuration } from '../shared/time.js';
import { plural } from '../shared/plural.js';

type MessageId = 'longGap' | 'missingTurn' | 'unknownTime';

/** Options of the rule (see `meta.schema`). */
interface Options {
  max_gap_minutes: number;
}

/** Where a text key of the session comes from. */
interface KnownKey {
  turn: number;
  side: 'user' | 'answer';
}

/**
 * A session is read turn by turn, and what happened between turns matters as much as the turns:
 * a user who came back after an hour finds caches, tokens and tool state expired; a turn whose
 * trace is not in the dump (not exported, filtered out, logged under another session id) leaves
 * a hole that makes the next turn's answer look unmotivated, and the app's own model input
 * still shows what was said in it; a turn without any time cannot be placed at all.
 */
export default defineRule<MessageId, Options>({
  meta: {
    id: 'turn-gap',
    type: 'problem',
    description: 'A long pause between two turns, a turn missing from the dump that a later model input still quotes, or a turn without a time.',
    severity: 'info',
    messages: {
      longGap: 'Turn {{turn}} started {{gap}} after turn {{previous}} (limit {{limit}}): the user came back after a long pause, so state kept between turns may have expired.',
      missingTurn:
        'Turn {{turn}}\'s model call "{{call}}" sends {{messages}} from between turn {{before}} and turn {{after}} that no turn of this session has: a turn seems to be missing from the dump.',
      unknownTime: 'Turn {{turn}} has no time (no request time and no root span start): it is placed after every timed turn, and no gap can be measured.',
    },
    messageSeverity: { missingTurn: 'warn' },
    suggestions: {
      missingTurn: 'Look for the missing trace: widen the export (time range, filters, max results) or search for it under another session id.',
      unknownTime: 'Export the full trace (info with request_time, and the spans): a partial export loses the times.',
    },
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        max_gap_minutes: { type: 'number', exclusiveMinimum: 0, description: "Minutes from one turn's start to the next turn's start above which the pause is reported." },
      },
    },
    defaultOptions: { max_gap_minutes: 30 },
  },
  create(context) {
    const maxGapMs = context.options.max_gap_minutes * 60_000;
    return {
      session(session) {
        // A trace without a session has no turn before it: no gap, no missing turn, no place to put it.
        if (session.sessionless) return;
        const known = knownKeys(session);
        // A run of missing messages shows again in every later turn's input: told once, where first seen.
        const told = new Set<string>();
        let previous: Turn | null = null;
        for (const turn of session.turns) {
          const traceId = turn.digest.traceId;
          if (turn.timeMs === null) {
            context.report({ messageId: 'unknownTime', traceId, path: infoPath(turn.facts), data: { turn: turn.number } });
          } else {
            if (previous !== null && turn.gapMs !== null && turn.gapMs > maxGapMs) {
              context.report({
                messageId: 'longGap',
                traceId,
                path: infoPath(turn.facts),
                relatedTurns: [previous.number],
                data: { turn: turn.number, gap: formatDuration(turn.gapMs), previous: previous.number, limit: formatDuration(maxGapMs) },
                evidence: [{ traceId: previous.digest.traceId, path: infoPath(previous.facts), kind: 'previousTurn', label: `turn ${previous.number}, ${formatDuration(turn.gapMs)} earlier` }],
              });
            }
            // `gapMs` is measured from the last turn with a time, so that is the one to name.
            previous = turn;
          }
          for (const call of turn.facts.modelCalls) {
            for (const run of unknownRuns(call, turn, session, known)) {
              if (run.keys.some((k) => told.has(k))) continue;
              for (const k of run.keys) told.add(k);
              const before = session.turns[run.before - 1]!;
              const after = session.turns[run.after - 1]!;
              context.report({
                messageId: 'missingTurn',
                traceId,
                spanId: call.spanId,
                path: call.path,
                key: run.keys[0]!,
                relatedTurns: [run.before, run.after].filter((n) => n !== turn.number),
                data: { turn: turn.number, call: call.name, messages: plural(run.keys.length, 'message'), before: run.before, after: run.after },
                evidence: [
                  {
                    spanId: call.spanId,
                    path: call.path,
                    kind: 'modelCall',
                    label: call.messageCount === null ? `model call "${call.name}"` : `model call "${call.name}", ${plural(call.messageCount, 'input message')}`,
                  },
                  { traceId: before.digest.traceId, path: infoPath(before.facts), kind: 'turnBefore', label: `turn ${run.before}, before the gap` },
                  ...(after === turn ? [] : [{ traceId: after.digest.traceId, path: infoPath(after.facts), kind: 'turnAfter', label: `turn ${run.after}, after the gap` }]),
                ],
              });
            }
          }
        }
      },
    };
  },
});

/** The user and answer keys of every turn, first turn first. */
function knownKeys(session: SessionInput): Map<string, KnownKey> {
  const known = new Map<string, KnownKey>();
  for (const t of session.turns) {
    if (t.facts.userKey !== null && !known.has(t.facts.userKey)) known.set(t.facts.userKey, { turn: t.number, side: 'user' });
    if (t.facts.answerKey !== null && !known.has(t.facts.answerKey)) known.set(t.facts.answerKey, { turn: t.number, side: 'answer' });
  }
  return known;
}

/**
 * Runs of messages in a model call's history that no turn has, bracketed by messages of two
 * different turns. The keys carry no role (`ModelCallFacts.historyKeys`), so the brackets stand
 * in for it:
 * - only what comes before the current turn's own user message is history (what follows it is
 *   this turn's agent loop: tool-call preambles, augmented prompts);
 * - a run with no known message before it is a prompt prefix (few-shot examples, a summary), not
 *   a turn;
 * - a run between two messages of the same turn is that turn's own agent loop (and one between
 *   a later turn and an earlier one is not a gap in this order);
 * - right after turn j's user message, when turn j's answer key is nowhere in the call, the first
 *   unknown message is taken for that answer as the app stored it (reformatted, cut).
 */
function unknownRuns(call: ModelCallFacts, turn: Turn, session: SessionInput, known: ReadonlyMap<string, KnownKey>): Array<{ keys: string[]; before: number; after: number }> {
  const keys = call.historyKeys;
  if (keys.length === 0) return [];
  const answerKeyOf = (n: number): string | null => session.turns[n - 1]?.facts.answerKey ?? null;
  const own = turn.facts.userKey === null ? -1 : keys.lastIndexOf(turn.facts.userKey);
  const end = own === -1 ? keys.length : own;
  const present = new Set(keys);
  const out: Array<{ keys: string[]; before: number; after: number }> = [];
  let i = 0;
  while (i < end) {
    if (known.has(keys[i]!)) {
      i++;
      continue;
    }
    const start = i;
    while (i < end && !known.has(keys[i]!)) i++;
    const prev = start > 0 ? known.get(keys[start - 1]!) : undefined;
    // Without the current turn's message in the call, an unknown run at the end has nothing after it.
    const next: KnownKey | undefined = i < end ? known.get(keys[i]!) : own === -1 ? undefined : { turn: turn.number, side: 'user' };
    if (prev === undefined || next === undefined || prev.turn >= next.turn) continue;
    let run = keys.slice(start, i);
    const answer = answerKeyOf(prev.turn);
    if (prev.side === 'user' && (answer === null || !present.has(answer))) run = run.slice(1);
    if (run.length > 0) out.push({ keys: run, before: prev.turn, after: next.turn });
  }
  return out;
}

/** The trace info object, where the request time is (`$.info`; `$` for an artifact record). */
function infoPath(facts: TurnFacts): string {
  const path = facts.assessmentsPath.replace(/\.assessments$/u, '');
  return path === '' ? '$' : path;
}
