#!/usr/bin/env node
/**
 * The shapes that make per-session and per-trace work grow (issue 12, "Bounded work"), as a
 * deterministic MLflow 3.6 JSON Lines export:
 *
 *   node bench/gen-long-session.mjs --out <file> [--turns 1000] [--window 0] [--assessments 0]
 *                                   [--seed 42] [--quiet]
 *
 * - `--turns N`: one session of N turns, one trace per turn. Each turn's model call carries the
 *   chat history as chat apps send it: the whole conversation (`--window 0`, so the file grows as
 *   N²) or its last W messages (`--window W`, a file linear in N). Every turn has a retriever
 *   with documents, a judge assessment (some failing, some scorer errors), and now and then a
 *   failing tool call, an ERROR trace, a retry burst and a session-level judge: every rule has work.
 * - `--assessments M`: one more trace (its own session) with M assessments: judges, human
 *   overrides, scorer errors and expectations.
 *
 * The same options and seed give the same bytes. Prints `{"bytes", "traces", "seconds"}` as JSON
 * unless --quiet.
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Rng } from './lib/prng.mjs';
import { b64, hexOf, words } from './lib/util.mjs';
import { SUPPORT_WORDS } from './lib/vocab.mjs';

/** 2026-01-05T00:00:00Z in ms. */
const T0 = 1767571200000;
const SYSTEM = 'You are a helpful support assistant. Answer from the knowledge base; say when you do not know.';

const iso = (ms) => new Date(ms).toISOString();
const ns = (ms) => `${Math.round(ms)}000000`;

const sentence = (rng, n) => words(rng, SUPPORT_WORDS, n);

/** One span in `Trace.to_dict()` shape (attribute values are JSON text). Times are ns digits. */
function span(traceId, key, s) {
  const attributes = { 'mlflow.traceRequestId': JSON.stringify(traceId), 'mlflow.spanType': JSON.stringify(s.type) };
  if (s.inputs !== undefined) attributes['mlflow.spanInputs'] = JSON.stringify(s.inputs);
  if (s.outputs !== undefined) attributes['mlflow.spanOutputs'] = JSON.stringify(s.outputs);
  if (s.tokens) {
    attributes['mlflow.chat.tokenUsage'] = JSON.stringify({ input_tokens: s.tokens[0], output_tokens: s.tokens[1], total_tokens: s.tokens[0] + s.tokens[1] });
  }
  const events = s.exception
    ? [{ name: 'exception', time_unix_nano: Number(ns(s.end)) / 1000, attributes: { 'exception.type': s.exception[0], 'exception.message': s.exception[1], 'exception.stacktrace': 'Traceback: ...' } }]
    : [];
  return {
    trace_id: b64(traceId.slice(3)),
    span_id: b64(hexOf(`span/${key}/${s.name}`, 16)),
    parent_span_id: s.parent ? b64(hexOf(`span/${key}/${s.parent}`, 16)) : null,
    name: s.name,
    start_time_unix_nano: `\u0000${ns(s.start)}`,
    end_time_unix_nano: `\u0000${ns(s.end)}`,
    events,
    status: { code: `STATUS_CODE_${s.error ? 'ERROR' : 'OK'}`, message: s.error ?? '' },
    attributes,
  };
}

/** One assessment in MLflow 3 shape. */
function assessment(traceId, key, i, time, a) {
  const out = {
    assessment_id: `a-${hexOf(`assessment/${key}/${i}`)}`,
    assessment_name: a.name,
    trace_id: traceId,
    source: { source_type: a.human ? 'HUMAN' : 'LLM_JUDGE', source_id: a.human ? 'qa@example.com' : 'openai:/gpt-4o-mini' },
    create_time: iso(time + 60_000 + i),
    last_update_time: iso(time + 60_000 + i),
  };
  if (a.expectation !== undefined) out.expectation = { value: a.expectation };
  else if (a.error) out.feedback = { value: null, error: { error_code: 'RATE_LIMIT', error_message: a.error } };
  else out.feedback = { value: a.value };
  if (a.rationale !== undefined) out.rationale = a.rationale;
  if (a.session !== undefined) out.metadata = { 'mlflow.trace.session': a.session };
  if (a.expectation === undefined) out.valid = a.valid ?? true;
  if (a.overrides !== undefined) out.overrides = a.overrides;
  return out;
}

