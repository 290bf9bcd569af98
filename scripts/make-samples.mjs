#!/usr/bin/env node
// Regenerates samples/ : a small, realistic export of MLflow chat traces in several
// format versions and containers (see samples/README.md for the stories).
//
//   node scripts/make-samples.mjs
//
// Deterministic: fixed timestamps, ids derived from sha256 of fixed labels, and a
// serializer that writes JSON the way Python's json.dumps does (indent=2 or compact,
// ensure_ascii=True at file level, ensure_ascii=False inside span attribute strings).
// Nanosecond times are BigInt and printed as exact digits; feedback numbers that MLflow
// stores as floats go through pyFloat so they print as "4.0".

import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dumps, ensureAscii, pyFloat } from './lib/pyjson.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// `node scripts/make-samples.mjs [dir] [--judge-free]`: samples/ by default; the test writes to a
// temporary dir. `--judge-free` writes the variant without assessments (what most production
// dumps look like), test/judge-free/ by default, with one more session a real dump of
// the app would hold: another customer asking about refunds, answered from the current policy.
const ARGS = process.argv.slice(2);
const JUDGE_FREE = ARGS.includes('--judge-free');
const OUT = resolve(ARGS.find((a) => !a.startsWith('--')) ?? join(REPO, JUDGE_FREE ? 'test/judge-free' : 'samples'));

/** How the Python SDK stores a span attribute: json.dumps(v, ensure_ascii=False). */
const enc = (v) => dumps(v);
/** `mlflow traces get` / `search --output json` / Trace.to_json(pretty=True) */
const pretty = (v) => `${ensureAscii(dumps(v, 2))}\n`;
/** Trace.to_json() (pretty=False) */
const compact = (v) => ensureAscii(dumps(v));

// ---------------------------------------------------------------------------
// Deterministic ids and times
// ---------------------------------------------------------------------------

const digest = (label) => createHash('sha256').update(`tracetriage-samples/${label}`).digest();
const hexId = (label, bytes) => digest(label).subarray(0, bytes).toString('hex');
const b64 = (hex) => Buffer.from(hex, 'hex').toString('base64');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const alnumId = (label, n) => {
  const d = Buffer.concat([digest(label), digest(`${label}/2`)]);
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[d[i] % ALNUM.length];
  return s;
};
const jitterNs = (label) => BigInt(digest(`jitter/${label}`).readUInt16BE(0) % 1000);
/** a few hundred µs after the written millisecond, so request_time keeps that millisecond */
const subMs = (label) => BigInt(digest(`start/${label}`).readUInt16BE(0) % 1000) * 1000n;

const NS_PER_MS = 1_000_000n;
const utcNs = (iso) => BigInt(Date.parse(iso)) * NS_PER_MS;
/** offset in milliseconds (up to µs precision) → ns, plus sub-µs noise */
const at = (baseNs, ms, label) => baseNs + BigInt(Math.round(ms * 1000)) * 1000n + jitterNs(label);

