import type { SessionSourceDigest } from '../model/digest-types.js';
import type { ModelCallFacts } from '../model/facts.js';
import type { Trace } from '../model/types.js';
import { defineRule, type EvidenceInput, type Turn } from './api.js';
import { plural } from '../shared/plural.js';

/** Options of the rule (snake_case, as the config writes them). */
type Options = {
  max_fraction: number;
};

/** Traces named as evidence of a dump-level finding. */
const MAX_EVIDENCE = 10;

/** How to set the session, for every message of the rule. */
const FIX =
  'Set the session on every trace: mlflow.update_current_trace(metadata={"mlflow.trace.session": session_id}) inside the traced entry point (MLflow docs, "Track Users & Sessions"); if the app already records its conversation id under another key (trace metadata, a tag, or an attribute of any span), list that key in the config\'s "session_keys".';

/** Why a trace without a session looks like a turn of a conversation: the model call that carries earlier exchanges. */
interface CutTurn {
  turn: Turn;
  call: ModelCallFacts;
  /** What the call carries, in words: `2 user or assistant messages before this turn's user message`. */
  history: string;
}

/**
 * Turns are grouped into conversations by a session id (`mlflow.trace.session` metadata, MLflow's
 * `TraceMetadataKey.TRACE_SESSION`, then the keys `sessionIdOf` knows, on any span). A trace
 * without one is analysed alone, as a conversation of one turn: cross-turn rules cannot see it.
 * That is right for a health check, a batch call or a single-turn app, and wrong for a turn of a
 * chat whose id one code path (a retry, a streaming endpoint, a background job) does not set. The
 * two are told apart by the model input: a turn cut from a conversation sends earlier exchanges
 * to the model. When no trace of the dump has a session the app is likely single-turn, and one
 * note says so instead of a finding per trace.
 */
