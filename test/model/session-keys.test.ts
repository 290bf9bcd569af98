import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Attributes } from '../../src/model/attributes.js';
import { normalizeRecord } from '../../src/model/normalize.js';
import { sessionConflictOf, sessionIdOf, sessionLookup, userIdOf, userLookup } from '../../src/model/session-keys.js';
import { digestTrace } from '../../src/model/digest.js';
import type { Trace } from '../../src/model/types.js';
import { fixtureJson, traceOf } from '../helpers/fixture-traces.js';
import { makeWorkspace, runCliAsync } from '../helpers/make-inputs.js';
import { makeTrace, type SpanSpec, type TraceSpec } from '../helpers/trace-builder.js';

// Sessions and users on any span (issue 14): OTel GenAI and OpenInference instrumentations put the
// ids on the agent and LLM spans, below the root an HTTP server instrumentation makes.

/** Span ids of the shapes below (16 hex digits). */
const HTTP = '1000000000000001';
const AGENT = '2000000000000002';
const LLM = '3000000000000003';
const LLM2 = '4000000000000004';
const TOOL = '5000000000000005';

/** HTTP server root → agent (depth 1) → LLM (depth 2), with attributes on each as given. */
function httpAgentLlm(attrs: { root?: Record<string, unknown>; agent?: Record<string, unknown>; llm?: Record<string, unknown> }, extra: Partial<TraceSpec> = {}): Trace {
  const spans: SpanSpec[] = [
    { id: HTTP, name: 'POST /v1/chat', attributes: { 'http.request.method': 'POST', ...attrs.root } },
    { id: AGENT, name: 'invoke_agent support', parent: HTTP, start: 5, attributes: { 'gen_ai.operation.name': 'invoke_agent', ...attrs.agent } },
    { id: LLM, name: 'chat gpt-4o-mini', parent: AGENT, start: 10, attributes: { 'gen_ai.operation.name': 'chat', ...attrs.llm } },
  ];
  return build({ key: 'otel', spans, ...extra });
}

function build(spec: TraceSpec): Trace {
  const result = normalizeRecord(makeTrace({ session: null, ...spec }));
  if (!('trace' in result)) throw new Error(`not a trace: ${JSON.stringify(result.problem)}`);
  return result.trace;
}

interface KeyCase {
  name: string;
  trace: () => Trace;
  sessionKeys?: string[];
  userKeys?: string[];
  session: string | null;
  user: string | null;
}

