#!/usr/bin/env node
// Writes the per-carrier fixtures of this folder (see README.md): one small trace per carrier of
// src/model/carrier-table.ts, in MLflow's export shape. Deterministic; run from the repository root:
//
//   node test/carrier-fixtures/make-fixtures.mjs

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dumps, ensureAscii, Raw } from '../../scripts/lib/pyjson.mjs';

const OUT = dirname(fileURLToPath(import.meta.url));

const digest = (label) => createHash('sha256').update(`tracetriage-carriers/${label}`).digest();
const hex = (label, bytes) => digest(label).subarray(0, bytes).toString('hex');
const b64 = (h) => Buffer.from(h, 'hex').toString('base64');

const BASE = 1760000000000000000n; // 2025-10-09T08:53:20Z
/** Nanosecond times as exact digits (they exceed 2^53). */
const at = (ms) => new Raw(String(BASE + BigInt(ms) * 1_000_000n));

/** How MLflow stores a span attribute: json.dumps(value, ensure_ascii=False). */
const enc = (v) => dumps(v);
/**
 * An OTel string attribute holding JSON text (written by a Python instrumentation's json.dumps),
 * as MLflow's OTLP ingestion stores it: JSON-encoded once more.
 */
const encJsonText = (v) => dumps(dumps(v));
/** The same from a JavaScript SDK (Vercel AI): JSON.stringify's compact text, encoded once more. */
const encJsText = (v) => dumps(JSON.stringify(v));

/** `Trace.to_json(pretty=True)`: json.dumps(indent=2), ensure_ascii=True. */
function write(file, trace) {
  writeFileSync(join(OUT, file), `${ensureAscii(dumps(trace, 2))}\n`);
}

const location = { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } };

/** A 3.5.1+ span (`Span.to_dict`): base64 ids, null root parent, STATUS_CODE_*, events list. */
function span(label, traceHex, requestId, { name, parent = null, start, end, attributes, events = [], error = '' }) {
  return {
    trace_id: b64(traceHex),
    span_id: b64(hex(label, 8)),
    parent_span_id: parent === null ? null : b64(hex(parent, 8)),
    name,
    start_time_unix_nano: at(start),
    end_time_unix_nano: at(end),
    events,
    status: { code: error ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK', message: error },
    attributes: { 'mlflow.traceRequestId': enc(requestId), ...attributes },
  };
}

/**
 * What MLflow stores for spans received over OTLP (`Span.from_otel_proto`): every attribute value
 * JSON-encoded; no `mlflow.spanInputs` / `mlflow.spanOutputs` for conventions MLflow does not
 * translate (or before the translation of PR #18532); info without previews.
 */
function otlpTrace(label, spans, durationMs) {
  const traceHex = hex(`${label}/trace`, 16);
  const requestId = `tr-${traceHex}`;
  return {
    info: {
      trace_id: requestId,
      trace_location: location,
      request_time: '2025-10-09T08:53:20Z',
      state: 'OK',
      trace_metadata: {},
      tags: {
        'mlflow.trace.spansLocation': 'TRACKING_STORE',
        'mlflow.artifactLocation': `/path/to/mlruns/1/traces/${requestId}/artifacts`,
      },
      execution_duration_ms: durationMs,
    },
    data: { spans: spans.map((s) => span(`${label}/${s.id}`, traceHex, requestId, { ...s, parent: s.parent ? `${label}/${s.parent}` : null })) },
  };
}

// ---- mlflow.span: Python SDK 3.5.1+, @mlflow.trace agent with a tool ------------------------

{
  const label = 'mlflow-span';
  const traceHex = hex(`${label}/trace`, 16);
  const id = `tr-${traceHex}`;
  const inputs = { messages: [{ role: 'user', content: 'Where is my parcel 4411?' }] };
  const answer = 'Parcel 4411 left the Lyon depot this morning and should arrive tomorrow before noon.';
  write(`${label}.json`, {
    info: {
      trace_id: id,
      trace_location: location,
      request_time: '2025-10-09T08:53:20Z',
      state: 'OK',
      trace_metadata: {
        'mlflow.traceInputs': enc(inputs),
        'mlflow.traceOutputs': enc(answer),
        'mlflow.trace_schema.version': '3',
        'mlflow.trace.session': 'sess-parcel-1',
      },
      tags: { 'mlflow.traceName': 'support_agent' },
      request_preview: 'Where is my parcel 4411?',
      response_preview: enc(answer),
      execution_duration_ms: 640,
    },
    data: {
      spans: [
        span(`${label}/root`, traceHex, id, {
          name: 'support_agent',
          start: 0,
          end: 640,
          attributes: {
            'mlflow.spanType': enc('AGENT'),
            'mlflow.spanFunctionName': enc('support_agent'),
            'mlflow.spanInputs': enc(inputs),
            'mlflow.spanOutputs': enc(answer),
          },
        }),
        span(`${label}/tool`, traceHex, id, {
          name: 'track_parcel',
          parent: `${label}/root`,
          start: 12,
          end: 210,
          attributes: {
            'mlflow.spanType': enc('TOOL'),
            'mlflow.spanFunctionName': enc('track_parcel'),
            'mlflow.spanInputs': enc({ parcel_id: '4411' }),
            'mlflow.spanOutputs': enc({ status: 'in_transit', eta: '2025-10-10T12:00:00Z' }),
          },
        }),
      ],
    },
  });
}

// ---- mlflow.chat.messages: MLflow 2.22, a manual LLM span with only set_span_chat_messages ---

{
  const requestId = hex('mlflow-chat-messages/request', 16);
  const traceHex = hex('mlflow-chat-messages/otel', 16);
  const messages = [
    { role: 'system', content: 'You convert currencies for travellers.' },
    { role: 'user', content: 'How much is 120 EUR in yen?' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_fx1', type: 'function', function: { name: 'get_rate', arguments: '{"from": "EUR", "to": "JPY"}' } }] },
    { role: 'tool', content: '162.4', tool_call_id: 'call_fx1' },
    { role: 'assistant', content: "120 EUR is about 19,488 JPY at today's rate of 162.4." },
  ];
  write('mlflow-chat-messages.json', {
    info: {
      request_id: requestId,
      experiment_id: '1',
      timestamp_ms: 1760000000000,
      execution_time_ms: 420,
      status: 'OK',
      request_metadata: { 'mlflow.traceInputs': '', 'mlflow.traceOutputs': '', 'mlflow.trace_schema.version': '2' },
      tags: { 'mlflow.traceName': 'fx_chat' },
      assessments: [],
    },
    data: {
      spans: [
        {
          name: 'fx_chat',
          context: { span_id: hex('mlflow-chat-messages/root', 8), trace_id: traceHex },
          parent_id: null,
          start_time: at(0),
          end_time: at(420),
          status_code: 'OK',
          status_message: '',
          attributes: {
            'mlflow.traceRequestId': enc(requestId),
            'mlflow.spanType': enc('CHAT_MODEL'),
            'mlflow.chat.messages': enc(messages),
          },
          events: [],
        },
      ],
      request: '',
      response: '',
    },
  });
}

// ---- OTLP-ingested conventions (3.5.1+ span format) -----------------------------------------

write(
  'langfuse.json',
  otlpTrace(
    'langfuse',
    [
      {
        id: 'root',
        name: 'handle_question',
        start: 0,
        end: 800,
        attributes: {
          'langfuse.observation.type': enc('span'),
          'langfuse.observation.input': encJsonText({ args: [], kwargs: { question: 'Can I bring a power bank on board?' } }),
          'langfuse.observation.output': encJsonText('Yes: power banks up to 100 Wh are allowed in cabin baggage only, never in checked bags.'),
          'session.id': enc('sess-lf-7'),
        },
      },
    ],
    800,
  ),
);

write(
  'gen-ai-messages.json',
  otlpTrace(
    'gen-ai-messages',
    [
      {
        id: 'root',
        name: 'chat gpt-4o-mini',
        start: 0,
        end: 700,
        attributes: {
          'gen_ai.operation.name': enc('chat'),
          'gen_ai.provider.name': enc('openai'),
          'gen_ai.request.model': enc('gpt-4o-mini'),
          'gen_ai.input.messages': encJsonText([
            { role: 'system', parts: [{ type: 'text', content: 'You answer questions about rail travel.' }] },
            { role: 'user', parts: [{ type: 'text', content: 'Is there a night train from Vienna to Rome?' }] },
          ]),
          'gen_ai.output.messages': encJsonText([{ role: 'assistant', parts: [{ type: 'text', content: 'Yes, the Nightjet runs from Vienna to Rome every night.' }], finish_reason: 'stop' }]),
          'gen_ai.usage.input_tokens': enc(41),
          'gen_ai.usage.output_tokens': enc(14),
        },
      },
    ],
    700,
  ),
);

write(
  'gen-ai-tool-call.json',
  otlpTrace(
    'gen-ai-tool-call',
    [
      {
        id: 'root',
        name: 'invoke_agent fx-agent',
        start: 0,
        end: 500,
        attributes: { 'gen_ai.operation.name': enc('invoke_agent'), 'gen_ai.agent.name': enc('fx-agent') },
      },
      {
        id: 'tool',
        parent: 'root',
        name: 'execute_tool convert_currency',
        start: 20,
        end: 140,
        attributes: {
          'gen_ai.operation.name': enc('execute_tool'),
          'gen_ai.tool.name': enc('convert_currency'),
          'gen_ai.tool.call.id': enc('call_77'),
          'gen_ai.tool.call.arguments': encJsonText({ amount: 120, from: 'EUR', to: 'JPY' }),
          'gen_ai.tool.call.result': encJsonText({ amount: 19488, currency: 'JPY' }),
        },
      },
    ],
    500,
  ),
);

write(
  'gen-ai-indexed.json',
  otlpTrace(
    'gen-ai-indexed',
    [
      {
        id: 'root',
        name: 'openai.chat',
        start: 0,
        end: 900,
        attributes: {
          'llm.request.type': enc('chat'),
          'gen_ai.system': enc('openai'),
          'gen_ai.request.model': enc('gpt-4o-mini'),
          'gen_ai.prompt.0.role': enc('system'),
          'gen_ai.prompt.0.content': enc('You track orders for Acme Shop.'),
          'gen_ai.prompt.1.role': enc('user'),
          'gen_ai.prompt.1.content': enc('Has order A-1009 shipped yet?'),
          'gen_ai.completion.0.role': enc('assistant'),
          'gen_ai.completion.0.finish_reason': enc('tool_calls'),
          'gen_ai.completion.0.tool_calls.0.id': enc('call_a1009'),
          'gen_ai.completion.0.tool_calls.0.name': enc('get_order_status'),
          'gen_ai.completion.0.tool_calls.0.arguments': encJsonText({ order_id: 'A-1009' }),
          'gen_ai.usage.prompt_tokens': enc(52),
          'gen_ai.usage.completion_tokens': enc(18),
          'llm.usage.total_tokens': enc(70),
        },
      },
    ],
    900,
  ),
);

write(
  'openinference-value.json',
  otlpTrace(
    'openinference-value',
    [
      {
        id: 'root',
        name: 'agent.run',
        start: 0,
        end: 1200,
        attributes: {
          'openinference.span.kind': enc('CHAIN'),
          'input.value': enc('What is the baggage allowance in economy?'),
          'input.mime_type': enc('text/plain'),
          'output.value': encJsonText({ answer: 'One 23 kg checked bag and one 8 kg cabin bag.', sources: ['baggage-policy.md'] }),
          'output.mime_type': enc('application/json'),
        },
      },
    ],
    1200,
  ),
);

write(
  'openinference-messages.json',
  otlpTrace(
    'openinference-messages',
    [
      {
        id: 'root',
        name: 'ChatCompletion',
        start: 0,
        end: 1500,
        attributes: {
          'openinference.span.kind': enc('LLM'),
          'llm.model_name': enc('gpt-4o'),
          'llm.input_messages.0.message.role': enc('system'),
          'llm.input_messages.0.message.content': enc('You check cabin bags against size rules.'),
          'llm.input_messages.1.message.role': enc('user'),
          'llm.input_messages.1.message.contents.0.message_content.type': enc('text'),
          'llm.input_messages.1.message.contents.0.message_content.text': enc('Does this bag fit in the cabin?'),
          'llm.input_messages.1.message.contents.1.message_content.type': enc('image'),
          'llm.input_messages.1.message.contents.1.message_content.image.image.url': enc('https://example.com/bag.jpg'),
          'llm.output_messages.0.message.role': enc('assistant'),
          'llm.output_messages.0.message.content': enc('Let me check the measurements against the rules.'),
          'llm.output_messages.0.message.tool_calls.0.tool_call.id': enc('call_bag'),
          'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': enc('check_bag_size'),
          'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': encJsonText({ height_cm: 55, width_cm: 40, depth_cm: 23 }),
          'llm.token_count.prompt': enc(812),
          'llm.token_count.completion': enc(31),
        },
      },
    ],
    1500,
  ),
);

write(
  'traceloop-entity.json',
  otlpTrace(
    'traceloop-entity',
    [
      {
        id: 'root',
        name: 'refund_workflow.workflow',
        start: 0,
        end: 950,
        attributes: {
          'traceloop.span.kind': enc('workflow'),
          'traceloop.entity.name': enc('refund_workflow'),
          'traceloop.workflow.name': enc('refund_workflow'),
          'traceloop.entity.input': encJsonText({ args: ['My train was cancelled, can I get a refund?'], kwargs: {} }),
          'traceloop.entity.output': encJsonText('Yes: a cancelled train is refunded in full within 14 days.'),
        },
      },
    ],
    950,
  ),
);

write(
  'vercel-ai.json',
  otlpTrace(
    'vercel-ai',
    [
      {
        id: 'root',
        name: 'ai.generateText',
        start: 0,
        end: 1100,
        attributes: {
          'ai.operationId': enc('ai.generateText'),
          'ai.model.id': enc('gpt-4o-mini'),
          'ai.prompt': encJsText({ system: 'You are a concise travel assistant.', prompt: 'Do I need a visa for Japan as an EU citizen?' }),
          'ai.response.text': enc('No: EU citizens can visit Japan visa-free for up to 90 days.'),
          'ai.response.finishReason': enc('stop'),
        },
      },
      {
        id: 'call',
        parent: 'root',
        name: 'ai.generateText.doGenerate',
        start: 10,
        end: 1090,
        attributes: {
          'ai.operationId': enc('ai.generateText.doGenerate'),
          'ai.prompt.messages': encJsText([
            { role: 'system', content: 'You are a concise travel assistant.' },
            { role: 'user', content: [{ type: 'text', text: 'Do I need a visa for Japan as an EU citizen?' }] },
          ]),
          'ai.response.text': enc('No: EU citizens can visit Japan visa-free for up to 90 days.'),
        },
      },
    ],
    1100,
  ),
);

write(
  'gen-ai-events.json',
  otlpTrace(
    'gen-ai-events',
    [
      {
        id: 'root',
        name: 'chat claude-3-5-haiku',
        start: 0,
        end: 1300,
        attributes: { 'gen_ai.operation.name': enc('chat'), 'gen_ai.system': enc('anthropic') },
        events: [
          { name: 'gen_ai.system.message', time_unix_nano: at(1), attributes: { 'gen_ai.system': 'anthropic', content: 'You help with hotel bookings.' } },
          { name: 'gen_ai.user.message', time_unix_nano: at(1), attributes: { 'gen_ai.system': 'anthropic', content: 'Can I check in before 3 pm?' } },
          {
            name: 'gen_ai.choice',
            time_unix_nano: at(1290),
            attributes: { 'gen_ai.system': 'anthropic', index: 0, finish_reason: 'end_turn', content: 'Early check-in from 11 am is possible for a fee of 20 EUR, subject to availability.' },
          },
        ],
      },
    ],
    1300,
  ),
);

write(
  'generic.json',
  otlpTrace(
    'generic',
    [
      {
        id: 'root',
        name: 'answer_question',
        start: 0,
        end: 600,
        attributes: {
          input: enc('Which gate does LH1234 leave from?'),
          output: encJsonText({ answer: 'Gate B22; boarding starts at 09:40.' }),
        },
      },
    ],
    600,
  ),
);

write(
  'extra-carrier.json',
  otlpTrace(
    'extra-carrier',
    [
      {
        id: 'root',
        name: 'POST /chat',
        start: 0,
        end: 750,
        attributes: {
          'http.method': enc('POST'),
          'app.request.body': encJsonText({ message: 'Cancel my booking ZX4Q7P, please.' }),
          'app.response.body': encJsonText({ reply: 'Booking ZX4Q7P is cancelled; the refund of 89 EUR is on its way.' }),
        },
      },
    ],
    750,
  ),
);

// ---- truncated previews: no span carries I/O --------------------------------------------------

{
  const id = `tr-${hex('truncated-request-preview/trace', 16)}`;
  const long = `The night train leaves at 21:40 from platform 7. ${'Sleeper cabins have two or four berths; '.repeat(30)}`;
  write('truncated-request-preview.json', {
    info: {
      trace_id: id,
      trace_location: location,
      request_time: '2025-10-09T08:53:20Z',
      state: 'OK',
      trace_metadata: { 'mlflow.trace_schema.version': '3' },
      tags: { 'mlflow.trace.spansLocation': 'ARTIFACT_REPO' },
      request_preview: 'When does the night train to Munich leave?',
      response_preview: `${long.slice(0, 997)}...`,
      execution_duration_ms: 2100,
    },
    data: { spans: [] },
  });
}

{
  const requestId = hex('truncated-trace-metadata/request', 16);
  const inputs = dumps({
    messages: [
      { role: 'system', content: `You are Acme's support assistant. ${'Be brief. '.repeat(30)}` },
      { role: 'user', content: 'Hi' },
    ],
  });
  write('truncated-trace-metadata.json', {
    info: {
      request_id: requestId,
      experiment_id: '1',
      timestamp_ms: 1760000000000,
      execution_time_ms: 300,
      status: 'OK',
      request_metadata: {
        'mlflow.traceInputs': `${inputs.slice(0, 247)}...`,
        'mlflow.traceOutputs': enc('Hello! How can I help you today?'),
        'mlflow.trace_schema.version': '2',
      },
      tags: {},
      assessments: [],
    },
    data: { spans: [] },
  });
}