export default defineRule<'noSessionId' | 'manyWithoutSession' | 'noSessionsAtAll' | 'conflictingSessionIds', Options>({
  meta: {
    id: 'missing-session-id',
    type: 'problem',
    description: 'Traces without a session id whose model input carries earlier exchanges, in a dump that has sessions (turns cut off from their conversation), and traces that name two session ids.',
    severity: 'warn',
    messages: {
      noSessionId:
        'This trace has no session id (no mlflow.trace.session metadata and no other session key), yet its model call "{{call}}" is sent {{history}}: it is a turn cut from its conversation, analysed alone, while {{withSession}} of this dump have a session.',
      manyWithoutSession:
        '{{without}} of {{total}} traces ({{percent}}%) are turns of a conversation without a session id, more than the {{limit}}% allowed: the session key is missing on a whole code path, not on a stray trace.',
      noSessionsAtAll: 'None of the {{total}} in this dump has a session id: each trace is analysed as a single turn, and no cross-turn rule applies.',
      conflictingSessionIds: 'This trace names two session ids: "{{taken}}" ({{takenWhere}}), the one it is grouped under, and "{{other}}" ({{otherWhere}}).',
    },
    messageSeverity: { manyWithoutSession: 'info', noSessionsAtAll: 'info' },
    suggestions: {
      noSessionId: FIX,
      manyWithoutSession: FIX,
      noSessionsAtAll: `If the app is multi-turn: ${FIX}`,
      conflictingSessionIds:
        'Write one conversation id per trace. If "{{other}}" is the conversation, set it as the trace\'s mlflow.trace.session metadata; if {{otherKey}} holds something else (a request or run id), leave it out of the config\'s "session_keys". The trace info is read first, then the span nearest the root.',
    },
    schema: {
      type: 'object',
      properties: {
        max_fraction: {
          type: 'number',
          minimum: 0,
          maximum: 1,
          description: 'Share of the traces (0 to 1) that may be turns of a conversation without a session id before manyWithoutSession is reported; only when the dump has sessions.',
        },
      },
      additionalProperties: false,
    },
    defaultOptions: { max_fraction: 0.5 },
  },
  create(context) {
    return {
      trace({ trace, digest }) {
        const conflict = digest.sessionConflict;
        if (conflict === undefined) return;
        const taken = place(trace, conflict.taken);
        const other = place(trace, conflict.other);
        // The finding points at the id the trace was not grouped under: the one to check.
        context.report({
          messageId: 'conflictingSessionIds',
          traceId: digest.traceId,
          spanId: other.spanId,
          path: other.path,
          data: { taken: conflict.taken.value, takenWhere: taken.label, other: conflict.other.value, otherWhere: other.label, otherKey: conflict.other.key },
          evidence: [
            { spanId: taken.spanId, path: taken.path, kind: 'sessionId', label: `"${conflict.taken.value}" from ${taken.label} (taken)` },
            { spanId: other.spanId, path: other.path, kind: 'sessionId', label: `"${conflict.other.value}" from ${other.label}` },
          ],
        });
      },
      dumpExit({ sessionCount, turnCount, withoutSession }) {
        if (withoutSession.length === 0) return;
        const total = withoutSession.length + turnCount;
        if (sessionCount === 0) {
          const evidence: EvidenceInput[] = [];
          for (const { digest: d } of withoutSession) {
            if (evidence.length === MAX_EVIDENCE) break;
            evidence.push({ traceId: d.traceId, kind: 'traceWithoutSession', label: `trace ${d.traceId} without a session` });
          }
          context.report({ messageId: 'noSessionsAtAll', data: { total: plural(total, 'trace') }, evidence });
          return;
        }
        // A health check, a batch call or a first turn says nothing of a conversation: only a
        // trace whose model input carries earlier exchanges is a turn known to be cut from one.
        // The traces are read one at a time (they may be millions): each cut one is reported as
        // it comes, and only the first few are kept for the summary.
        const where = `${plural(total - withoutSession.length, 'trace')} in ${plural(sessionCount, 'session')}`;
        let cutCount = 0;
        const cutEvidence: EvidenceInput[] = [];
        for (const candidate of withoutSession) {
          const cut = cutTurn(candidate);
          if (cut === null) continue;
          const { turn, call, history } = cut;
          cutCount++;
          if (cutEvidence.length < MAX_EVIDENCE) cutEvidence.push({ traceId: turn.digest.traceId, kind: 'traceWithoutSession', label: `trace ${turn.digest.traceId} without a session` });
          // Where the session key would be: the trace's metadata, next to its assessments.
          const metadata = turn.facts.metadataPath;
          context.report({
            messageId: 'noSessionId',
            traceId: turn.digest.traceId,
            path: metadata,
            data: { call: call.name, history, withSession: where },
            evidence: [
              { path: metadata, kind: 'traceWithoutSession', label: 'no session id' },
              { spanId: call.spanId, path: call.path, kind: 'modelInput', label: `model call "${call.name}": ${history}` },
            ],
          });
        }
        const fraction = cutCount / total;
        const limit = context.options.max_fraction;
        if (cutCount > 0 && fraction > limit) {
          context.report({
            messageId: 'manyWithoutSession',
            data: { without: cutCount, total, percent: Math.round(fraction * 100), limit: Math.round(limit * 100) },
            evidence: cutEvidence,
          });
        }
      },
    };
  },
});

/**
 * The model call showing that a trace is a turn cut from a conversation, or null. Facts keep the
 * user and assistant messages of one call's input as text keys, oldest first (`historyKeys`):
 * a message before this turn's own user message is an earlier exchange (what follows it is the
 * turn's own agent loop). When the turn's user text has no key there (too short for one, or
 * rewritten before the call), two or more keyed messages in the call still show a conversation.
 */
function cutTurn(turn: Turn): CutTurn | null {
  const own = turn.facts.userKey;
  for (const call of turn.facts.modelCalls) {
    const keys = call.historyKeys;
    const at = own === null ? -1 : keys.lastIndexOf(own);
    if (at > 0) return { turn, call, history: `${plural(at, 'user or assistant message')} before this turn's user message` };
    if (at === -1 && keys.length > 1) return { turn, call, history: `${plural(keys.length, 'user or assistant message')} of a conversation` };
  }
  return null;
}

/** Where a session id was read, in words and as a place in the trace. */
function place(trace: Trace, s: SessionSourceDigest): { spanId: string | null; path: string; label: string } {
  if (s.kind === 'span' && s.spanIndex !== null) {
    const span = trace.spans[s.spanIndex];
    const path = `${trace.paths.spans}[${s.spanIndex}]`;
    return { spanId: span?.spanId ?? null, path, label: `attribute ${s.key} of span "${span?.name ?? ''}", depth ${s.depth ?? 'unknown'}` };
  }
  const map = s.kind === 'metadata' ? (trace.info.format === 'v2' ? 'request_metadata' : 'trace_metadata') : 'tags';
  return { spanId: null, path: `${trace.paths.info}.${map}`, label: `${s.kind === 'metadata' ? 'metadata' : 'tag'} ${s.key}` };
}
