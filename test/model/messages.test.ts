import { describe, expect, it } from 'vitest';
import { compactJson, cutText, MAX_MESSAGES, messageLines, summarizeIo, type ToolCall } from '../../src/model/messages.js';

interface Case {
  name: string;
  value: unknown;
  side: 'input' | 'output';
  lines: string[];
  user?: string;
  answer?: string;
  calls?: ToolCall[];
}

const WEATHER_CALL = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } };

// Shapes from the providers' and frameworks' public formats; each expectation is the exact
// `role: content` rendering, the last user message, the answer after it, and the tool calls.
const CASES: Case[] = [
  // ---- OpenAI Chat Completions ----
  {
    name: 'OpenAI request: system, user, assistant tool call, tool result',
    side: 'input',
    value: {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [WEATHER_CALL] },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
      ],
    },
    lines: ['system: Be brief.', 'user: Weather in Paris?', 'assistant: → get_weather({"city": "Paris"})', 'tool: Sunny'],
    user: 'Weather in Paris?',
    answer: '',
    calls: [{ name: 'get_weather', arguments: '{"city": "Paris"}' }],
  },
  {
    name: 'OpenAI response: choices[0].message',
    side: 'output',
    value: {
      id: 'chatcmpl-1',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Sunny in Paris.' }, finish_reason: 'stop' },
        { index: 1, message: { role: 'assistant', content: 'Second choice.' }, finish_reason: 'stop' },
      ],
    },
    lines: ['assistant: Sunny in Paris.'],
    answer: 'Sunny in Paris.',
  },
  {
    name: 'OpenAI response with a tool call and content parts in the request',
    side: 'output',
    value: { choices: [{ message: { role: 'assistant', content: null, tool_calls: [WEATHER_CALL] } }] },
    lines: ['assistant: → get_weather({"city": "Paris"})'],
    answer: '',
    calls: [{ name: 'get_weather', arguments: '{"city": "Paris"}' }],
  },
  {
    name: 'OpenAI content parts: text and image',
    side: 'input',
    value: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:...' } },
        ],
      },
    ],
    lines: ['user: What is this?\n[image]'],
    user: 'What is this?\n[image]',
  },
  {
    name: 'OpenAI legacy completion: choices[0].text',
    side: 'output',
    value: { choices: [{ text: 'Bonjour', index: 0 }] },
    lines: ['assistant: Bonjour'],
    answer: 'Bonjour',
  },
  {
    name: 'OpenAI legacy function_call',
    side: 'output',
    value: { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '{"id": 7}' } },
    lines: ['assistant: → lookup({"id": 7})'],
    calls: [{ name: 'lookup', arguments: '{"id": 7}' }],
  },
  // ---- OpenAI Responses API ----
  {
    name: 'Responses request: instructions and input items',
    side: 'input',
    value: {
      model: 'gpt-4.1',
      instructions: 'You are a travel agent.',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Book Lisbon' }] },
        { type: 'function_call', call_id: 'fc_1', name: 'search_flights', arguments: '{"to":"LIS"}' },
        { type: 'function_call_output', call_id: 'fc_1', output: '3 flights' },
      ],
    },
    lines: ['system: You are a travel agent.', 'user: Book Lisbon', 'assistant: → search_flights({"to":"LIS"})', 'tool: 3 flights'],
    user: 'Book Lisbon',
    calls: [{ name: 'search_flights', arguments: '{"to":"LIS"}' }],
  },
  {
    name: 'Responses response: reasoning skipped, message output_text',
    side: 'output',
    value: {
      id: 'resp_1',
      output: [
        { type: 'reasoning', summary: [] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Booked.', annotations: [] }] },
      ],
    },
    lines: ['assistant: Booked.'],
    answer: 'Booked.',
  },
  {
    name: 'Responses request: a plain string input',
    side: 'input',
    value: { model: 'gpt-4.1', input: 'Hello there' },
    lines: ['user: Hello there'],
    user: 'Hello there',
  },
  // ---- Anthropic ----
  {
    name: 'Anthropic request: system string, tool_use and a user turn of tool_result blocks',
    side: 'input',
    value: {
      model: 'claude-3-5-sonnet',
      system: 'Use tools.',
      messages: [
        { role: 'user', content: 'Weather in Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'tu_1', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_1', content: [{ type: 'text', text: '25 C' }] }] },
      ],
    },
    lines: ['system: Use tools.', 'user: Weather in Rome?', 'assistant: Checking.\n→ get_weather({"city":"Rome"})', 'tool: 25 C'],
    user: 'Weather in Rome?',
    answer: 'Checking.',
    calls: [{ name: 'get_weather', arguments: '{"city":"Rome"}' }],
  },
  {
    name: 'Anthropic response: content blocks, thinking skipped',
    side: 'output',
    value: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'hmm' },
        { type: 'text', text: 'It is 25 C in Rome.' },
      ],
      stop_reason: 'end_turn',
    },
    lines: ['assistant: It is 25 C in Rome.'],
    answer: 'It is 25 C in Rome.',
  },
  {
    name: 'Anthropic system as blocks',
    side: 'input',
    value: {
      system: [
        { type: 'text', text: 'Part one.' },
        { type: 'text', text: 'Part two.' },
      ],
      messages: [{ role: 'user', content: 'Hi' }],
    },
    lines: ['system: Part one.\nPart two.', 'user: Hi'],
    user: 'Hi',
  },
  // ---- LangChain ----
  {
    name: 'LangChain message dicts (type human / ai / tool), tool_calls with args',
    side: 'input',
    value: {
      messages: [
        { type: 'human', content: 'Flights to Oslo?' },
        { type: 'ai', content: '', tool_calls: [{ name: 'search', args: { to: 'OSL' }, id: 'c1' }] },
        { type: 'tool', content: '2 flights', tool_call_id: 'c1' },
        { type: 'ai', content: 'There are 2 flights.' },
      ],
    },
    lines: ['user: Flights to Oslo?', 'assistant: → search({"to":"OSL"})', 'tool: 2 flights', 'assistant: There are 2 flights.'],
    user: 'Flights to Oslo?',
    answer: 'There are 2 flights.',
    calls: [{ name: 'search', arguments: '{"to":"OSL"}' }],
  },
  {
    name: 'LangChain batch of one: [[messages]]',
    side: 'input',
    value: [
      [
        { type: 'system', content: 'Sys' },
        { type: 'human', content: 'Hi' },
      ],
    ],
    lines: ['system: Sys', 'user: Hi'],
    user: 'Hi',
  },
  {
    name: 'LangChain serialized (lc) messages; tool calls in additional_kwargs',
    side: 'input',
    value: [
      { lc: 1, type: 'constructor', id: ['langchain', 'schema', 'messages', 'HumanMessage'], kwargs: { content: 'Hi', type: 'human' } },
      {
        lc: 1,
        type: 'constructor',
        id: ['langchain', 'schema', 'messages', 'AIMessage'],
        kwargs: { content: '', additional_kwargs: { tool_calls: [WEATHER_CALL] } },
      },
    ],
    lines: ['user: Hi', 'assistant: → get_weather({"city": "Paris"})'],
    user: 'Hi',
    calls: [{ name: 'get_weather', arguments: '{"city": "Paris"}' }],
  },
  {
    name: 'LangChain ChatResult: generations[0][*].message',
    side: 'output',
    value: {
      generations: [[{ text: 'Hello!', type: 'ChatGeneration', message: { lc: 1, type: 'constructor', id: ['langchain', 'schema', 'messages', 'AIMessage'], kwargs: { content: 'Hello!' } } }]],
      llm_output: {},
    },
    lines: ['assistant: Hello!'],
    answer: 'Hello!',
  },
  {
    name: 'LangChain LLMResult of a completion model: Generation text',
    side: 'output',
    value: { generations: [[{ text: 'Plain completion', type: 'Generation' }]] },
    lines: ['assistant: Plain completion'],
    answer: 'Plain completion',
  },
  {
    name: 'LangGraph state output: the whole conversation, answer after the last user message',
    side: 'output',
    value: {
      messages: [
        { type: 'human', content: 'Q1' },
        { type: 'ai', content: 'A1' },
        { type: 'human', content: 'Q2' },
        { type: 'AIMessageChunk', content: 'A2' },
      ],
    },
    lines: ['user: Q1', 'assistant: A1', 'user: Q2', 'assistant: A2'],
    user: 'Q2',
    answer: 'A2',
  },
  // ---- Gemini ----
  {
    name: 'Gemini request: contents with user / model roles, functionCall and functionResponse',
    side: 'input',
    value: {
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Oslo?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Oslo' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 3 } } }] },
      ],
    },
    lines: ['user: Weather in Oslo?', 'assistant: → get_weather({"city":"Oslo"})', 'tool: {"temp":3}'],
    user: 'Weather in Oslo?',
    calls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }],
  },
  {
    name: 'Gemini request: contents as a string',
    side: 'input',
    value: { model: 'gemini-2.0-flash', contents: 'Tell me a joke' },
    lines: ['user: Tell me a joke'],
    user: 'Tell me a joke',
  },
  {
    name: 'Gemini request: contents as a list of parts and strings (Python SDK)',
    side: 'input',
    value: { contents: [{ inline_data: { data: 'xx', mime_type: 'image/png' } }, 'Caption this'] },
    lines: ['user: [file]\nCaption this'],
    user: '[file]\nCaption this',
  },
  {
    name: 'Gemini response: candidates[0].content, thought parts skipped, snake_case function_call',
    side: 'output',
    value: {
      candidates: [{ content: { role: 'model', parts: [{ text: 'thinking…', thought: true }, { text: 'Cold: 3 C.' }, { function_call: { name: 'log', args: {} } }] }, finishReason: 'STOP' }],
    },
    lines: ['assistant: Cold: 3 C.\n→ log({})'],
    answer: 'Cold: 3 C.',
    calls: [{ name: 'log', arguments: '{}' }],
  },
  // ---- OTel GenAI parts ----
  {
    name: 'GenAI input messages: text, tool_call, tool_call_response',
    side: 'input',
    value: [
      { role: 'user', parts: [{ type: 'text', content: 'Is AX412 on time?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c', name: 'get_flight_status', arguments: { flight: 'AX412' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c', response: { status: 'on_time' } }] },
    ],
    lines: ['user: Is AX412 on time?', 'assistant: → get_flight_status({"flight":"AX412"})', 'tool: {"status":"on_time"}'],
    user: 'Is AX412 on time?',
    calls: [{ name: 'get_flight_status', arguments: '{"flight":"AX412"}' }],
  },
  {
    name: 'GenAI output messages with finish_reason',
    side: 'output',
    value: [
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Yes.' },
          { type: 'reasoning', content: 'r' },
        ],
        finish_reason: 'stop',
      },
    ],
    lines: ['assistant: Yes.'],
    answer: 'Yes.',
  },
  // ---- OpenInference (reassembled by the carrier) ----
  {
    name: 'OpenInference messages: contents and tool_calls wrappers',
    side: 'output',
    value: [
      {
        role: 'assistant',
        contents: [{ message_content: { type: 'text', text: 'Checking.' } }],
        tool_calls: [{ tool_call: { id: 't', function: { name: 'check', arguments: '{"a": 1}' } } }],
      },
    ],
    lines: ['assistant: Checking.\n→ check({"a": 1})'],
    answer: 'Checking.',
    calls: [{ name: 'check', arguments: '{"a": 1}' }],
  },
  // ---- Vercel AI ----
  {
    name: 'Vercel prompt messages: tool-call and tool-result parts',
    side: 'input',
    value: {
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Book it' }] },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'a', toolName: 'book', input: { id: 1 } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'a', toolName: 'book', output: { ok: true } }] },
      ],
    },
    lines: ['user: Book it', 'assistant: → book({"id":1})', 'tool: {"ok":true}'],
    user: 'Book it',
    calls: [{ name: 'book', arguments: '{"id":1}' }],
  },
  {
    name: 'Vercel ai.response.toolCalls',
    side: 'output',
    value: [{ toolCallType: 'function', toolCallId: 'a', toolName: 'book', args: '{"id":1}' }],
    lines: ['assistant: → book({"id":1})'],
    calls: [{ name: 'book', arguments: '{"id":1}' }],
  },
  // ---- other chat APIs through the same readers ----
  {
    name: 'Bedrock Converse output: output.message with text blocks',
    side: 'output',
    value: { output: { message: { role: 'assistant', content: [{ text: 'Hola' }] } }, stopReason: 'end_turn' },
    lines: ['assistant: Hola'],
    answer: 'Hola',
  },
  {
    name: 'Ollama chat response: message',
    side: 'output',
    value: { model: 'llama3', message: { role: 'assistant', content: 'Hi from Ollama' }, done: true },
    lines: ['assistant: Hi from Ollama'],
    answer: 'Hi from Ollama',
  },
  // ---- plain strings and generic dicts ----
  { name: 'a plain string input', side: 'input', value: 'Hello', lines: ['user: Hello'], user: 'Hello' },
  { name: 'a plain string output', side: 'output', value: 'Hi!', lines: ['assistant: Hi!'], answer: 'Hi!' },
  { name: '{query}', side: 'input', value: { query: 'refund policy', k: 3 }, lines: ['user: refund policy'], user: 'refund policy' },
  { name: '{question}', side: 'input', value: { question: 'Why?' }, lines: ['user: Why?'], user: 'Why?' },
  { name: '{input}', side: 'input', value: { input: 'Go', chat_history: [] }, lines: ['user: Go'], user: 'Go' },
  {
    name: 'a list under input that is not a chat does not hide {query}',
    side: 'input',
    value: { input: [1, 2], query: 'refunds' },
    lines: ['user: refunds'],
    user: 'refunds',
  },
  {
    name: '{messages} of a ChatAgent output',
    side: 'output',
    value: { messages: [{ role: 'assistant', content: 'Done.', id: 'm1' }] },
    lines: ['assistant: Done.'],
    answer: 'Done.',
  },
  { name: '{answer}', side: 'output', value: { answer: '42', sources: ['a.md'] }, lines: ['assistant: 42'], answer: '42' },
  {
    name: 'Traceloop decorator input: a lone positional argument',
    side: 'input',
    value: { args: ['What time is it?'], kwargs: {} },
    lines: ['user: What time is it?'],
    user: 'What time is it?',
  },
  {
    name: 'Traceloop decorator input: keyword arguments',
    side: 'input',
    value: { args: [], kwargs: { question: 'Where?' } },
    lines: ['user: Where?'],
    user: 'Where?',
  },
  {
    name: 'LangChain chain via Traceloop: {inputs: {...}}',
    side: 'input',
    value: { inputs: { input: 'Summarise this' }, tags: [] },
    lines: ['user: Summarise this'],
    user: 'Summarise this',
  },
  // ---- anything else ----
  {
    name: 'a dict of unknown shape: compact JSON in the side role',
    side: 'input',
    value: { city: 'Paris', days: 3, flags: [true, null] },
    lines: ['user: {"city":"Paris","days":3,"flags":[true,null]}'],
    user: '{"city":"Paris","days":3,"flags":[true,null]}',
  },
  {
    name: 'a list of documents',
    side: 'output',
    value: [{ page_content: 'doc', metadata: {} }],
    lines: ['assistant: [{"page_content":"doc","metadata":{}}]'],
    answer: '[{"page_content":"doc","metadata":{}}]',
  },
  { name: 'a number', side: 'output', value: 3.5, lines: ['assistant: 3.5'], answer: '3.5' },
  { name: 'false', side: 'output', value: false, lines: ['assistant: false'], answer: 'false' },
];

