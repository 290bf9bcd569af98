import { describe, expect, it } from 'vitest';
import { ANALYSIS_TEXT_CHARS, analyzeTrace } from '../../src/engine/analyze/analyze-trace.js';
import { TraceRuleRunner } from '../../src/engine/analyze/rule-runner.js';
import { normalizeRecord } from '../../src/model/normalize.js';
import { chatTurn } from '../helpers/trace-builder.js';

describe('the per-trace stage of analyze', () => {
  it("keeps the digest's excerpt of a long answer as it is, its cut marker counting the whole answer", () => {
    const answer = 'word '.repeat(300).trim();
    const normalized = normalizeRecord(chatTurn({ key: 'long', user: 'Tell me everything about the warranty.', answer }));
    if (!('trace' in normalized)) throw new Error('not a trace');
    const { digest } = analyzeTrace(normalized.trace, undefined, {}, new TraceRuleRunner([]));
    const kept = digest.turn.texts.answerText;
    // The excerpt keeps ANALYSIS_TEXT_CHARS characters of the answer and says how many were left out of the 1,499 (1,099, grouped by a space).
    expect(kept).toBe(`${answer.slice(0, ANALYSIS_TEXT_CHARS)}… [cut, 1 099 chars]`);
  });
});
