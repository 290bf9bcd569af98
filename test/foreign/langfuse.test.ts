import { describe, expect, it } from 'vitest';
import { langfuseReader, langfuseSpanId, langfuseTraceId } from '../../src/model/foreign/langfuse.js';
import { fnv1a64 } from '../../src/model/foreign/values.js';
import { sessionIdOf, userIdOf } from '../../src/model/session-keys.js';
import { turnIo } from '../../src/model/turn-io.js';
import { foreignFixture, modelTrace, readFile, spanRows, turnText } from './foreign-helpers.js';

describe('Langfuse: google-adk trace download (session, scores, GENERATION / CHAIN / AGENT / TOOL)', () => {
  const joined = readFile(langfuseReader, foreignFixture('langfuse/google-adk-2025-08-28.trace.json'));
  const traceId = 'b82a0bdc1994fc5d1c8576ca032543f7';
  const spans = joined.spans.get(traceId)!;
  const root = fnv1a64(`langfuse-trace:${traceId}`);

  it('hangs the observations under one synthetic root named after the trace', () => {
    expect(root).toBe('1f3d1de2e6e37ed7');
    expect(joined.problems).toEqual([]);
    expect(spanRows(spans)).toEqual([
      ['invocation [hello_app]', root, null, 'UNSET', ''],
      ['call_llm', 'bded677884f031ce', '6d8beb2e6a36b133', 'UNSET', ''],
      ['call_llm', 'f6e4c65297e40c96', '6d8beb2e6a36b133', 'UNSET', ''],
      ['invocation [hello_app]', '86cd4912944ddc41', root, 'UNSET', ''],
      ['agent_run [hello_agent]', '6d8beb2e6a36b133', '86cd4912944ddc41', 'UNSET', ''],
      ['execute_tool say_hello', '04290e4d82aba1bc', 'f6e4c65297e40c96', 'UNSET', ''],
    ]);
    expect(spans.map((s) => s.attributes['mlflow.spanType'])).toEqual(['UNKNOWN', 'LLM', 'LLM', 'CHAIN', 'AGENT', 'TOOL']);
  });

  it('maps model and usage, and times to nanoseconds', () => {
    const llm = spans[1]!;
    expect([llm.attributes['gen_ai.request.model'], llm.attributes['mlflow.chat.tokenUsage'], llm.startNs, llm.endNs]).toEqual([
      'gemini-2.0-flash',
      { input_tokens: 39, output_tokens: 6, total_tokens: 45 },
      '1756366351222000000',
      '1756366352146000000',
    ]);
    expect(llm.resource?.['service.name']).toBe('unknown_service');
  });

  it('reads back with the session, the user, the scores as LLM-judge assessments with rationale', () => {
    const trace = modelTrace(joined, traceId);
    expect([trace.traceId, trace.spans.length, sessionIdOf(trace), userIdOf(trace)]).toEqual([`tr-${traceId}`, 6, 'demo-session', 'demo-user']);
    expect(trace.info.metadata['langfuse.trace.id']).toBe(traceId);
    expect(trace.assessments.map((a) => [a.name, a.value, a.sourceType, a.spanId, a.rationale])).toEqual([
      ['toxicity', 0, 'LLM_JUDGE', null, 'The generation is friendly and welcoming, containing no harmful or disrespectful language, thus it scores a 0 for toxicity.'],
      [
        'hallucination',
        0,
        'LLM_JUDGE',
        null,
        "The model's response is a simple friendly greeting and does not include any factual content or information that could be incorrect, implausible, or invented, so it does not hallucinate.",
      ],
    ]);
  });

  it('takes the turn from the root: the trace input (ADK run arguments) and the answer', () => {
    const trace = modelTrace(joined, traceId);
    const io = turnIo(trace);
    expect([io.selection, io.spanName, io.input?.carrier]).toEqual(['root', 'invocation [hello_app]', 'mlflow.span']);
    expect(io.input?.value).toMatchObject({ user_id: 'demo-user', session_id: 'demo-session', new_message: { parts: [{ text: 'hi' }], role: 'user' } });
    expect(turnText(trace).output).toBe('Hello Langfuse 👋!\n');
  });
});

