#!/usr/bin/env node
/**
 * One trace too big for one string (issue 17, "Flat memory", last paragraph), as one JSON Lines
 * record in MLflow 3 `Trace.to_dict()` shape:
 *
 *   node bench/gen-huge-trace.mjs --out <file> [--shape spans|string] [--bytes 300e6] [--seed 42] [--quiet]
 *
 * - `--shape spans`: an agent root and about `bytes / 6.5 KB` child spans (46,000 at 300 MB):
 *   chat model calls with their message history, tool calls (some failing, with exception
 *   events) and retrievals; every string is short enough to be kept whole.
 * - `--shape string`: a root, a chat model call and a tool span whose `mlflow.spanOutputs` is one
 *   JSON-in-string value of nearly `bytes` (a dumped document), which no string may hold whole.
 *
 * The record is written piece by piece (it does not fit in one string). The same options give
 * the same bytes. Prints `{"bytes", "spans", "seconds"}` as JSON unless --quiet.
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Rng } from './lib/prng.mjs';
import { b64, hexOf, words } from './lib/util.mjs';
import { SUPPORT_WORDS } from './lib/vocab.mjs';

/** 2026-01-05T00:00:00Z in ms. */
const T0 = 1767571200000;
const WORDS = [...SUPPORT_WORDS, 'café', 'naïve'];

const ns = (ms) => `${Math.round(ms)}000000`;
const sentence = (rng, n) => words(rng, WORDS, n);
const TRACE_ID = `tr-${hexOf('huge-trace')}`;

/** One span as JSON text (times as bare nanosecond digits, as MLflow writes them). */
function spanJson(s) {
  const attributes = { 'mlflow.traceRequestId': JSON.stringify(TRACE_ID), 'mlflow.spanType': JSON.stringify(s.type) };
  if (s.inputs !== undefined) attributes['mlflow.spanInputs'] = JSON.stringify(s.inputs);
  if (s.outputs !== undefined) attributes['mlflow.spanOutputs'] = JSON.stringify(s.outputs);
  if (s.tokens) attributes['mlflow.chat.tokenUsage'] = JSON.stringify({ input_tokens: s.tokens[0], output_tokens: s.tokens[1], total_tokens: s.tokens[0] + s.tokens[1] });
  const events = s.exception
    ? [{ name: 'exception', time_unix_nano: Math.round(s.end) * 1000, attributes: { 'exception.type': s.exception[0], 'exception.message': s.exception[1], 'exception.stacktrace': 'Traceback: ...' } }]
    : [];
  const span = {
    trace_id: b64(TRACE_ID.slice(3)),
    span_id: b64(hexOf(`span/${s.name}`, 16)),
    parent_span_id: s.parent ? b64(hexOf(`span/${s.parent}`, 16)) : null,
    name: s.name,
    start_time_unix_nano: `\u0000${ns(s.start)}`,
    end_time_unix_nano: `\u0000${ns(s.end)}`,
    events,
    status: { code: `STATUS_CODE_${s.error ? 'ERROR' : 'OK'}`, message: s.error ?? '' },
    attributes,
  };
  return JSON.stringify(span).replace(/"\\u0000(\d+)"/g, '$1');
}

/** The record's text before the first span, and after the last. */
function envelope() {
  const info = {
    trace_id: TRACE_ID,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
    request_time: new Date(T0).toISOString(),
    execution_duration: '3600.000s',
    state: 'OK',
    trace_metadata: { 'mlflow.trace_schema.version': '3', 'mlflow.trace.session': 'sess-huge', 'mlflow.trace.user': 'user-42' },
    tags: { 'mlflow.traceName': 'agent' },
    assessments: [],
  };
  return { head: `{"info":${JSON.stringify(info)},"data":{"spans":[`, tail: ']}}\n' };
}

