import { describe, expect, it } from 'vitest';
import { Attributes } from '../../src/model/attributes.js';
import { CARRIERS, carrierTable, keyCarrier, type Carrier } from '../../src/model/carrier-table.js';
import { isEmptyIo, resolveSpanIo, type IoValue } from '../../src/model/carriers.js';
import { messageLines, summarizeIo, type ToolCall } from '../../src/model/messages.js';
import type { Span, SpanEvent } from '../../src/model/types.js';
import { fixtureTraces } from '../helpers/fixture-traces.js';

const APP_HTTP = keyCarrier('app.http', ['app.request.body'], ['app.response.body']);

/** What one carrier fixture must give: the span, where each side comes from, and its text. */
interface FixtureCase {
  file: string;
  extra?: Carrier[];
  span: string;
  input: { carrier: string; key: string; userText: string; lines: string[] };
  output: { carrier: string; key: string; assistantText: string; lines: string[]; toolCalls?: ToolCall[] };
}

// Texts written from test/carrier-fixtures/make-fixtures.mjs (see the README there).
const FIXTURES: FixtureCase[] = [
  {
    file: 'mlflow-span.json',
    span: 'support_agent',
    input: {
      carrier: 'mlflow.span',
      key: 'mlflow.spanInputs',
      userText: 'Where is my parcel 4411?',
      lines: ['user: Where is my parcel 4411?'],
    },
    output: {
      carrier: 'mlflow.span',
      key: 'mlflow.spanOutputs',
      assistantText: 'Parcel 4411 left the Lyon depot this morning and should arrive tomorrow before noon.',
      lines: ['assistant: Parcel 4411 left the Lyon depot this morning and should arrive tomorrow before noon.'],
    },
  },
  {
    file: 'mlflow-chat-messages.json',
    span: 'fx_chat',
    input: {
      carrier: 'mlflow.chat.messages',
      key: 'mlflow.chat.messages',
      userText: 'How much is 120 EUR in yen?',
      lines: ['system: You convert currencies for travellers.', 'user: How much is 120 EUR in yen?', 'assistant: → get_rate({"from": "EUR", "to": "JPY"})', 'tool: 162.4'],
    },
    output: {
      carrier: 'mlflow.chat.messages',
      key: 'mlflow.chat.messages',
      assistantText: "120 EUR is about 19,488 JPY at today's rate of 162.4.",
      lines: ["assistant: 120 EUR is about 19,488 JPY at today's rate of 162.4."],
    },
  },
  {
    file: 'langfuse.json',
    span: 'handle_question',
    input: {
      carrier: 'langfuse',
      key: 'langfuse.observation.input',
      userText: 'Can I bring a power bank on board?',
      lines: ['user: Can I bring a power bank on board?'],
    },
    output: {
      carrier: 'langfuse',
      key: 'langfuse.observation.output',
      assistantText: 'Yes: power banks up to 100 Wh are allowed in cabin baggage only, never in checked bags.',
      lines: ['assistant: Yes: power banks up to 100 Wh are allowed in cabin baggage only, never in checked bags.'],
    },
  },
  {
    file: 'gen-ai-messages.json',
    span: 'chat gpt-4o-mini',
    input: {
      carrier: 'gen_ai.messages',
      key: 'gen_ai.input.messages',
      userText: 'Is there a night train from Vienna to Rome?',
      lines: ['system: You answer questions about rail travel.', 'user: Is there a night train from Vienna to Rome?'],
    },
    output: {
      carrier: 'gen_ai.messages',
      key: 'gen_ai.output.messages',
      assistantText: 'Yes, the Nightjet runs from Vienna to Rome every night.',
      lines: ['assistant: Yes, the Nightjet runs from Vienna to Rome every night.'],
    },
  },
  {
    file: 'gen-ai-tool-call.json',
    span: 'execute_tool convert_currency',
    input: {
      carrier: 'gen_ai.tool.call',
      key: 'gen_ai.tool.call.arguments',
      userText: '{"amount":120,"from":"EUR","to":"JPY"}',
      lines: ['user: {"amount":120,"from":"EUR","to":"JPY"}'],
    },
    output: {
      carrier: 'gen_ai.tool.call',
      key: 'gen_ai.tool.call.result',
      assistantText: '{"amount":19488,"currency":"JPY"}',
      lines: ['assistant: {"amount":19488,"currency":"JPY"}'],
    },
  },
  {
    file: 'gen-ai-indexed.json',
    span: 'openai.chat',
    input: {
      carrier: 'gen_ai.indexed',
      key: 'gen_ai.prompt.*',
      userText: 'Has order A-1009 shipped yet?',
      lines: ['system: You track orders for Acme Shop.', 'user: Has order A-1009 shipped yet?'],
    },
    output: {
      carrier: 'gen_ai.indexed',
      key: 'gen_ai.completion.*',
      assistantText: '',
      lines: ['assistant: → get_order_status({"order_id":"A-1009"})'],
      toolCalls: [{ name: 'get_order_status', arguments: '{"order_id":"A-1009"}' }],
    },
  },
  {
    file: 'openinference-value.json',
    span: 'agent.run',
    input: {
      carrier: 'openinference.value',
      key: 'input.value',
      userText: 'What is the baggage allowance in economy?',
      lines: ['user: What is the baggage allowance in economy?'],
    },
    output: {
      carrier: 'openinference.value',
      key: 'output.value',
      assistantText: 'One 23 kg checked bag and one 8 kg cabin bag.',
      lines: ['assistant: One 23 kg checked bag and one 8 kg cabin bag.'],
    },
  },
  {
    file: 'openinference-messages.json',
    span: 'ChatCompletion',
    input: {
      carrier: 'openinference.messages',
      key: 'llm.input_messages.*',
      userText: 'Does this bag fit in the cabin?\n[image]',
      lines: ['system: You check cabin bags against size rules.', 'user: Does this bag fit in the cabin?\n[image]'],
    },
    output: {
      carrier: 'openinference.messages',
      key: 'llm.output_messages.*',
      assistantText: 'Let me check the measurements against the rules.',
      lines: ['assistant: Let me check the measurements against the rules.\n→ check_bag_size({"height_cm":55,"width_cm":40,"depth_cm":23})'],
      toolCalls: [{ name: 'check_bag_size', arguments: '{"height_cm":55,"width_cm":40,"depth_cm":23}' }],
    },
  },
  {
    file: 'traceloop-entity.json',
    span: 'refund_workflow.workflow',
    input: {
      carrier: 'traceloop.entity',
      key: 'traceloop.entity.input',
      userText: 'My train was cancelled, can I get a refund?',
      lines: ['user: My train was cancelled, can I get a refund?'],
    },
    output: {
      carrier: 'traceloop.entity',
      key: 'traceloop.entity.output',
      assistantText: 'Yes: a cancelled train is refunded in full within 14 days.',
      lines: ['assistant: Yes: a cancelled train is refunded in full within 14 days.'],
    },
  },
  {
    file: 'vercel-ai.json',
    span: 'ai.generateText',
    input: {
      carrier: 'vercel.ai',
      key: 'ai.prompt',
      userText: 'Do I need a visa for Japan as an EU citizen?',
      lines: ['system: You are a concise travel assistant.', 'user: Do I need a visa for Japan as an EU citizen?'],
    },
    output: {
      carrier: 'vercel.ai',
      key: 'ai.response.text',
      assistantText: 'No: EU citizens can visit Japan visa-free for up to 90 days.',
      lines: ['assistant: No: EU citizens can visit Japan visa-free for up to 90 days.'],
    },
  },
  {
    file: 'gen-ai-events.json',
    span: 'chat claude-3-5-haiku',
    input: {
      carrier: 'gen_ai.events',
      key: 'event:gen_ai.system.message,event:gen_ai.user.message',
      userText: 'Can I check in before 3 pm?',
      lines: ['system: You help with hotel bookings.', 'user: Can I check in before 3 pm?'],
    },
    output: {
      carrier: 'gen_ai.events',
      key: 'event:gen_ai.choice',
      assistantText: 'Early check-in from 11 am is possible for a fee of 20 EUR, subject to availability.',
      lines: ['assistant: Early check-in from 11 am is possible for a fee of 20 EUR, subject to availability.'],
    },
  },
  {
    file: 'generic.json',
    span: 'answer_question',
    input: {
      carrier: 'generic',
      key: 'input',
      userText: 'Which gate does LH1234 leave from?',
      lines: ['user: Which gate does LH1234 leave from?'],
    },
    output: {
      carrier: 'generic',
      key: 'output',
      assistantText: 'Gate B22; boarding starts at 09:40.',
      lines: ['assistant: Gate B22; boarding starts at 09:40.'],
    },
  },
  {
    file: 'extra-carrier.json',
    extra: [APP_HTTP],
    span: 'POST /chat',
    input: {
      carrier: 'app.http',
      key: 'app.request.body',
      userText: 'Cancel my booking ZX4Q7P, please.',
      lines: ['user: Cancel my booking ZX4Q7P, please.'],
    },
    output: {
      carrier: 'app.http',
      key: 'app.response.body',
      assistantText: 'Booking ZX4Q7P is cancelled; the refund of 89 EUR is on its way.',
      lines: ['assistant: Booking ZX4Q7P is cancelled; the refund of 89 EUR is on its way.'],
    },
  },
];