/** protobuf Timestamp JSON: no fraction when ms == 0, else 3 digits */
function rfc3339(ms) {
  const s = new Date(Number(ms)).toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, -5)}Z` : s;
}

// ---------------------------------------------------------------------------
// MLflow helpers
// ---------------------------------------------------------------------------

const MAX_META = 250; // MAX_CHARS_IN_TRACE_INFO_METADATA
const MAX_PREVIEW = 1000; // TRACE_REQUEST_RESPONSE_PREVIEW_MAX_LENGTH_OSS

const cpLen = (s) => [...s].length;
const cpSlice = (s, n) => [...s].slice(0, n).join('');

function truncateMetadata(value) {
  if (!value) return '';
  return cpLen(value) > MAX_META ? `${cpSlice(value, MAX_META - 3)}...` : value;
}

/** mlflow/tracing/utils/truncation.py::_get_truncated_preview */
function truncatedPreview(raw, role) {
  if (raw === undefined || raw === null) return '';
  let content = null;
  let obj;
  try {
    obj = JSON.parse(raw);
  } catch {
    obj = undefined;
  }
  if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
    let messages = null;
    if (Array.isArray(obj.messages) && obj.messages.length) {
      messages = obj.messages.filter((m) => m && typeof m === 'object' && 'role' in m && 'content' in m);
    } else if (Array.isArray(obj.choices) && obj.choices.length && obj.choices[0]?.message) {
      messages = [obj.choices[0].message];
    }
    if (messages?.length) {
      const msg = [...messages].reverse().find((m) => m.role === role) ?? messages[messages.length - 1];
      content = typeof msg.content === 'string' ? msg.content : '';
    }
  }
  content = content || raw;
  return cpLen(content) <= MAX_PREVIEW ? content : `${cpSlice(content, MAX_PREVIEW - 3)}...`;
}

const tokenUsage = (input, output) => ({
  input_tokens: input,
  output_tokens: output,
  total_tokens: input + output,
});
const approxTokens = (text) => Math.max(1, Math.ceil(cpLen(text) / 4));

function percentile(sorted, p) {
  const k = (sorted.length - 1) * p;
  const lo = Math.floor(k);
  const hi = Math.ceil(k);
  if (lo === hi) return sorted[lo];
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (k - lo);
}

/**
 * Builds 3.5.1+/3.6 "current" format spans.
 * spec: { key, name, parent, start, end, status?: 'OK'|'ERROR', message?, events?, attrs: [[k, encodedValue], ...] }
 */
function v3Spans(trace, specs) {
  const traceB64 = b64(trace.otelHex);
  const byKey = new Map(specs.map((s) => [s.key, hexId(`span/${trace.key}/${s.key}`, 8)]));
  const spans = specs.map((s) => ({
    sortKey: s.start,
    hex: byKey.get(s.key),
    key: s.key,
    span: {
      trace_id: traceB64,
      span_id: b64(byKey.get(s.key)),
      parent_span_id: s.parent ? b64(byKey.get(s.parent)) : null,
      name: s.name,
      start_time_unix_nano: s.start,
      end_time_unix_nano: s.end,
      events: s.events ?? [],
      status: {
        code: s.status === 'ERROR' ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK',
        message: s.message ?? '',
      },
      attributes: Object.fromEntries([['mlflow.traceRequestId', enc(trace.traceId)], ...s.attrs]),
    },
  }));
  spans.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  return { spans: spans.map((s) => s.span), spanHex: byKey };
}

function newTrace(key) {
  const otelHex = hexId(`trace/${key}`, 16);
  return { key, otelHex, traceId: `tr-${otelHex}` };
}

/** attributes of a span created by @mlflow.trace */
function decorated(type, fn, inputs, outputs, extra = []) {
  const a = [['mlflow.spanType', enc(type)]];
  if (fn) a.push(['mlflow.spanFunctionName', enc(fn)]);
  if (inputs !== undefined) a.push(['mlflow.spanInputs', enc(inputs)]);
  a.push(...extra);
  if (outputs !== undefined) a.push(['mlflow.spanOutputs', enc(outputs)]);
  return a;
}

const otelExceptionEvent = (timeNs, type, message, stacktrace) => ({
  name: 'exception',
  time_unix_nano: timeNs,
  attributes: {
    'exception.type': type,
    'exception.message': message,
    'exception.stacktrace': stacktrace,
    'exception.escaped': 'False',
  },
});

/** SpanEvent.from_exception (autolog record_exception): microsecond "time_unix_nano" */
const mlflowExceptionEvent = (timeNs, type, message, stacktrace) => ({
  name: 'exception',
  time_unix_nano: timeNs / 1000n,
  attributes: {
    'exception.message': message,
    'exception.type': type,
    'exception.stacktrace': stacktrace,
  },
});

const SITE = '/usr/local/lib/python3.11/site-packages';
const MLFLOW_WRAP_FRAMES = [
  `  File "${SITE}/opentelemetry/trace/__init__.py", line 589, in use_span`,
  '    yield span',
  `  File "${SITE}/mlflow/tracing/fluent.py", line 506, in start_span`,
  '    yield mlflow_span',
  `  File "${SITE}/mlflow/tracing/fluent.py", line 230, in _wrapping_logic`,
  '    result = yield  # sync/async function output to be sent here',
  '             ^^^^^',
  `  File "${SITE}/mlflow/tracing/fluent.py", line 263, in wrapper`,
  '    return wrapping_coro.send(fn(*args, **kwargs))',
  '                              ^^^^^^^^^^^^^^^^^^^',
];

/** trace_metadata size keys as MLflow computes them at export time */
function sizeStats(info, spans) {
  const spanSizes = spans.map((s) => Buffer.byteLength(compact(s), 'utf8'));
  const metaSize = Buffer.byteLength(compact({ info, data: { spans: [] } }), 'utf8');
  const total = spanSizes.reduce((a, b) => a + b, 0) + metaSize + (spanSizes.length - 1) * 2;
  const sorted = [...spanSizes].sort((a, b) => a - b);
  const stats = {
    total_size_bytes: total,
    num_spans: spanSizes.length,
    max: sorted[sorted.length - 1],
    p25: Math.trunc(percentile(sorted, 0.25)),
    p50: Math.trunc(percentile(sorted, 0.5)),
    p75: Math.trunc(percentile(sorted, 0.75)),
  };
  return { stats: compact(stats), bytes: String(total) };
}

/**
 * TraceInfo V3 + spans for a trace logged by the Python SDK (3.6).
 * opts: { experimentId, clientRequestId?, session?, user?, env, tags, assessments?, traceName }
 */
function sdkTraceV3(trace, spans, opts) {
  const root = spans.find((s) => s.parent_span_id === null);
  const rawIn = root.attributes['mlflow.spanInputs'];
  const rawOut = root.attributes['mlflow.spanOutputs'];
  const usage = spans
    .map((s) => s.attributes['mlflow.chat.tokenUsage'])
    .filter(Boolean)
    .map((u) => JSON.parse(u))
    .reduce((acc, u) => tokenUsage(acc.input_tokens + u.input_tokens, acc.output_tokens + u.output_tokens), tokenUsage(0, 0));
  const startMs = root.start_time_unix_nano / NS_PER_MS;
  const durationMs = Number((root.end_time_unix_nano - root.start_time_unix_nano) / NS_PER_MS);
  const state = root.status.code === 'STATUS_CODE_ERROR' ? 'ERROR' : 'OK';

  // metadata in the (unordered) order a SQL-backed tracking server returned it
  const meta = {};
  if (opts.user) meta['mlflow.trace.user'] = opts.user;
  meta['mlflow.trace.sizeStats'] = null; // placeholder, filled below
  if (usage.total_tokens > 0) meta['mlflow.trace.tokenUsage'] = enc(usage);
  meta['mlflow.source.git.commit'] = opts.env.gitCommit;
  meta['mlflow.traceOutputs'] = truncateMetadata(rawOut);
  meta['mlflow.trace_schema.version'] = '3';
  meta['mlflow.traceInputs'] = truncateMetadata(rawIn);
  meta['mlflow.source.name'] = opts.env.sourceName;
  meta['mlflow.trace.sizeBytes'] = null;
  meta['mlflow.source.git.branch'] = opts.env.gitBranch;
  if (opts.session) meta['mlflow.trace.session'] = opts.session;
  meta['mlflow.user'] = opts.env.user;
  meta['mlflow.source.type'] = 'LOCAL';
  meta['mlflow.source.git.repoURL'] = opts.env.gitRepo;

  const info = { trace_id: trace.traceId };
  if (opts.clientRequestId) info.client_request_id = opts.clientRequestId;
  info.trace_location = { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: opts.experimentId } };
  info.request_time = rfc3339(startMs);
  info.state = state;
  info.trace_metadata = meta;
  const tagsAtExport = { 'mlflow.traceName': root.name, ...opts.tags };
  info.tags = tagsAtExport;
  info.request_preview = truncatedPreview(rawIn, 'user');
  info.response_preview = truncatedPreview(rawOut, 'assistant');
  info.execution_duration_ms = durationMs;

  // size stats are computed by the exporter before the size keys, assessments and the
  // store's artifactLocation tag exist
  const metaNoSize = Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== null));
  const { stats, bytes } = sizeStats({ ...info, trace_metadata: metaNoSize }, spans);
  meta['mlflow.trace.sizeStats'] = stats;
  meta['mlflow.trace.sizeBytes'] = bytes;

  const out = {
    trace_id: info.trace_id,
    ...(info.client_request_id ? { client_request_id: info.client_request_id } : {}),
    trace_location: info.trace_location,
    request_time: info.request_time,
    state: info.state,
    trace_metadata: meta,
  };
  if (opts.assessments?.length) out.assessments = opts.assessments;
  out.tags = {
    'mlflow.artifactLocation': `mlflow-artifacts:/${opts.experimentId}/traces/${trace.traceId}/artifacts`,
    ...tagsAtExport,
  };
  out.request_preview = info.request_preview;
  out.response_preview = info.response_preview;
  out.execution_duration_ms = info.execution_duration_ms;
  return { info: out, data: { spans } };
}

/** Assessment.to_dictionary() (3.x proto names) */
function assessment(trace, name, { source, timeMs, spanHex, feedback, expectation, rationale, metadata }) {
  const t = rfc3339(timeMs);
  const a = {
    assessment_id: `a-${hexId(`assessment/${trace.key}/${name}/${source[1]}`, 16)}`,
    assessment_name: name,
    trace_id: trace.traceId,
  };
  if (spanHex) a.span_id = spanHex;
  a.source = { source_type: source[0], source_id: source[1] };
  a.create_time = t;
  a.last_update_time = t;
  if (feedback) a.feedback = feedback;
  if (expectation) a.expectation = expectation;
  if (rationale) a.rationale = rationale;
  if (metadata) a.metadata = metadata;
  if (feedback) a.valid = true;
  return a;
}

// OpenAI chat completion as the openai autolog stores it (ChatCompletion.model_dump())
function chatCompletion(label, createdNs, message, finishReason, promptTokens, completionTokens) {
  return {
    id: `chatcmpl-${alnumId(`chatcmpl/${label}`, 29)}`,
    choices: [
      {
        finish_reason: finishReason,
        index: 0,
        logprobs: null,
        message: {
          content: message.content ?? null,
          refusal: null,
          role: 'assistant',
          annotations: [],
          audio: null,
          function_call: null,
          tool_calls: message.tool_calls ?? null,
        },
      },
    ],
    created: Number(createdNs / 1_000_000_000n),
    model: 'gpt-4o-mini-2024-07-18',
    object: 'chat.completion',
    service_tier: 'default',
    system_fingerprint: 'fp_560af6e559',
    usage: {
      completion_tokens: completionTokens,
      prompt_tokens: promptTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

function promptTokensOf(messages, tools) {
  let n = 3;
  for (const m of messages) {
    n += 4 + approxTokens(m.content ?? '');
    if (m.tool_calls) n += approxTokens(JSON.stringify(m.tool_calls));
  }
  if (tools) n += approxTokens(JSON.stringify(tools));
  return n;
}

/** CHAT_MODEL span attributes written by mlflow.openai.autolog() */
function openaiChatAttrs(label, createdNs, request, reply) {
  const isToolCall = Boolean(reply.tool_calls);
  const prompt = promptTokensOf(request.messages, request.tools);
  const completion = isToolCall ? approxTokens(JSON.stringify(reply.tool_calls)) : approxTokens(reply.content);
  const out = chatCompletion(label, createdNs, reply, isToolCall ? 'tool_calls' : 'stop', prompt, completion);
  const a = [
    ['mlflow.spanType', enc('CHAT_MODEL')],
    ['mlflow.spanInputs', enc(request)],
    ['mlflow.message.format', enc('openai')],
  ];
  if (request.tools) a.push(['mlflow.chat.tools', enc(request.tools)]);
  a.push(['mlflow.spanOutputs', enc(out)]);
  a.push(['mlflow.chat.tokenUsage', enc(tokenUsage(prompt, completion))]);
  return a;
}

/** ChatCompletionMessageToolCall.model_dump() order; arguments are the model's compact JSON */
const toolCall = (label, name, args) => ({
  id: `call_${alnumId(`call/${label}`, 24)}`,
  function: { arguments: JSON.stringify(args), name },
  type: 'function',
});

// ---------------------------------------------------------------------------
// Knowledge base of the "Acme Travel Gear" support assistant
// ---------------------------------------------------------------------------

const KB = {
  orderFaq: {
    id: 'order-tracking-faq#c0',
    uri: 'kb://acme-help/orders/order-tracking-faq.md',
    version: '2025.3',
    updated: '2025-11-20',
    text: 'You can track any order from Account \u203a Orders. An order shows "delivered" once the carrier confirms delivery; the delivery date is the start of the return and warranty periods.',
  },
  warranty: {
    id: 'warranty-policy-2025#c0',
    uri: 'kb://acme-help/policies/warranty-policy-2025.md',
    version: '2025.1',
    updated: '2025-06-12',
    text: 'All Acme Travel Gear bags carry a 2-year warranty against manufacturing defects, including zippers, wheels, handles and seams. Defective items are repaired or replaced free of charge; we email a prepaid label and ship the repaired or replacement item within 5 business days of receiving it.',
  },
  refund2023: {
    id: 'refund-policy-2023#c0',
    uri: 'kb://acme-help/policies/refund-policy-2023.md',
    version: '2023.2',
    updated: '2023-03-14',
    text: 'Refunds: unused items may be returned within 60 days of delivery for a full refund to the original payment method. Items must be returned with original tags and packaging. Refunds are issued within 10 days of the return arriving at our warehouse.',
  },
  returnLabels: {
    id: 'returns-shipping-labels#c1',
    uri: 'kb://acme-help/returns/returns-shipping-labels.md',
    version: '2024.2',
    updated: '2024-09-01',
    text: 'Return labels are free for customers in the EU and the UK. Drop the parcel at any partner carrier point within 7 days of printing the label.',
  },
  refund2024: {
    id: 'refund-policy-2024#c0',
    uri: 'kb://acme-help/policies/refund-policy-2024.md',
    version: '2024.1',
    updated: '2024-07-01',
    text: 'Refunds: unused items may be returned within 30 days of delivery for a full refund to the original payment method. Items must be returned with original tags and packaging. Refunds are issued within 10 days of the return arriving at our warehouse.',
  },
  refundProcess: {
    id: 'refund-process#c0',
    uri: 'kb://acme-help/returns/refund-process.md',
    version: '2024.1',
    updated: '2024-09-01',
    text: 'To request a refund, file a refund request for the order. The refunds system checks eligibility against the current refund policy before approving it and emails the customer a return label.',
  },
};

const doc = (d, score) => ({
  page_content: d.text,
  metadata: { doc_uri: d.uri, version: d.version, updated: d.updated, score },
  id: d.id,
});

function systemPrompt(docs) {
  const lines = [
    'You are the Acme Travel Gear customer-support assistant. Answer only from the policy excerpts and tool results; keep answers short and friendly. Today is 2026-11-10.',
    '',
    'Policy excerpts:',
  ];
  docs.forEach((d, i) => {
    lines.push(`[${i + 1}] ${d.metadata.doc_uri.split('/').pop()} (version ${d.metadata.version}, updated ${d.metadata.updated})`);
    lines.push(d.page_content);
  });
  return lines.join('\n');
}

const REFUND_TOOLS = [
  {
    type: 'function',
    function: {
      name: 'lookup_order',
      description: 'Look up an order by its id.',
      parameters: {
        type: 'object',
        properties: { order_id: { type: 'string' } },
        required: ['order_id'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'create_refund_request',
      description: 'File a refund request for an order.',
      parameters: {
        type: 'object',
        properties: {
          order_id: { type: 'string' },
          reason: { type: 'string', enum: ['defective', 'changed_mind', 'other'] },
        },
        required: ['order_id', 'reason'],
      },
    },
  },
];

const ENV_PROD = {
  gitCommit: '8d41c7f0a2b95e3d6c1f4a7b2e9d0c3f5a6b7c8d',
  gitBranch: 'release/2026.11',
  gitRepo: 'https://github.com/acme-travel/support-assistant',
  sourceName: '/app/acme_support/server.py',
  user: 'svc-support-assistant',
};
const EXPERIMENT = '4';
const JUDGE = ['LLM_JUDGE', 'openai:/gpt-4o-mini'];
const QA = ['HUMAN', 'qa.reviewer@acme-travel.example'];

// ---------------------------------------------------------------------------
// 1. sess-refund-7f3a: 5 turns, `mlflow traces search --output json`
// ---------------------------------------------------------------------------

const REFUND_SESSION = 'sess-refund-7f3a';
const REFUND_USER = 'cust-88121';

const REFUND_TURNS = [
  {
    start: '2026-11-10T09:00:04.218Z',
    user: 'Hi, I need help with my order AC-58213 \u2014 the Voyager 40L carry-on.',
    query: 'order status AC-58213',
    docs: [doc(KB.orderFaq, 0.71)],
    tool: {
      name: 'lookup_order',
      args: { order_id: 'AC-58213' },
      result: {
        order_id: 'AC-58213',
        item: 'Acme Voyager 40L carry-on',
        price_eur: pyFloat(129.0),
        payment_method: 'visa',
        status: 'delivered',
        delivered_on: '2026-10-02',
      },
    },
    answer: 'Hi! I found order AC-58213: Acme Voyager 40L carry-on (\u20ac129.00), paid by Visa and delivered on 2 October 2026. What can I help you with?',
    timing: { end: 3190.412, retr: [14.2, 162.9], chat1: [171.3, 1102.6], tool: [1108.1, 1386.4], chat2: [1392.7, 3171.5] },
  },
  {
    start: '2026-11-10T09:01:12.905Z',
    user: 'The zipper on the front pocket is already coming apart after two trips. Is that covered?',
    query: 'zipper broken warranty coverage',
    docs: [doc(KB.warranty, 0.88)],
    answer:
      "I'm sorry to hear that! Yes \u2014 zippers are covered by our 2-year warranty against manufacturing defects. We can repair or replace the bag free of charge: I can email you a prepaid label, and we ship the repaired or replacement bag within 5 business days of receiving it.",
    timing: { end: 2710.388, retr: [11.6, 148.2], chat2: [156.9, 2694.1] },
  },
  {
    start: '2026-11-10T09:02:31.477Z',
    user: "Honestly I'd rather just return it and get my money back. What's your refund policy?",
    query: 'refund policy return for money back',
    docs: [doc(KB.refund2023, 0.86), doc(KB.returnLabels, 0.64)],
    answer:
      "Of course. Our refund policy allows returns within 60 days of delivery for a full refund to your original payment method, as long as the bag comes back with its tags and packaging. Your order was delivered on 2 October, so you're still within the refund window, and return labels are free in the EU.",
    timing: { end: 2986.705, retr: [12.4, 171.0], chat2: [180.2, 2969.8] },
  },
  {
    start: '2026-11-10T09:03:40.062Z',
    user: "Great. I'm travelling until the 16th \u2014 so I can still return it on day 45?",
    query: 'refund window days after delivery return on day 45',
    docs: [doc(KB.refund2023, 0.84)],
    answer:
      'Yes \u2014 day 45 (16 November) is still inside the 60-day refund window, which for your order runs until 1 December 2026. Just make sure the bag is back with us before then and you will get a full refund to your Visa card.',
    timing: { end: 2452.93, retr: [10.9, 139.5], chat2: [147.6, 2437.2] },
  },
  {
    start: '2026-11-10T09:04:22.740Z',
    user: "Perfect, please start the refund now so it's sorted before I leave.",
    query: 'start refund request for order',
    docs: [doc(KB.refundProcess, 0.81), doc(KB.refund2023, 0.77)],
    tool: {
      name: 'create_refund_request',
      args: { order_id: 'AC-58213', reason: 'changed_mind' },
      error: {
        type: 'RefundRejectedError',
        qualified: 'acme_support.clients.orders.RefundRejectedError',
        message: '422 refund_window_expired: order AC-58213 was delivered on 2026-10-02 (39 days ago); refunds are accepted within 30 days of delivery (refund-policy-2024)',
      },
    },
    answer:
      "I'm sorry \u2014 I tried to submit the refund for order AC-58213, but our refunds system rejected the request. Since you're within our 60-day refund window, this looks like a temporary system issue. Please try again in a few hours, or reply here and I'll retry the request for you.",
    timing: { end: 4321.57, retr: [10.3, 139.8], chat1: [147.1, 1010.4], tool: [1016.2, 1650.7], chat2: [1657.3, 4300.9] },
  },
];

/** The judge-free variant's other session: a customer the day before, answered from the current policy. */
const POLICY_SESSION = 'sess-policy-5e21';
const POLICY_USER = 'cust-90374';
const POLICY_TURNS = [
  {
    start: '2026-11-09T16:40:12.031Z',
    user: 'Hello! What is your refund policy for a backpack I have not used?',
    query: 'refund policy unused item',
    docs: [doc(KB.refund2024, 0.9), doc(KB.returnLabels, 0.61)],
    answer:
      'You can return unused items within 30 days of delivery for a full refund to your original payment method, as long as they come back with their tags and packaging. Return labels are free in the EU and the UK.',
    timing: { end: 2611.82, retr: [12.9, 158.4], chat2: [166.1, 2597.3] },
  },
  {
    start: '2026-11-09T16:41:03.517Z',
    user: 'Thanks! And how long until the money is back on my card?',
    query: 'refund processing time card',
    docs: [doc(KB.refund2024, 0.83)],
    answer: 'Refunds are issued within 10 days of the return arriving at our warehouse, to the card you paid with.',
    timing: { end: 1904.66, retr: [11.2, 140.7], chat2: [149.8, 1890.2] },
  },
];

const REFUND_JUDGEMENTS = [
  {
    correctness: [true, 'The order details match the lookup_order result (Voyager 40L, \u20ac129.00, delivered 2026-10-02).'],
    relevance: ['yes', 'The response answers the order lookup the user asked for.'],
  },
  {
    correctness: [true, 'Zipper defects are covered by the 2-year warranty (warranty-policy-2025); the repair/replace offer is accurate.'],
    relevance: ['yes', 'The response directly addresses whether the broken zipper is covered.'],
  },
  {
    correctness: [false, 'States a 60-day refund window; the current policy (refund-policy-2024) allows 30 days.'],
    relevance: ['yes', 'The response explains the refund policy the user asked about.'],
  },
  {
    correctness: [
      false,
      'Confirms a return on day 45 using the 60-day window from the previous answer; under the current 30-day policy (refund-policy-2024) the refund window for this order closed on 1 November 2026.',
    ],
    relevance: null, // scorer error
  },
  {
    correctness: [
      false,
      'Blames a temporary system issue and repeats the 60-day window; the refunds backend rejected the request because the order is outside the 30-day window (refund-policy-2024). The customer should have been offered the warranty repair instead.',
    ],
    relevance: ['yes', 'The response reports on the refund request the user asked for.'],
  },
];

function buildRefundSession({ session = REFUND_SESSION, user = REFUND_USER, turns = REFUND_TURNS, judged = !JUDGE_FREE } = {}) {
  const history = [];
  const traces = [];
  turns.forEach((turn, i) => {
    const n = i + 1;
    const trace = newTrace(`${session}/turn-${n}`);
    const T = utcNs(turn.start) + subMs(trace.key);
    const tm = turn.timing;
    const rootInputs = { messages: [...history, { role: 'user', content: turn.user }] };
    const sys = { role: 'system', content: systemPrompt(turn.docs) };
    const baseMessages = [sys, ...history, { role: 'user', content: turn.user }];
    const specs = [
      {
        key: 'agent',
        name: 'support_agent',
        parent: null,
        start: at(T, 0, `${trace.key}/a0`),
        end: at(T, tm.end, `${trace.key}/a1`),
        attrs: decorated('AGENT', 'support_agent', rootInputs, turn.answer),
      },
      {
        key: 'retriever',
        name: 'retrieve_policy_docs',
        parent: 'agent',
        start: at(T, tm.retr[0], `${trace.key}/r0`),
        end: at(T, tm.retr[1], `${trace.key}/r1`),
        attrs: decorated('RETRIEVER', 'retrieve_policy_docs', { query: turn.query, k: 2 }, turn.docs),
      },
    ];
    let finalMessages = baseMessages;
    if (turn.tool) {
      const call = toolCall(trace.key, turn.tool.name, turn.tool.args);
      const req1 = { messages: baseMessages, model: 'gpt-4o-mini', temperature: 0.2, tools: REFUND_TOOLS };
      const c1Start = at(T, tm.chat1[0], `${trace.key}/c10`);
      specs.push({
        key: 'chat1',
        name: 'Completions',
        parent: 'agent',
        start: c1Start,
        end: at(T, tm.chat1[1], `${trace.key}/c11`),
        attrs: openaiChatAttrs(`${trace.key}/1`, c1Start, req1, { tool_calls: [call] }),
      });
      const toolStart = at(T, tm.tool[0], `${trace.key}/t0`);
      const toolEnd = at(T, tm.tool[1], `${trace.key}/t1`);
      let toolMessage;
      if (turn.tool.error) {
        const e = turn.tool.error;
        const stack = [
          'Traceback (most recent call last):',
          ...MLFLOW_WRAP_FRAMES,
          '  File "/app/acme_support/tools/refunds.py", line 61, in create_refund_request',
          '    raise RefundRejectedError(resp.status_code, body["code"], body["detail"])',
          `${e.qualified}: ${e.message}`,
          '',
        ].join('\n');
        specs.push({
          key: 'tool',
          name: turn.tool.name,
          parent: 'agent',
          start: toolStart,
          end: toolEnd,
          status: 'ERROR',
          message: `${e.type}: ${e.message}`,
          events: [otelExceptionEvent(toolEnd - 312_455n, e.type, e.message, stack)],
          attrs: decorated('TOOL', turn.tool.name, turn.tool.args, undefined),
        });
        toolMessage = `Error: ${e.type}: ${e.message}`;
      } else {
        specs.push({
          key: 'tool',
          name: turn.tool.name,
          parent: 'agent',
          start: toolStart,
          end: toolEnd,
          attrs: decorated('TOOL', turn.tool.name, turn.tool.args, turn.tool.result),
        });
        toolMessage = enc(turn.tool.result);
      }
      finalMessages = [...baseMessages, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: call.id, content: toolMessage }];
    }
    const req2 = { messages: finalMessages, model: 'gpt-4o-mini', temperature: 0.2, tools: REFUND_TOOLS };
    const c2Start = at(T, tm.chat2[0], `${trace.key}/c20`);
    specs.push({
      key: 'chat2',
      name: 'Completions',
      parent: 'agent',
      start: c2Start,
      end: at(T, tm.chat2[1], `${trace.key}/c21`),
      attrs: openaiChatAttrs(`${trace.key}/2`, c2Start, req2, { content: turn.answer }),
    });

    const { spans, spanHex } = v3Spans(trace, specs);
    traces.push({ trace, spans, spanHex, endNs: spans[0].end_time_unix_nano });
    history.push({ role: 'user', content: turn.user }, { role: 'assistant', content: turn.answer });
  });

  // assessments: judges ran ~16 minutes after the conversation, QA review in the afternoon
  const judgeBase = Date.parse('2026-11-10T09:20:41.000Z');
  const out = traces.map(({ trace, spans, spanHex }, i) => {
    const list = [];
    const j = judged ? REFUND_JUDGEMENTS[i] : undefined;
    if (j === undefined) {
      return sdkTraceV3(trace, spans, {
        experimentId: EXPERIMENT,
        clientRequestId: `req-${hexId(`client-request/${trace.key}`, 6)}`,
        session,
        user,
        env: ENV_PROD,
        tags: { environment: 'production' },
        assessments: list,
      });
    }
    const t0 = judgeBase + i * 7_311 + 113;
    list.push(
      assessment(trace, 'correctness', {
        source: JUDGE,
        timeMs: t0,
        feedback: { value: j.correctness[0] },
        rationale: j.correctness[1],
      }),
    );
    if (j.relevance) {
      list.push(
        assessment(trace, 'relevance_to_query', {
          source: JUDGE,
          timeMs: t0 + 1_244,
          feedback: { value: j.relevance[0] },
          rationale: j.relevance[1],
        }),
      );
    } else {
      list.push(
        assessment(trace, 'relevance_to_query', {
          source: JUDGE,
          timeMs: t0 + 1_244,
          feedback: {
            value: null,
            error: {
              error_code: 'RATE_LIMIT_EXCEEDED',
              error_message: 'Judge call to openai:/gpt-4o-mini failed: 429 Too Many Requests (rate limit reached for requests per minute). Retry after 20s.',
            },
          },
        }),
      );
    }
    if (i === 0) {
      list.push(
        assessment(trace, 'conversation_completeness', {
          source: JUDGE,
          timeMs: judgeBase + 5 * 7_311 + 2_907,
          feedback: { value: 'no' },
          rationale:
            "The user's goal (return the carry-on for a refund) was not achieved. The assistant confirmed refund eligibility under a 60-day window in turns 3 and 4, and the refund request failed in turn 5 because the order is outside the 30-day refund window; the warranty repair offered in turn 2 was never brought up again.",
          metadata: { 'mlflow.trace.session': REFUND_SESSION },
        }),
      );
    }
    if (i === 2) {
      list.push(
        assessment(trace, 'expected_response', {
          source: QA,
          timeMs: Date.parse('2026-11-10T14:12:09.402Z'),
          expectation: {
            value:
              'Refunds are accepted within 30 days of delivery (refund-policy-2024). Order AC-58213 was delivered on 2 October 2026, 39 days ago, so it is no longer eligible for a refund, but the broken zipper is covered by the 2-year warranty and can be repaired or replaced free of charge.',
          },
        }),
      );
    }
    if (i === 4) {
      list.push(
        assessment(trace, 'helpfulness', {
          source: QA,
          timeMs: Date.parse('2026-11-10T14:07:55.881Z'),
          spanHex: spanHex.get('agent'),
          feedback: { value: pyFloat(1.0) },
          rationale:
            'Customer was told in three turns that a refund was possible, then the refund failed and the assistant called it a system issue. It should have offered the warranty repair from turn 2.',
          metadata: { rubric: '1-5', review_queue: 'escalations' },
        }),
      );
    }
    return sdkTraceV3(trace, spans, {
      experimentId: EXPERIMENT,
      clientRequestId: `req-${hexId(`client-request/${trace.key}`, 6)}`,
      session,
      user,
      env: ENV_PROD,
      tags: { environment: 'production' },
      assessments: list,
    });
  });
  return out;
}

// ---------------------------------------------------------------------------
// 2. sess-wrapper-19c2: 3 turns, one `mlflow traces get` file each; wrapper root span
// ---------------------------------------------------------------------------

const WRAPPER_SESSION = 'sess-wrapper-19c2';
const BOOKING = {
  booking_ref: 'ZX4Q7P',
  route: 'LIS-BER',
  flight: 'AX1587',
  date: '2026-12-14',
  fare: 'Economy Light',
  cabin_bag_kg: 8,
  checked_bags: 0,
};

const WRAPPER_TURNS = [
  {
    start: '2026-11-10T10:14:37.552Z',
    user: "Hi, what's the checked baggage allowance on booking ZX4Q7P?",
    tool: { name: 'get_booking', args: { booking_ref: 'ZX4Q7P' }, result: BOOKING },
    answer:
      'Your booking ZX4Q7P (Lisbon \u2192 Berlin on 14 December, flight AX1587) is an Economy Light fare: it includes one 8 kg cabin bag but no checked bag. You can add a 23 kg checked bag for \u20ac35.',
    timing: { end: 2204.61, agent: [3.2, 2198.4], tool: [5.1, 88.7], chat: [92.4, 2189.9] },
  },
  {
    start: '2026-11-10T10:15:21.006Z',
    user: 'OK, please add one checked bag.',
    middleware: true,
    tool: {
      name: 'add_checked_bag',
      args: { booking_ref: 'ZX4Q7P', weight_kg: 23 },
      result: { booking_ref: 'ZX4Q7P', status: 'confirmed', checked_bags: 1, price_eur: pyFloat(35.0) },
    },
    answer: 'Done \u2014 one 23 kg checked bag is now on booking ZX4Q7P. \u20ac35.00 was charged to the card on file, and your updated e-ticket is on its way by email.',
    timing: { end: 2870.24, mw: [2.1, 2866.3], agent: [41.5, 2861.0], tool: [43.8, 702.6], chat: [706.9, 2853.1] },
  },
  {
    start: '2026-11-10T10:16:02.771Z',
    user: 'Thanks! Can you also move the flight to the 15th?',
    tool: { name: 'get_booking', args: { booking_ref: 'ZX4Q7P' }, result: { ...BOOKING, checked_bags: 1 } },
    timeout: true,
    timing: { end: 30118.77, agent: [3.0, 30109.2], tool: [4.7, 79.3], chat: [83.5, 30101.6] },
  },
];

const BOOKING_SYSTEM =
  'You are the Acme Trips booking assistant. Use the booking record below; never invent prices or schedules. Extra checked bag (23 kg): EUR 35. Date changes on Economy Light fares cost EUR 60 plus any fare difference.';

function buildWrapperSession() {
  const history = [];
  const files = [];
  WRAPPER_TURNS.forEach((turn, i) => {
    const n = i + 1;
    const trace = newTrace(`${WRAPPER_SESSION}/turn-${n}`);
    const T = utcNs(turn.start) + subMs(trace.key);
    const tm = turn.timing;
    const agentParent = turn.middleware ? 'mw' : 'root';
    const agentInputs = { messages: [...history, { role: 'user', content: turn.user }] };
    const chatReq = {
      messages: [{ role: 'system', content: `${BOOKING_SYSTEM}\n\nBooking record: ${enc(turn.tool.result)}` }, ...history, { role: 'user', content: turn.user }],
      model: 'gpt-4o-mini',
      temperature: 0.3,
    };
    const rootEnd = at(T, tm.end, `${trace.key}/root1`);
    const specs = [];
    const rootSpec = {
      key: 'root',
      name: 'POST /v1/assistant/chat',
      parent: null,
      start: at(T, 0, `${trace.key}/root0`),
      end: rootEnd,
      attrs: [
        ['mlflow.spanType', enc('UNKNOWN')],
        ['http.method', enc('POST')],
        ['http.route', enc('/v1/assistant/chat')],
        ['http.status_code', enc(turn.timeout ? 504 : 200)],
        ['app.version', enc('2.14.0')],
      ],
    };
    specs.push(rootSpec);
    if (turn.middleware) {
      specs.push({
        key: 'mw',
        name: 'session_refresh',
        parent: 'root',
        start: at(T, tm.mw[0], `${trace.key}/mw0`),
        end: at(T, tm.mw[1], `${trace.key}/mw1`),
        attrs: [
          ['mlflow.spanType', enc('UNKNOWN')],
          ['auth.token_refreshed', enc(true)],
        ],
      });
    }
    const agentSpec = {
      key: 'agent',
      name: 'booking_agent',
      parent: agentParent,
      start: at(T, tm.agent[0], `${trace.key}/ag0`),
      end: at(T, tm.agent[1], `${trace.key}/ag1`),
      attrs: decorated(
        'AGENT',
        'predict',
        agentInputs,
        turn.answer === undefined ? undefined : { messages: [{ role: 'assistant', content: turn.answer, id: `msg_${alnumId(`msg/${trace.key}`, 20)}` }] },
      ),
    };
    specs.push(agentSpec);
    specs.push({
      key: 'tool',
      name: turn.tool.name,
      parent: 'agent',
      start: at(T, tm.tool[0], `${trace.key}/t0`),
      end: at(T, tm.tool[1], `${trace.key}/t1`),
      attrs: decorated('TOOL', turn.tool.name, turn.tool.args, turn.tool.result),
    });
    const chatStart = at(T, tm.chat[0], `${trace.key}/c0`);
    const chatEnd = at(T, tm.chat[1], `${trace.key}/c1`);
    if (turn.timeout) {
      const type = 'APITimeoutError';
      const message = 'Request timed out.';
      const chatStack = [
        'Traceback (most recent call last):',
        `  File "${SITE}/mlflow/openai/_openai_autolog.py", line 212, in patched_call`,
        '    raw_result = original(self, *args, **kwargs)',
        `  File "${SITE}/openai/_base_client.py", line 1029, in request`,
        '    raise APITimeoutError(request=request) from err',
        `openai.APITimeoutError: ${message}`,
        '',
      ].join('\n');
      const agentStack = [
        'Traceback (most recent call last):',
        ...MLFLOW_WRAP_FRAMES,
        '  File "/app/acme_trips/agent.py", line 88, in predict',
        '    completion = client.chat.completions.create(**request)',
        `  File "${SITE}/openai/_base_client.py", line 1029, in request`,
        '    raise APITimeoutError(request=request) from err',
        `openai.APITimeoutError: ${message}`,
        '',
      ].join('\n');
      const rootStack = [
        'Traceback (most recent call last):',
        `  File "${SITE}/opentelemetry/trace/__init__.py", line 589, in use_span`,
        '    yield span',
        `  File "${SITE}/mlflow/tracing/fluent.py", line 506, in start_span`,
        '    yield mlflow_span',
        '  File "/app/acme_trips/server.py", line 54, in chat',
        '    result = run_agent(payload.messages)',
        '  File "/app/acme_trips/agent.py", line 88, in predict',
        '    completion = client.chat.completions.create(**request)',
        `  File "${SITE}/openai/_base_client.py", line 1029, in request`,
        '    raise APITimeoutError(request=request) from err',
        `openai.APITimeoutError: ${message}`,
        '',
      ].join('\n');
      specs.push({
        key: 'chat',
        name: 'Completions',
        parent: 'agent',
        start: chatStart,
        end: chatEnd,
        status: 'ERROR',
        message: `${type}: ${message}`,
        events: [mlflowExceptionEvent(chatEnd - 201_733n, type, message, chatStack)],
        attrs: [
          ['mlflow.spanType', enc('CHAT_MODEL')],
          ['mlflow.spanInputs', enc(chatReq)],
          ['mlflow.message.format', enc('openai')],
        ],
      });
      agentSpec.status = 'ERROR';
      agentSpec.message = `${type}: ${message}`;
      agentSpec.events = [otelExceptionEvent(agentSpec.end - 96_112n, type, message, agentStack)];
      rootSpec.status = 'ERROR';
      rootSpec.message = `${type}: ${message}`;
      rootSpec.events = [otelExceptionEvent(rootEnd - 1_484_391n, type, message, rootStack)];
    } else {
      specs.push({
        key: 'chat',
        name: 'Completions',
        parent: 'agent',
        start: chatStart,
        end: chatEnd,
        attrs: openaiChatAttrs(`${trace.key}/chat`, chatStart, chatReq, { content: turn.answer }),
      });
    }
    const { spans } = v3Spans(trace, specs);
    files.push({
      name: `traces/${WRAPPER_SESSION}-turn${n}.json`,
      trace: sdkTraceV3(trace, spans, {
        experimentId: EXPERIMENT,
        session: WRAPPER_SESSION,
        user: 'cust-51907',
        env: {
          gitCommit: '2f6e91b04c7d3a58e1f90b2c6d4a8e7f3b5c1d09',
          gitBranch: 'main',
          gitRepo: 'https://github.com/acme-travel/trips-assistant',
          sourceName: '/app/acme_trips/server.py',
          user: 'svc-trips-assistant',
        },
        tags: { environment: 'production' },
      }),
    });
    history.push({ role: 'user', content: turn.user });
    if (turn.answer) history.push({ role: 'assistant', content: turn.answer });
  });
  return files;
}

// ---------------------------------------------------------------------------
// 3. sess-otel-44d1: 2 turns ingested over OTLP (GenAI semconv), JSON Lines
// ---------------------------------------------------------------------------

const OTEL_SESSION = 'sess-otel-44d1';

/** attribute as MLflow's OTLP ingest stores it: every AnyValue JSON-encoded once more */
const otlpStr = (s) => enc(s);

function buildOtelSession() {
  const lines = [];
  const userParts = (text) => ({ role: 'user', parts: [{ type: 'text', content: text }] });
  const assistantParts = (text) => ({
    role: 'assistant',
    parts: [{ type: 'text', content: text }],
    finish_reason: 'stop',
  });
  const flightArgs = { flight_number: 'AX412', date: '2026-11-11' };
  const flightResult = {
    flight_number: 'AX412',
    route: 'LIS-MAD',
    scheduled_departure: '07:40',
    status: 'on_time',
    terminal: '1',
  };
  const user1 = 'Is my flight AX412 to Madrid tomorrow on time?';
  const answer1 = 'Yes \u2014 AX412 from Lisbon to Madrid tomorrow (11 November) is currently on time. It departs at 07:40 from Terminal 1.';
  const user2 = 'Can I already check in online?';
  const answer2 = 'Yes. Online check-in for AX412 opens 24 hours before departure, so it is open from 07:40 today. You can check in in the Acme Trips app or at acme-trips.example/checkin.';

  const turns = [
    { start: '2026-11-10T11:02:13.481Z', user: user1, answer: answer1, withTool: true, end: 2841.06 },
    { start: '2026-11-10T11:03:05.930Z', user: user2, answer: answer2, withTool: false, end: 1733.52 },
  ];
  let priorMessages = [];
  turns.forEach((turn, i) => {
    const trace = newTrace(`${OTEL_SESSION}/turn-${i + 1}`);
    const T = utcNs(turn.start) + subMs(trace.key);
    const callId = `call_${alnumId(`otel-call/${trace.key}`, 24)}`;
    const specs = [
      {
        key: 'root',
        name: 'invoke_agent acme-concierge',
        parent: null,
        start: at(T, 0, `${trace.key}/root0`),
        end: at(T, turn.end, `${trace.key}/root1`),
        attrs: [
          ['gen_ai.operation.name', otlpStr('invoke_agent')],
          ['gen_ai.agent.name', otlpStr('acme-concierge')],
          ['session.id', otlpStr(OTEL_SESSION)],
          ['gen_ai.conversation.id', otlpStr(OTEL_SESSION)],
          ['user.id', otlpStr('cust-73302')],
          ['mlflow.spanType', enc('AGENT')],
        ],
      },
    ];
    const chatSpan = (key, t0, t1, inputMessages, outputMessages, inTok, outTok, finish) => {
      const inJson = JSON.stringify(inputMessages); // JS instrumentation: compact JSON text
      const outJson = JSON.stringify(outputMessages);
      return {
        key,
        name: 'chat gpt-4o-mini',
        parent: 'root',
        start: at(T, t0, `${trace.key}/${key}0`),
        end: at(T, t1, `${trace.key}/${key}1`),
        attrs: [
          ['gen_ai.operation.name', otlpStr('chat')],
          ['gen_ai.provider.name', otlpStr('openai')],
          ['gen_ai.request.model', otlpStr('gpt-4o-mini')],
          ['gen_ai.request.temperature', enc(0.3)],
          ['gen_ai.response.model', otlpStr('gpt-4o-mini-2024-07-18')],
          ['gen_ai.response.id', otlpStr(`chatcmpl-${alnumId(`otel-chat/${trace.key}/${key}`, 29)}`)],
          ['gen_ai.response.finish_reasons', enc([finish])],
          ['gen_ai.usage.input_tokens', enc(inTok)],
          ['gen_ai.usage.output_tokens', enc(outTok)],
          ['gen_ai.input.messages', otlpStr(inJson)],
          ['gen_ai.output.messages', otlpStr(outJson)],
          ['mlflow.spanInputs', enc(inJson)],
          ['mlflow.spanOutputs', enc(outJson)],
          ['mlflow.chat.tokenUsage', enc(tokenUsage(inTok, outTok))],
          ['mlflow.spanType', enc('CHAT_MODEL')],
        ],
      };
    };
    const inputs = [...priorMessages, userParts(turn.user)];
    let usageIn = 0;
    let usageOut = 0;
    if (turn.withTool) {
      const callMsg = {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: callId, name: 'get_flight_status', arguments: flightArgs }],
        finish_reason: 'tool_call',
      };
      const respMsg = { role: 'tool', parts: [{ type: 'tool_call_response', id: callId, response: flightResult }] };
      specs.push(chatSpan('chat1', 8.4, 912.7, inputs, [callMsg], 118, 24, 'tool_call'));
      const argsJson = JSON.stringify(flightArgs);
      const resultJson = JSON.stringify(flightResult);
      specs.push({
        key: 'tool',
        name: 'execute_tool get_flight_status',
        parent: 'root',
        start: at(T, 917.3, `${trace.key}/tool0`),
        end: at(T, 1204.9, `${trace.key}/tool1`),
        attrs: [
          ['gen_ai.operation.name', otlpStr('execute_tool')],
          ['gen_ai.tool.name', otlpStr('get_flight_status')],
          ['gen_ai.tool.call.id', otlpStr(callId)],
          ['gen_ai.tool.call.arguments', otlpStr(argsJson)],
          ['gen_ai.tool.call.result', otlpStr(resultJson)],
          ['mlflow.spanInputs', enc(argsJson)],
          ['mlflow.spanOutputs', enc(resultJson)],
          ['mlflow.spanType', enc('TOOL')],
        ],
      });
      const inputs2 = [...inputs, callMsg, respMsg];
      specs.push(chatSpan('chat2', 1209.6, turn.end - 6.2, inputs2, [assistantParts(turn.answer)], 171, 38, 'stop'));
      usageIn = 118 + 171;
      usageOut = 24 + 38;
      priorMessages = [...inputs2, assistantParts(turn.answer)];
    } else {
      specs.push(chatSpan('chat1', 7.9, turn.end - 5.8, inputs, [assistantParts(turn.answer)], 236, 47, 'stop'));
      usageIn = 236;
      usageOut = 47;
      priorMessages = [...inputs, assistantParts(turn.answer)];
    }
    const { spans } = v3Spans(trace, specs);
    const root = spans[0];
    const info = {
      trace_id: trace.traceId,
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: EXPERIMENT } },
      request_time: rfc3339(root.start_time_unix_nano / NS_PER_MS),
      state: 'OK',
      trace_metadata: { 'mlflow.trace.tokenUsage': enc(tokenUsage(usageIn, usageOut)) },
      tags: {
        'mlflow.trace.spansLocation': 'TRACKING_STORE',
        'mlflow.artifactLocation': `mlflow-artifacts:/${EXPERIMENT}/traces/${trace.traceId}/artifacts`,
      },
      execution_duration_ms: Number((root.end_time_unix_nano - root.start_time_unix_nano) / NS_PER_MS),
    };
    lines.push(compact({ info, data: { spans } }));
  });
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------
// 4. sess-legacy-2b: MLflow 2.22 (TraceInfo V2, V2 spans), bare JSON array
// ---------------------------------------------------------------------------

const LEGACY_SESSION = 'sess-legacy-2b';

function buildLegacySession() {
  const shipping = {
    page_content: 'Standard delivery to Portugal and Spain takes 3\u20135 business days and is free over \u20ac50. Express delivery costs \u20ac9.90 and arrives in 1\u20132 business days.',
    metadata: { doc_uri: 'kb://acme-help/shipping/delivery-times.md', version: '2024.4', updated: '2024-11-02' },
    id: 'delivery-times#c0',
  };
  const turns = [
    {
      start: '2026-11-09T16:20:48.305Z',
      user: 'How long does delivery to Portugal take?',
      query: 'delivery time Portugal',
      docs: [shipping],
      answer: 'Standard delivery to Portugal takes 3\u20135 business days and is free on orders over \u20ac50. Express delivery (\u20ac9.90) arrives in 1\u20132 business days.',
      timing: { end: 2361.8, retr: [9.8, 121.4], chat: [127.5, 2349.3] },
    },
    {
      start: '2026-11-09T16:21:30.117Z',
      user: 'And can I pay with PayPal?',
      query: 'payment methods PayPal',
      retrieverError: {
        type: 'ConnectionError',
        qualified: 'acme_support.kb.client.ConnectionError',
        message: 'vector store kb-prod-eu unavailable: connection refused (10.4.2.17:6333)',
      },
      answer: "I'm sorry, I can't look up our payment options right now. Please check the Payments section of our Help Centre, or ask me again in a few minutes.",
      // the retriever gives up after ~1 s, then the model answers without context
      timing: { end: 2911.7, retr: [10.6, 1014.9], chat: [1020.3, 2905.2] },
    },
  ];

  const history = [];
  const out = turns.map((turn, i) => {
    const key = `${LEGACY_SESSION}/turn-${i + 1}`;
    const requestId = hexId(`request/${key}`, 16);
    const otelHex = hexId(`trace/${key}`, 16);
    const T = utcNs(turn.start) + subMs(key);
    const tm = turn.timing;
    const ids = {
      agent: hexId(`span/${key}/agent`, 8),
      retriever: hexId(`span/${key}/retriever`, 8),
      chat: hexId(`span/${key}/chat`, 8),
    };
    const rootInputs = { messages: [...history, { role: 'user', content: turn.user }] };
    const context = turn.docs ? turn.docs.map((d) => d.page_content).join('\n') : '(no policy excerpts available)';
    const chatMessages = [
      {
        role: 'system',
        content: `You are the Acme Travel Gear customer-support assistant. Answer only from the policy excerpts.\n\nPolicy excerpts:\n${context}`,
      },
      ...history,
      { role: 'user', content: turn.user },
    ];
    const chatOut = {
      id: `chatcmpl-${alnumId(`chatcmpl/${key}`, 29)}`,
      choices: [
        {
          finish_reason: 'stop',
          index: 0,
          logprobs: null,
          message: { content: turn.answer, refusal: null, role: 'assistant', audio: null, function_call: null, tool_calls: null },
        },
      ],
      created: Number((T + 200_000_000n) / 1_000_000_000n),
      model: 'gpt-4o-mini-2024-07-18',
      object: 'chat.completion',
      service_tier: 'default',
      system_fingerprint: 'fp_0aa8d3e20b',
      usage: {
        completion_tokens: approxTokens(turn.answer),
        prompt_tokens: promptTokensOf(chatMessages),
        total_tokens: approxTokens(turn.answer) + promptTokensOf(chatMessages),
      },
    };
    const v2span = (name, spanKey, parent, t0, t1, attrs, status = 'OK', message = '', events = []) => ({
      name,
      context: { span_id: ids[spanKey], trace_id: otelHex },
      parent_id: parent ? ids[parent] : null,
      start_time: at(T, t0, `${key}/${spanKey}0`),
      end_time: at(T, t1, `${key}/${spanKey}1`),
      status_code: status,
      status_message: message,
      attributes: Object.fromEntries([['mlflow.traceRequestId', enc(requestId)], ...attrs]),
      events,
    });
    const root = v2span('support_agent', 'agent', null, 0, tm.end, decorated('AGENT', 'support_agent', rootInputs, turn.answer));
    let retriever;
    if (turn.retrieverError) {
      const e = turn.retrieverError;
      const end = at(T, tm.retr[1], `${key}/retriever1`);
      const stack = [
        'Traceback (most recent call last):',
        `  File "${SITE}/opentelemetry/trace/__init__.py", line 589, in use_span`,
        '    yield span',
        `  File "${SITE}/mlflow/tracing/fluent.py", line 441, in start_span`,
        '    yield mlflow_span',
        `  File "${SITE}/mlflow/tracing/fluent.py", line 224, in wrapper`,
        '    return wrapping_coro.send(fn(*args, **kwargs))',
        '                              ^^^^^^^^^^^^^^^^^^^',
        '  File "/app/acme_support/retrieval.py", line 37, in retrieve_policy_docs',
        '    hits = kb.search(query, k=k)',
        '  File "/app/acme_support/kb/client.py", line 112, in search',
        '    raise ConnectionError(f"vector store {self.name} unavailable: {err}")',
        `${e.qualified}: ${e.message}`,
        '',
      ].join('\n');
      retriever = v2span(
        'retrieve_policy_docs',
        'retriever',
        'agent',
        tm.retr[0],
        tm.retr[1],
        decorated('RETRIEVER', 'retrieve_policy_docs', { query: turn.query, k: 2 }, undefined),
        'ERROR',
        `${e.type}: ${e.message}`,
        [
          {
            name: 'exception',
            timestamp: end - 388_104n,
            attributes: {
              'exception.type': e.type,
              'exception.message': e.message,
              'exception.stacktrace': stack,
              'exception.escaped': 'False',
            },
          },
        ],
      );
    } else {
      retriever = v2span('retrieve_policy_docs', 'retriever', 'agent', tm.retr[0], tm.retr[1], decorated('RETRIEVER', 'retrieve_policy_docs', { query: turn.query, k: 2 }, turn.docs));
    }
    const chatReq = { messages: chatMessages, model: 'gpt-4o-mini', temperature: 0.2 };
    const chat = v2span('Completions', 'chat', 'agent', tm.chat[0], tm.chat[1], [
      ['mlflow.spanType', enc('CHAT_MODEL')],
      ['mlflow.spanInputs', enc(chatReq)],
      ['mlflow.chat.messages', enc([...chatMessages, { role: 'assistant', content: turn.answer }])],
      ['mlflow.spanOutputs', enc(chatOut)],
    ]);
    const rawIn = root.attributes['mlflow.spanInputs'];
    const rawOut = root.attributes['mlflow.spanOutputs'];
    history.push({ role: 'user', content: turn.user }, { role: 'assistant', content: turn.answer });
    return {
      info: {
        request_id: requestId,
        experiment_id: '2',
        timestamp_ms: Number(root.start_time / NS_PER_MS),
        execution_time_ms: Number((root.end_time - root.start_time) / NS_PER_MS),
        status: 'OK',
        request_metadata: {
          'mlflow.traceOutputs': truncateMetadata(rawOut),
          'mlflow.trace_schema.version': '2',
          'mlflow.traceInputs': truncateMetadata(rawIn),
        },
        tags: {
          environment: 'staging',
          'mlflow.source.type': 'LOCAL',
          'mlflow.source.name': '/app/acme_support/server.py',
          session_id: LEGACY_SESSION,
          user_id: 'cust-20417',
          'mlflow.artifactLocation': `mlflow-artifacts:/2/traces/${requestId}/artifacts`,
          'mlflow.traceName': 'support_agent',
        },
        assessments: [],
      },
      data: { spans: [root, retriever, chat], request: rawIn, response: rawOut },
    };
  });
  return out;
}

// ---------------------------------------------------------------------------
// 5. A trace without any session (deploy smoke test), single `mlflow traces get` file
// ---------------------------------------------------------------------------

function buildNoSessionTrace() {
  const trace = newTrace('no-session/smoke-test');
  // starts exactly on a whole second (+412 µs): request_time is written without a fraction
  const T = utcNs('2026-11-10T08:55:00.000Z') + 412_345n;
  const user = 'What are your customer service hours?';
  const hours = {
    page_content: 'Customer service is available Monday to Friday 08:00\u201320:00 CET and Saturday 09:00\u201314:00 CET. The assistant in the app and on the website is available 24/7.',
    metadata: { doc_uri: 'kb://acme-help/contact/opening-hours.md', version: '2026.1', updated: '2026-01-07', score: 0.91 },
    id: 'opening-hours#c0',
  };
  const answer = 'Our customer service team is available Monday to Friday 08:00\u201320:00 CET and Saturday 09:00\u201314:00 CET. This assistant is available 24/7.';
  const chatReq = {
    messages: [
      { role: 'system', content: systemPrompt([hours]) },
      { role: 'user', content: user },
    ],
    model: 'gpt-4o-mini',
    temperature: 0.2,
    tools: REFUND_TOOLS,
  };
  const chatStart = T + 131_480_517n;
  const specs = [
    {
      key: 'agent',
      name: 'support_agent',
      parent: null,
      start: T,
      end: T + 1_604_227_881n,
      attrs: decorated('AGENT', 'support_agent', { messages: [{ role: 'user', content: user }] }, answer),
    },
    {
      key: 'retriever',
      name: 'retrieve_policy_docs',
      parent: 'agent',
      start: T + 9_881_204n,
      end: T + 124_016_733n,
      attrs: decorated('RETRIEVER', 'retrieve_policy_docs', { query: 'customer service opening hours', k: 2 }, [hours]),
    },
    {
      key: 'chat',
      name: 'Completions',
      parent: 'agent',
      start: chatStart,
      end: T + 1_598_904_112n,
      attrs: openaiChatAttrs('no-session/smoke-test', chatStart, chatReq, { content: answer }),
    },
  ];
  const { spans } = v3Spans(trace, specs);
  return sdkTraceV3(trace, spans, {
    experimentId: EXPERIMENT,
    env: ENV_PROD,
    tags: { environment: 'production', purpose: 'deploy-smoke-test' },
  });
}

// ---------------------------------------------------------------------------
// README
// ---------------------------------------------------------------------------

function readme(ids) {
  const r = ids.refund;
  const w = ids.wrapper;
  return `# Sample MLflow trace exports