describe('Langfuse: langgraph-python trace download (chat messages, JSON text of JSON text)', () => {
  const joined = readFile(langfuseReader, foreignFixture('langfuse/langgraph-python-2025-08-22.trace.json'));
  const traceId = 'e1fde3efec57ce8a69bafd3fb928a7eb';
  const spans = joined.spans.get(traceId)!;

  it('reads 9 observations and the root; the GENERATIONs with messages are chat model calls', () => {
    expect(spans).toHaveLength(10);
    expect(spans.filter((s) => s.attributes['langfuse.observation.type'] === 'GENERATION').map((s) => [s.spanId, s.attributes['mlflow.spanType'], s.attributes['mlflow.chat.tokenUsage']])).toEqual([
      ['4f6535aaebcda355', 'CHAT_MODEL', { input_tokens: 60, output_tokens: 15, total_tokens: 75 }],
      ['5ba09605e0929d78', 'CHAT_MODEL', { input_tokens: 108, output_tokens: 51, total_tokens: 159 }],
    ]);
    expect(spans.find((s) => s.spanId === 'b024c7ee7680b708')?.parentId).toBe(fnv1a64(`langfuse-trace:${traceId}`));
  });

  it('reads back with no session, two scores, and the turn from the decoded trace I/O', () => {
    const trace = modelTrace(joined, traceId);
    expect(sessionIdOf(trace)).toBeNull();
    expect(trace.assessments.map((a) => [a.name, a.value, a.sourceType])).toEqual([
      ['hallucination', 0.1, 'LLM_JUDGE'],
      ['toxicity', 0, 'LLM_JUDGE'],
    ]);
    expect(turnText(trace)).toEqual({
      span: 'LangGraph',
      input: "Search the web for 'example' and summarize.",
      output:
        'The search for "example" primarily leads to the website [example.com](https://example.com), which is often used as a placeholder or demonstration site in various contexts. It serves as a generic example for illustrating how a website might look or function.',
    });
  });
});

describe('Langfuse: openai-assistants download (SDK v2, UUID ids)', () => {
  const joined = readFile(langfuseReader, foreignFixture('langfuse/openai-assistants-2024-05-29.json'));
  const traceId = 'b3b7b12856644f429fab31999da9e2f1';

  it('turns the UUID trace id into its 32 hex digits and UUID observation ids into FNV-1a hashes', () => {
    expect(langfuseTraceId('b3b7b128-5664-4f42-9fab-31999da9e2f1')).toBe(traceId);
    expect(langfuseSpanId('0d8f5427-c91a-44c8-86c5-e12d806edd57')).toBe('ca40699209a7f57f');
    const spans = joined.spans.get(traceId)!;
    const generation = spans.find((s) => s.attributes['langfuse.observation.id'] === '0d8f5427-c91a-44c8-86c5-e12d806edd57')!;
    expect([generation.spanId, generation.parentId, generation.attributes['mlflow.spanType']]).toEqual(['ca40699209a7f57f', langfuseSpanId('0d6c73e1-be16-436d-a905-b4108912fa93'), 'CHAT_MODEL']);
  });

  it('reads back with the original trace id in the metadata and the turn text decoded to plain text', () => {
    const trace = modelTrace(joined, traceId);
    expect(trace.info.metadata['langfuse.trace.id']).toBe('b3b7b128-5664-4f42-9fab-31999da9e2f1');
    expect(turnText(trace)).toEqual({
      span: 'run_math_tutor',
      input: 'I need to solve the equation `3x + 11 = 14`. Can you help me?',
      output: 'Sure, first subtract 11 from both sides to get `3x = 3`, then divide both sides by 3 to solve for `x`. The solution is `x = 1`.',
    });
  });
});

// Records written here, for what no real public export shows: an ERROR observation, the server
// download's {observations, scores}, the public API body, and every score data type and source.
const observation = (extra: Record<string, unknown>): Record<string, unknown> => ({
  id: '1111111111111111',
  traceId: 'trace-1',
  type: 'SPAN',
  name: 'step',
  startTime: '2025-01-01T00:00:00.000Z',
  endTime: '2025-01-01T00:00:01.500Z',
  parentObservationId: null,
  level: 'DEFAULT',
  statusMessage: null,
  ...extra,
});