async function spanOf(file: string, name: string): Promise<Span> {
  const [trace] = await fixtureTraces(`../carrier-fixtures/${file}`, 'record');
  const span = trace!.spans.find((s) => s.name === name);
  if (!span) throw new Error(`${file} has no span ${name}`);
  return span;
}

describe('carrier fixtures (test/carrier-fixtures)', () => {
  it('cover every built-in carrier row', () => {
    const covered = new Set(FIXTURES.map((c) => c.input.carrier));
    expect(CARRIERS.map((c) => c.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(FIXTURES)('$file: input and output with carrier, key and text', async (c) => {
    const io = resolveSpanIo(await spanOf(c.file, c.span), c.extra ? { extraCarriers: c.extra } : {});
    const input = summarizeIo(io.input!.value, io.input!.carrier, { side: 'input' });
    const output = summarizeIo(io.output!.value, io.output!.carrier, { side: 'output' });
    expect({
      input: { carrier: io.input!.carrier, key: io.input!.key, userText: input.userText, lines: messageLines(input) },
      output: {
        carrier: io.output!.carrier,
        key: io.output!.key,
        assistantText: output.assistantText,
        lines: messageLines(output),
        ...(output.toolCalls.length > 0 ? { toolCalls: output.toolCalls } : {}),
      },
    }).toEqual({ input: c.input, output: c.output });
    expect([input.cut, output.cut]).toEqual([false, false]);
  });

  it('extra-carrier.json has no I/O without its configured row', async () => {
    expect(resolveSpanIo(await spanOf('extra-carrier.json', 'POST /chat'))).toEqual({ input: null, output: null });
  });

  it('gen-ai-tool-call.json: the wrapper above the tool span carries nothing', async () => {
    expect(resolveSpanIo(await spanOf('gen-ai-tool-call.json', 'invoke_agent fx-agent'))).toEqual({ input: null, output: null });
  });
});

describe('carrier table', () => {
  it('is tried in this order', () => {
    expect(CARRIERS.map((c) => c.id)).toEqual([
      'mlflow.span',
      'mlflow.chat.messages',
      'langfuse',
      'gen_ai.messages',
      'gen_ai.tool.call',
      'gen_ai.indexed',
      'openinference.value',
      'openinference.messages',
      'traceloop.entity',
      'vercel.ai',
      'gen_ai.events',
      'generic',
    ]);
  });

  it('places configured rows just before generic', () => {
    expect(
      carrierTable([APP_HTTP])
        .map((c) => c.id)
        .slice(-3),
    ).toEqual(['gen_ai.events', 'app.http', 'generic']);
    expect(carrierTable()).toBe(CARRIERS);
  });

  it('keyCarrier makes a row of JSON-decoded attribute keys', () => {
    expect(keyCarrier('x', ['a', 'b'], ['c'])).toEqual({
      id: 'x',
      convention: 'configuration',
      input: [
        { kind: 'attribute', key: 'a', json: true },
        { kind: 'attribute', key: 'b', json: true },
      ],
      output: [{ kind: 'attribute', key: 'c', json: true }],
    });
  });
});

describe('isEmptyIo (MLflow base.py: a value that decodes to something falsy is missing)', () => {
  it.each([
    [undefined, true],
    [null, true],
    ['', true],
    [[], true],
    [{}, true],
    [0, false],
    [false, false],
    [' ', false],
    [[null], false],
    [{ a: null }, false],
  ])('%j -> %s', (value, empty) => {
    expect(isEmptyIo(value)).toBe(empty);
  });
});

/** A span with the given attributes: `encoded` as the Python SDK stores them, else raw values. */
function spanWith(raw: Record<string, unknown>, options: { encoded?: boolean; events?: SpanEvent[] } = {}): Span {
  return {
    index: 0,
    spanId: 'aaaaaaaaaaaaaaaa',
    parentId: null,
    otelTraceId: null,
    name: 'span',
    startTimeNs: 0,
    endTimeNs: 1,
    status: 'OK',
    statusMessage: '',
    events: options.events ?? [],
    attributes: new Attributes(raw, options.encoded ?? true),
  };
}

const event = (name: string, attributes: Record<string, unknown>): SpanEvent => ({
  name,
  timeNs: 1,
  timeUnit: 'ns',
  attributes,
});

const side = (v: IoValue | null): [string, string, unknown] | null => (v ? [v.carrier, v.key, v.value] : null);

describe('resolveSpanIo', () => {
  it.each<{ name: string; span: Span; input: [string, string, unknown] | null; output: [string, string, unknown] | null }>([
    {
      name: 'empty MLflow values ({} and "") fall through to the next carrier',
      span: spanWith({ 'mlflow.spanInputs': '{}', 'mlflow.spanOutputs': '""', 'input.value': '"hi"', 'output.value': '"hello"' }),
      input: ['openinference.value', 'input.value', 'hi'],
      output: ['openinference.value', 'output.value', 'hello'],
    },
    {
      name: '[] and null fall through too',
      span: spanWith({ 'mlflow.spanInputs': '[]', 'mlflow.spanOutputs': 'null', input: '"q"', output: '"a"' }),
      input: ['generic', 'input', 'q'],
      output: ['generic', 'output', 'a'],
    },
    {
      name: 'input and output from different carriers',
      span: spanWith({ 'mlflow.spanInputs': '{"question": "q?"}', 'traceloop.entity.output': '"\\"done\\""' }),
      input: ['mlflow.span', 'mlflow.spanInputs', { question: 'q?' }],
      output: ['traceloop.entity', 'traceloop.entity.output', 'done'],
    },
    {
      name: 'a value of 0 or false is an answer',
      span: spanWith({ 'mlflow.spanInputs': '0', 'mlflow.spanOutputs': 'false' }),
      input: ['mlflow.span', 'mlflow.spanInputs', 0],
      output: ['mlflow.span', 'mlflow.spanOutputs', false],
    },
    {
      name: 'text/plain keeps JSON-looking text as text; application/json decodes it',
      span: spanWith({
        'input.value': '"{\\"a\\": 1}"',
        'input.mime_type': '"text/plain"',
        'output.value': '"{\\"b\\": 2}"',
        'output.mime_type': '"application/json"',
      }),
      input: ['openinference.value', 'input.value', '{"a":1}'],
      output: ['openinference.value', 'output.value', { b: 2 }],
    },
    {
      name: 'raw OTel strings (TypeScript SDK, REST) are decoded when the convention writes JSON',
      span: spanWith({ 'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]', 'ai.response.text': '{"not": "json here"}' }, { encoded: false }),
      input: ['gen_ai.messages', 'gen_ai.input.messages', [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]],
      output: ['vercel.ai', 'ai.response.text', '{"not": "json here"}'],
    },
    {
      name: 'Vercel: a tool-call answer when the text is empty',
      span: spanWith({
        'ai.prompt.messages': '"[{\\"role\\":\\"user\\",\\"content\\":\\"book it\\"}]"',
        'ai.response.text': '""',
        'ai.response.toolCalls': '"[{\\"toolCallType\\":\\"function\\",\\"toolCallId\\":\\"c1\\",\\"toolName\\":\\"book\\",\\"args\\":\\"{}\\"}]"',
      }),
      input: ['vercel.ai', 'ai.prompt.messages', [{ role: 'user', content: 'book it' }]],
      output: ['vercel.ai', 'ai.response.toolCalls', [{ toolCallType: 'function', toolCallId: 'c1', toolName: 'book', args: '{}' }]],
    },
    {
      name: 'indexed keys: sorted by index, gaps closed, unknown suffixes kept',
      span: spanWith({
        'gen_ai.prompt.10.role': '"user"',
        'gen_ai.prompt.10.content': '"second"',
        'gen_ai.prompt.2.role': '"user"',
        'gen_ai.prompt.2.content': '"first"',
        'gen_ai.prompt.x.content': '"not an index"',
        'gen_ai.completion.0.content': '"ok"',
      }),
      input: [
        'gen_ai.indexed',
        'gen_ai.prompt.*',
        [
          { role: 'user', content: 'first' },
          { role: 'user', content: 'second' },
        ],
      ],
      output: ['gen_ai.indexed', 'gen_ai.completion.*', [{ content: 'ok' }]],
    },
    {
      name: 'indexed keys: a value where an object is needed keeps the value',
      span: spanWith({ 'llm.input_messages.0.message': '"flat"', 'llm.input_messages.0.message.role': '"user"' }),
      input: ['openinference.messages', 'llm.input_messages.*', [{ message: 'flat' }]],
      output: null,
    },
    {
      name: 'mlflow.chat.messages without a trailing assistant message has no output',
      span: spanWith({ 'mlflow.chat.messages': '[{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]' }),
      input: [
        'mlflow.chat.messages',
        'mlflow.chat.messages',
        [
          { role: 'system', content: 's' },
          { role: 'user', content: 'u' },
        ],
      ],
      output: null,
    },
    {
      name: 'mlflow.chat.messages: several trailing assistant messages (choices) are all output',
      span: spanWith({
        'mlflow.chat.messages': '[{"role": "user", "content": "u"}, {"role": "assistant", "content": "a1"}, {"role": "assistant", "content": "a2"}]',
      }),
      input: ['mlflow.chat.messages', 'mlflow.chat.messages', [{ role: 'user', content: 'u' }]],
      output: [
        'mlflow.chat.messages',
        'mlflow.chat.messages',
        [
          { role: 'assistant', content: 'a1' },
          { role: 'assistant', content: 'a2' },
        ],
      ],
    },
    {
      name: 'GenAI events: JSON content and tool calls decoded, a choice may name its role, empty events skipped',
      span: spanWith(
        {},
        {
          events: [
            event('gen_ai.user.message', { content: '[{"type": "text", "text": "hi"}]' }),
            event('gen_ai.assistant.message', { content: '' }),
            event('gen_ai.choice', { role: 'model', content: 'hello', tool_calls: '[{"name": "f"}]' }),
            event('unrelated', { content: 'x' }),
          ],
        },
      ),
      input: ['gen_ai.events', 'event:gen_ai.user.message', [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]],
      output: ['gen_ai.events', 'event:gen_ai.choice', [{ role: 'model', content: 'hello', tool_calls: [{ name: 'f' }] }]],
    },
    {
      name: 'langfuse trace-level I/O is a fallback for the observation',
      span: spanWith({ 'langfuse.trace.input': '"\\"q\\""', 'langfuse.observation.output': '"\\"a\\""' }),
      input: ['langfuse', 'langfuse.trace.input', 'q'],
      output: ['langfuse', 'langfuse.observation.output', 'a'],
    },
    {
      name: 'nothing known: no I/O',
      span: spanWith({ 'http.method': '"POST"', 'mlflow.spanType': '"UNKNOWN"' }),
      input: null,
      output: null,
    },
  ])('$name', ({ span, input, output }) => {
    const io = resolveSpanIo(span);
    expect([side(io.input), side(io.output)]).toEqual([input, output]);
  });

  it('a configured row wins over the generic keys but not over the conventions', () => {
    const extra = { extraCarriers: [keyCarrier('cfg', ['my.in'], ['my.out'])] };
    const generic = spanWith({ input: '"generic in"', 'my.in': '"configured in"', output: '"generic out"' });
    expect([side(resolveSpanIo(generic, extra).input), side(resolveSpanIo(generic, extra).output)]).toEqual([
      ['cfg', 'my.in', 'configured in'],
      ['generic', 'output', 'generic out'],
    ]);
    const mlflow = spanWith({ 'mlflow.spanInputs': '"mlflow in"', 'my.in': '"configured in"' });
    expect(side(resolveSpanIo(mlflow, extra).input)).toEqual(['mlflow.span', 'mlflow.spanInputs', 'mlflow in']);
  });

  it('bounds the work on a span with very many indexed keys', () => {
    const raw: Record<string, unknown> = {};
    for (let i = 0; i < 50_000; i++) raw[`gen_ai.prompt.${i}.content`] = `"m${i}"`;
    const io = resolveSpanIo(spanWith(raw));
    expect((io.input!.value as unknown[]).length).toBe(20_000);
  });
});