Generated by \`node scripts/make-samples.mjs\` (run from the repository root). The script
deletes and rewrites this folder; the output is byte-identical on every run. Do not edit these
files by hand: change the script and regenerate.

Everything is synthetic but written the way MLflow writes it: key names and key order of the
real serializers, Python \`json.dumps\` layout (2-space indent, \`": "\` separators,
\`ensure_ascii=True\`, so non-ASCII text such as \`\u20ac\` appears as \`\\u20ac\`), every span
attribute value a JSON-encoded string (\`"mlflow.spanType": "\\"AGENT\\""\`), span times as
exact nanosecond integers (about 1.79e18, larger than 2^53: parse them with a bigint-aware
parser or accept the rounding), feedback numbers as floats (\`1.0\`).
Layout and encodings match the real MLflow outputs in \`test/fixtures/\` (loading this folder's \`.json\` files with Python's \`json.loads\`
and writing them back with \`json.dumps(..., indent=2)\` reproduces them byte for byte).

The apps: the "Acme Travel Gear" support assistant (retrieval + OpenAI function calling) and
the "Acme Trips" booking assistant. Dates are around 2026-11-10.

## Files

| file | container | imitates | traces |
|---|---|---|---|
| \`search-sess-refund-7f3a.json\` | \`mlflow traces search --output json\`: \`{"traces": [...], "next_page_token": null}\` | MLflow 3.6 | 5 (session \`sess-refund-7f3a\`) |
| \`traces/sess-wrapper-19c2-turn1.json\` \u2026 \`turn3.json\` | one \`mlflow traces get\` document each: \`{"info": ..., "data": ...}\` | MLflow 3.6 | 3 (session \`sess-wrapper-19c2\`) |
| \`traces/no-session-smoke-test.json\` | \`mlflow traces get\` | MLflow 3.6 | 1 (no session) |
| \`otel-genai.jsonl\` | JSON Lines, one compact \`Trace.to_json()\` per line | MLflow 3.6, spans ingested over OTLP \`/v1/traces\` (OTel GenAI semantic conventions) | 2 (session \`sess-otel-44d1\`) |
| \`legacy-v2.json\` | bare JSON array of \`Trace.to_dict()\` | MLflow 2.22 (TraceInfo V2, V2 spans) | 2 (session \`sess-legacy-2b\`) |

13 traces, 4 sessions plus one trace without a session. \`traces/\` can be loaded as a directory.

## Session \`sess-refund-7f3a\`: a wrong answer in turn 3 that turns 4 and 5 build on

Format: MLflow 3.6 "current" (\`trace_id\` \`tr-\u2026\`, span ids base64 of 8 bytes, span \`trace_id\`
base64 of 16 bytes, root \`parent_span_id: null\`, \`STATUS_CODE_*\`). Session and user in
\`trace_metadata["mlflow.trace.session"]\` / \`["mlflow.trace.user"]\` (\`cust-88121\`).
**The file lists the traces newest first** (\`timestamp_ms DESC\`, the CLI default when no
\`--order-by\` is given), so turn order must come from \`request_time\`.

Each turn: root \`AGENT\` span \`support_agent\` (inputs \`{"messages": [...]}\` with the whole
conversation so far, output the answer string) \u2192 \`RETRIEVER\` span \`retrieve_policy_docs\`
(documents with \`metadata.doc_uri/version/updated\`) \u2192 \`CHAT_MODEL\` span(s) \`Completions\`
(OpenAI autolog shape, \`mlflow.message.format\` \`"openai"\`, \`mlflow.chat.tokenUsage\`).
Turns 1 and 5 use function calling (\`Completions\` \u2192 \`TOOL\` \u2192 \`Completions\`).
\`mlflow.traceInputs\` / \`mlflow.traceOutputs\` are the 250-character previews MLflow writes
(cut with \`...\` once longer than 250 characters, i.e. the inputs from turn 2 on);
\`request_preview\` is the last user message.

| turn | trace id | what happens | assessments |
|---|---|---|---|
| 1 | \`${r[0]}\` | order lookup (\`lookup_order\` tool), correct | correctness true, relevance "yes"; **session-level** \`conversation_completeness\` = "no" (metadata \`mlflow.trace.session\`) |
| 2 | \`${r[1]}\` | zipper broken \u2192 2-year warranty, correct | correctness true, relevance "yes" |
| 3 | \`${r[2]}\` | **root cause**: the retriever returns the outdated \`refund-policy-2023.md\` (version 2023.2, updated 2023-03-14: "60 days"); the current policy \`refund-policy-2024\` (30 days) is never retrieved; the assistant says the customer is within a 60-day window. The user does not challenge it. | correctness **false** ("States a 60-day refund window; the current policy (refund-policy-2024) allows 30 days."), relevance "yes", HUMAN expectation \`expected_response\` |
| 4 | \`${r[3]}\` | builds on turn 3: "so I can still return it on day 45?" \u2192 "Yes \u2014 \u2026 60-day refund window \u2026" | correctness false; \`relevance_to_query\` is a **scorer error** (\`value: null\`, \`error.error_code\` \`RATE_LIMIT_EXCEEDED\`), not a trace problem |
| 5 | \`${r[4]}\` | compounds it: the assistant files a refund; the \`TOOL\` span \`create_refund_request\` ends \`STATUS_CODE_ERROR\` with an \`exception\` event (\`RefundRejectedError: 422 refund_window_expired \u2026 30 days \u2026\`, nanosecond time) because the backend enforces 30 days; the agent catches it and blames "a temporary system issue". Root span and trace \`state\` stay \`OK\`. | correctness false; HUMAN \`helpfulness\` = \`1.0\` on the root span (\`span_id\` in hex) |

Expected triage: the visible failure is turn 5, the first wrong turn is turn 3, the cause is
the outdated retrieved document.

## Session \`sess-wrapper-19c2\`: turn I/O below a wrapper root span

Format: MLflow 3.6, one \`mlflow traces get\` file per trace. The root span is an HTTP wrapper
(\`POST /v1/assistant/chat\`, type \`UNKNOWN\`, only \`http.*\` attributes, **no**
\`mlflow.spanInputs\` / \`mlflow.spanOutputs\`), so \`mlflow.traceInputs\` / \`mlflow.traceOutputs\`
and \`request_preview\` / \`response_preview\` are \`""\`. The turn I/O lives on the \`AGENT\` span
\`booking_agent\` (input \`{"messages": [...]}\`, output \`{"messages": [{"role": "assistant", ...}]}\`).

| turn | file | trace id | I/O span depth | what happens |
|---|---|---|---|---|
| 1 | \`traces/sess-wrapper-19c2-turn1.json\` | \`${w[0]}\` | 1 (root \u2192 agent) | baggage allowance, correct |
| 2 | \`traces/sess-wrapper-19c2-turn2.json\` | \`${w[1]}\` | **2** (root \u2192 \`session_refresh\` middleware, also without I/O \u2192 agent) | checked bag added, correct |
| 3 | \`traces/sess-wrapper-19c2-turn3.json\` | \`${w[2]}\` | 1 | **fails**: the \`CHAT_MODEL\` call times out after 30 s (\`openai.APITimeoutError\`); the error propagates to the agent and the root (HTTP 504). Trace \`state\` \`ERROR\`; the agent span has inputs but no outputs, so the user got no answer. The chat span's exception event was recorded by MLflow's autolog (\`SpanEvent.from_exception\`) and its \`time_unix_nano\` is in **microseconds**; the agent and root events are OTel nanoseconds. |

## Session \`sess-otel-44d1\`: OTel GenAI spans ingested over OTLP

Format: what MLflow 3.6 stores for spans received on \`/v1/traces\`: no
\`mlflow.trace.session\` metadata, no \`mlflow.traceInputs/Outputs\`, no previews, no schema
version; \`trace_metadata\` only has \`mlflow.trace.tokenUsage\`; tag
\`mlflow.trace.spansLocation: TRACKING_STORE\`. The session is only in root span attributes
\`session.id\` and \`gen_ai.conversation.id\` (JSON-encoded strings). The root
\`invoke_agent acme-concierge\` span has no I/O; the turn text is in the \`chat gpt-4o-mini\`
span's \`gen_ai.input.messages\` / \`gen_ai.output.messages\` (GenAI "parts" message shape),
**double-encoded** (a JSON string whose value is JSON text), copied by MLflow into
\`mlflow.spanInputs\` / \`mlflow.spanOutputs\`. The chat input repeats the earlier turns; the
turn's own input is the last user message.

| turn | trace id | what happens |
|---|---|---|
| 1 | \`${ids.otel[0]}\` | flight status: \`chat\` \u2192 \`execute_tool get_flight_status\` \u2192 \`chat\`, correct |
| 2 | \`${ids.otel[1]}\` | online check-in question, correct |

Nothing goes wrong here; the session demonstrates where the session id and the turn I/O live.

## Session \`sess-legacy-2b\`: MLflow 2.22 traces

Format: TraceInfo V2 (\`request_id\` 32 hex without \`tr-\`, \`timestamp_ms\`,
\`execution_time_ms\`, \`status\`, \`request_metadata\`, \`assessments: []\`), V2 spans (\`context\`
with plain-hex ids, \`parent_id\`, \`start_time\` / \`end_time\`, \`status_code\` /
\`status_message\`, event \`timestamp\`), \`data.request\` / \`data.response\`, chat history in
\`mlflow.chat.messages\`. MLflow 2.x had no session key: the session is the app's own tag
\`session_id\` (user in tag \`user_id\`). The span \`context.trace_id\` (OTel id) differs from
\`request_id\`.

| turn | request id | what happens |
|---|---|---|
| 1 | \`${ids.legacy[0]}\` | delivery times to Portugal, correct |
| 2 | \`${ids.legacy[1]}\` | the \`RETRIEVER\` span fails (\`status_code: "ERROR"\`, \`ConnectionError: vector store \u2026 unavailable\`); the agent answers without context ("I can't look up our payment options right now"). Trace \`status\` stays \`OK\`. |

## Trace without a session

\`traces/no-session-smoke-test.json\` (\`${ids.noSession}\`): a deploy smoke test ("What are your
customer service hours?"), MLflow 3.6, no \`mlflow.trace.session\` or \`mlflow.trace.user\`, tag
\`purpose: deploy-smoke-test\`. Its root span starts 0.41 ms after a whole second, so the
millisecond part is 0 and \`request_time\` is \`"2026-11-10T08:55:00Z"\` without a fraction, as
protobuf writes it.
`;
}

