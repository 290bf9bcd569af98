import { defineRule, type EvidenceInput, type SessionInput } from './api.js';
import { noStop } from './util/wording.js';
import { earlier, firstOfMerged, keepFirst, sessionOrder, type Ordered } from './util/session-order.js';
import { plural } from '../shared/plural.js';
import { errorLabel, quote, turnFailure, type TurnFailure } from './util/failures.js';

type MessageId = 'sameSignature' | 'sameTurnNumber';

/** Options of the rule (see `meta.schema`). */
interface Options {
  min_sessions: number;
  min_turn_share: number;
}

/** Sessions listed as evidence of one finding; the counts in the message are the totals. */
const MAX_EVIDENCE = 10;

/** One error signature over the sessions: counts, the first session (its turn) and the first sessions' evidence. */
interface SignatureTally {
  sessions: number;
  turns: number;
  first: Ordered<number>;
  evidence: Array<Ordered<EvidenceInput>>;
}

/** Sessions whose first failure is at one turn number. */
interface OnsetTally {
  sessions: number;
  example: Ordered<string>;
  evidence: Array<Ordered<EvidenceInput>>;
}

/** What `saveDump` gives: the tallies as JSON. */
interface SavedTallies {
  bySignature: Array<[string, SignatureTally]>;
  onsets: Array<[number, OnsetTally]>;
  /** Sessions by turn count. */
  reaching: Array<[number, number]>;
}

/** The first turn of a session that shows a signature. */
interface Sighting {
  session: SessionInput;
  failure: TurnFailure;
  signature: string;
}

/**
 * A failure seen in one session is a bug report; the same failure in many sessions is an outage
 * or a design flaw, and fixing it fixes them all. Triage that reads one session at a time sees
 * the same error again and again without knowing it is one cause. This rule looks across the
 * dump: one error signature failing many sessions (a dependency down, a bad deploy), or many
 * sessions that start failing at the same turn (a context window filled, a state that breaks at
 * the third question).
 */
