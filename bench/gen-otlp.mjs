#!/usr/bin/env node
// Writes a seeded OTLP/JSON file of about --bytes, one ExportTraceServiceRequest a line, as the
// OpenTelemetry Collector's file exporter writes it: chat turns of three spans each (an agent
// root, a tool call, a model call with GenAI messages), sessions of several turns, one model call
// in twenty failing with an exception, and a batch exporter's habit of flushing a trace's spans in
// two requests. For measuring the other-tracer path (docs/inputs.md): `node bench/gen-otlp.mjs
// --out /tmp/otlp.jsonl --bytes 100e6`.
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { out: { type: 'string' }, bytes: { type: 'string', default: '100e6' }, seed: { type: 'string', default: '7' } } });
if (!values.out) throw new Error('--out <file> is required');
const target = Number(values.bytes);
let state = Number(values.seed) >>> 0 || 1;
const random = () => (state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32;
const hex = (n) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
const str = (key, value) => ({ key, value: { stringValue: value } });
const int = (key, value) => ({ key, value: { intValue: String(value) } });

const QUESTIONS = ['Where is my order?', 'Can you change the delivery address?', 'What is your refund policy?', 'My parcel arrived damaged.', 'Cancel my subscription, please.'];
const ANSWERS = [
  'It has shipped and should arrive on Friday.',
  'I have updated the address.',
  'Refunds are possible within 30 days.',
  'I am sorry to hear that; a replacement is on its way.',
  'Your subscription is cancelled.',
];
const resource = { attributes: [str('service.name', 'support-bot'), str('telemetry.sdk.language', 'python'), str('deployment.environment', 'bench')] };

let start = 1_760_000_000_000_000_000n;
function turn(session, index) {
  const traceId = hex(32);
  const [root, tool, llm] = [hex(16), hex(16), hex(16)];
  const q = QUESTIONS[Math.floor(random() * QUESTIONS.length)];
  const a = ANSWERS[Math.floor(random() * ANSWERS.length)];
  const failed = random() < 0.05;
  const t0 = (start += 60_000_000_000n);
  const ns = (ms) => String(t0 + BigInt(ms) * 1_000_000n);
  const input = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: q }] }]);
  const output = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: a }], finish_reason: 'stop' }]);
  const spans = [
    {
      traceId,
      spanId: tool,
      parentSpanId: root,
      name: 'execute_tool lookup_order',
      kind: 1,
      startTimeUnixNano: ns(2),
      endTimeUnixNano: ns(40),
      attributes: [str('gen_ai.operation.name', 'execute_tool'), str('gen_ai.tool.name', 'lookup_order'), str('session.id', session)],
      status: {},
    },
    {
      traceId,
      spanId: llm,
      parentSpanId: root,
      name: 'chat gpt-4o-mini',
      kind: 3,
      startTimeUnixNano: ns(45),
      endTimeUnixNano: ns(900),
      attributes: [
        str('gen_ai.operation.name', 'chat'),
        str('gen_ai.request.model', 'gpt-4o-mini'),
        str('gen_ai.input.messages', input),
        ...(failed ? [] : [str('gen_ai.output.messages', output)]),
        int('gen_ai.usage.input_tokens', 200 + index * 40),
        int('gen_ai.usage.output_tokens', 30),
        str('session.id', session),
      ],
      events: failed ? [{ timeUnixNano: ns(899), name: 'exception', attributes: [str('exception.type', 'TimeoutError'), str('exception.message', 'upstream model timed out')] }] : [],
      status: failed ? { code: 2, message: 'TimeoutError: upstream model timed out' } : { code: 1 },
    },
    {
      traceId,
      spanId: root,
      name: 'invoke_agent support-bot',
      kind: 1,
      startTimeUnixNano: ns(0),
      endTimeUnixNano: ns(950),
      attributes: [str('gen_ai.operation.name', 'invoke_agent'), str('session.id', session), str('gen_ai.input.messages', input), ...(failed ? [] : [str('gen_ai.output.messages', output)])],
      status: failed ? { code: 2, message: 'chat failed' } : { code: 1 },
    },
  ];
  return spans;
}

const request = (spans) => JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'support-bot.agent', version: '1.0.0' }, spans }] }] }) + '\n';
const out = createWriteStream(values.out);
let written = 0;
let traces = 0;
let carry = [];
while (written < target) {
  const session = `sess-${hex(8)}`;
  const turns = 2 + Math.floor(random() * 6);
  for (let i = 0; i < turns; i++) {
    const spans = turn(session, i);
    traces++;
    // A batch exporter flushes when its batch is full: a trace's first span goes out with the
    // batch before, the rest with the next one.
    const line = request([...carry, spans[0]]);
    carry = spans.slice(1);
    written += Buffer.byteLength(line);
    if (!out.write(line)) await new Promise((resolve) => out.once('drain', resolve));
  }
}
if (carry.length > 0) out.write(request(carry));
await new Promise((resolve) => out.end(resolve));
console.error(`wrote ${values.out}: ${(written / 1e6).toFixed(1)} MB, ${traces} traces`);