function trace({ key, session, time, state, spans, assessments }) {
  const traceId = `tr-${hexOf(`trace/${key}`)}`;
  const metadata = { 'mlflow.trace_schema.version': '3', 'mlflow.trace.user': 'user-42' };
  if (session) metadata['mlflow.trace.session'] = session;
  return {
    info: {
      trace_id: traceId,
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
      request_time: iso(time),
      execution_duration: '2.000s',
      state,
      trace_metadata: metadata,
      tags: { 'mlflow.traceName': 'agent' },
      assessments: assessments.map((a, i) => assessment(traceId, key, i, time, a)),
    },
    data: { spans: spans.map((s) => span(traceId, key, s)) },
  };
}

/** Turn `t` (0-based) of the long session; `history` is the conversation so far (mutated). */
function turn(rng, t, history, window, session) {
  const key = `long/${t}`;
  const time = T0 + t * 60_000;
  const user = `Turn ${t + 1}: ${sentence(rng, rng.int(4, 10))}?`;
  const answer = `About ${sentence(rng, rng.int(6, 16))}.`;
  const sent = window > 0 ? history.slice(-window) : history;
  const messages = [{ role: 'system', content: SYSTEM }, ...sent, { role: 'user', content: user }];
  const failing = t % 97 === 13;
  const toolError = failing || t % 31 === 7;
  const spans = [
    {
      name: 'agent',
      type: 'AGENT',
      start: time,
      end: time + 2000,
      inputs: { question: user },
      outputs: failing ? undefined : answer,
      error: failing ? 'TimeoutError: upstream' : undefined,
      exception: failing ? ['TimeoutError', 'upstream timed out'] : undefined,
    },
    {
      name: 'retrieve_docs',
      parent: 'agent',
      type: 'RETRIEVER',
      start: time + 10,
      end: time + 150,
      inputs: { query: user },
      outputs: [0, 1, 2].map((d) => ({ id: `doc-${(t * 3 + d) % 500}`, page_content: sentence(rng, 12), metadata: { doc_uri: `kb://doc-${(t * 3 + d) % 500}` } })),
    },
  ];
  if (toolError) {
    spans.push({
      name: 'lookup_order',
      parent: 'agent',
      type: 'TOOL',
      start: time + 200,
      end: time + 400,
      inputs: { order: t },
      error: failing ? 'TimeoutError: upstream timed out' : 'KeyError: order',
      exception: failing ? ['TimeoutError', 'upstream timed out'] : ['KeyError', `order ${t}`],
    });
  }
  if (t % 53 === 5) {
    for (let r = 0; r < 4; r++) {
      spans.push({
        name: `call_api_${r}`,
        parent: 'agent',
        type: 'TOOL',
        start: time + 400 + r * 10,
        end: time + 405 + r * 10,
        inputs: { url: '/orders' },
        error: 'HTTPError: 503',
        exception: ['HTTPError', '503 Service Unavailable'],
      });
    }
  }
  const inputChars = messages.reduce((n, m) => n + m.content.length, 0);
  spans.push({
    name: 'chat',
    parent: 'agent',
    type: 'CHAT_MODEL',
    start: time + 500,
    end: time + 1900,
    inputs: { messages },
    outputs: failing ? undefined : { choices: [{ message: { role: 'assistant', content: answer } }] },
    tokens: [Math.ceil(inputChars / 4), Math.ceil(answer.length / 4)],
  });
  const assessments = [];
  if (t % 7 === 3) assessments.push({ name: 'relevance', error: 'judge rate limited' });
  else assessments.push({ name: 'relevance', value: t % 11 === 4 ? 'no' : 'yes', rationale: `The answer ${t % 11 === 4 ? 'misses' : 'covers'} the question.` });
  if (t % 19 === 2) {
    assessments.push({ name: 'correctness', value: false, rationale: 'Wrong policy quoted.' });
    assessments.push({ name: 'correctness', value: true, human: true, rationale: 'It is fine.' });
  }
  if (t % 250 === 249) assessments.push({ name: 'conversation_quality', value: 'no', session, rationale: 'The user repeats the question.' });
  history.push({ role: 'user', content: user }, { role: 'assistant', content: failing ? 'Sorry, something went wrong.' : answer });
  return trace({ key, session, time, state: failing ? 'ERROR' : 'OK', spans, assessments });
}

