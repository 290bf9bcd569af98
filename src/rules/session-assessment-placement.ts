import type { OnTurn } from '../model/sessions.js';
import { defineRule, type SessionInput } from './api.js';
import { assessmentPath } from './util/assessments.js';

/** What both session-level lists of a session share. */
interface Placed {
  index: number;
  name: string;
  levelBasis: string;
  spanId: string | null;
}

/**
 * MLflow logs the results of a session (multi-turn) scorer on the session's first trace, the one
 * with the earliest `request_time` (`get_first_trace_in_session` and
 * `evaluate_session_level_scorers`, mlflow/genai/evaluation/session_utils.py), and tags each
 * result with the `mlflow.trace.session` assessment metadata; MLflow's session view and the
 * manual workflow (analyzing-mlflow-session.md: "Session-level assessments are attached to the
 * first trace in the session") look for them there. tracetriage gathers them from every turn, so
 * none is lost here, but one found elsewhere is missed by those readers and usually means the
 * dump lacks the session's real first turn. A failed session scorer written before MLflow
 * PR #20988 lacks the metadata key; tracetriage then decides its level by the scorer's name, and
 * says so.
 */
export default defineRule({
  meta: {
    id: 'session-assessment-placement',
    type: 'suggestion',
    description: "A session-level assessment is not on the session's first trace, or is session-level only by its scorer's name.",
    severity: 'warn',
    messages: {
      notOnFirstTrace:
        'The session-level {{kind}} "{{name}}" is on turn {{turn}}, not on the session\'s first trace {{firstTrace}} where MLflow logs session-level assessments; MLflow\'s session view will not show it, and an earlier turn may be missing from this dump.',
      missingSessionMetadata:
        'The failed scorer "{{name}}" on turn {{turn}} has no mlflow.trace.session assessment metadata; it is counted as session-level only because "{{name}}" is a multi-turn scorer\'s name.',
    },
    messageSeverity: { missingSessionMetadata: 'info' },
    suggestions: {
      notOnFirstTrace:
        'Check that the export holds the whole session (an earlier turn may have been filtered out or paged off); if the assessment was logged by hand, log it on trace {{firstTrace}} with metadata {"mlflow.trace.session": "{{session}}"}.',
      missingSessionMetadata:
        'MLflow before PR #20988 wrote failed session scorers\' results without the key; upgrade MLflow, or set "scorers": {"{{name}}": {"level": "trace"}} in the config if "{{name}}" is a per-turn scorer of yours.',
    },
  },
  create(context) {
    const check = (session: SessionInput, placed: OnTurn<Placed>, kind: string): void => {
      const { turn, traceId, entry } = placed;
      const first = session.turns[0];
      const holder = session.turns[turn - 1];
      // Every session has a first turn and every entry came from one of its turns (sessionView);
      // the guard only satisfies the type checker.
      if (first === undefined || holder === undefined) return;
      const path = assessmentPath(holder.facts.assessmentsPath, entry.index);
      if (turn !== 1) {
        context.report({
          messageId: 'notOnFirstTrace',
          traceId,
          spanId: entry.spanId,
          path,
          data: { kind, name: entry.name, turn, firstTrace: first.digest.traceId, session: session.id },
          evidence: [
            { path, kind: 'sessionAssessment', label: `session-level ${kind} "${entry.name}" on turn ${turn}` },
            { traceId: first.digest.traceId, path: first.facts.assessmentsPath, kind: 'firstTrace', label: `first trace of the session (turn 1)` },
          ],
        });
      }
      if (entry.levelBasis === 'scorer-name') {
        context.report({
          messageId: 'missingSessionMetadata',
          traceId,
          spanId: entry.spanId,
          path,
          data: { name: entry.name, turn },
          evidence: [{ path, kind: 'scorerError', label: `"${entry.name}" failed, no mlflow.trace.session metadata` }],
        });
      }
    };
    return {
      session(session) {
        // A trace without a session has no session for a session-level assessment to be placed
        // in; the missing session is missing-session-id's finding.
        if (session.sessionless) return;
        for (const v of session.sessionVerdicts) check(session, v, 'assessment');
        for (const e of session.sessionScorerErrors) check(session, e, 'scorer error');
      },
    };
  },
});
