import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AnalysisCollector } from '../../src/engine/analyze/analyze.js';
import type { Finding } from '../../src/engine/analyze/findings.js';
import { selectRules } from '../../src/engine/analyze/rule-set.js';
import { normalizeRecord } from '../../src/model/normalize.js';
import { defineRule, type RuleModule } from '../../src/rules/api.js';
import errorPropagation from '../../src/rules/error-propagation.js';
import { makeWorkspace, REPO_ROOT, runCliAsync } from '../helpers/make-inputs.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { chatTurn, conversation, makeTrace, spanIdOf, traceIdOf, type SpanSpec, type TraceSpec } from '../helpers/trace-builder.js';

// A failed trace without a session is still a failure (issue 14): a trace without a session is a
// conversation of one turn for every per-turn rule, and a trace whose root span failed is an error
// trace whatever its state says.

const TIMEOUT = 120_000;
const ws = makeWorkspace('tracetriage-sessionless-');
afterAll(() => ws.cleanup());

const PREFIX = 'This trace failed (it has no session id, so it is read as a conversation of one turn). Its failure: ';

/** A single-turn request whose root span (an HTTP server span) failed with an exception; the trace state says OK. */
function failedRoot(key: string, state: TraceSpec['state'] = 'OK'): Record<string, unknown> {
  const spans: SpanSpec[] = [
    {
      id: spanIdOf(key, { name: 'POST /v1/complete' }),
      name: 'POST /v1/complete',
      status: 'ERROR',
      statusMessage: 'HTTPError: 404 Not Found',
      inputs: { prompt: 'Summarize the attached invoice' },
      exception: { type: 'HTTPError', message: '404 Not Found: the model gpt-x does not exist' },
    },
  ];
  return makeTrace({ key, session: null, state, spans });
}

ruleTester(errorPropagation as unknown as RuleModule, {
  valid: [
    { name: 'a trace without a session that passed', traces: [chatTurn({ key: 'ok', session: null, user: 'What are your opening hours?', answer: 'Mon-Fri 8-20.' })] },
    {
      name: 'a failing session-level verdict on a trace without a session: no session to fail, no turn failed',
      traces: [chatTurn({ key: 'lvl', session: null, user: 'hi there', answer: 'hello', assessments: [{ name: 'conversation_completeness', value: 'no', session: 'gone' }] })],
    },
  ],
  invalid: [
    {
      name: 'the root span failed with an exception while the trace state says OK',
      traces: [failedRoot('root-failed')],
      errors: [
        {
          messageId: 'traceFailed',
          severity: 'error',
          sessionId: null,
          traceId: traceIdOf({ key: 'root-failed' }),
          spanId: spanIdOf('root-failed', { name: 'POST /v1/complete' }),
          turn: null,
          path: '$.data.spans[0]',
          relatedTurns: [],
          message: `${PREFIX}span POST /v1/complete failed: HTTPError: 404 Not Found: the model gpt-x does not exist.`,
          evidenceKinds: ['failure'],
          suggestion: null,
        },
      ],
    },
    {
      name: 'trace state ERROR and a failed model span (the shape of a real MLflow 3.9 store): the span is named, the state is evidence',
      traces: [failedRoot('state-error', 'ERROR')],
      errors: [
        {
          messageId: 'traceFailed',
          turn: null,
          path: '$.data.spans[0]',
          message: `${PREFIX}span POST /v1/complete failed: HTTPError: 404 Not Found: the model gpt-x does not exist.`,
          evidenceKinds: ['failure', 'failure'],
        },
      ],
    },
    {
      name: 'a failing per-turn verdict on a trace without a session',
      traces: [
        chatTurn({
          key: 'judged',
          session: null,
          user: 'How long is the refund window?',
          answer: '60 days.',
          assessments: [{ name: 'correctness', value: false, rationale: 'The refund window is 30 days.' }],
        }),
      ],
      errors: [
        {
          messageId: 'traceFailed',
          sessionId: null,
          traceId: traceIdOf({ key: 'judged' }),
          turn: null,
          path: '$.info.assessments[0]',
          message: `${PREFIX}correctness = false: The refund window is 30 days.`,
          evidenceKinds: ['failure'],
        },
      ],
    },
    {
      name: "beside a session: the session's findings first, then the failed trace without a session; a passing one says nothing",
      traces: [
        ...conversation('s-1', [
          { user: 'my order AC-1 is late, where is it?', answer: 'It ships tomorrow.' },
          { user: 'can you refund the shipping cost?', answer: 'Sorry, something went wrong.', state: 'ERROR' },
        ]),
        failedRoot('loose-failed'),
        chatTurn({ key: 'loose-ok', session: null, user: 'What are your opening hours?', answer: 'Mon-Fri 8-20.' }),
      ],
      errors: [
        {
          messageId: 'isolatedFailure',
          sessionId: 's-1',
          turn: 2,
          message: 'Turn 2 failed, but nothing later built on it: it is the last turn. Its failure: trace state ERROR.',
        },
        { messageId: 'traceFailed', sessionId: null, turn: null, traceId: traceIdOf({ key: 'loose-failed' }) },
      ],
    },
  ],
});