export default defineRule<MessageId, Options>({
  meta: {
    id: 'systemic-failure',
    type: 'problem',
    description: 'The same error signature, or failing at the same turn number, across several sessions of the dump: one cause behind many failures.',
    severity: 'error',
    messages: {
      sameSignature: 'The same error fails {{sessions}} sessions ({{turns}} in all): {{signature}}; first seen in session {{first}}, turn {{turn}}.',
      sameTurnNumber: '{{sessions}} sessions start failing at turn {{turn}} ({{share}} of the {{reaching}} sessions that reach it); e.g. {{example}}.',
    },
    messageSeverity: { sameTurnNumber: 'warn' },
    suggestions: {
      sameSignature: 'Fix this error once for all the sessions: start from the first example and the span it names.',
      sameTurnNumber: 'Compare what turn {{turn}} has in common across these sessions (history length, tokens, state kept between turns).',
    },
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        min_sessions: { type: 'integer', minimum: 2, description: 'Distinct sessions that must share the signature or the failing turn number.' },
        min_turn_share: {
          type: 'number',
          minimum: 0,
          maximum: 1,
          description: 'Share of the sessions that reach a turn number which must start failing there (0.5: half of them) for sameTurnNumber.',
        },
      },
    },
    defaultOptions: { min_sessions: 3, min_turn_share: 0.5 },
  },
  create(context) {
    const { min_sessions: minSessions, min_turn_share: minShare } = context.options;
    // Counted session by session (the session stage holds one session at a time), with the
    // evidence of the first sessions only: memory stays bounded by the distinct signatures. Each
    // kept item carries its session's place, so parts of a run merge as one (saveDump/loadDump).
    const bySignature = new Map<string, SignatureTally>();
    const onsets = new Map<number, OnsetTally>();
    const reaching: number[] = [];
    return {
      sessionExit(session) {
        // Traces without a session are left out: "how many sessions" is the measure here.
        if (session.sessionless) return;
        const order = sessionOrder(session);
        reaching[session.turns.length] = (reaching[session.turns.length] ?? 0) + 1;
        const seen = new Set<string>();
        let previousFailed = false;
        for (const turn of session.turns) {
          const failure = turnFailure(turn);
          if (failure !== null && !previousFailed) {
            const example = { order, value: `session ${session.id}: ${noStop(quote(failure.summary))}` };
            const onset = onsets.get(turn.number) ?? { sessions: 0, example, evidence: [] };
            onsets.set(turn.number, onset);
            onset.sessions++;
            onset.example = earlier(onset.example, example);
            keepFirst(onset.evidence, { order, value: failureEvidence(session, failure) }, MAX_EVIDENCE);
          }
          previousFailed = failure !== null;
          for (const signature of failure?.signatures ?? []) {
            const first = { order, value: turn.number };
            const entry = bySignature.get(signature) ?? { sessions: 0, turns: 0, first, evidence: [] };
            bySignature.set(signature, entry);
            entry.turns++;
            if (seen.has(signature)) continue;
            seen.add(signature);
            entry.sessions++;
            entry.first = earlier(entry.first, first);
            keepFirst(entry.evidence, { order, value: errorEvidence({ session, failure: failure!, signature }) }, MAX_EVIDENCE);
          }
        }
      },
      saveDump(): SavedTallies {
        return { bySignature: [...bySignature], onsets: [...onsets], reaching: Object.entries(reaching).map(([n, count]) => [Number(n), count]) };
      },
      loadDump(saved) {
        const part = saved as SavedTallies;
        for (const [signature, other] of part.bySignature) {
          const entry = bySignature.get(signature);
          if (entry === undefined) bySignature.set(signature, other);
          else {
            entry.sessions += other.sessions;
            entry.turns += other.turns;
            entry.first = earlier(entry.first, other.first);
            entry.evidence = firstOfMerged([entry.evidence, other.evidence], MAX_EVIDENCE);
          }
        }
        for (const [turn, other] of part.onsets) {
          const onset = onsets.get(turn);
          if (onset === undefined) onsets.set(turn, other);
          else {
            onset.sessions += other.sessions;
            onset.example = earlier(onset.example, other.example);
            onset.evidence = firstOfMerged([onset.evidence, other.evidence], MAX_EVIDENCE);
          }
        }
        for (const [n, count] of part.reaching) reaching[n] = (reaching[n] ?? 0) + count;
      },
      dumpExit() {
        for (const [signature, { sessions, turns, first, evidence }] of bySignature) {
          if (sessions < minSessions) continue;
          context.report({
            messageId: 'sameSignature',
            key: `signature:${signature}`,
            data: { signature, sessions, turns: plural(turns, 'failing turn'), first: first.order.id, turn: first.value },
            evidence: evidence.map((e) => e.value),
          });
        }

        // Sessions that reach turn n: those with n turns or more. Counted once per session
        // length, from the longest down, and found by binary search: one pass over every length
        // per onset turn was quadratic on a dump with one session of thousands of turns.
        const lengths = Object.keys(reaching)
          .map(Number)
          .sort((a, b) => a - b);
        const atLeast = new Array<number>(lengths.length + 1).fill(0);
        for (let i = lengths.length - 1; i >= 0; i--) atLeast[i] = atLeast[i + 1]! + reaching[lengths[i]!]!;
        const reach = (n: number): number => {
          let lo = 0;
          let hi = lengths.length;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (lengths[mid]! < n) lo = mid + 1;
            else hi = mid;
          }
          return atLeast[lo]!;
        };
        for (const [turn, { sessions, example, evidence }] of [...onsets].sort((a, b) => a[0] - b[0])) {
          const reached = reach(turn);
          if (sessions < minSessions || sessions / reached < minShare) continue;
          context.report({
            messageId: 'sameTurnNumber',
            key: `turn:${turn}`,
            data: { sessions, turn, share: `${Math.round((100 * sessions) / reached)}%`, reaching: reached, example: example.value },
            evidence: evidence.map((e) => e.value),
          });
        }
      },
    };
  },
});

/** The span where a session first showed the signature. */
function errorEvidence({ session, failure, signature }: Sighting): EvidenceInput {
  const error = failure.reasons.find((r) => r.kind === 'error' && r.error.signature === signature);
  const traceId = failure.turn.digest.traceId;
  if (error?.kind !== 'error') return { traceId, kind: 'failingTurn', label: `session ${session.id}, turn ${failure.turn.number}` };
  return { traceId, spanId: error.error.spanId, path: error.error.path, kind: 'failingTurn', label: `session ${session.id}, turn ${failure.turn.number}: ${errorLabel(error.error)}` };
}

/** The first reason a turn failed, where it can be seen. */
function failureEvidence(session: SessionInput, failure: TurnFailure): EvidenceInput {
  const traceId = failure.turn.digest.traceId;
  const label = `session ${session.id}, turn ${failure.turn.number}: ${failure.summary}`;
  const reason = failure.reasons[0]!;
  if (reason.kind === 'error') return { traceId, spanId: reason.error.spanId, path: reason.error.path, kind: 'failingTurn', label };
  return { traceId, path: reason.path, kind: 'failingTurn', label };
}
