import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readTraces } from '../../src/engine/read/read.js';
import { keyCarrier } from '../../src/model/carrier-table.js';
import { summarizeIo } from '../../src/model/messages.js';
import { turnIo, type TurnIo } from '../../src/model/turn-io.js';
import type { Trace } from '../../src/model/types.js';
import { fixtureJson, fixtureTraces, traceOf } from '../helpers/fixture-traces.js';

// ---- hand-built traces (MLflow 3.5.1+ span format) --------------------------------------------

interface SpanSpec {
  name: string;
  /** Name of the parent span; omitted for a root. A name not in the list makes an orphan. */
  parent?: string;
  /** Milliseconds after the trace start. */
  start: number;
  inputs?: unknown;
  outputs?: unknown;
  error?: string;
}

const idOf = (name: string): string => createHash('sha256').update(name).digest().subarray(0, 8).toString('base64');

/** A `Trace.to_json` record: each I/O value stored as MLflow stores it, `json.dumps` text. */
function record(specs: SpanSpec[], info: Record<string, unknown> = {}): unknown {
  return {
    info: {
      trace_id: 'tr-00000000000000000000000000000001',
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
      request_time: '2025-10-09T08:53:20Z',
      state: 'OK',
      trace_metadata: {},
      tags: {},
      execution_duration_ms: 1000,
      ...info,
    },
    data: {
      spans: specs.map((s) => {
        const attributes: Record<string, string> = { 'mlflow.traceRequestId': '"tr-00000000000000000000000000000001"' };
        if (s.inputs !== undefined) attributes['mlflow.spanInputs'] = JSON.stringify(s.inputs);
        if (s.outputs !== undefined) attributes['mlflow.spanOutputs'] = JSON.stringify(s.outputs);
        return {
          trace_id: 'AAAAAAAAAAAAAAAAAAAAAQ==',
          span_id: idOf(s.name),
          parent_span_id: s.parent === undefined ? null : idOf(s.parent),
          name: s.name,
          start_time_unix_nano: 1760000000000000000 + s.start * 1_000_000,
          end_time_unix_nano: 1760000000900000000,
          events: [],
          status: { code: s.error ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK', message: s.error ?? '' },
          attributes,
        };
      }),
    },
  };
}

/** The parts of a TurnIo a reader checks: span, depth, how it was chosen, wrappers, carriers. */
function view(io: TurnIo): Record<string, unknown> {
  return {
    span: io.spanName,
    depth: io.depth,
    selection: io.selection,
    wrapperChain: io.wrapperChain,
    input: io.input ? [io.input.carrier, io.input.value] : null,
    output: io.output ? [io.output.carrier, io.output.value] : null,
    truncated: io.truncated,
  };
}

const Q = { messages: [{ role: 'user', content: 'Where is my order?' }] };
const A = 'It ships today.';
const turn = (specs: SpanSpec[]): Record<string, unknown> => view(turnIo(traceOf(record(specs))));

describe('turnIo: wrapper roots and descent', () => {
  it.each<{ name: string; specs: SpanSpec[]; expected: Record<string, unknown> }>([
    {
      name: 'the root itself when it has both sides',
      specs: [
        { name: 'agent', start: 0, inputs: Q, outputs: A },
        { name: 'llm', parent: 'agent', start: 5, inputs: { messages: [] }, outputs: 'x' },
      ],
      expected: { span: 'agent', depth: 0, selection: 'root', wrapperChain: [], input: ['mlflow.span', Q], output: ['mlflow.span', A], truncated: false },
    },
    {
      name: 'wrapper root at depth 1',
      specs: [
        { name: 'POST /v1/chat', start: 0 },
        { name: 'support_agent', parent: 'POST /v1/chat', start: 2, inputs: Q, outputs: A },
      ],
      expected: { span: 'support_agent', depth: 1, selection: 'descendant', wrapperChain: ['POST /v1/chat'], input: ['mlflow.span', Q], output: ['mlflow.span', A], truncated: false },
    },
    {
      name: 'wrapper root at depth 2',
      specs: [
        { name: 'POST /v1/chat', start: 0 },
        { name: 'auth_middleware', parent: 'POST /v1/chat', start: 1 },
        { name: 'support_agent', parent: 'auth_middleware', start: 2, inputs: Q, outputs: A },
      ],
      expected: {
        span: 'support_agent',
        depth: 2,
        selection: 'descendant',
        wrapperChain: ['POST /v1/chat', 'auth_middleware'],
        input: ['mlflow.span', Q],
        output: ['mlflow.span', A],
        truncated: false,
      },
    },
    {
      name: 'wrapper root at depth 3',
      specs: [
        { name: 'gateway', start: 0 },
        { name: 'POST /v1/chat', parent: 'gateway', start: 1 },
        { name: 'session_refresh', parent: 'POST /v1/chat', start: 2 },
        { name: 'support_agent', parent: 'session_refresh', start: 3, inputs: Q, outputs: A },
        { name: 'retrieve', parent: 'support_agent', start: 4, inputs: { q: 'order' }, outputs: ['doc'] },
      ],
      expected: {
        span: 'support_agent',
        depth: 3,
        selection: 'descendant',
        wrapperChain: ['gateway', 'POST /v1/chat', 'session_refresh'],
        input: ['mlflow.span', Q],
        output: ['mlflow.span', A],
        truncated: false,
      },
    },
    {
      name: 'a root with only input (it returned nothing) gives way to a child with both',
      specs: [
        { name: 'handler', start: 0, inputs: { body: 'raw' } },
        { name: 'agent', parent: 'handler', start: 1, inputs: Q, outputs: A },
      ],
      expected: { span: 'agent', depth: 1, selection: 'descendant', wrapperChain: ['handler'], input: ['mlflow.span', Q], output: ['mlflow.span', A], truncated: false },
    },
    {
      name: 'breadth first: a sibling at depth 1 beats an earlier-starting span at depth 2',
      specs: [
        { name: 'root', start: 0 },
        { name: 'setup', parent: 'root', start: 1 },
        { name: 'setup_llm', parent: 'setup', start: 2, inputs: 'warm up', outputs: 'ok' },
        { name: 'agent', parent: 'root', start: 50, inputs: Q, outputs: A },
      ],
      expected: { span: 'agent', depth: 1, selection: 'descendant', wrapperChain: ['root'], input: ['mlflow.span', Q], output: ['mlflow.span', A], truncated: false },
    },
    {
      name: 'then by start time: the earlier of two siblings, whatever the file order',
      specs: [
        { name: 'root', start: 0 },
        { name: 'late_agent', parent: 'root', start: 30, inputs: 'late', outputs: 'late answer' },
        { name: 'early_agent', parent: 'root', start: 10, inputs: 'early', outputs: 'early answer' },
      ],
      expected: { span: 'early_agent', depth: 1, selection: 'descendant', wrapperChain: ['root'], input: ['mlflow.span', 'early'], output: ['mlflow.span', 'early answer'], truncated: false },
    },
    {
      name: 'within a depth, by start time across different parents',
      specs: [
        { name: 'root', start: 0 },
        { name: 'a', parent: 'root', start: 1 },
        { name: 'b', parent: 'root', start: 2 },
        { name: 'a_child', parent: 'a', start: 40, inputs: 'from a', outputs: 'a answer' },
        { name: 'b_child', parent: 'b', start: 20, inputs: 'from b', outputs: 'b answer' },
      ],
      expected: { span: 'b_child', depth: 2, selection: 'descendant', wrapperChain: ['root', 'b'], input: ['mlflow.span', 'from b'], output: ['mlflow.span', 'b answer'], truncated: false },
    },
    {
      name: 'a failed span with input stops the descent: no tool output stands in for the answer',
      specs: [
        { name: 'POST /v1/chat', start: 0, error: 'APITimeoutError: Request timed out.' },
        { name: 'booking_agent', parent: 'POST /v1/chat', start: 1, inputs: Q, error: 'APITimeoutError: Request timed out.' },
        { name: 'get_booking', parent: 'booking_agent', start: 2, inputs: { ref: 'ZX4Q7P' }, outputs: { fare: 'Economy' } },
      ],
      expected: { span: 'booking_agent', depth: 1, selection: 'failed', wrapperChain: ['POST /v1/chat'], input: ['mlflow.span', Q], output: null, truncated: false },
    },
    {
      name: 'a span with both sides beats a failed sibling (the retry that answered)',
      specs: [
        { name: 'root', start: 0 },
        { name: 'attempt_1', parent: 'root', start: 1, inputs: Q, error: 'RateLimitError' },
        { name: 'attempt_2', parent: 'root', start: 5, inputs: Q, outputs: A },
      ],
      expected: { span: 'attempt_2', depth: 1, selection: 'descendant', wrapperChain: ['root'], input: ['mlflow.span', Q], output: ['mlflow.span', A], truncated: false },
    },
    {
      name: 'no span has both sides: the nearest span with either',
      specs: [
        { name: 'wrapper', start: 0 },
        { name: 'pipeline', parent: 'wrapper', start: 1, inputs: { query: 'hi' } },
        { name: 'stream', parent: 'pipeline', start: 2, outputs: 'chunk' },
      ],
      expected: { span: 'pipeline', depth: 1, selection: 'partial', wrapperChain: ['wrapper'], input: ['mlflow.span', { query: 'hi' }], output: null, truncated: false },
    },
    {
      name: 'several roots: searched in start order, the next one when the first has nothing',
      specs: [
        { name: 'late_root', start: 20, inputs: 'late', outputs: 'late answer' },
        { name: 'early_root', start: 10 },
        { name: 'early_child', parent: 'early_root', start: 11 },
      ],
      expected: { span: 'late_root', depth: 0, selection: 'root', wrapperChain: [], input: ['mlflow.span', 'late'], output: ['mlflow.span', 'late answer'], truncated: false },
    },
    {
      name: 'several roots: the earlier root wins when both have I/O',
      specs: [
        { name: 'late_root', start: 20, inputs: 'late', outputs: 'late answer' },
        { name: 'early_root', start: 10, inputs: 'early', outputs: 'early answer' },
      ],
      expected: { span: 'early_root', depth: 0, selection: 'root', wrapperChain: [], input: ['mlflow.span', 'early'], output: ['mlflow.span', 'early answer'], truncated: false },
    },
    {
      name: 'no root: an orphan heads its own subtree (depth counted from it)',
      specs: [
        { name: 'orphan_wrapper', parent: 'lost_parent', start: 0 },
        { name: 'agent', parent: 'orphan_wrapper', start: 1, inputs: Q, outputs: A },
      ],
      expected: { span: 'agent', depth: 1, selection: 'descendant', wrapperChain: ['orphan_wrapper'], input: ['mlflow.span', Q], output: ['mlflow.span', A], truncated: false },
    },
    {
      name: 'a root without I/O and an orphan with I/O: the orphan subtree is searched after the root',
      specs: [
        { name: 'root', start: 0 },
        { name: 'orphan_agent', parent: 'lost_parent', start: 1, inputs: Q, outputs: A },
      ],
      expected: { span: 'orphan_agent', depth: 0, selection: 'descendant', wrapperChain: [], input: ['mlflow.span', Q], output: ['mlflow.span', A], truncated: false },
    },
  ])('$name', ({ specs, expected }) => {
    expect(turn(specs)).toEqual(expected);
  });

  it.each([
    ['{}', {}],
    ['[]', []],
    ['null', null],
    ['""', ''],
  ])('a root whose I/O decodes to %s is a wrapper', (_, empty) => {
    expect(
      turn([
        { name: 'root', start: 0, inputs: empty, outputs: empty },
        { name: 'agent', parent: 'root', start: 1, inputs: Q, outputs: A },
      ]),
    ).toEqual({ span: 'agent', depth: 1, selection: 'descendant', wrapperChain: ['root'], input: ['mlflow.span', Q], output: ['mlflow.span', A], truncated: false });
  });

  it('passes the configured carriers on', () => {
    const trace = traceOf(record([{ name: 'root', start: 0 }]));
    (trace.spans[0]!.attributes.raw as Record<string, unknown>)['app.in'] = '"configured"';
    expect(turnIo(trace, { extraCarriers: [keyCarrier('cfg', ['app.in'], [])] }).input).toEqual({
      carrier: 'cfg',
      key: 'app.in',
      value: 'configured',
    });
  });
});

describe('turnIo: truncated previews only when no span has I/O', () => {
  it.each<{ name: string; rec: unknown; expected: Record<string, unknown> }>([
    {
      name: 'spans without I/O: request/response previews, truncated',
      rec: record([{ name: 'root', start: 0 }], { request_preview: 'Where is my order?', response_preview: '"It ships today."' }),
      expected: {
        span: null,
        depth: null,
        selection: 'preview',
        wrapperChain: [],
        input: ['truncated-preview', 'Where is my order?'],
        output: ['truncated-preview', 'It ships today.'],
        truncated: true,
      },
    },
    {
      name: 'empty previews give way to the metadata copies',
      rec: record([], { request_preview: '', response_preview: 'null', trace_metadata: { 'mlflow.traceInputs': '{"q": "x"}', 'mlflow.traceOutputs': '"y"' } }),
      expected: { span: null, depth: null, selection: 'preview', wrapperChain: [], input: ['truncated-preview', { q: 'x' }], output: ['truncated-preview', 'y'], truncated: true },
    },
    {
      name: 'any span I/O wins over the previews',
      rec: record([{ name: 'root', start: 0, inputs: 'span input' }], { request_preview: 'preview', response_preview: 'preview answer' }),
      expected: { span: 'root', depth: 0, selection: 'partial', wrapperChain: [], input: ['mlflow.span', 'span input'], output: null, truncated: false },
    },
    {
      name: 'a wrapper root with empty previews and no I/O anywhere: nothing',
      rec: record([{ name: 'root', start: 0 }], { request_preview: '', response_preview: '', trace_metadata: { 'mlflow.traceInputs': '', 'mlflow.traceOutputs': '' } }),
      expected: { span: null, depth: null, selection: 'none', wrapperChain: [], input: null, output: null, truncated: false },
    },
  ])('$name', ({ rec, expected }) => {
    expect(view(turnIo(traceOf(rec)))).toEqual(expected);
  });

  it.each([
    {
      file: 'truncated-request-preview.json',
      input: ['request_preview', 'When does the night train to Munich leave?', false],
      output: ['response_preview', 1000, true],
    },
    {
      file: 'truncated-trace-metadata.json',
      input: ['mlflow.traceInputs', 250, true],
      output: ['mlflow.traceOutputs', 'Hello! How can I help you today?', false],
    },
  ])('$file: carrier truncated-preview, key, text (or its length when MLflow cut it) and cut', async ({ file, input, output }) => {
    const [trace] = await fixtureTraces(`../carrier-fixtures/${file}`, 'record');
    const io = turnIo(trace!);
    expect([io.selection, io.truncated, io.input!.carrier, io.output!.carrier]).toEqual(['preview', true, 'truncated-preview', 'truncated-preview']);
    const shown = (v: unknown, side: 'input' | 'output'): [string | number, boolean] => {
      const s = summarizeIo(v, 'truncated-preview', { side, full: true });
      const text = side === 'input' ? s.userText : s.assistantText;
      return [s.cut ? [...text].length : text, s.cut];
    };
    expect([io.input!.key, ...shown(io.input!.value, 'input')]).toEqual(input);
    expect([io.output!.key, ...shown(io.output!.value, 'output')]).toEqual(output);
  });
});

// ---- the upstream fixtures (test/fixtures) and samples/ -------------------------------------

interface Expected {
  span: string | null;
  depth: number | null;
  selection: string;
  carriers: [string | null, string | null];
  user: string;
  answer: string;
}

async function turnOf(trace: Trace, maxChars = 2000): Promise<Expected> {
  const io = turnIo(trace);
  const text = (side: 'input' | 'output'): string => {
    const v = io[side];
    if (!v) return '';
    const s = summarizeIo(v.value, v.carrier, { side, maxChars });
    return side === 'input' ? s.userText : s.assistantText;
  };
  return {
    span: io.spanName,
    depth: io.depth,
    selection: io.selection,
    carriers: [io.input ? `${io.input.carrier} ${io.input.key}` : null, io.output ? `${io.output.carrier} ${io.output.key}` : null],
    user: text('input'),
    answer: text('output'),
  };
}

const WEATHER: Expected = {
  span: 'agent',
  depth: 0,
  selection: 'root',
  carriers: ['mlflow.span mlflow.spanInputs', 'mlflow.span mlflow.spanOutputs'],
  user: "What's the weather in Paris?",
  answer: 'It is sunny in Paris.',
};
const ERROR_ROOT: Expected = {
  span: 'error_root',
  depth: 0,
  selection: 'failed',
  carriers: ['mlflow.span mlflow.spanInputs', null],
  user: '{"q":"x"}',
  answer: '',
};

describe('turnIo on the upstream fixtures', () => {
  it.each<{ file: string; via: 'record' | 'read'; expected: Expected[] }>([
    { file: 'v2.19_trace_ok.json', via: 'record', expected: [WEATHER] },
    { file: 'v2.22_trace_ok_chat_messages.json', via: 'record', expected: [WEATHER] },
    { file: 'v2.22_trace_error.json', via: 'record', expected: [ERROR_ROOT] },
    { file: 'v3.4_trace_ok_assessments_session.json', via: 'record', expected: [WEATHER] },
    { file: 'v3.4_cli_traces_search_output_json.json', via: 'read', expected: [ERROR_ROOT, WEATHER] },
    { file: 'v3.5.0-equivalent_trace_ok_assessments_session.json', via: 'record', expected: [WEATHER] },
    { file: 'v3.6_trace_ok_assessments_session.json', via: 'record', expected: [WEATHER] },
    { file: 'v3.6_trace_error.json', via: 'record', expected: [ERROR_ROOT] },
    {
      file: 'v3.6_trace_span_events_microsecond_timestamps.json',
      via: 'record',
      // The root's output is `null` (empty) and the streaming child has no I/O: the root, input only.
      expected: [{ span: 'pipeline', depth: 0, selection: 'partial', carriers: ['mlflow.span mlflow.spanInputs', null], user: 'héllo wörld', answer: '' }],
    },
    {
      file: 'v3.6_trace_otel_ingested_genai_openinference.json',
      via: 'record',
      // MLflow's own UI shows this turn empty (mlflow/mlflow#24677): the root `invoke_agent` has no I/O.
      expected: [
        { span: 'chat gpt-4o-mini', depth: 1, selection: 'descendant', carriers: ['mlflow.span mlflow.spanInputs', 'mlflow.span mlflow.spanOutputs'], user: 'Weather in Paris?', answer: 'Sunny.' },
      ],
    },
    { file: 'v3.6_cli_traces_search_output_json.json', via: 'read', expected: [ERROR_ROOT, WEATHER] },
    {
      file: 'v3.6_cli_traces_search_extract_fields.json',
      via: 'read',
      // --extract-fields kept span names only: no I/O, no previews.
      expected: [{ span: null, depth: null, selection: 'none', carriers: [null, null], user: '', answer: '' }],
    },
  ])('$file', async ({ file, via, expected }) => {
    const traces = await fixtureTraces(file, via);
    expect(await Promise.all(traces.map((t) => turnOf(t)))).toEqual(expected);
  });

  it('the OTel fixture without the mlflow.span* copies reads the GenAI convention itself', async () => {
    const rec = fixtureJson('v3.6_trace_otel_ingested_genai_openinference.json') as { data: { spans: Array<{ attributes: Record<string, unknown> }> } };
    for (const span of rec.data.spans) {
      delete span.attributes['mlflow.spanInputs'];
      delete span.attributes['mlflow.spanOutputs'];
    }
    expect(await turnOf(traceOf(rec))).toEqual({
      span: 'chat gpt-4o-mini',
      depth: 1,
      selection: 'descendant',
      carriers: ['gen_ai.messages gen_ai.input.messages', 'gen_ai.messages gen_ai.output.messages'],
      user: 'Weather in Paris?',
      answer: 'Sunny.',
    });
  });
});

describe('turnIo on samples/', () => {
  it('finds every turn: roots, wrappers at depth 1 and 2, a failed agent, OTel GenAI below invoke_agent', async () => {
    const got: Array<[string, Expected]> = [];
    for await (const event of readTraces([new URL('../../samples', import.meta.url).pathname])) {
      if (event.type === 'trace') got.push([event.trace.traceId, await turnOf(event.trace, 40)]);
    }
    got.sort(([a], [b]) => a.localeCompare(b));
    const mlflow: Expected['carriers'] = ['mlflow.span mlflow.spanInputs', 'mlflow.span mlflow.spanOutputs'];
    // Texts cut at 40 characters keep the expectations short; checked against the sample files
    // with Python (`len(text) - 40` code points cut).
    const root = (user: string, answer: string): Expected => ({ span: 'support_agent', depth: 0, selection: 'root', carriers: mlflow, user, answer });
    expect(got).toEqual([
      ['3781cb4c5076daa8b83e9664f2d7445c', root('And can I pay with PayPal?', "I'm sorry, I can't look up our payment o… [cut, 105 chars]")],
      ['4d3a3b9fe6b5501cc34cdcea6dfa01bc', root('How long does delivery to Portugal take?', 'Standard delivery to Portugal takes 3–5 … [cut, 100 chars]')],
      ['tr-0db43d844574d1055d12ea28d4b290e6', root("Honestly I'd rather just return it and g… [cut, 44 chars]", 'Of course. Our refund policy allows retu… [cut, 259 chars]')],
      ['tr-13cfe5b30981a23e50c077e461f6a2e6', root('What are your customer service hours?', 'Our customer service team is available M… [cut, 95 chars]')],
      ['tr-1b5ff12852e9a8599f3d68af257f6254', root('Hi, I need help with my order AC-58213 —… [cut, 26 chars]', 'Hi! I found order AC-58213: Acme Voyager… [cut, 96 chars]')],
      [
        'tr-2d4235a4995a04c8df10266eafee1e91',
        { span: 'booking_agent', depth: 2, selection: 'descendant', carriers: mlflow, user: 'OK, please add one checked bag.', answer: 'Done — one 23 kg checked bag is now on b… [cut, 104 chars]' },
      ],
      ['tr-3d038574a10650ce84e9aef154170594', root('The zipper on the front pocket is alread… [cut, 48 chars]', "I'm sorry to hear that! Yes — zippers ar… [cut, 229 chars]")],
      ['tr-431e32114628b590f68d7835089ffda1', root("Great. I'm travelling until the 16th — s… [cut, 34 chars]", 'Yes — day 45 (16 November) is still insi… [cut, 178 chars]')],
      [
        'tr-5bbe5cd70623ec31a4222d494982c534',
        {
          span: 'booking_agent',
          depth: 1,
          selection: 'descendant',
          carriers: mlflow,
          user: "Hi, what's the checked baggage allowance… [cut, 19 chars]",
          answer: 'Your booking ZX4Q7P (Lisbon → Berlin on … [cut, 145 chars]',
        },
      ],
      [
        'tr-5ca81f36845adbfabba8f2c8cb6441ff',
        // An agent loop: the first chat call asks for get_flight_status, the last one answers.
        {
          span: 'chat gpt-4o-mini',
          depth: 1,
          selection: 'descendant',
          carriers: mlflow,
          user: 'Is my flight AX412 to Madrid tomorrow on… [cut, 6 chars]',
          answer: 'Yes — AX412 from Lisbon to Madrid tomorr… [cut, 75 chars]',
        },
      ],
      [
        'tr-9326a5b04ef80418fd5771af1f6b56bb',
        // The agent timed out: its input is the turn's, and there is no answer.
        { span: 'booking_agent', depth: 1, selection: 'failed', carriers: ['mlflow.span mlflow.spanInputs', null], user: 'Thanks! Can you also move the flight to … [cut, 9 chars]', answer: '' },
      ],
      [
        'tr-952138533270f210e1e4a2d2e507a951',
        { span: 'chat gpt-4o-mini', depth: 1, selection: 'descendant', carriers: mlflow, user: 'Can I already check in online?', answer: 'Yes. Online check-in for AX412 opens 24 … [cut, 128 chars]' },
      ],
      ['tr-eaad7e61ac6baaa620d497e41960925c', root('Perfect, please start the refund now so … [cut, 27 chars]', "I'm sorry — I tried to submit the refund… [cut, 236 chars]")],
    ]);
  });
});