/** Every rule, defaults laid under `settings`, over the traces (digest options as given). */
function analyzeAll(traces: ReadonlyArray<Record<string, unknown>>, settings: Parameters<typeof selectRules>[0] = {}): Finding[] {
  const selection = selectRules(settings, []);
  const collector = new AnalysisCollector({ rules: selection.rules, severityOverride: selection.severityOverride });
  try {
    for (const [index, record] of traces.entries()) {
      const normalized = normalizeRecord(record);
      if (!('trace' in normalized)) throw new Error(`record ${index} is not a trace`);
      collector.add(normalized.trace, { source: 'test', index, offset: 0, length: 0, line: 1 });
    }
    return collector.finish().findings;
  } finally {
    collector.close();
  }
}

const ids = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.ruleId}/${f.messageId}`);

describe('every rule over traces without a session', () => {
  it('a per-turn limit is said of "this trace", never of "turn 1"', () => {
    const trace = chatTurn({ key: 'big', session: null, user: 'Summarize this long contract for me', answer: 'Here is a summary.', tokens: { input: 5000, output: 100 } });
    const findings = analyzeAll([trace], { 'token-growth': { options: { max_input_tokens: 1000 } } });
    const limit = findings.filter((f) => f.messageId === 'contextNearLimit');
    expect(limit.map((f) => [f.message, f.suggestion, f.sessionId, f.turn, f.traceId, f.spanId])).toEqual([
      [
        'This trace sent 5000 input tokens (model call "chat"), over max_input_tokens = 1000: the prompt is near the model\'s context window.',
        'Trim or summarize the history before it reaches the context window; check whether its call was cut by the provider or lost earlier messages (history-truncation).',
        null,
        null,
        traceIdOf({ key: 'big' }),
        spanIdOf('big', { name: 'chat' }),
      ],
    ]);
    // The same turn in a session keeps its turn number.
    const inSession = analyzeAll([chatTurn({ key: 'big', session: 's', user: 'Summarize this long contract for me', answer: 'Here is a summary.', tokens: { input: 5000, output: 100 } })], {
      'token-growth': { options: { max_input_tokens: 1000 } },
    });
    expect(inSession.filter((f) => f.messageId === 'contextNearLimit').map((f) => [f.message, f.turn])).toEqual([
      ['Turn 1 sent 5000 input tokens (model call "chat"), over max_input_tokens = 1000: the prompt is near the model\'s context window.', 1],
    ]);
  });

  it('no message about a trace without a session speaks of a turn number or of its session', () => {
    const traces = [
      failedRoot('f1'),
      chatTurn({
        key: 'f2',
        session: null,
        user: 'How long is the refund window?',
        answer: '60 days.',
        tokens: { input: 5000, output: 10 },
        assessments: [
          { name: 'correctness', value: false, rationale: 'It is 30 days.' },
          { name: 'relevance_to_query', error: { code: 'RATE_LIMIT_EXCEEDED', message: '429' } },
        ],
      }),
    ];
    const findings = analyzeAll(traces, { 'token-growth': { options: { max_input_tokens: 1000 } } });
    const loose = findings.filter((f) => f.traceId !== null);
    expect(loose.length).toBeGreaterThan(0);
    for (const f of loose) {
      expect([f.sessionId, f.turn], f.message).toEqual([null, null]);
      expect(f.message, f.message).not.toMatch(/\bturn 1\b|last turn|[Ss]ession (?!id)|session-level/u);
    }
  });

  it('a scorer error on a trace without a session is counted once in the totals, and no session is said to lack a signal', () => {
    // Two traces: totals start at two failures of a scorer (one is its per-turn finding already).
    const traces = ['judge-down-1', 'judge-down-2'].map((key) =>
      chatTurn({
        key,
        session: null,
        user: 'hello, what can you do?',
        answer: 'Many things.',
        assessments: [{ name: 'relevance_to_query', error: { code: 'RATE_LIMIT_EXCEEDED', message: '429 Too Many Requests' } }],
      }),
    );
    const findings = analyzeAll(traces);
    const scorer = findings.filter((f) => f.ruleId === 'scorer-error-assessment');
    const perTurn =
      'The per-turn scorer "relevance_to_query" failed with RATE_LIMIT_EXCEEDED: 429 Too Many Requests. This is a judge failure, not a quality signal: the turn has no "relevance_to_query" verdict.';
    expect(scorer.map((f) => [f.messageId, f.message])).toEqual([
      ['scorerError', perTurn],
      ['scorerError', perTurn],
      ['scorerTotals', 'Scorer "relevance_to_query" failed 2 of 2 runs (100%) in 2 traces without a session; most common error RATE_LIMIT_EXCEEDED (2 of 2).'],
    ]);
  });

  it('a session-level scorer error on a trace without a session gets no placement finding (there is no session to place it in)', () => {
    const assessments = [{ name: 'conversation_completeness', error: { code: 'TIMEOUT', message: 'judge timed out' } }];
    const loose = analyzeAll([chatTurn({ key: 'lvl', session: null, user: 'hello, what can you do?', answer: 'Many things.', assessments })]);
    expect(ids(loose).filter((id) => id.startsWith('session-assessment-placement/'))).toEqual([]);
    // The same trace in a session: the scorer is session-level by its name only, and that is said.
    const inSession = analyzeAll([chatTurn({ key: 'lvl', session: 's', user: 'hello, what can you do?', answer: 'Many things.', assessments })]);
    expect(ids(inSession).filter((id) => id.startsWith('session-assessment-placement/'))).toEqual(['session-assessment-placement/missingSessionMetadata']);
  });

  it('a trace without a session and without any time gets no turn-gap finding (it has no place among turns)', () => {
    const timeless = (session: string | null): Record<string, unknown> => {
      const record = chatTurn({ key: 'timeless', session, user: 'hello, what can you do?', answer: 'Many things.' }) as {
        info: Record<string, unknown>;
        data: { spans: Array<Record<string, unknown>> };
      };
      delete record.info.request_time;
      for (const span of record.data.spans) {
        delete span.start_time_unix_nano;
        delete span.end_time_unix_nano;
      }
      return record;
    };
    expect(ids(analyzeAll([timeless(null)])).filter((id) => id.startsWith('turn-gap/'))).toEqual([]);
    expect(ids(analyzeAll([timeless('s')])).filter((id) => id.startsWith('turn-gap/'))).toEqual(['turn-gap/unknownTime']);
  });

  it('the same error in three traces without a session is three failed traces, not a failure shared by three sessions', () => {
    const findings = analyzeAll([failedRoot('e1'), failedRoot('e2'), failedRoot('e3')]);
    expect(ids(findings).filter((id) => id.startsWith('systemic-failure/'))).toEqual([]);
    expect(
      findings
        .filter((f) => f.messageId === 'traceFailed')
        .map((f) => f.traceId)
        .sort(),
    ).toEqual(['e1', 'e2', 'e3'].map((key) => traceIdOf({ key })).sort());
  });

  it('runRule agrees: one traceFailed per failed trace, none for the others', () => {
    const { findings, withoutSession } = runRule(errorPropagation as unknown as RuleModule, [
      failedRoot('a'),
      failedRoot('b', 'ERROR'),
      chatTurn({ key: 'c', session: null, user: 'hello there, how are you?', answer: 'fine' }),
    ]);
    expect(withoutSession).toBe(3);
    expect(findings.map((f) => f.traceId).sort()).toEqual([traceIdOf({ key: 'a' }), traceIdOf({ key: 'b' })].sort());
  });
});

describe('error traces in stats', () => {
  it(
    'counts a trace whose root span failed as an error trace whatever its state says; a failed child span alone does not make one',
    async () => {
      const childFailed = makeTrace({
        key: 'child',
        session: null,
        spans: [
          { id: 'a000000000000001', name: 'agent' },
          { id: 'a000000000000002', name: 'tool', parent: 'a000000000000001', status: 'ERROR', exception: { type: 'TimeoutError', message: 'slow' } },
        ],
      });
      const file = join(ws.dir, 'states.jsonl');
      // Error traces: the root-failed one (state OK) and the state-ERROR one; error spans: all three.
      writeFileSync(file, [failedRoot('root-ok'), failedRoot('state-err', 'ERROR'), childFailed].map((t) => JSON.stringify(t)).join('\n') + '\n');
      const run = await runCliAsync(['stats', file, '--format', 'json']);
      expect(run.status).toBe(0);
      const total = (JSON.parse(run.stdout) as { total: { traces: number; error_traces: number; error_spans: number; traces_without_session: number } }).total;
      expect([total.traces, total.error_traces, total.error_spans, total.traces_without_session]).toEqual([3, 2, 3, 3]);
    },
    TIMEOUT,
  );
});

describe('a real MLflow 3.9 SQLite store whose 3 failed traces have no session (test/stores/sqlite_3.9__dric2018_chat-app)', () => {
  // Counted with Python's sqlite3 on the file, not with tracetriage:
  //   SELECT request_id, status FROM trace_info;  SELECT trace_id, span_id, status FROM spans;
  const STORE = join(REPO_ROOT, 'test', 'stores', 'sqlite_3.9__dric2018_chat-app', 'mlflow.db');
  const FAILED: Array<[string, string]> = [
    ['tr-89773fb3ea11e37bc978780abeece6e3', 'fd9ed9c3b2c097e1'],
    ['tr-3ec54a2293d019d393c5eacc0b179e55', '49fa7e88bf8bc5df'],
    ['tr-f2424992d424534c5bf6c9200f7a534a', '9808d96eed983910'],
  ];
  const sorted = (pairs: Array<[string, string | null]>): Array<[string, string | null]> => [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : 1));

  it(
    'analyze reports each failed trace (error-propagation/traceFailed at its ChatOpenAI span) and exits 1',
    async () => {
      const run = await runCliAsync(['analyze', STORE, '--format', 'json']);
      expect(run.status).toBe(1);
      const doc = JSON.parse(run.stdout) as {
        summary: { traces: number; traces_without_session: number; by_severity: Record<string, number> };
        findings: Array<{ rule_id: string; message_id: string; trace_id: string | null; span_id: string | null; session_id: string | null; turn: number | null; path: string | null; message: string }>;
      };
      expect([doc.summary.traces, doc.summary.traces_without_session, doc.summary.by_severity.error]).toEqual([5, 5, 3]);
      const failed = doc.findings.filter((f) => f.message_id === 'traceFailed');
      expect(sorted(failed.map((f) => [f.trace_id!, f.span_id]))).toEqual(sorted(FAILED));
      for (const f of failed) {
        expect([f.rule_id, f.session_id, f.turn, f.path]).toEqual(['error-propagation', null, null, '$.data.spans[0]']);
        expect(f.message).toMatch(/^This trace failed \(it has no session id, so it is read as a conversation of one turn\)\. Its failure: span ChatOpenAI failed: NotFoundError: Error code: 404 /u);
      }
    },
    TIMEOUT,
  );

  it(
    'stats counts its 3 error traces',
    async () => {
      const run = await runCliAsync(['stats', STORE, '--format', 'json']);
      expect(run.status).toBe(0);
      const total = (JSON.parse(run.stdout) as { total: { traces: number; error_traces: number; error_spans: number } }).total;
      expect([total.traces, total.error_traces, total.error_spans]).toEqual([5, 3, 3]);
    },
    TIMEOUT,
  );

  it(
    'the report says so in its title and summary, and lists each failed trace',
    async () => {
      const run = await runCliAsync(['report', STORE, '--format', 'markdown']);
      const lines = run.stdout.split('\n');
      expect(lines[0]).toBe('# Trace triage: 0 root causes in 0 sessions, 3 failed traces without a session');
      expect(lines[2]).toContain('5 traces without a session, each analysed as a one-turn conversation (**3 failed**; their findings are at the end)');
      const section = run.stdout.slice(run.stdout.indexOf('## Traces without a session'), run.stdout.indexOf('## About the whole dump'));
      for (const [traceId] of FAILED) expect(section).toContain(`\`error-propagation/traceFailed\` · trace \`${traceId}\``);
    },
    TIMEOUT,
  );
});