/** The trace with `m` assessments. */
function assessed(m) {
  const key = 'assessed';
  const time = T0 - 3_600_000;
  const spans = [
    { name: 'agent', type: 'AGENT', start: time, end: time + 2000, inputs: { messages: [{ role: 'user', content: 'Where is my parcel?' }] }, outputs: 'It ships tomorrow.' },
    {
      name: 'chat',
      parent: 'agent',
      type: 'CHAT_MODEL',
      start: time + 100,
      end: time + 1900,
      inputs: { messages: [{ role: 'user', content: 'Where is my parcel?' }] },
      outputs: { choices: [{ message: { role: 'assistant', content: 'It ships tomorrow.' } }] },
    },
  ];
  const assessments = [];
  for (let i = 0; i < m; i++) {
    const name = `judge_${i % 50}`;
    if (i % 10 === 9) assessments.push({ name, error: `judge ${i} failed` });
    else if (i % 10 === 8) assessments.push({ name: `expected_${i % 20}`, expectation: `answer ${i}` });
    else if (i % 10 === 7) {
      assessments.push({ name, value: 'yes', human: true, overrides: `a-${hexOf(`assessment/${key}/${i - 1}`)}`, rationale: `Reviewed ${i}.` });
    } else assessments.push({ name, value: i % 3 === 0 ? 'no' : 'yes', rationale: `Judged ${i}.`, valid: i % 10 !== 6 });
  }
  return trace({ key, session: 'sess-assessed', time, state: 'OK', spans, assessments });
}

/**
 * Writes the export: the assessed trace first (when asked), then the long session's turns.
 * Resolves to `{bytes, traces}`.
 */
export async function generate({ out, turns, window, assessments, seed }) {
  const rng = new Rng(seed);
  const stream = createWriteStream(out);
  let bytes = 0;
  let traces = 0;
  const write = async (obj) => {
    // Nanosecond times are written as bare digits (they exceed 2^53), as MLflow does.
    const line = JSON.stringify(obj).replace(/"\\u0000(\d+)"/g, '$1') + '\n';
    bytes += Buffer.byteLength(line);
    traces++;
    if (!stream.write(line)) await new Promise((r) => stream.once('drain', r));
  };
  if (assessments > 0) await write(assessed(assessments));
  const history = [];
  const session = `sess-long-${hexOf(`session/${seed}`, 8)}`;
  for (let t = 0; t < turns; t++) await write(turn(rng, t, history, window, session));
  await new Promise((resolve, reject) => stream.end((err) => (err ? reject(err) : resolve())));
  return { bytes, traces };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      turns: { type: 'string', default: '1000' },
      window: { type: 'string', default: '0' },
      assessments: { type: 'string', default: '0' },
      seed: { type: 'string', default: '42' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const opts = { out: values.out, turns: Number(values.turns), window: Number(values.window), assessments: Number(values.assessments), seed: Number(values.seed) };
  for (const k of ['turns', 'window', 'assessments', 'seed']) {
    if (!Number.isInteger(opts[k]) || opts[k] < 0) {
      process.stderr.write(`gen-long-session: --${k} must be a non-negative integer, got ${values[k]}\n`);
      process.exit(2);
    }
  }
  if (!opts.out) {
    process.stderr.write('gen-long-session: --out <file> is required\n');
    process.exit(2);
  }
  const start = process.hrtime.bigint();
  const r = await generate(opts);
  if (!values.quiet) {
    process.stdout.write(JSON.stringify({ ...r, seconds: Number(process.hrtime.bigint() - start) / 1e9 }) + '\n');
  }
}