const cases: KeyCase[] = [
  {
    name: 'OTel GenAI: gen_ai.conversation.id on the agent span (depth 1) below an HTTP root',
    trace: () => httpAgentLlm({ agent: { 'gen_ai.conversation.id': 'conv-41' } }),
    session: 'conv-41',
    user: null,
  },
  {
    name: 'OpenInference: session.id and user.id on the LLM span (depth 2) only',
    trace: () => httpAgentLlm({ llm: { 'session.id': 'oi-sess-2', 'user.id': 'oi-user-2' } }),
    session: 'oi-sess-2',
    user: 'oi-user-2',
  },
  {
    name: 'a conflict between depths: the agent (depth 1) wins over the LLM span (depth 2), for the session and the user',
    trace: () => httpAgentLlm({ agent: { 'session.id': 'agent-s', 'user.id': 'agent-u' }, llm: { 'session.id': 'llm-s', 'user.id': 'llm-u' } }),
    session: 'agent-s',
    user: 'agent-u',
  },
  {
    name: 'the root still wins over every child',
    trace: () => httpAgentLlm({ root: { 'session.id': 'root-s' }, agent: { 'session.id': 'agent-s' } }),
    session: 'root-s',
    user: null,
  },
  {
    name: 'a conflict at the same depth: the first span in the trace wins, even when it started later',
    trace: () =>
      build({
        key: 'same-depth',
        spans: [
          { id: HTTP, name: 'POST /v1/chat' },
          { id: LLM, name: 'chat late', parent: HTTP, start: 50, attributes: { 'session.id': 'first-in-file' } },
          { id: LLM2, name: 'chat early', parent: HTTP, start: 5, attributes: { 'session.id': 'second-in-file' } },
        ],
      }),
    session: 'first-in-file',
    user: null,
  },
  {
    name: 'trace metadata wins over any span',
    trace: () => httpAgentLlm({ root: { 'session.id': 'root-s' }, agent: { 'user.id': 'agent-u' } }, { session: 'meta-s', user: 'meta-u' }),
    session: 'meta-s',
    user: 'meta-u',
  },
  {
    name: 'a configured key on a child span (depth 2), for the session and the user',
    trace: () => httpAgentLlm({ llm: { conversation_id: 'cfg-s', customer: 'cfg-u' } }),
    sessionKeys: ['conversation_id'],
    userKeys: ['customer'],
    session: 'cfg-s',
    user: 'cfg-u',
  },
  {
    name: 'the same trace without the config: no session, no user',
    trace: () => httpAgentLlm({ llm: { conversation_id: 'cfg-s', customer: 'cfg-u' } }),
    session: null,
    user: null,
  },
  {
    name: 'a configured key in the tags wins over a built-in key on a span (the info first)',
    trace: () => httpAgentLlm({ agent: { 'session.id': 'span-s' } }, { tags: { conversation_id: 'tag-s' } }),
    sessionKeys: ['conversation_id'],
    session: 'tag-s',
    user: null,
  },
  {
    name: 'on one span, the built-in key comes before the configured one',
    trace: () => httpAgentLlm({ agent: { conversation_id: 'cfg-s', 'gen_ai.conversation.id': 'builtin-s' } }),
    sessionKeys: ['conversation_id'],
    session: 'builtin-s',
    user: null,
  },
  {
    name: 'a configured key on a shallower span wins over a built-in key on a deeper one',
    trace: () => httpAgentLlm({ agent: { conversation_id: 'cfg-s' }, llm: { 'session.id': 'llm-s' } }),
    sessionKeys: ['conversation_id'],
    session: 'cfg-s',
    user: null,
  },
  {
    name: 'configured keys in their order on the same span',
    trace: () => httpAgentLlm({ agent: { thread: 'thread-s', conversation_id: 'cfg-s' } }),
    sessionKeys: ['conversation_id', 'thread'],
    session: 'cfg-s',
    user: null,
  },
  {
    name: 'an id written as a number reads as text; an empty string is no id',
    trace: () => httpAgentLlm({ root: { 'session.id': '' }, agent: { 'session.id': 42 }, llm: { 'user.id': 7 } }),
    session: '42',
    user: '7',
  },
  {
    name: 'a value that is neither text nor a number is no id: the next span is searched',
    trace: () => httpAgentLlm({ agent: { 'session.id': { nested: 'x' } }, llm: { 'session.id': 'llm-s' } }),
    session: 'llm-s',
    user: null,
  },
  {
    name: 'the head of an orphaned subtree counts as depth 0, before a child of the root',
    trace: () =>
      build({
        key: 'orphan',
        spans: [
          { id: HTTP, name: 'POST /v1/chat' },
          { id: AGENT, name: 'agent', parent: HTTP, start: 5, attributes: { 'session.id': 'child-s' } },
          { id: TOOL, name: 'lost tool', parent: 'ffffffffffffffff', start: 10, attributes: { 'session.id': 'orphan-s' } },
        ],
      }),
    session: 'orphan-s',
    user: null,
  },
  {
    name: 'spans on a parent cycle come after every span that has a depth',
    trace: () =>
      build({
        key: 'cycle',
        spans: [
          { id: LLM, name: 'a', parent: LLM2, attributes: { 'session.id': 'cycle-s' } },
          { id: LLM2, name: 'b', parent: LLM },
          { id: HTTP, name: 'POST /v1/chat' },
          { id: AGENT, name: 'agent', parent: HTTP, start: 5, attributes: { 'session.id': 'tree-s' } },
        ],
      }),
    session: 'tree-s',
    user: null,
  },
];