describe('summarizeIo: message shapes', () => {
  it.each(CASES)('$name', (c) => {
    const s = summarizeIo(c.value, 'test', { side: c.side });
    expect(messageLines(s)).toEqual(c.lines);
    if (c.user !== undefined) expect(s.userText).toBe(c.user);
    if (c.answer !== undefined) expect(s.assistantText).toBe(c.answer);
    expect(s.toolCalls).toEqual(c.calls ?? []);
    expect(s.cut).toBe(false);
  });

  it('the answer is only what follows the last user message', () => {
    const s = summarizeIo(
      {
        messages: [
          { role: 'user', content: 'Q1' },
          { role: 'assistant', content: 'A1' },
          { role: 'user', content: 'Q2' },
        ],
      },
      'x',
      { side: 'input' },
    );
    expect([s.userText, s.assistantText]).toEqual(['Q2', '']);
  });

  it('earlier turns’ tool calls are not this turn’s', () => {
    const s = summarizeIo(
      [
        { role: 'user', content: 'Q1' },
        { role: 'assistant', content: null, tool_calls: [WEATHER_CALL] },
        { role: 'tool', content: 'x' },
        { role: 'user', content: 'Q2' },
      ],
      'x',
      { side: 'input' },
    );
    expect(s.toolCalls).toEqual([]);
  });
});

