import { describe, expect, it } from 'vitest';
import { exitVerdict, partialDump, type ReadOutcome } from '../../src/engine/outcome.js';

// A partial dump is not a clean run for CI (docs/analyze.md "Partial dumps"): the reason names
// what is partial, and it comes after the findings at --fail-on and before rejected records.

const f = (ruleId: string, messageId: string, kinds: string[] = []) => ({ ruleId, messageId, evidence: kinds.map((kind) => ({ kind })) });
const TAIL = ': its verdicts are relative to what it holds';

describe('partialDump', () => {
  const cases: Array<[string, ReturnType<typeof f>[], string | null]> = [
    ['no finding', [], null],
    ['findings of other rules, unmarked', [f('error-propagation', 'rootCause', ['failure', 'answerInHistory']), f('turn-gap', 'missingTurn')], null],
    ['one page', [f('partial-dump', 'pagedExport')], `the dump is partial (an input is one page of a longer search)${TAIL}`],
    ['two pages', [f('partial-dump', 'pagedExport'), f('partial-dump', 'pagedExport')], `the dump is partial (2 inputs are one page of a longer search)${TAIL}`],
    [
      'a session cut before its first turn and two marked verdicts',
      [f('partial-dump', 'firstTurnMissing'), f('error-propagation', 'rootCause', ['failure', 'missingTurns']), f('error-propagation', 'isolatedFailure', ['missingTurns'])],
      `the dump is partial (1 session starts mid-conversation; 2 verdicts depend on turns it lacks)${TAIL}`,
    ],
    [
      'all three',
      [f('partial-dump', 'pagedExport'), f('partial-dump', 'firstTurnMissing'), f('partial-dump', 'firstTurnMissing'), f('error-propagation', 'rootCause', ['missingTurns'])],
      `the dump is partial (an input is one page of a longer search; 2 sessions start mid-conversation; 1 verdict depends on turns it lacks)${TAIL}`,
    ],
  ];
  for (const [name, findings, expected] of cases) it(name, () => expect(partialDump(findings)).toBe(expected));
});

describe('exitVerdict with a partial dump', () => {
  const read: ReadOutcome = { traces: 2, rejected: 0, internal: 0, unreadable: 0, emptyExports: 0, unsupported: 0 };
  const partial = `the dump is partial (an input is one page of a longer search)${TAIL}`;

  it('is 1 with the partial reason when no finding reaches --fail-on', () => {
    expect(exitVerdict(read, { failOn: { level: 'error', failed: false }, partial })).toEqual({ code: 1, reason: partial });
  });

  it('is 1 with --fail-on none too (no failOn)', () => {
    expect(exitVerdict(read, { failOn: null, partial })).toEqual({ code: 1, reason: partial });
  });

  it('gives the findings at --fail-on as the reason first', () => {
    expect(exitVerdict(read, { failOn: { level: 'error', failed: true }, partial })).toEqual({ code: 1, reason: 'findings at or above error' });
  });

  it('comes before rejected records', () => {
    expect(exitVerdict({ ...read, rejected: 3 }, { failOn: null, partial })).toEqual({ code: 1, reason: partial });
  });

  it('does not hide a run that could not do its job', () => {
    expect(exitVerdict({ ...read, unreadable: 1 }, { failOn: null, partial })).toEqual({ code: 2, reason: 'an input could not be read to the end' });
  });

  it('is 0 without it', () => {
    expect(exitVerdict(read, { failOn: { level: 'error', failed: false }, partial: null })).toEqual({ code: 0, reason: 'nothing at or above error' });
  });
});
