import { defineRule } from './api.js';
import { plural } from './util/assessments.js';

/** Options of the rule (snake_case, as the config writes them). */
type Options = {
  max_fraction: number;
};

/** Traces named as evidence of a dump-level finding. */
const MAX_EVIDENCE = 10;

/** How to set the session, for every message of the rule. */
const FIX =
  'Set the session on every trace: mlflow.update_current_trace(metadata={"mlflow.trace.session": session_id}) inside the traced entry point (MLflow docs, "Track Users & Sessions"); if the app already keeps its conversation id under another key, list that key in the config\'s "session_keys".';

/**
 * Turns are grouped into conversations by a session id (`mlflow.trace.session` metadata, MLflow's
 * `TraceMetadataKey.TRACE_SESSION`, then the keys `sessionIdOf` knows). A trace without one is
 * analysed alone: cross-turn rules cannot see it, and in a chat app it is a turn lost from its
 * conversation, usually because one code path (a retry, a streaming endpoint, a background
 * job) does not set the id. When no trace of the dump has a session the app is likely
 * single-turn, and one note says so instead of a finding per trace.
 */
export default defineRule<'noSessionId' | 'manyWithoutSession' | 'noSessionsAtAll', Options>({
  meta: {
    id: 'missing-session-id',
    type: 'problem',
    description: 'Traces without a session id in a dump that has sessions: turns cut off from their conversation.',
    severity: 'warn',
    messages: {
      noSessionId:
        'This trace has no session id (no mlflow.trace.session metadata and no other session key) while {{withSession}} of this dump have one: it is analysed alone, outside any conversation.',
      manyWithoutSession:
        '{{without}} of {{total}} traces ({{percent}}%) have no session id, more than the {{limit}}% allowed: the session key is missing on a whole code path, not on a stray trace.',
      noSessionsAtAll:
        'None of the {{total}} in this dump has a session id: each trace is analysed as a single turn, and no cross-turn rule applies.',
    },
    messageSeverity: { manyWithoutSession: 'info', noSessionsAtAll: 'info' },
    suggestions: { noSessionId: FIX, manyWithoutSession: FIX, noSessionsAtAll: `If the app is multi-turn: ${FIX}` },
    schema: {
      type: 'object',
      properties: {
        max_fraction: {
          type: 'number',
          minimum: 0,
          maximum: 1,
          description: 'Share of the traces (0 to 1) that may lack a session id before manyWithoutSession is reported; only when the dump has sessions.',
        },
      },
      additionalProperties: false,
    },
    defaultOptions: { max_fraction: 0.5 },
  },
  create(context) {
    return {
      dumpExit({ sessionCount, turnCount, withoutSession }) {
        if (withoutSession.length === 0) return;
        const total = withoutSession.length + turnCount;
        const evidence = withoutSession.slice(0, MAX_EVIDENCE).map(({ digest: d }) => ({ traceId: d.traceId, kind: 'traceWithoutSession', label: `trace ${d.traceId} without a session` }));
        if (sessionCount === 0) {
          context.report({ messageId: 'noSessionsAtAll', data: { total: plural(total, 'trace') }, evidence });
          return;
        }
        const traceCount = plural(total - withoutSession.length, 'trace');
        const where = `${traceCount} in ${plural(sessionCount, 'session')}`;
        for (const { digest: d, facts } of withoutSession) {
          // Where the session key would be: the trace's metadata, next to its assessments.
          const metadata = facts.metadataPath;
          context.report({ messageId: 'noSessionId', traceId: d.traceId, path: metadata, data: { withSession: where }, evidence: [{ path: metadata, kind: 'traceWithoutSession', label: 'no session id' }] });
        }
        const fraction = withoutSession.length / total;
        const limit = context.options.max_fraction;
        if (fraction > limit) {
          context.report({
            messageId: 'manyWithoutSession',
            data: { without: withoutSession.length, total, percent: Math.round(fraction * 100), limit: Math.round(limit * 100) },
            evidence,
          });
        }
      },
    };
  },
});