describe('summarizeIo: cutting long content', () => {
  const long = 'a'.repeat(14_345);

  it('cuts with a visible marker that says how much was left out', () => {
    const s = summarizeIo(long, 'x', { side: 'input' });
    expect(s.userText).toBe(`${'a'.repeat(2000)}… [cut, 12 345 chars]`);
    expect(messageLines(s)).toEqual([`user: ${'a'.repeat(2000)}… [cut, 12 345 chars]`]);
    expect(s.cut).toBe(true);
  });

  it('keeps everything with full: true', () => {
    const s = summarizeIo(long, 'x', { side: 'input', full: true });
    expect([s.userText.length, s.cut]).toEqual([14_345, false]);
  });

  it.each([
    ['abcdef', 3, 'abc… [cut, 3 chars]'],
    ['abc', 3, 'abc'],
    ['😀😀😀😀', 2, '😀😀… [cut, 2 chars]'],
    ['x'.repeat(1_234_567 + 1), 1, 'x… [cut, 1 234 567 chars]'],
  ])('cutText(%#)', (text, max, expected) => {
    expect(cutText(text, max)).toBe(expected);
  });

  it('cuts tool arguments and JSON excerpts the same way', () => {
    const args = JSON.stringify({ text: 'b'.repeat(100) });
    const s = summarizeIo({ role: 'assistant', content: null, tool_calls: [{ function: { name: 'f', arguments: args } }] }, 'x', { side: 'output', maxChars: 20 });
    expect(s.toolCalls).toEqual([{ name: 'f', arguments: `{"text":"bbbbbbbbbbb… [cut, 91 chars]` }]);
    expect(compactJson({ list: Array.from({ length: 1000 }, (_, i) => i) }, 10)).toBe('{"list":[0… [cut, 3 890 chars]');
    expect(compactJson({ list: [1, 2] })).toBe('{"list":[1,2]}');
  });

  it('a JSON excerpt is cut where it is shown, counting what was never written', () => {
    const value = { items: Array.from({ length: 50_000 }, () => 'yy') };
    const s = summarizeIo(value, 'x', { side: 'output', maxChars: 12 });
    const total = JSON.stringify(value).length;
    expect(s.assistantText).toBe(`{"items":["y… [cut, ${String(total - 12).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} chars]`);
  });

  it('marks an MLflow preview cut at its limit, and only then', () => {
    const cutPreview = `${'p'.repeat(997)}...`;
    expect(summarizeIo(cutPreview, 'truncated-preview', { side: 'output', full: true }).cut).toBe(true);
    expect(summarizeIo('Wait...', 'truncated-preview', { side: 'output' }).cut).toBe(false);
    expect(summarizeIo(cutPreview, 'mlflow.span', { side: 'output', full: true }).cut).toBe(false);
  });
});

