import type { VerdictDigest } from '../model/digest-types.js';
import { defineRule } from './api.js';
import { assessmentPath, JUDGE_SOURCES, quote } from './util/assessments.js';

/** How a verdict's source reads in a message. */
function sourceLabel(v: VerdictDigest): string {
  const kind = v.sourceType === 'HUMAN' ? 'human' : v.sourceType === 'CODE' ? 'code scorer' : v.sourceType === 'LLM_JUDGE' ? 'LLM judge' : 'source';
  return v.sourceId === null ? kind : `${kind} ${v.sourceId}`;
}

/** A rationale in quotes, or `no rationale`: a value alone can mislead, so it is always shown. */
function rationale(text: string | null): string {
  const q = quote(text, '');
  return q === '' ? 'no rationale' : `"${q}"`;
}

/** Groups verdicts that judged the same thing: name, target span and level (as the triage does). */
function groupKey(v: VerdictDigest): string {
  return JSON.stringify([v.name, v.spanId, v.level]);
}

/**
 * Two verdicts on the same thing that disagree. When a person and an LLM judge disagree, side by
 * side or by the person replacing the judge's assessment through `overrides`, the triage
 * (src/model/triage.ts, `humanVersusJudge` and `humanOverrides`) already lets the person win, so
 * no other rule counts the judge's verdict; this rule says it happened, because a judge that people overrule is
 * a judge to calibrate (its verdicts elsewhere, where no person looked, are suspect too). Two
 * judges that disagree with no person to settle it are reported too: neither verdict is firm.
 */
export default defineRule({
  meta: {
    id: 'conflicting-assessments',
    type: 'problem',
    description: 'Verdicts of the same name on the same trace disagree: a human overrules an LLM judge, or two judges contradict each other.',
    severity: 'warn',
    messages: {
      humanOverridesJudge:
        'The {{level}} verdict "{{name}}" = {{judgeValue}} by {{judge}} ({{judgePath}}) is overruled by {{human}}, who says {{humanValue}} ({{humanPath}}). Rationales: judge {{judgeRationale}}; human {{humanRationale}}. The human\'s verdict counts.',
      judgesDisagree:
        'Judges disagree on the {{level}} verdict "{{name}}": {{failJudge}} says {{failValue}} ({{failRationale}}) but {{passJudge}} says {{passValue}} ({{passRationale}}); no human verdict settles it.',
    },
    messageSeverity: { judgesDisagree: 'info' },
    suggestions: {
      humanOverridesJudge:
        'Calibrate the "{{name}}" judge: add this trace and the human\'s verdict to its examples (or align the judge with human feedback) and check its other verdicts, which no human reviewed.',
      judgesDisagree: 'Have a person label "{{name}}" on this trace, and compare the two judges\' instructions and models.',
    },
  },
  create(context) {
    return {
      trace({ digest, facts }) {
        const { verdicts } = digest.assessments;
        const byIndex = new Map(verdicts.map((v) => [v.index, v]));
        const path = (v: VerdictDigest): string => assessmentPath(facts.assessmentsPath, v.index);
        const level = (v: VerdictDigest): string => (v.level === 'session' ? 'session-level' : 'per-turn');

        for (const judge of verdicts) {
          if (judge.ineffective !== 'human-disagrees' || judge.overriddenByHuman === null) continue;
          // The human is listed unless the trace has more assessments than the digest keeps
          // (MAX_ASSESSMENTS); then what is known of it is its place.
          const human = byIndex.get(judge.overriddenByHuman);
          const humanPath = assessmentPath(facts.assessmentsPath, judge.overriddenByHuman);
          context.report({
            messageId: 'humanOverridesJudge',
            traceId: digest.traceId,
            spanId: judge.spanId,
            path: path(judge),
            data: {
              level: level(judge),
              name: judge.name,
              judgeValue: judge.value,
              judge: sourceLabel(judge),
              judgePath: path(judge),
              human: human === undefined ? 'a human' : sourceLabel(human),
              humanValue: human?.value ?? 'a different value',
              humanPath,
              judgeRationale: rationale(judge.rationale),
              humanRationale: rationale(human?.rationale ?? null),
            },
            evidence: [
              { spanId: judge.spanId, path: path(judge), kind: 'judgeVerdict', label: `${judge.name} = ${judge.value} (${sourceLabel(judge)})` },
              { spanId: human?.spanId ?? judge.spanId, path: humanPath, kind: 'humanVerdict', label: `${judge.name} = ${human?.value ?? '?'} (${human === undefined ? 'human' : sourceLabel(human)})` },
            ],
          });
        }

        const groups = new Map<string, VerdictDigest[]>();
        for (const v of verdicts) {
          if (!v.effective) continue;
          const group = groups.get(groupKey(v));
          if (group) group.push(v);
          else groups.set(groupKey(v), [v]);
        }
        for (const group of groups.values()) {
          // A person's verdict in the group settles it (or, with a value of unknown polarity,
          // says nothing the judges can be weighed against): only judges among themselves here.
          if (group.some((v) => v.sourceType === 'HUMAN')) continue;
          const judges = group.filter((v) => JUDGE_SOURCES.has(v.sourceType));
          const fail = judges.find((v) => v.polarity === 'fail');
          const pass = judges.find((v) => v.polarity === 'pass');
          if (fail === undefined || pass === undefined) continue;
          context.report({
            messageId: 'judgesDisagree',
            traceId: digest.traceId,
            spanId: fail.spanId,
            path: path(fail),
            key: groupKey(fail),
            data: {
              level: level(fail),
              name: fail.name,
              failJudge: sourceLabel(fail),
              failValue: fail.value,
              failRationale: rationale(fail.rationale),
              passJudge: sourceLabel(pass),
              passValue: pass.value,
              passRationale: rationale(pass.rationale),
            },
            evidence: [
              { spanId: fail.spanId, path: path(fail), kind: 'failVerdict', label: `${fail.name} = ${fail.value} (${sourceLabel(fail)})` },
              { spanId: pass.spanId, path: path(pass), kind: 'passVerdict', label: `${pass.name} = ${pass.value} (${sourceLabel(pass)})` },
            ],
          });
        }
      },
    };
  },
});