// ---------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------

function main() {
  if (JUDGE_FREE) return judgeFree();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(OUT, 'traces'), { recursive: true });
  const write = (rel, text) => writeFileSync(join(OUT, rel), text);

  const refund = buildRefundSession();
  // `mlflow traces search` without --order-by: timestamp_ms DESC
  const refundDesc = [...refund].reverse();
  write('search-sess-refund-7f3a.json', pretty({ traces: refundDesc, next_page_token: null }));

  const wrapper = buildWrapperSession();
  for (const f of wrapper) write(f.name, pretty(f.trace));

  const noSession = buildNoSessionTrace();
  write('traces/no-session-smoke-test.json', pretty(noSession));

  const otel = buildOtelSession();
  write('otel-genai.jsonl', otel);

  const legacy = buildLegacySession();
  write('legacy-v2.json', pretty(legacy));

  write(
    'README.md',
    readme({
      refund: refund.map((t) => t.info.trace_id),
      wrapper: wrapper.map((f) => f.trace.info.trace_id),
      otel: otel
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).info.trace_id),
      legacy: legacy.map((t) => t.info.request_id),
      noSession: noSession.info.trace_id,
    }),
  );
}

/** The variant without assessments: the same files (the refund session unjudged) and one more session. */
function judgeFree() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(OUT, 'traces'), { recursive: true });
  const write = (rel, text) => writeFileSync(join(OUT, rel), text);
  const refund = buildRefundSession();
  write('search-sess-refund-7f3a.json', pretty({ traces: [...refund].reverse(), next_page_token: null }));
  const policy = buildRefundSession({ session: POLICY_SESSION, user: POLICY_USER, turns: POLICY_TURNS, judged: false });
  write('search-sess-policy-5e21.json', pretty({ traces: [...policy].reverse(), next_page_token: null }));
  for (const f of buildWrapperSession()) write(f.name, pretty(f.trace));
  write('traces/no-session-smoke-test.json', pretty(buildNoSessionTrace()));
  write('otel-genai.jsonl', buildOtelSession());
  write('legacy-v2.json', pretty(buildLegacySession()));
  write(
    'README.md',
    `# Judge-free variant of samples/

Generated by \`node scripts/make-samples.mjs --judge-free\` (\`make samples\` writes it with
samples/); do not edit by hand. The same traces as \`samples/\` without a single assessment, which
is what most production dumps look like, plus what a real dump of the same app would hold: session
\`${POLICY_SESSION}\` (user \`${POLICY_USER}\`, the day before), in which the retriever returns
the current \`refund-policy-2024.md\` (version 2024.1, 30 days) and the assistant answers right.

\`tracetriage analyze test/judge-free/\` still finds where \`sess-refund-7f3a\` went wrong,
from what the traces hold: turn 3 retrieved \`refund-policy-2023.md\` while the dump holds a
newer version of it, and turns 4 and 5 carried its answer and retrieved the same outdated document
(a suspected root cause, \`error-propagation/suspectedRootCause\`; docs/rules/error-propagation.md,
"Judge-free clues").
`,
  );
}

main();