describe('summarizeIo: bounded work, never throws, text fields always strings', () => {
  it(`shows the last ${MAX_MESSAGES} messages of a huge conversation, with a line for the rest`, () => {
    const messages = Array.from({ length: 100_000 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `m${i}` }));
    const s = summarizeIo({ messages }, 'x', { side: 'input' });
    expect(s.messages.length).toBe(MAX_MESSAGES + 1);
    expect(s.messages[0]).toEqual({ role: '…', content: '[99 500 earlier messages not shown]' });
    expect(s.messages[1]).toEqual({ role: 'user', content: 'm99500' });
    expect([s.userText, s.assistantText, s.cut]).toEqual(['m99998', 'm99999', true]);
  });

  it('survives deep nesting', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 5000; i++) deep = { next: deep };
    const s = summarizeIo(deep, 'x', { side: 'input', maxChars: 30 });
    // Past depth 64 a value is written as "…": 64 × `{"next":` + `"…"` + 64 × `}` = 579 characters.
    expect(s.userText).toBe('{"next":{"next":{"next":{"next… [cut, 549 chars]');
    let deepList: unknown = [];
    for (let i = 0; i < 5000; i++) deepList = [deepList];
    expect(summarizeIo(deepList, 'x', { side: 'output', maxChars: 5 }).assistantText).toBe('[[[[[… [cut, 126 chars]');
    let nestedResults: unknown = 'inner';
    for (let i = 0; i < 5000; i++) nestedResults = [{ type: 'tool_result', content: nestedResults }];
    expect(summarizeIo([{ role: 'user', content: nestedResults }], 'x', { side: 'input', maxChars: 12 }).messages[0]!.role).toBe('tool');
    let wrapped: Record<string, unknown> = { type: 'text', text: 'core' };
    for (let i = 0; i < 5000; i++) wrapped = { message_content: wrapped };
    // 12 wrappers are read, the rest is a JSON excerpt capped at depth 64: 64 × 19 + 3 + 64 = 1 283 characters.
    expect(messageLines(summarizeIo([{ role: 'user', contents: [wrapped] }], 'x', { side: 'input', maxChars: 20 }))).toEqual(['user: {"message_content":{… [cut, 1 263 chars]']);
  });

  it.each<[string, unknown]>([
    ['role that is not a string', [{ role: 5, content: 'x' }]],
    ['content of numbers and nulls', [{ role: 'user', content: [1, null, true, { foo: 'bar' }] }]],
    ['tool_calls that is not a list', [{ role: 'assistant', content: 'x', tool_calls: 'oops' }]],
    ['tool call without a name', [{ role: 'assistant', tool_calls: [{ function: { arguments: 3 } }, 7, null] }]],
    ['parts with unknown types', [{ role: 'user', parts: [{ type: 'video', uri: 'x' }, { weird: true }] }]],
    ['choices of nothing', { choices: [null] }],
    ['candidates without content', { candidates: [{}] }],
    ['generations of strings', { generations: [['a']] }],
    ['an lc message with an empty id', { lc: 1, id: [], kwargs: {} }],
    ['messages that are strings', { messages: ['a', 'b'] }],
    ['NaN and Infinity', { a: Number.NaN, b: Number.POSITIVE_INFINITY }],
    ['undefined', undefined],
    ['null', null],
    ['an empty object', {}],
  ])('%s', (_, value) => {
    for (const side of ['input', 'output'] as const) {
      const s = summarizeIo(value, 'x', { side });
      const strings = [s.userText, s.assistantText, ...s.messages.flatMap((m) => [m.role, m.content]), ...s.toolCalls.flatMap((c) => [c.name, c.arguments])];
      expect(strings.every((t) => typeof t === 'string')).toBe(true);
    }
  });

  it('odd shapes render predictably', () => {
    expect(messageLines(summarizeIo([{ role: 'user', content: [1, null, true, { foo: 'bar' }] }], 'x', { side: 'input' }))).toEqual(['user: 1\ntrue\n{"foo":"bar"}']);
    expect(messageLines(summarizeIo({ a: Number.NaN }, 'x', { side: 'input' }))).toEqual(['user: {"a":null}']);
    expect(messageLines(summarizeIo({ messages: ['a', 'b'] }, 'x', { side: 'input' }))).toEqual(['user: {"messages":["a","b"]}']);
    expect(summarizeIo(null, 'x', { side: 'input' }).messages).toEqual([{ role: 'user', content: 'null' }]);
  });
});
