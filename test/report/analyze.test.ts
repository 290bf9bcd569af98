import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/analyze/findings.js';
import { analyzeJson, analyzeJsonChunks, analyzeText, type AnalyzeReport } from '../../src/report/analyze/analyze.js';
import { makeFinding } from '../helpers/findings.js';

// The analyze reporters as pure functions: the streamed JSON equals the whole document, counts
// per session, and hostile text stays inert in the terminal.
const finding = (over: Partial<Finding>): Finding =>
  makeFinding({ severity: 'info', turn: 2, relatedTurns: [1], evidence: [{ traceId: 't1', spanId: null, turn: 2, path: '$.info', kind: 'gap', label: '2 h' }], ...over });

const report = (findings: Finding[]): AnalyzeReport => ({
  findings,
  sessions: [
    { id: 's1', turns: 3, user: 'u1', turnTraceIds: ['t1', 't2', 't3'] },
    { id: 's2', turns: 1, user: null, turnTraceIds: ['t4'] },
  ],
  tracesWithoutSession: 1,
  withoutSessionTraceIds: ['t5'],
  traces: 5,
  duplicates: 0,
  outsideSelection: 0,
  rejected: 0,
  rules: ['turn-gap', 'error-propagation'],
  config: null,
  failOn: 'error',
  failed: findings.some((f) => f.severity === 'error'),
});

const cases: Array<[string, Finding[]]> = [
  ['no finding', []],
  ['one finding', [finding({})]],
  [
    'findings in sessions, outside them and about the dump, with quotes and newlines',
    [
      finding({ ruleId: 'error-propagation', messageId: 'rootCause', role: 'rootCause', severity: 'error', turn: 3, relatedTurns: [4], message: 'say "hi"\nthen' }),
      finding({ sessionId: 's2', fingerprint: 'fedcba9876543210' }),
      finding({ sessionId: null, traceId: 't9', turn: null }),
      finding({ sessionId: null, traceId: null, turn: null, evidence: [] }),
    ],
  ],
];

describe('analyze --format json, streamed', () => {
  it.each(cases)('is byte for byte the whole document: %s', (_, findings) => {
    expect([...analyzeJsonChunks(report(findings))].join('')).toBe(`${JSON.stringify(analyzeJson(report(findings)), null, 2)}\n`);
  });

  it('counts findings and root-cause turns per session', () => {
    const doc = analyzeJson(report(cases[2]![1])) as { sessions: unknown[]; summary: { root_causes: number; by_severity: object } };
    expect(doc.sessions).toEqual([
      { session_id: 's1', user: 'u1', turns: 3, findings: 1, root_cause_turns: [3], partial: null },
      { session_id: 's2', user: null, turns: 1, findings: 1, root_cause_turns: [], partial: null },
    ]);
    expect(doc.summary.root_causes).toBe(1);
    expect(doc.summary.by_severity).toEqual({ error: 1, warn: 0, info: 3 });
  });
});

describe('analyze text', () => {
  it('--verbose groups by session, root cause first, then traces without a session, then the dump', () => {
    const text = analyzeText(
      report([
        finding({ turn: 1 }),
        finding({ ruleId: 'error-propagation', messageId: 'rootCause', role: 'rootCause', severity: 'error', turn: 3, fingerprint: '1111111111111111' }),
        ...cases[2]![1].slice(2),
      ]),
      undefined,
      'verbose',
    );
    const heads = text.split('\n').filter((l) => !l.startsWith(' ') && l !== '');
    expect(heads).toEqual([
      'session s1 · 3 turns · user u1',
      'traces without a session',
      'across the dump',
      expect.stringMatching(/^4 findings: 1 error, 0 warn, 3 info · 1 root cause · 2 sessions, 5 traces read · 1 without a session · 2 rules · config none → exit 1 \(findings at or above error\)$/),
    ]);
    const s1 = text.split('\n').filter((l) => /^ {2}\S/.test(l));
    expect(s1[0]).toMatch(/^ {2}✖ error {2}turn 3 /);
    expect(s1[1]).toMatch(/^ {2}· info {3}turn 1 /);
  });

  it('escapes terminal control, bidi and zero-width characters in every field', () => {
    const evil = 'a\u001b[31mred\u0007\u202eevil\u200b';
    const evilReport = report([finding({ message: evil, traceId: evil, path: evil, suggestion: evil, evidence: [{ traceId: 't', spanId: null, turn: 1, path: evil, kind: 'k', label: evil }] })]);
    for (const verbosity of ['quiet', 'normal', 'verbose'] as const) {
      const text = analyzeText(evilReport, undefined, verbosity);
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b\u202e]/u);
      if (verbosity !== 'quiet' || [...evilReport.findings].some((f) => f.severity === 'error')) expect(text).toContain('a\\u{1b}[31mred\\u{7}\\u{202e}evil\\u{200b}');
    }
  });
});

describe('analyze text: the folded lines wait in the spool', () => {
  // Folded lines (one per shape of message) in every severity, repeated and not, about sessions
  // and about traces without a session, with a line break in a message.
  const findings = [
    finding({ sessionId: 's1', severity: 'warn', message: 'Turn 2: judge says "meh"\nreally' }),
    finding({ sessionId: 's1', severity: 'info', turn: 3, message: 'Turn 3: gap of 2 h' }),
    finding({ sessionId: 's2', severity: 'info', turn: 1, message: 'Turn 1: gap of 5 h' }),
    finding({ sessionId: 's2', severity: 'error', ruleId: 'tool-error', messageId: 'toolError', turn: 1, message: 'tool failed' }),
    finding({ sessionId: null, traceId: 't5', turn: null, severity: 'warn', message: 'no session' }),
    finding({ sessionId: null, traceId: 't9', turn: null, severity: 'warn', message: 'no session' }),
    finding({ sessionId: null, traceId: null, turn: null, evidence: [], severity: 'info', message: 'across the dump' }),
  ];

  it('prints the same text with a spool as in memory, the most severe first, and puts one text per folded line in it', () => {
    const texts: string[] = [];
    let readings = 0;
    const spool = {
      append: (text: string) => {
        texts.push(text);
      },
      get length() {
        return texts.length;
      },
      [Symbol.iterator]: () => {
        readings++;
        return texts[Symbol.iterator]();
      },
    };
    for (const verbosity of ['normal', 'quiet'] as const) {
      texts.length = 0;
      readings = 0;
      const inMemory = analyzeText(report(findings), undefined, verbosity);
      const spooled = analyzeText({ ...report(findings), spool: () => spool }, undefined, verbosity);
      expect(spooled).toBe(inMemory);
      // Each folded line's place and message, once; read once per severity shown.
      const folded = inMemory.split('\n').filter((l) => /^ {2}[✖▲·]/u.test(l));
      expect(texts).toHaveLength(folded.length);
      expect(readings).toBe(new Set(folded.map((l) => l.trim()[0])).size);
    }
    const normal = analyzeText(report(findings)).split('\n');
    const marks = normal.filter((l) => /^ {2}[✖▲·]/u.test(l)).map((l) => l.trim()[0]);
    expect(marks).toEqual([...marks].sort((a, b) => '✖▲·'.indexOf(a!) - '✖▲·'.indexOf(b!)));
    expect(normal.some((l) => l.includes('×2 in 2 traces'))).toBe(true);
  });
});