describe('sessions and users on any span', () => {
  it.each(cases)('$name', ({ trace, sessionKeys = [], userKeys = [], session, user }) => {
    const t = trace();
    expect([sessionIdOf(t, sessionKeys), userIdOf(t, userKeys)]).toEqual([session, user]);
  });

  it('says where each id was read: the span, its depth and the key', () => {
    const t = httpAgentLlm({ agent: { 'gen_ai.conversation.id': 'conv-41' }, llm: { 'user.id': 'u-2' } });
    expect(sessionLookup(t)).toEqual({ value: 'conv-41', from: { kind: 'span', key: 'gen_ai.conversation.id', spanIndex: 1, depth: 1 } });
    expect(userLookup(t)).toEqual({ value: 'u-2', from: { kind: 'span', key: 'user.id', spanIndex: 2, depth: 2 } });
    const tagged = httpAgentLlm({}, { tags: { conversation_id: 'tag-s' } });
    expect(sessionLookup(tagged, ['conversation_id'])).toEqual({ value: 'tag-s', from: { kind: 'tags', key: 'conversation_id' } });
  });

  it('reads the OTel-ingested MLflow fixture with its session moved from the root to the LLM span', () => {
    const record = fixtureJson('v3.6_trace_otel_ingested_genai_openinference.json');
    const spans = (record.data as { spans: Array<{ parent_span_id: string | null; attributes: Record<string, unknown> }> }).spans;
    const info = record.info as { trace_metadata?: Record<string, string>; tags?: Record<string, string> };
    expect(sessionIdOf(traceOf(record))).not.toBeNull();
    const original = sessionIdOf(traceOf(record));
    // Take the session off the info and the root, and put it on the deepest span instead.
    for (const map of [info.trace_metadata ?? {}, info.tags ?? {}]) for (const k of ['mlflow.trace.session', 'session_id']) delete map[k];
    for (const s of spans) {
      delete s.attributes['session.id'];
      delete s.attributes['gen_ai.conversation.id'];
    }
    const trace = traceOf(record);
    expect(sessionIdOf(trace)).toBeNull();
    const deepest = trace.tree.depth.indexOf(Math.max(...trace.tree.depth));
    expect(trace.tree.depth[deepest]).toBeGreaterThan(0);
    spans[deepest]!.attributes['session.id'] = JSON.stringify(original);
    expect(sessionIdOf(traceOf(record))).toBe(original);
  });

  it("decodes only the values of the keys it looks for: a span's inputs and outputs are never read", () => {
    const t = httpAgentLlm({ llm: { 'session.id': 'llm-s' } });
    const read: string[] = [];
    for (const span of t.spans) {
      const raw = { ...span.attributes.raw, 'mlflow.spanInputs': JSON.stringify({ messages: 'x'.repeat(100_000) }) };
      const watched = new Proxy(raw, {
        get(target, key, receiver) {
          if (typeof key === 'string') read.push(key);
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
      (span as { attributes: Attributes }).attributes = new Attributes(watched, true);
    }
    expect(sessionIdOf(t, ['conversation_id'])).toBe('llm-s');
    expect(read).toEqual(['session.id']);
  });
});

describe('two session ids in one trace', () => {
  const conflict = (t: Trace, keys: string[] = []) => {
    const chosen = sessionLookup(t, keys);
    return chosen === null ? null : sessionConflictOf(t, chosen, keys);
  };

  it.each([
    {
      name: 'metadata against the LLM span (depth 2): the span is the other one',
      trace: () => httpAgentLlm({ llm: { 'session.id': 'llm-s' } }, { session: 'meta-s' }),
      keys: [],
      other: { value: 'llm-s', from: { kind: 'span', key: 'session.id', spanIndex: 2, depth: 2 } },
    },
    {
      name: 'the agent against the LLM span: the deeper one is the other',
      trace: () => httpAgentLlm({ agent: { 'gen_ai.conversation.id': 'agent-s' }, llm: { 'session.id': 'llm-s' } }),
      keys: [],
      other: { value: 'llm-s', from: { kind: 'span', key: 'session.id', spanIndex: 2, depth: 2 } },
    },
    {
      name: 'two keys of one span',
      trace: () => httpAgentLlm({ agent: { 'session.id': 'a', 'gen_ai.conversation.id': 'b' } }),
      keys: [],
      other: { value: 'b', from: { kind: 'span', key: 'gen_ai.conversation.id', spanIndex: 1, depth: 1 } },
    },
    {
      name: 'a configured key in the tags against the metadata',
      trace: () => httpAgentLlm({}, { session: 'meta-s', tags: { conversation_id: 'tag-s' } }),
      keys: ['conversation_id'],
      other: { value: 'tag-s', from: { kind: 'tags', key: 'conversation_id' } },
    },
    {
      name: 'the same id everywhere: none',
      trace: () => httpAgentLlm({ root: { 'session.id': 's' }, agent: { 'gen_ai.conversation.id': 's' }, llm: { conversation_id: 's' } }, { session: 's' }),
      keys: ['conversation_id'],
      other: null,
    },
    {
      name: 'a configured key that is not configured is no conflict',
      trace: () => httpAgentLlm({ llm: { conversation_id: 'other' } }, { session: 's' }),
      keys: [],
      other: null,
    },
  ])('$name', ({ trace, keys, other }) => {
    expect(conflict(trace(), keys)).toEqual(other);
  });

  it('the digest keeps both, and nothing when there is no conflict', () => {
    const d = digestTrace(httpAgentLlm({ agent: { 'session.id': 'agent-s' } }, { session: 'meta-s' }));
    expect(d.sessionId).toBe('meta-s');
    expect(d.sessionConflict).toEqual({
      taken: { value: 'meta-s', kind: 'metadata', key: 'mlflow.trace.session', spanIndex: null, depth: null },
      other: { value: 'agent-s', kind: 'span', key: 'session.id', spanIndex: 1, depth: 1 },
    });
    expect('sessionConflict' in digestTrace(httpAgentLlm({ agent: { 'session.id': 'agent-s' } }))).toBe(false);
  });
});

describe('a conversation keyed on a child span, end to end', () => {
  const ws = makeWorkspace('tracetriage-session-keys-');
  afterAll(() => ws.cleanup());
  const TIMEOUT = 120_000;

  /**
   * Three turns of an OpenInference-style app: an HTTP root, the agent, the LLM span; the app's
   * own `conversation_id` on the LLM span (depth 2), nothing on the info. Two sessions on record
   * (conv-a with turns 1 and 2, conv-b with one), so missing-session-id has something to compare.
   */
  function files(): { traces: string; config: string } {
    const turn = (key: string, conv: string, at: number, history: Array<{ role: string; content: string }>, user: string): Record<string, unknown> =>
      makeTrace({
        key,
        session: null,
        time: Date.UTC(2026, 10, 10, 9, 0, 0) + at,
        spans: [
          { id: HTTP, name: 'POST /v1/chat', inputs: { messages: [...history, { role: 'user', content: user }] }, outputs: `answer to ${user}` },
          { id: AGENT, name: 'agent', parent: HTTP, start: 5 },
          {
            id: LLM,
            name: 'llm',
            parent: AGENT,
            type: 'CHAT_MODEL',
            start: 10,
            inputs: { messages: [...history, { role: 'user', content: user }] },
            outputs: { choices: [{ message: { role: 'assistant', content: `answer to ${user}` } }] },
            attributes: { conversation_id: conv },
          },
        ],
      });
    const first = 'Where is my order AC-1234, it is late?';
    const traces = [
      turn('a1', 'conv-a', 0, [], first),
      turn(
        'a2',
        'conv-a',
        60_000,
        [
          { role: 'user', content: first },
          { role: 'assistant', content: `answer to ${first}` },
        ],
        'Can you refund the shipping cost then?',
      ),
      turn('b1', 'conv-b', 120_000, [], 'What are your customer service hours?'),
    ];
    const dir = ws.dir;
    writeFileSync(join(dir, 'chat.jsonl'), traces.map((t) => JSON.stringify(t)).join('\n') + '\n');
    writeFileSync(join(dir, 'keys.json'), JSON.stringify({ schema_version: 1, session_keys: ['conversation_id'] }));
    return { traces: join(dir, 'chat.jsonl'), config: join(dir, 'keys.json') };
  }

  it(
    'sessions groups the turns by the configured key on the LLM span; without the config there is no session',
    async () => {
      const { traces, config } = files();
      const keyed = JSON.parse((await runCliAsync(['sessions', traces, '--config', config, '--format', 'json'])).stdout) as { sessions: Array<{ session_id: string; turns: number }> };
      expect(keyed.sessions.map((s) => [s.session_id, s.turns])).toEqual([
        ['conv-a', 2],
        ['conv-b', 1],
      ]);
      const plain = JSON.parse((await runCliAsync(['sessions', traces, '--format', 'json'])).stdout) as { sessions: unknown[]; traces_without_session: { count: number } };
      expect([plain.sessions.length, plain.traces_without_session.count]).toEqual([0, 3]);
    },
    TIMEOUT,
  );

  it(
    'missing-session-id has nothing to say once the key is configured: the fix it suggests works',
    async () => {
      const { traces, config } = files();
      const run = await runCliAsync(['analyze', traces, '--config', config, '--rule', 'missing-session-id', '--format', 'json']);
      const doc = JSON.parse(run.stdout) as { summary: { sessions: number; traces_without_session: number }; findings: unknown[] };
      expect([run.status, doc.summary.sessions, doc.summary.traces_without_session, doc.findings]).toEqual([0, 2, 0, []]);
    },
    TIMEOUT,
  );
});