describe('Langfuse: shapes and fields beyond the fixtures', () => {
  it('an ERROR observation is an ERROR span with its status message; WARNING is not', () => {
    const batch = langfuseReader.read({
      observations: [observation({ level: 'ERROR', statusMessage: 'RateLimitError: quota exceeded' }), observation({ id: '2222222222222222', level: 'WARNING', statusMessage: 'slow' })],
      scores: [],
    });
    expect(batch.spans.slice(1).map((s) => [s.status, s.statusMessage, s.attributes['langfuse.observation.status_message']])).toEqual([
      ['ERROR', 'RateLimitError: quota exceeded', 'RateLimitError: quota exceeded'],
      ['UNSET', '', 'slow'],
    ]);
  });

  it('the server download {observations, scores} takes trace facts from the observations', () => {
    const value = {
      observations: [observation({ traceName: 'chat', sessionId: 's-1', userId: 'u-1', tags: ['prod'], environment: 'production' })],
      scores: [
        {
          id: 'sc1',
          traceId: 'trace-1',
          name: 'ok',
          source: 'ANNOTATION',
          dataType: 'BOOLEAN',
          value: 1,
          stringValue: 'True',
          comment: 'fine',
          authorUserId: 'user-9',
          timestamp: '2025-01-02T00:00:00.000Z',
        },
      ],
    };
    expect(langfuseReader.matches(value)).toBe(true);
    const batch = langfuseReader.read(value);
    const traceId = langfuseTraceId('trace-1');
    expect(traceId).toBe(fnv1a64('0:trace-1') + fnv1a64('1:trace-1'));
    expect(batch.traces).toEqual({
      [traceId]: {
        name: 'chat',
        sessionId: 's-1',
        userId: 'u-1',
        tags: { 'langfuse.tags': '["prod"]' },
        metadata: { 'langfuse.trace.id': 'trace-1', 'langfuse.environment': 'production' },
        assessments: [{ id: 'sc1', name: 'ok', value: true, rationale: 'fine', source: 'HUMAN', sourceId: 'user-9', time: '2025-01-02T00:00:00.000Z' }],
      },
    });
    expect(batch.spans.map((s) => [s.name, s.startNs, s.endNs])).toEqual([
      ['chat', '1735689600000000000', '1735689601500000000'],
      ['step', '1735689600000000000', '1735689601500000000'],
    ]);
  });

  it('the public API trace embeds observations and scores; score types and sources map', () => {
    const value = {
      id: 'trace-1',
      timestamp: '2025-01-01T00:00:00Z',
      name: 'qa',
      input: { question: 'Why?' },
      output: 'Because.',
      sessionId: null,
      tags: [],
      htmlPath: '/project/p/traces/trace-1',
      observations: [observation({ type: 'GENERATION', input: 'plain prompt', output: 'plain answer', usage: { input: 3, output: 4, total: 7, unit: 'TOKENS' } })],
      scores: [
        { id: 'a', traceId: 'trace-1', name: 'label', source: 'API', dataType: 'CATEGORICAL', value: 2, stringValue: 'good', observationId: '1111111111111111' },
        { id: 'b', traceId: 'trace-1', name: 'note', source: 'EVAL', dataType: 'TEXT', stringValue: 'looks right' },
        { id: 'c', traceId: 'trace-1', name: 'score', source: 'EVAL', dataType: 'NUMERIC', value: 0.5 },
      ],
    };
    expect(langfuseReader.matches(value)).toBe(true);
    const batch = langfuseReader.read(value);
    const [root, generation] = batch.spans;
    expect([root!.attributes['mlflow.spanInputs'], root!.attributes['mlflow.spanOutputs'], root!.startNs]).toEqual([{ question: 'Why?' }, 'Because.', '1735689600000000000']);
    expect([generation!.attributes['mlflow.spanType'], generation!.attributes['mlflow.chat.tokenUsage']]).toEqual(['LLM', { input_tokens: 3, output_tokens: 4, total_tokens: 7 }]);
    expect(Object.values(batch.traces!)[0]!.assessments!.map((a) => [a.name, a.value, a.source, a.spanId])).toEqual([
      ['label', 'good', 'CODE', '1111111111111111'],
      ['note', 'looks right', 'LLM_JUDGE', undefined],
      ['score', 0.5, 'LLM_JUDGE', undefined],
    ]);
  });

  it('an observation without an id is a problem at its path; the others are read', () => {
    const batch = langfuseReader.read({ observations: [observation({}), { ...observation({}), id: 7 }], scores: [] });
    expect(batch.spans).toHaveLength(2);
    expect(batch.problems).toEqual([{ jsonPath: '$.observations[1].id', expected: 'an observation id', found: 'number 7' }]);
  });
});