describe('a session rule that throws on a trace without a session', () => {
  it("that trace gets one internal problem, the rule's findings on it are dropped, the other traces and the dump visitor stand", () => {
    const bomb = traceIdOf({ key: 'bomb' });
    const probe = defineRule({
      meta: { id: 'probe', type: 'problem', description: 'Says each session it sees, and the dump (a test rule).', severity: 'info', messages: { seen: 'seen {{what}}', dump: 'dump of {{n}}' } },
      create(context) {
        return {
          sessionExit(session) {
            const traceId = session.turns[0]!.digest.traceId;
            context.report({ messageId: 'seen', traceId, sessionId: session.id, data: { what: session.sessionless ? 'alone' : session.id } });
            if (traceId === bomb) throw new TypeError('probe broke');
          },
          dumpExit(dump) {
            context.report({ messageId: 'dump', data: { n: dump.withoutSession.length } });
          },
        };
      },
    });
    const collector = new AnalysisCollector({ rules: [{ module: probe as unknown as RuleModule, options: {} }] });
    try {
      const records = [
        chatTurn({ key: 'bomb', session: null, user: 'hello there', answer: 'hi' }),
        chatTurn({ key: 'fine', session: null, user: 'hello again', answer: 'hi' }),
        chatTurn({ key: 'in', session: 's', user: 'hello', answer: 'hi' }),
      ];
      for (const [index, record] of records.entries()) {
        const normalized = normalizeRecord(record);
        if (!('trace' in normalized)) throw new Error('not a trace');
        collector.add(normalized.trace, { source: 'dump.jsonl', index, offset: index * 100, length: 100, line: index + 1 });
      }
      const result = collector.finish();
      expect(result.internal.map((r) => [r.code, r.provenance.index, r.message])).toEqual([
        ['internal', 0, 'internal error (session-rules): probe broke (rule probe on a trace without a session; its findings on this trace are left out)'],
      ]);
      expect(result.findings.map((f) => [f.messageId, f.message, f.sessionId, f.turn, f.traceId])).toEqual([
        ['seen', 'seen s', 's', 1, traceIdOf({ key: 'in' })],
        ['seen', 'seen alone', null, null, traceIdOf({ key: 'fine' })],
        ['dump', 'dump of 2', null, null, null],
      ]);
    } finally {
      collector.close();
    }
  });
});

