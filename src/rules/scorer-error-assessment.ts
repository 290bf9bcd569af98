import type { ScorerErrorDigest, TraceDigest } from '../model/digest-types.js';
import { defineRule, type EvidenceInput, type SessionInput } from './api.js';
import { assessmentPath, mostCommon, quote } from './util/assessments.js';
import { plural } from '../shared/plural.js';
import { firstOfMerged, keepFirst, sessionOrder, type Ordered, type SessionOrder } from './util/session-order.js';

/** Failures listed as evidence of a scorer's totals. */
const MAX_TOTALS_EVIDENCE = 5;
/** Scorer errors listed as evidence of a session without quality signal. */
const MAX_SESSION_EVIDENCE = 10;

/** What the dump-level tally keeps per scorer name. */
interface ScorerTally {
  failures: number;
  /** Failures a later assessment replaced. */
  replaced: number;
  /** Sessions with a failure of the scorer (a session's turns are counted one after another). */
  sessions: number;
  /** The session counted last, so that its other turns do not count it again. */
  lastSession: string | null;
  withoutSession: number;
  codes: Map<string, number>;
  /** The first failures in session order (then those of traces without a session). */
  evidence: Array<Ordered<EvidenceInput>>;
}

/** What `saveDump` gives (scale-out): the tallies and the verdict counts as JSON. */
interface SavedTallies {
  tallies: Array<[string, Omit<ScorerTally, 'codes' | 'lastSession'> & { codes: Array<[string, number]> }]>;
  verdictsByName: Array<[string, number]>;
}

const NO_CODE = 'no error code';

/** The order given to the evidence of traces without a session, never compared: it is added last, in dumpExit, after every session's. */
const AFTER_SESSIONS: SessionOrder = { first: null, id: '' };

/** Options of the rule. */
interface Options {
  totals_min_failures: number;
}

/**
 * A feedback with `error` set means the scorer (an LLM judge, a code scorer) failed: the judge
 * failed, not the app (analyzing-mlflow-session.md, "Assessment errors are not trace errors").
 * Read as a verdict it is a false alarm; left unread it hides that a turn or a whole session has
 * no quality signal at all. This rule names each failure as what it is, adds up how often each
 * scorer fails over the dump (a judge behind a rate limit fails in bursts), and says when a
 * session has nothing but scorer errors. A scorer that failed once has no total worth saying:
 * its one per-turn finding says it all, so totals start at `totals_min_failures` (2).
 */
