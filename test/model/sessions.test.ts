import { readFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { keyCarrier } from '../../src/model/carrier-table.js';
import { digestTrace } from '../../src/model/digest.js';
import { MAX_ERROR_SPANS, NOTE_CHARS, type TraceDigest } from '../../src/model/digest-types.js';
import { listingDigest } from '../../src/model/listing-digest.js';
import { sessionIdOf, userIdOf } from '../../src/model/session-keys.js';
import { compareTurns, groupSessions, SESSION_SORT_KEYS, sessionView, sortSessions, type SessionSortKey, type SessionTurn } from '../../src/model/sessions.js';
import { SessionTurnRows } from '../../src/engine/session-turns.js';
import { mdInline } from '../../src/shared/escape/markdown.js';
import { fixtureJson, traceOf } from '../helpers/fixture-traces.js';
import { REPO_ROOT } from '../helpers/make-inputs.js';
import { randomInts } from '../helpers/prng.js';

const sample = (rel: string): Record<string, unknown> => JSON.parse(readFileSync(`${REPO_ROOT}/samples/${rel}`, 'utf8')) as Record<string, unknown>;
const refundTraces = (): Array<Record<string, unknown>> => sample('search-sess-refund-7f3a.json').traces as Array<Record<string, unknown>>;
const byId = (id: string): Record<string, unknown> => refundTraces().find((t) => (t.info as { trace_id: string }).trace_id === id)!;

type Span = { name: string; status: { code: string; message: string }; attributes: Record<string, string>; events: unknown[] };
const spansOf = (record: Record<string, unknown>): Span[] => (record.data as { spans: Span[] }).spans;
const infoOf = (record: Record<string, unknown>): { trace_metadata: Record<string, string>; tags: Record<string, string> } =>
  record.info as { trace_metadata: Record<string, string>; tags: Record<string, string> };

describe('digestTrace on the samples', () => {
  it('digests turn 5 of sess-refund-7f3a: the failed tool span, the verdicts, token usage, provenance', () => {
    const provenance = { source: 's.json', index: 4, offset: 10, length: 20, line: 3 };
    const d = digestTrace(traceOf(byId('tr-eaad7e61ac6baaa620d497e41960925c')), { provenance });
    expect(d.sessionId).toBe('sess-refund-7f3a');
    expect(d.user).toBe('cust-88121');
    expect(d.state).toBe('OK');
    expect(d.format).toBe('3.5.1+');
    expect(d.provenance).toEqual(provenance);
    expect(d.turn).toMatchObject({ selection: 'root', spanName: 'support_agent', depth: 0, wrapperChain: [], truncated: false });
    expect(d.turn.input).toEqual({ carrier: 'mlflow.span', key: 'mlflow.spanInputs' });
    expect(d.turn.texts.userText).toBe("Perfect, please start the refund now so it's sorted before I leave.");
    expect(d.errorSpanCount).toBe(1);
    expect(d.errors).toEqual([
      {
        spanId: '1ff7a0d562d0177e',
        name: 'create_refund_request',
        depth: 1,
        statusMessage: 'RefundRejectedError: 422 refund_window_expired: order AC-58213 was delivered on 2026-10-02 (39 days ago); refunds are accepted within 30 days of delivery (refund-policy-2024)',
        exception: {
          type: 'RefundRejectedError',
          message: '422 refund_window_expired: order AC-58213 was delivered on 2026-10-02 (39 days ago); refunds are accepted within 30 days of delivery (refund-policy-2024)',
        },
        // No later attempt of the tool: the agent talked around the rejection.
        recovered: false,
      },
    ]);
    expect(d.recoveredErrorCount).toBe(0);
    expect(d.assessments.verdicts.map((v) => [v.name, v.value, v.polarity, v.sourceType, v.level])).toEqual([
      ['correctness', 'false', 'fail', 'LLM_JUDGE', 'turn'],
      ['relevance_to_query', '"yes"', 'pass', 'LLM_JUDGE', 'turn'],
      ['helpfulness', '1', 'unknown', 'HUMAN', 'turn'],
    ]);
    expect(d.assessments.failing).toBe(1);
    expect(d.tokenUsage).toEqual({ inputTokens: 1460, outputTokens: 112, totalTokens: 1572 });
  });

  it('keeps a scorer error apart from the verdicts (turn 4) and the session-level verdict on turn 1', () => {
    const four = digestTrace(traceOf(byId('tr-431e32114628b590f68d7835089ffda1')));
    expect(four.assessments.scorerErrors.map((e) => [e.name, e.code, e.level])).toEqual([['relevance_to_query', 'RATE_LIMIT_EXCEEDED', 'turn']]);
    expect(four.assessments.verdicts.map((v) => v.name)).toEqual(['correctness']);
    const one = digestTrace(traceOf(byId('tr-1b5ff12852e9a8599f3d68af257f6254')));
    expect(one.assessments.verdicts.filter((v) => v.level === 'session').map((v) => [v.name, v.value, v.polarity])).toEqual([['conversation_completeness', '"no"', 'fail']]);
  });

  it('finds the turn below a wrapper root and stops at the failed agent (sess-wrapper-19c2)', () => {
    const cases = [
      { file: 'turn1', selection: 'descendant', depth: 1, chain: ['POST /v1/assistant/chat'], errors: 0 },
      { file: 'turn2', selection: 'descendant', depth: 2, chain: ['POST /v1/assistant/chat', 'session_refresh'], errors: 0 },
      { file: 'turn3', selection: 'failed', depth: 1, chain: ['POST /v1/assistant/chat'], errors: 3 },
    ];
    for (const c of cases) {
      const d = digestTrace(traceOf(sample(`traces/sess-wrapper-19c2-${c.file}.json`)));
      expect([d.turn.spanName, d.turn.selection, d.turn.depth, d.turn.wrapperChain, d.errorSpanCount], c.file).toEqual(['booking_agent', c.selection, c.depth, c.chain, c.errors]);
    }
  });

  it('bounds what it keeps: rationales, status messages, error spans', () => {
    const record = byId('tr-eaad7e61ac6baaa620d497e41960925c');
    const assessments = (record.info as { assessments: Array<Record<string, unknown>> }).assessments;
    assessments[0]!.rationale = 'r'.repeat(NOTE_CHARS + 500);
    const spans = spansOf(record);
    const template = spans.find((s) => s.name === 'create_refund_request')!;
    for (let i = 0; i < MAX_ERROR_SPANS + 5; i++) {
      const id = Buffer.from(`e${String(i).padStart(7, '0')}`).toString('base64');
      spans.push({ ...template, span_id: id, status: { code: 'STATUS_CODE_ERROR', message: 'm'.repeat(NOTE_CHARS * 3) } } as Span);
    }
    const d = digestTrace(traceOf(record));
    expect(d.errorSpanCount).toBe(MAX_ERROR_SPANS + 6);
    expect(d.errors).toHaveLength(MAX_ERROR_SPANS);
    expect([...d.errors[1]!.statusMessage].length).toBeLessThan(NOTE_CHARS + 40);
    expect(d.errors[1]!.statusMessage).toMatch(/… \[cut, 2[ ,.]?000 chars\]$/u);
    expect(d.assessments.verdicts[0]!.rationale).toMatch(/… \[cut, 500 chars\]$/u);
  });

  it('reads the turn through a configured carrier and session/user keys', () => {
    const record = sample('traces/no-session-smoke-test.json');
    const root = spansOf(record)[0]!;
    delete root.attributes['mlflow.spanInputs'];
    delete root.attributes['mlflow.spanOutputs'];
    root.attributes['app.question'] = JSON.stringify('Opening hours?');
    root.attributes['app.reply'] = JSON.stringify('9 to 5.');
    infoOf(record).tags['conversation'] = 'conv-9';
    infoOf(record).trace_metadata['customer'] = 'c-1';
    const trace = traceOf(record);
    const d = digestTrace(trace, { extraCarriers: [keyCarrier('app', ['app.question'], ['app.reply'])], sessionKeys: ['conversation'], userKeys: ['customer'] });
    expect([d.sessionId, d.user, d.turn.spanName, d.turn.input, d.turn.texts.userText, d.turn.texts.answerText]).toEqual([
      'conv-9',
      'c-1',
      'support_agent',
      { carrier: 'app', key: 'app.question' },
      'Opening hours?',
      '9 to 5.',
    ]);
    expect(digestTrace(trace).sessionId).toBeNull();
  });
});

describe('SessionTurnRows', () => {
  it('gives the sessions, summaries, turn order, copies and traces without a session that grouping whole digests gives, in every sort', () => {
    const digests = [...refundTraces(), sample('traces/no-session-smoke-test.json')].map((r) => digestTrace(traceOf(r)));
    // Copies (counted once), and read in another order: the view does not depend on it.
    const read = [...digests, digests[0]!, digests[2]!].reverse();
    const whole = groupSessions(read);
    const columns = new SessionTurnRows();
    onTestFinished(() => columns.close());
    for (const d of read) columns.push(d);
    for (const key of SESSION_SORT_KEYS) {
      const view = columns.view(key);
      const expected = sortSessions(whole.sessions, key);
      expect(view.sessions).toHaveLength(expected.length);
      // Two passes give the same sessions (each pass makes the turns anew).
      for (let pass = 0; pass < 2; pass++) {
        const sessions = [...view.sessions];
        expect(sessions.map((x) => x.summary)).toEqual(expected.map((x) => x.summary));
        expect(sessions.map((x) => x.turns.map((t) => t.traceId))).toEqual(expected.map((x) => x.turns.map((t) => t.traceId)));
        expect(sessions.map((x) => x.turns.map((t) => [t.requestTimeMs, t.rootStartNs, t.durationMs, t.state, t.errorSpanCount, t.assessments.failing]))).toEqual(
          expected.map((x) => x.turns.map((t) => [t.requestTimeMs, t.rootStartNs, t.durationMs, t.state, t.errorSpanCount, t.assessments.failing])),
        );
      }
      expect([...view.withoutSession].map((t) => t.traceId)).toEqual(whole.withoutSession.map((t) => t.traceId));
      expect(view.withoutSession).toHaveLength(1);
      expect(view.duplicates).toBe(2);
    }
  });

  it('orders many sessions as sortSessions does in every sort, ties on every key included', () => {
    // Small value ranges, so that sessions tie on times, counts and first times, and missing times.
    const next = randomInts(7);
    const turns: SessionTurn[] = Array.from({ length: 600 }, (_, i) => ({
      traceId: `tr-${i}`,
      sessionId: next(12) === 0 ? null : `s-${next(80)}`,
      user: next(3) === 0 ? null : `u-${next(4)}`,
      experimentId: `${next(2)}`,
      requestTimeMs: next(5) === 0 ? null : 1_000 * next(6),
      rootStartNs: next(4) === 0 ? null : 1e9 * next(6),
      durationMs: next(3) === 0 ? null : next(100),
      state: next(7) === 0 ? 'ERROR' : 'OK',
      errorSpanCount: next(4) === 0 ? 1 : 0,
      assessments: { failing: next(3), counts: { scorerErrors: next(2) } },
    }));
    const whole = groupSessions(turns);
    expect(whole.sessions.length).toBeGreaterThan(60);
    const columns = new SessionTurnRows();
    onTestFinished(() => columns.close());
    for (const t of turns) columns.push(t);
    for (const key of SESSION_SORT_KEYS) {
      const sessions = [...columns.view(key).sessions];
      const expected = sortSessions(whole.sessions, key);
      expect(sessions.map((s) => s.id)).toEqual(expected.map((s) => s.id));
      expect(sessions.map((s) => s.summary)).toEqual(expected.map((s) => s.summary));
      expect(sessions.map((s) => s.turns.map((t) => t.traceId))).toEqual(expected.map((s) => s.turns.map((t) => t.traceId)));
      // Each turn comes back from the file whole, its fields in the order they went in.
      expect(JSON.stringify(sessions.map((s) => s.turns))).toBe(JSON.stringify(expected.map((s) => s.turns)));
    }
  });
});

describe('listingDigest', () => {
  it('keeps what the sessions listing counts and drops every excerpt', () => {
    const turns = ['tr-431e32114628b590f68d7835089ffda1', 'tr-eaad7e61ac6baaa620d497e41960925c'].map((id) => digestTrace(traceOf(byId(id))));
    const slim = turns.map((d) => listingDigest(d));
    expect(groupSessions(slim).sessions.map((x) => x.summary)).toEqual(groupSessions(turns).sessions.map((x) => x.summary));
    for (const d of slim) {
      expect(d.turn.texts).toMatchObject({ userText: '', answerText: '', toolCalls: [] });
      expect([d.errors, d.assessments.verdicts, d.assessments.expectations]).toEqual([[], [], []]);
      expect(d.assessments.scorerErrors.every((e) => e.message === null)).toBe(true);
    }
    expect(slim[0]!.assessments.scorerErrors).toHaveLength(1);
    expect(slim[1]!.errorSpanCount).toBe(1);
  });

  it('is the digest with its excerpts emptied, every other field as it was, and equal strings held once through the interner', () => {
    const turns = refundTraces().map((r) => digestTrace(traceOf(r), { provenance: { source: 'dump.jsonl', index: 0, offset: 0, length: 1, line: 1 } }));
    expect(turns.length).toBeGreaterThan(3);
    const known = new Map<string, string>();
    let interned = 0;
    const intern = (text: string): string => {
      interned++;
      const seen = known.get(text);
      if (seen !== undefined) return seen;
      known.set(text, text);
      return text;
    };
    for (const d of turns) {
      const emptied = {
        ...d,
        turn: { ...d.turn, wrapperChain: [], texts: { userText: '', answerText: '', toolCalls: [], cut: d.turn.texts.cut } },
        errors: [],
        assessments: { ...d.assessments, verdicts: [], expectations: [], scorerErrors: d.assessments.scorerErrors.map((e) => ({ ...e, message: null })) },
      };
      expect(listingDigest(d, intern)).toEqual(emptied);
    }
    expect(interned).toBeGreaterThan(turns.length);
    expect(known.get('dump.jsonl')).toBe('dump.jsonl');
  });
});

describe('sessionIdOf and userIdOf', () => {
  const cases: Array<{ name: string; alter: (r: Record<string, unknown>) => void; session: string | null; user: string | null }> = [
    { name: 'unchanged legacy fixture: tag session_id', alter: () => {}, session: 'session-123', user: null },
    {
      name: 'legacy tags session_id and user_id',
      alter: (r) => {
        (r.info as { tags: Record<string, string> }).tags.user_id = 'u-7';
      },
      session: 'session-123',
      user: 'u-7',
    },
    {
      name: 'metadata wins over tags',
      alter: (r) => {
        const info = r.info as { request_metadata: Record<string, string>; tags: Record<string, string> };
        info.request_metadata['mlflow.trace.session'] = 'meta-s';
        info.request_metadata['mlflow.trace.user'] = 'meta-u';
        info.tags.user_id = 'tag-u';
      },
      session: 'meta-s',
      user: 'meta-u',
    },
    {
      name: 'tag mlflow.trace.user',
      alter: (r) => {
        (r.info as { tags: Record<string, string> })['tags']['mlflow.trace.user'] = 'tag-u';
      },
      session: 'session-123',
      user: 'tag-u',
    },
  ];
  it.each(cases)('$name', ({ alter, session, user }) => {
    const record = fixtureJson('v2.19_trace_ok.json');
    alter(record);
    const trace = traceOf(record);
    expect([sessionIdOf(trace), userIdOf(trace)]).toEqual([session, user]);
  });

  it('reads the user from the root span attribute user.id (OTel-ingested traces)', () => {
    const trace = traceOf(fixtureJson('v3.6_trace_otel_ingested_genai_openinference.json'));
    const record = fixtureJson('v3.6_trace_otel_ingested_genai_openinference.json');
    (record.data as { spans: Array<{ attributes: Record<string, string> }> }).spans[0]!.attributes['user.id'] = '"otel-u"';
    expect([userIdOf(trace), userIdOf(traceOf(record))]).toEqual([null, 'otel-u']);
  });
});

function digest(traceId: string, over: Partial<TraceDigest> = {}): TraceDigest {
  return {
    traceId,
    sessionId: 's',
    user: null,
    experimentId: null,
    requestTimeMs: null,
    rootStartNs: null,
    durationMs: null,
    state: 'OK',
    format: '3.5.1+',
    provenance: null,
    turn: {
      selection: 'root',
      root: null,
      answerSpan: null,
      spanId: null,
      spanName: null,
      depth: 0,
      wrapperChain: [],
      truncated: false,
      input: null,
      output: null,
      texts: { userText: '', answerText: '', toolCalls: [], cut: false },
    },
    errors: [],
    recoveredErrorCount: 0,
    errorSpanCount: 0,
    assessments: {
      verdicts: [],
      scorerErrors: [],
      expectations: [],
      omitted: 0,
      failing: 0,
      counts: { feedback: 0, expectations: 0, scorerErrors: 0, scorerErrorsSuperseded: 0, superseded: 0, pass: 0, fail: 0, unknown: 0 },
      scorers: [],
    },
    tokenUsage: null,
    ...over,
  };
}

describe('turn order', () => {
  const cases: Array<{ name: string; a: Partial<TraceDigest>; b: Partial<TraceDigest>; ids?: [string, string]; expected: 'a' | 'b' }> = [
    { name: 'request time first', a: { requestTimeMs: 2, rootStartNs: 1 }, b: { requestTimeMs: 1, rootStartNs: 9 }, expected: 'b' },
    { name: 'then root start time', a: { requestTimeMs: 5, rootStartNs: 3e6 }, b: { requestTimeMs: 5, rootStartNs: 2e6 }, expected: 'b' },
    { name: 'then trace id', a: { requestTimeMs: 5, rootStartNs: 1 }, b: { requestTimeMs: 5, rootStartNs: 1 }, ids: ['tr-b', 'tr-a'], expected: 'b' },
    { name: 'a missing request time sorts last', a: { requestTimeMs: null, rootStartNs: 1 }, b: { requestTimeMs: 9 }, expected: 'b' },
    { name: 'a missing root start sorts last among equal request times', a: { requestTimeMs: 5 }, b: { requestTimeMs: 5, rootStartNs: 7 }, expected: 'b' },
  ];
  it.each(cases)('$name', ({ a, b, ids, expected }) => {
    const [ia, ib] = ids ?? ['tr-a', 'tr-b'];
    const da = digest(ia, a);
    const db = digest(ib, b);
    const first = [da, db].sort(compareTurns)[0];
    expect(first).toBe(expected === 'a' ? da : db);
    expect([db, da].sort(compareTurns)[0]).toBe(first);
  });
});

describe('groupSessions', () => {
  it('groups digests given in any order, counts copies, keeps traces without a session', () => {
    const input = [
      digest('t3', { sessionId: 'x', requestTimeMs: 300, durationMs: 50 }),
      digest('n2', { sessionId: null, requestTimeMs: 20 }),
      digest('t1', { sessionId: 'x', requestTimeMs: 100, user: 'u', state: 'ERROR' }),
      digest('y1', { sessionId: 'y', requestTimeMs: 50 }),
      digest('t2', { sessionId: 'x', requestTimeMs: 200, errorSpanCount: 2 }),
      digest('t1', { sessionId: 'x', requestTimeMs: 100 }),
      digest('n1', { sessionId: null, requestTimeMs: 10 }),
    ];
    const groups = groupSessions(input);
    expect(groups.sessions.map((s) => [s.id, s.turns.map((t) => t.traceId)])).toEqual([
      ['y', ['y1']],
      ['x', ['t1', 't2', 't3']],
    ]);
    expect(groups.sessions[1]!.summary).toEqual({
      sessionId: 'x',
      user: 'u',
      experiments: [],
      turns: 3,
      firstTimeMs: 100,
      lastTimeMs: 300,
      durationMs: 250,
      turnsWithErrors: 2,
      failingAssessments: 0,
      scorerErrors: 0,
    });
    expect(groups.withoutSession.map((d) => d.traceId)).toEqual(['n1', 'n2']);
    expect(groups.duplicates).toBe(1);
  });

  const sessions = groupSessions([
    digest('a1', { sessionId: 'a', requestTimeMs: 300 }),
    digest('b1', { sessionId: 'b', requestTimeMs: 100, errorSpanCount: 1 }),
    digest('b2', { sessionId: 'b', requestTimeMs: 400 }),
    digest('c1', {
      sessionId: 'c',
      requestTimeMs: 200,
      assessments: {
        verdicts: [],
        scorerErrors: [],
        expectations: [],
        omitted: 0,
        failing: 2,
        counts: { feedback: 2, expectations: 0, scorerErrors: 0, scorerErrorsSuperseded: 0, superseded: 0, pass: 0, fail: 2, unknown: 0 },
        scorers: [],
      },
    }),
    digest('c2', { sessionId: 'c', requestTimeMs: 250 }),
  ]).sessions;
  const orders: Array<[SessionSortKey, string[]]> = [
    ['first', ['b', 'c', 'a']],
    ['last', ['c', 'a', 'b']],
    ['id', ['a', 'b', 'c']],
    ['turns', ['b', 'c', 'a']],
    ['errors', ['b', 'c', 'a']],
    ['failing', ['c', 'b', 'a']],
  ];
  it.each(orders)('sorts by %s', (key, expected) => {
    expect(sortSessions(sessions, key).map((s) => s.id)).toEqual(expected);
  });
});

describe('sessionView', () => {
  it('puts session-level verdicts first with their turn and gives each turn its gap', () => {
    const verdict = (name: string, level: 'session' | 'turn') => ({
      index: 0,
      name,
      level,
      levelBasis: level === 'session' ? ('metadata' as const) : ('default' as const),
      polarityBasis: 'table' as const,
      polarity: 'fail' as const,
      value: '"no"',
      rationale: 'why',
      sourceType: 'LLM_JUDGE',
      sourceId: null,
      spanId: null,
      effective: true,
      ineffective: null,
      overriddenByHuman: null,
    });
    const assessments = {
      verdicts: [verdict('conversation_completeness', 'session'), verdict('correctness', 'turn')],
      scorerErrors: [],
      expectations: [],
      omitted: 0,
      failing: 2,
      counts: { feedback: 2, expectations: 0, scorerErrors: 0, scorerErrorsSuperseded: 0, superseded: 0, pass: 0, fail: 2, unknown: 0 },
      scorers: [],
    };
    const [session] = groupSessions([digest('t2', { requestTimeMs: 5000 }), digest('t1', { requestTimeMs: 1000, assessments })]).sessions;
    const view = sessionView(session!);
    expect(view.sessionVerdicts.map((v) => [v.turn, v.traceId, v.entry.name])).toEqual([[1, 't1', 'conversation_completeness']]);
    expect(view.turns.map((t) => [t.number, t.gapMs, t.verdicts.map((v) => v.name)])).toEqual([
      [1, null, ['correctness']],
      [2, 4000, []],
    ]);
  });
});

// `session --format markdown` escapes trace text with the report's one escaper (mdInline); these
// are the cases the session's former escaper was pinned on, plus what that one left live.
describe('mdInline, as session --format markdown uses it', () => {
  const cases: Array<[string, string]> = [
    ['a | b', 'a \\| b'],
    ['`code`', '\\`code\\`'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['line 1\nline 2\r\nline 3', 'line 1<br>line 2<br>line 3'],
    ['\u001b[31mred\u001b[0m', '\\\\u\\{1b\\}\\[31mred\\\\u\\{1b\\}\\[0m'],
    ['a_b*c [x](y) ~~z~~ # h & i', 'a_b\\*c \\[x\\](y) \\~\\~z\\~~ # h & i'],
    ['back\\slash', 'back\\\\slash'],
    ['@team #12 https://x.io www.x.io $x$ !1', '\\@<!-- -->team \\#<!-- -->12 https<!-- -->\\://x.io www<!-- -->.x.io <span>\\$</span>x<span>\\$</span> \\!1'],
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(mdInline(input)).toBe(expected);
  });
});