describe("the dump visitor's traces without a session", () => {
  it('are a list read back from the temporary file on each iteration: counted without reading, in turn order, the same twice, each turn a fresh copy', () => {
    const seen: string[][] = [];
    let isArray: boolean | null = null;
    let sameObject: boolean | null = null;
    const probe = defineRule({
      meta: { id: 'probe', type: 'problem', description: 'Reads the dump input twice (a test rule).', severity: 'info', messages: { dump: 'dump of {{n}}' } },
      create(context) {
        return {
          dumpExit(dump) {
            isArray = Array.isArray(dump.withoutSession);
            const first = [...dump.withoutSession];
            const second = [...dump.withoutSession];
            seen.push(
              first.map((t) => t.digest.traceId),
              second.map((t) => t.digest.traceId),
            );
            sameObject = first[0] === second[0];
            context.report({ messageId: 'dump', data: { n: dump.withoutSession.length } });
          },
        };
      },
    });
    const collector = new AnalysisCollector({ rules: [{ module: probe as unknown as RuleModule, options: {} }] });
    try {
      // Read newest first: the dump visitor gets them in turn order (request time).
      const keys = ['c', 'b', 'a'];
      for (const [index, key] of keys.entries()) {
        const record = chatTurn({ key, session: null, user: `hello ${key}`, answer: 'hi', at: (keys.length - index) * 1000 });
        const normalized = normalizeRecord(record);
        if (!('trace' in normalized)) throw new Error('not a trace');
        collector.add(normalized.trace);
      }
      const result = collector.finish();
      const order = ['a', 'b', 'c'].map((key) => traceIdOf({ key }));
      expect(isArray).toBe(false);
      expect(seen).toEqual([order, order]);
      expect(sameObject).toBe(false);
      expect(result.withoutSessionTraceIds).toEqual(order);
      expect(result.findings.map((f) => f.message)).toEqual(['dump of 3']);
    } finally {
      collector.close();
    }
  });
});
