import { cut, ELLIPSIS_TRIMMED } from '../../shared/text.js';

/**
 * Source types whose feedback is a scorer's, not a person's: MLflow's `AssessmentSourceType`
 * (mlflow/entities/assessment_source.py) has `LLM_JUDGE` and `CODE` for scorers, `HUMAN` for
 * people, and `SOURCE_TYPE_UNSPECIFIED`, which is neither.
 */
export const JUDGE_SOURCES: ReadonlySet<string> = new Set(['LLM_JUDGE', 'CODE']);

/** Longest rationale or scorer error message quoted in a finding's message. */
export const QUOTE_CHARS = 160;

/** The JSONPath of the assessment at `index` below a trace's assessment list path (`facts.assessmentsPath`). */
export function assessmentPath(listPath: string, index: number): string {
  return `${listPath}[${index}]`;
}

/**
 * A text for one line of a terminal: white space collapsed, cut to `maxChars` code points with
 * `…` (not `cutText`'s `[cut, N chars]`, which is too long inside a one-line message), `fallback`
 * when there is nothing to quote.
 */
export function quote(text: string | null, fallback: string, maxChars = QUOTE_CHARS): string {
  const flat = (text ?? '').replace(/\s+/gu, ' ').trim();
  if (flat === '') return fallback;
  return cut(flat, maxChars, ELLIPSIS_TRIMMED);
}

/** The most frequent key of a tally; ties go to the key that sorts first, so output is stable. */
export function mostCommon(tally: ReadonlyMap<string, number>): { key: string; count: number } | null {
  let best: { key: string; count: number } | null = null;
  for (const [key, count] of tally) {
    if (best === null || count > best.count || (count === best.count && key < best.key)) best = { key, count };
  }
  return best;
}