/** Child span `i` of the spans shape: about 6.5 KB of JSON. */
function child(rng, i, history) {
  const time = T0 + 1000 + i * 50;
  const name = `step_${i}`;
  const kind = i % 5;
  if (kind === 1) {
    const failing = i % 45 === 1;
    return {
      name,
      parent: 'agent',
      type: 'TOOL',
      start: time,
      end: time + 20,
      inputs: { order: i, note: sentence(rng, 200) },
      outputs: failing ? undefined : { status: 'found', detail: sentence(rng, 420) },
      error: failing ? 'KeyError: order' : undefined,
      exception: failing ? ['KeyError', `order ${i}`] : undefined,
    };
  }
  if (kind === 3) {
    return {
      name,
      parent: 'agent',
      type: 'RETRIEVER',
      start: time,
      end: time + 30,
      inputs: { query: sentence(rng, 8) },
      outputs: [0, 1, 2, 3].map((d) => ({ id: `doc-${(i * 4 + d) % 997}`, page_content: sentence(rng, 150), metadata: { doc_uri: `kb://doc-${(i * 4 + d) % 997}` } })),
    };
  }
  const user = `Step ${i}: ${sentence(rng, rng.int(4, 12))}?`;
  const answer = `About ${sentence(rng, rng.int(8, 20))}.`;
  history.push({ role: 'user', content: user }, { role: 'assistant', content: answer });
  if (history.length > 60) history.splice(0, 2);
  return {
    name,
    parent: 'agent',
    type: 'CHAT_MODEL',
    start: time,
    end: time + 40,
    inputs: { messages: [{ role: 'system', content: 'You are a helpful support assistant.' }, ...history.slice(0, -1)] },
    outputs: { choices: [{ message: { role: 'assistant', content: answer } }] },
    tokens: [1500 + (i % 700), 40 + (i % 30)],
  };
}

/** Writes the record; resolves to `{bytes, spans}`. */
export async function generate({ out, shape, bytes: target, seed }) {
  const rng = new Rng(seed);
  const stream = createWriteStream(out);
  let bytes = 0;
  let spans = 0;
  const write = async (text) => {
    bytes += Buffer.byteLength(text);
    if (!stream.write(text)) await new Promise((r) => stream.once('drain', r));
  };
  const { head, tail } = envelope();
  await write(head);
  const root = { name: 'agent', type: 'AGENT', start: T0, end: T0 + 3_600_000, inputs: { question: 'Where is my parcel?' }, outputs: 'It ships tomorrow.' };
  await write(spanJson(root));
  spans++;
  if (shape === 'spans') {
    const history = [];
    for (let i = 0; bytes + tail.length < target; i++) {
      await write(`,${spanJson(child(rng, i, history))}`);
      spans++;
    }
  } else {
    const chat = {
      name: 'chat',
      parent: 'agent',
      type: 'CHAT_MODEL',
      start: T0 + 100,
      end: T0 + 1900,
      inputs: { messages: [{ role: 'user', content: 'Where is my parcel?' }] },
      outputs: { choices: [{ message: { role: 'assistant', content: 'It ships tomorrow.' } }] },
    };
    await write(`,${spanJson(chat)}`);
    spans++;
    // The tool span with the huge output: written around a marker, the string in pieces. The
    // attribute is JSON text of a JSON string, so each quote and newline is escaped twice.
    const [before, after] = spanJson({ name: 'dump_document', parent: 'agent', type: 'TOOL', start: T0 + 2000, end: T0 + 2500, inputs: { id: 7 }, outputs: 'MARK' }).split('MARK');
    await write(`,${before}`);
    const room = target - bytes - after.length - tail.length;
    let written = 0;
    while (written < room) {
      const piece = `${sentence(rng, 40)}. \\\\\\"quoted\\\\\\" \\\\n`;
      const text = written + piece.length > room ? 'x'.repeat(room - written) : piece;
      await write(text);
      written += Buffer.byteLength(text);
    }
    await write(after);
    spans++;
  }
  await write(tail);
  await new Promise((resolve, reject) => stream.end((err) => (err ? reject(err) : resolve())));
  return { bytes, spans };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      shape: { type: 'string', default: 'spans' },
      bytes: { type: 'string', default: '300e6' },
      seed: { type: 'string', default: '42' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const opts = { out: values.out, shape: values.shape, bytes: Number(values.bytes), seed: Number(values.seed) };
  if (!opts.out || !['spans', 'string'].includes(opts.shape) || !(opts.bytes > 0) || !Number.isInteger(opts.seed)) {
    process.stderr.write('usage: node bench/gen-huge-trace.mjs --out <file> [--shape spans|string] [--bytes 300e6] [--seed 42]\n');
    process.exit(2);
  }
  const start = process.hrtime.bigint();
  const r = await generate(opts);
  if (!values.quiet) process.stdout.write(JSON.stringify({ ...r, seconds: Number(process.hrtime.bigint() - start) / 1e9 }) + '\n');
}