export default defineRule<'scorerError' | 'supersededScorerError' | 'scorerTotals' | 'noQualitySignal' | 'moreScorerErrors', Options>({
  meta: {
    id: 'scorer-error-assessment',
    type: 'problem',
    description: 'A scorer (LLM judge or code scorer) failed to assess a trace or session: a judge failure, not a quality signal.',
    severity: 'warn',
    messages: {
      scorerError: 'The {{level}} scorer "{{scorer}}" failed with {{code}}: {{error}} This is a judge failure, not a quality signal: the {{subject}} has no "{{scorer}}" verdict.',
      supersededScorerError: 'The {{level}} scorer "{{scorer}}" failed with {{code}}: {{error}} A later assessment replaced this result, so nothing is missing; not a quality signal.',
      scorerTotals: 'Scorer "{{scorer}}" failed {{failures}} of {{runs}} ({{percent}}%) in {{where}}; most common error {{code}} ({{codeCount}} of {{failures}}){{replaced}}.',
      noQualitySignal: 'Session {{session}} has no quality signal: all {{count}} assessments are scorer errors ({{scorers}}), so nothing says whether its {{turns}} went well.',
      moreScorerErrors: 'This trace has {{total}} scorer errors; the {{listed}} above are named one by one and {{more}} more are not ({{scorers}}): each is a judge failure, not a quality signal.',
    },
    messageSeverity: { supersededScorerError: 'info', scorerTotals: 'info', noQualitySignal: 'warn', moreScorerErrors: 'warn' },
    suggestions: {
      scorerError: 'Fix the cause ({{code}}) and re-run the scorer on this trace; until then read the turn itself, not its missing verdict.',
      scorerTotals: 'Check the judge behind "{{scorer}}" (model endpoint, quota, rate limits for {{code}}) and re-run the evaluation on the failed traces.',
      noQualitySignal: 'Re-run the evaluation on this session once the scorers work; until then triage it from its turns, errors and answers.',
      moreScorerErrors:
        "List them all with: tracetriage query '$.info.assessments[?@.feedback.error] | pick(assessment_name, feedback.error.error_code)' on this trace; fix the scorers' causes and re-run them.",
    },
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        totals_min_failures: {
          type: 'integer',
          minimum: 1,
          description: 'Failures of one scorer over the dump from which its scorerTotals finding is reported; fewer are left to the per-turn findings.',
        },
      },
    },
    defaultOptions: { totals_min_failures: 2 },
  },
  create(context) {
    const { totals_min_failures: minFailures } = context.options;
    const tallies = new Map<string, ScorerTally>();

    /** Scorer runs that gave a verdict, by name, over the dump. */
    const verdictsByName = new Map<string, number>();

    /**
     * Adds one trace's assessments to the dump-level tally: the numbers from the digest's counts
     * over every assessment (the listed entries are bounded), the evidence from the listed ones.
     */
    const count = (digest: TraceDigest, session: SessionInput | null, listPath: string | null): void => {
      const order: SessionOrder = session === null ? AFTER_SESSIONS : sessionOrder(session);
      for (const s of digest.assessments.scorers) {
        if (s.runs > 0) verdictsByName.set(s.name, (verdictsByName.get(s.name) ?? 0) + s.runs);
        if (s.failures === 0) continue;
        const t = tally(tallies, s.name);
        t.failures += s.failures;
        t.replaced += s.replaced;
        if (session === null) t.withoutSession++;
        else if (t.lastSession !== session.id) {
          t.sessions++;
          t.lastSession = session.id;
        }
        for (const c of s.codes) {
          const code = c.code || NO_CODE;
          t.codes.set(code, (t.codes.get(code) ?? 0) + c.count);
        }
      }
      for (const e of digest.assessments.scorerErrors) {
        const t = tally(tallies, e.name);
        // A trace without a session reaches the session phase as a digest alone, without the
        // facts that hold its assessment path: its evidence names the trace, not the place.
        const item = {
          order,
          value: {
            traceId: digest.traceId,
            path: listPath === null ? null : assessmentPath(listPath, e.index),
            kind: 'scorerError',
            label: `${e.code || NO_CODE}: ${quote(e.message, 'no message', 80)}`,
          },
        };
        // Those come last (dumpExit, after every session's): after the sessions' evidence, if room is left.
        if (session !== null) keepFirst(t.evidence, item, MAX_TOTALS_EVIDENCE);
        else if (t.evidence.length < MAX_TOTALS_EVIDENCE) t.evidence.push(item);
      }
    };

    return {
      trace({ digest, facts }) {
        const listed = digest.assessments.scorerErrors;
        for (const e of listed) report(e, digest.traceId, facts.assessmentsPath);
        // The digest names a bounded number of failures; the rest are counted, and said once here
        // rather than left out without a word.
        const total = digest.assessments.counts.scorerErrors;
        if (total > listed.length) {
          context.report({
            messageId: 'moreScorerErrors',
            traceId: digest.traceId,
            path: facts.assessmentsPath,
            data: {
              total,
              listed: listed.length,
              more: total - listed.length,
              scorers: digest.assessments.scorers
                .filter((s) => s.failures > 0)
                .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
                .map((s) => `${s.name} ${s.failures}`)
                .join(', '),
            },
          });
        }
      },
      sessionExit(session) {
        // A trace without a session is tallied in dumpExit (as one "without a session"), and its
        // scorer errors were each said in the trace phase; "session X has no quality signal" is not its.
        if (session.sessionless) return;
        // A digest's `scorerErrors` hold both levels: `TurnView.scorerErrors` (per turn) and the
        // entries `SessionView.sessionScorerErrors` gathered, so each failure is counted once.
        for (const turn of session.turns) count(turn.digest, session, turn.facts.assessmentsPath);
        const errors = session.turns.flatMap((turn) => turn.digest.assessments.scorerErrors.map((e) => ({ turn, e })));
        // Counts over every assessment, not the bounded lists: a verdict past the bound is a signal.
        const failures = session.turns.reduce((n, turn) => n + turn.digest.assessments.counts.scorerErrors, 0);
        const verdicts = session.turns.reduce((n, turn) => n + turn.digest.assessments.counts.feedback, 0);
        // Expectations are ground truth, not verdicts: they neither give nor take a quality signal.
        if (failures === 0 || verdicts > 0) return;
        context.report({
          messageId: 'noQualitySignal',
          sessionId: session.id,
          data: {
            session: session.id,
            count: failures,
            scorers: [...new Set(session.turns.flatMap((turn) => turn.digest.assessments.scorers.filter((c) => c.failures > 0).map((c) => c.name)))].sort().join(', '),
            turns: plural(session.turns.length, 'turn'),
          },
          evidence: errors.slice(0, MAX_SESSION_EVIDENCE).map(({ turn, e }) => ({
            traceId: turn.digest.traceId,
            path: assessmentPath(turn.facts.assessmentsPath, e.index),
            kind: 'scorerError',
            label: `${e.name}: ${e.code || NO_CODE}`,
          })),
        });
      },
      saveDump(): SavedTallies {
        return {
          tallies: [...tallies].map(([name, { lastSession: _, codes, ...t }]) => [name, { ...t, codes: [...codes] }]),
          verdictsByName: [...verdictsByName],
        };
      },
      loadDump(saved) {
        const part = saved as SavedTallies;
        for (const [name, runs] of part.verdictsByName) verdictsByName.set(name, (verdictsByName.get(name) ?? 0) + runs);
        for (const [name, other] of part.tallies) {
          const t = tally(tallies, name);
          t.failures += other.failures;
          t.replaced += other.replaced;
          t.sessions += other.sessions;
          t.withoutSession += other.withoutSession;
          for (const [code, n] of other.codes) t.codes.set(code, (t.codes.get(code) ?? 0) + n);
          t.evidence = firstOfMerged([t.evidence, other.evidence], MAX_TOTALS_EVIDENCE);
        }
      },
      dumpExit(dump) {
        for (const { digest } of dump.withoutSession) count(digest, null, null);
        for (const [name, t] of [...tallies].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          // One failure is one per-turn finding already (or a moreScorerErrors count): a total of
          // one would only repeat it.
          if (t.failures < minFailures) continue;
          const runs = t.failures + (verdictsByName.get(name) ?? 0);
          const code = mostCommon(t.codes) ?? { key: NO_CODE, count: t.failures };
          const where = [...(t.sessions > 0 ? [plural(t.sessions, 'session')] : []), ...(t.withoutSession > 0 ? [plural(t.withoutSession, 'trace') + ' without a session'] : [])].join(' and ');
          context.report({
            messageId: 'scorerTotals',
            key: name,
            data: {
              scorer: name,
              failures: t.failures,
              runs: plural(runs, 'run'),
              percent: Math.round((100 * t.failures) / runs),
              where,
              code: code.key,
              codeCount: code.count,
              replaced: t.replaced === 0 ? '' : `; ${t.replaced} later replaced by another assessment`,
            },
            evidence: t.evidence.map((e) => e.value),
          });
        }
      },
    };

    function report(e: ScorerErrorDigest, traceId: string, listPath: string): void {
      const session = e.level === 'session';
      context.report({
        messageId: e.superseded ? 'supersededScorerError' : 'scorerError',
        traceId,
        spanId: e.spanId,
        path: assessmentPath(listPath, e.index),
        data: {
          level: session ? 'session-level' : 'per-turn',
          scorer: e.name,
          code: e.code || NO_CODE,
          error: withStop(quote(e.message, 'no message')),
          subject: session ? 'session' : 'turn',
        },
        evidence: [{ path: assessmentPath(listPath, e.index), kind: 'scorerError', label: `${e.name}: ${e.code || NO_CODE}` }],
      });
    }
  },
});

function tally(tallies: Map<string, ScorerTally>, name: string): ScorerTally {
  let t = tallies.get(name);
  if (t === undefined) {
    t = { failures: 0, replaced: 0, sessions: 0, lastSession: null, withoutSession: 0, codes: new Map(), evidence: [] };
    tallies.set(name, t);
  }
  return t;
}

/** Ends a quoted error message with a full stop, so the next sentence reads as one. */
function withStop(text: string): string {
  return /[.!?…]$/u.test(text) ? text : `${text}.`;
}
