import { describe, expect, it } from 'vitest';
import { AnalysisCollector, type AnalyzeResult } from '../../src/engine/analyze/analyze.js';
import type { Finding } from '../../src/engine/analyze/findings.js';
import type { ActiveRule } from '../../src/engine/analyze/rule-runner.js';
import { normalizeRecord } from '../../src/model/normalize.js';
import type { RuleModule, Severity } from '../../src/rules/api.js';

/** Any rule, whatever its message ids and options type (as the rule table holds them). */
type AnyRule = RuleModule<string, never>;

// RuleTester in the manner of ESLint's: a rule, valid cases that must give no finding and invalid
// cases with the exact findings expected. Cases run the real per-trace stage and session stage
// (the rule alone), on records in the export shapes the reader accepts.

/** What a case expects of one finding; every field given must match exactly. */
export interface ExpectedFinding {
  messageId: string;
  sessionId?: string | null;
  traceId?: string | null;
  spanId?: string | null;
  turn?: number | null;
  path?: string | null;
  severity?: Severity;
  relatedTurns?: number[];
  /** The message, exactly or by pattern. */
  message?: string | RegExp;
  /** Evidence kinds, in order. */
  evidenceKinds?: string[];
  suggestion?: string | RegExp | null;
}

export interface RuleCase {
  name: string;
  /** Exported trace objects (as `mlflow traces get` writes them), in any order. */
  traces: ReadonlyArray<Record<string, unknown>>;
  /** Rule options, laid over the defaults. */
  options?: Record<string, unknown>;
  /** The case's input (source `test`) is one page of a longer search: its envelope's next_page_token. */
  page?: string;
}

export interface InvalidCase extends RuleCase {
  /** Every finding, in the engine's order. */
  errors: ExpectedFinding[];
}

/** Runs one rule over traces and returns the analysis (findings worded, located, sorted). */
export function runRule(rule: AnyRule, traces: RuleCase['traces'], options: Record<string, unknown> = {}, page?: string): AnalyzeResult {
  const active: ActiveRule = { module: rule as RuleModule, options: { ...rule.meta.defaultOptions, ...options } };
  const collector = new AnalysisCollector({ rules: [active] });
  try {
    for (const [index, record] of traces.entries()) {
      const normalized = normalizeRecord(record);
      if (!('trace' in normalized)) throw new Error(`test record ${index} is not a trace: ${JSON.stringify(normalized.problem)}`);
      collector.add(normalized.trace, { source: 'test', index, offset: 0, length: 0, line: 1 });
    }
    // As the reader tells it: the page note comes after the traces (the token follows `traces`).
    if (page !== undefined) collector.page('test', page);
    return collector.finish();
  } finally {
    collector.close();
  }
}

function check(actual: Finding, expected: ExpectedFinding, where: string): void {
  const pick: Partial<Record<keyof ExpectedFinding, unknown>> = {};
  for (const key of Object.keys(expected) as Array<keyof ExpectedFinding>) {
    if (key === 'message' || key === 'suggestion' || key === 'evidenceKinds') continue;
    pick[key] = actual[key as keyof Finding];
  }
  const { message, suggestion, evidenceKinds, ...plain } = expected;
  expect(pick, where).toEqual(plain);
  if (message instanceof RegExp) expect(actual.message, where).toMatch(message);
  else if (message !== undefined) expect(actual.message, where).toBe(message);
  if (suggestion instanceof RegExp) expect(actual.suggestion, where).toMatch(suggestion);
  else if (suggestion !== undefined) expect(actual.suggestion, where).toBe(suggestion);
  if (evidenceKinds !== undefined)
    expect(
      actual.evidence.map((e) => e.kind),
      where,
    ).toEqual(evidenceKinds);
}

/**
 * Declares a `describe` block for the rule: each valid case must give no finding, each invalid
 * case exactly the findings listed (count and order included). Every finding must also carry a
 * fingerprint, a message with no `{{` left, and evidence whose every entry names a trace.
 */
export function ruleTester(rule: AnyRule, cases: { valid: readonly RuleCase[]; invalid: readonly InvalidCase[] }): void {
  describe(`rule ${rule.meta.id}`, () => {
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, () => {
        const { findings } = runRule(rule, c.traces, c.options, c.page);
        expect(findings.map((f) => `${f.messageId}: ${f.message}`)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, () => {
        const { findings } = runRule(rule, c.traces, c.options, c.page);
        expect(
          findings.map((f) => f.messageId),
          'message ids',
        ).toEqual(c.errors.map((e) => e.messageId));
        findings.forEach((f, i) => {
          check(f, c.errors[i]!, `finding ${i} (${f.messageId}: ${f.message})`);
          expect(f.fingerprint).toMatch(/^[0-9a-f]{16}$/);
          expect(f.message).not.toContain('{{');
          expect(f.ruleId).toBe(rule.meta.id);
        });
        // The same input gives the same findings, fingerprints and order.
        expect(runRule(rule, c.traces, c.options, c.page).findings).toEqual(findings);
      });
    }
  });
}
