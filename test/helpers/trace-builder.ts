// Builds exported traces in MLflow 3.6's own shape (`Trace.to_dict()`, as test/fixtures/
// v3.6_trace_ok_assessments_session.json): span ids base64, attribute values JSON text, times in
// ns. Tests describe a conversation in a few lines and get records the real reader accepts.

/** One span; ids are 16 hex digits (made from the name when absent). */
export interface SpanSpec {
  id?: string;
  /** Parent span id; `null`/absent for a root. */
  parent?: string | null;
  name: string;
  /** `mlflow.spanType`, e.g. AGENT, CHAT_MODEL, RETRIEVER, TOOL. */
  type?: string;
  /** `mlflow.spanInputs` / `mlflow.spanOutputs` (any JSON value). */
  inputs?: unknown;
  outputs?: unknown;
  status?: 'OK' | 'ERROR' | 'UNSET';
  statusMessage?: string;
  /** Milliseconds after the trace's time. */
  start?: number;
  end?: number;
  /** More attributes, written as MLflow does (each value JSON-encoded). */
  attributes?: Record<string, unknown>;
  /** Adds an `exception` event. */
  exception?: { type: string; message: string };
  /** Raw events, as they appear in the file. */
  events?: unknown[];
}

/** One assessment. */
export interface AssessmentSpec {
  name: string;
  /** Feedback value (ignored with `error` or `expectation`). */
  value?: unknown;
  rationale?: string;
  /** A scorer failure (`feedback.error`). */
  error?: { code: string; message: string };
  /** An expectation instead of a feedback. */
  expectation?: unknown;
  source?: 'LLM_JUDGE' | 'HUMAN' | 'CODE';
  sourceId?: string;
  /** Session-level: adds `mlflow.trace.session` to the assessment's metadata. */
  session?: string;
  spanId?: string;
  valid?: boolean;
  id?: string;
  overrides?: string;
}

/** One trace; `id` is a `tr-` id (made from `key` when absent). */
export interface TraceSpec {
  key: string;
  id?: string;
  session?: string | null;
  user?: string;
  /** Request time, ms since the epoch. */
  time?: number;
  durationMs?: number;
  state?: 'OK' | 'ERROR' | 'IN_PROGRESS';
  spans?: SpanSpec[];
  assessments?: AssessmentSpec[];
  metadata?: Record<string, string>;
  tags?: Record<string, string>;
}

/** 32 hex digits from a text (deterministic, not cryptographic). */
export function hexOf(text: string, digits = 32): string {
  let out = '';
  let h = 0x811c9dc5;
  for (let round = 0; out.length < digits; round++) {
    for (const c of `${round}:${text}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, digits);
}

/** The `tr-` id a trace spec gets. */
export function traceIdOf(spec: Pick<TraceSpec, 'key' | 'id'>): string {
  return spec.id ?? `tr-${hexOf(`trace/${spec.key}`)}`;
}

/** The span id a span spec gets. */
export function spanIdOf(traceKey: string, span: Pick<SpanSpec, 'id' | 'name'>): string {
  return span.id ?? hexOf(`span/${traceKey}/${span.name}`, 16);
}

const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
const T0 = Date.UTC(2026, 10, 10, 9, 0, 0);

/** An exported trace (the object `mlflow traces get` writes). */
export function makeTrace(spec: TraceSpec): Record<string, unknown> {
  const traceId = traceIdOf(spec);
  const time = spec.time ?? T0;
  const otelTrace = b64(traceId.slice(3));
  const spans = (spec.spans ?? []).map((s) => {
    const startNs = BigInt(Math.round((time + (s.start ?? 0)) * 1e3)) * 1000n;
    const endNs = BigInt(Math.round((time + (s.end ?? (s.start ?? 0) + 100)) * 1e3)) * 1000n;
    const attributes: Record<string, string> = { 'mlflow.traceRequestId': JSON.stringify(traceId) };
    if (s.type !== undefined) attributes['mlflow.spanType'] = JSON.stringify(s.type);
    if (s.inputs !== undefined) attributes['mlflow.spanInputs'] = JSON.stringify(s.inputs);
    if (s.outputs !== undefined) attributes['mlflow.spanOutputs'] = JSON.stringify(s.outputs);
    for (const [k, v] of Object.entries(s.attributes ?? {})) attributes[k] = JSON.stringify(v);
    const events = [...(s.events ?? [])];
    if (s.exception) {
      events.push({
        name: 'exception',
        time_unix_nano: Number(endNs / 1000n),
        attributes: { 'exception.type': s.exception.type, 'exception.message': s.exception.message, 'exception.stacktrace': 'Traceback: …' },
      });
    }
    const parent = s.parent ?? null;
    return {
      trace_id: otelTrace,
      span_id: b64(spanIdOf(spec.key, s)),
      parent_span_id: parent === null ? null : b64(parent),
      name: s.name,
      start_time_unix_nano: Number(startNs),
      end_time_unix_nano: Number(endNs),
      events,
      status: { code: `STATUS_CODE_${s.status ?? 'OK'}`, message: s.statusMessage ?? '' },
      attributes,
    };
  });
  const metadata: Record<string, string> = { 'mlflow.trace_schema.version': '3', ...spec.metadata };
  if (spec.session) metadata['mlflow.trace.session'] = spec.session;
  if (spec.user) metadata['mlflow.trace.user'] = spec.user;
  const assessments = (spec.assessments ?? []).map((a, i) => {
    const out: Record<string, unknown> = {
      assessment_id: a.id ?? `a-${hexOf(`assessment/${spec.key}/${i}`)}`,
      assessment_name: a.name,
      trace_id: traceId,
      source: { source_type: a.source ?? 'LLM_JUDGE', source_id: a.sourceId ?? (a.source === 'HUMAN' ? 'qa@example.com' : 'openai:/gpt-4o-mini') },
      create_time: new Date(time + 60_000 + i).toISOString(),
      last_update_time: new Date(time + 60_000 + i).toISOString(),
    };
    if (a.spanId !== undefined) out.span_id = a.spanId;
    if (a.expectation !== undefined) out.expectation = { value: a.expectation };
    else out.feedback = a.error ? { value: null, error: { error_code: a.error.code, error_message: a.error.message } } : { value: a.value ?? null };
    if (a.rationale !== undefined) out.rationale = a.rationale;
    if (a.session !== undefined) out.metadata = { 'mlflow.trace.session': a.session };
    if (a.expectation === undefined) out.valid = a.valid ?? true;
    if (a.overrides !== undefined) out.overrides = a.overrides;
    return out;
  });
  return {
    info: {
      trace_id: traceId,
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
      request_time: new Date(time).toISOString(),
      execution_duration: `${((spec.durationMs ?? 1000) / 1000).toFixed(3)}s`,
      state: spec.state ?? 'OK',
      trace_metadata: metadata,
      tags: { 'mlflow.traceName': spans[0]?.name ?? 'trace', ...spec.tags },
      assessments,
    },
    data: { spans },
  };
}

/** A chat turn: a root agent span with messages in and the answer out, over one model call. */
export interface ChatTurnSpec {
  key: string;
  session?: string | null;
  /** Turn start, ms after the session's start (turns default to one minute apart). */
  at?: number;
  user: string;
  answer: string;
  /** Earlier messages sent to the model with this turn (what the app kept of the conversation). */
  history?: Array<{ role: 'user' | 'assistant'; content: string }>;
  /** Documents the retriever returned (`{id, uri}`); no retriever span without them. */
  docs?: Array<{ id: string; uri?: string; text?: string; metadata?: Record<string, unknown> }>;
  /** A failing tool call under the agent. */
  toolError?: { name: string; type: string; message: string };
  /** Token usage of the model call (`mlflow.chat.tokenUsage`). */
  tokens?: { input: number; output: number };
  state?: 'OK' | 'ERROR';
  assessments?: AssessmentSpec[];
  spans?: SpanSpec[];
}

/** Builds the traces of a conversation, turn by turn (time: the session start + `at`). */
export function chatTurn(spec: ChatTurnSpec, sessionStart = T0): Record<string, unknown> {
  const agent = hexOf(`span/${spec.key}/agent`, 16);
  const messages = [...(spec.history ?? []), { role: 'user', content: spec.user }];
  const spans: SpanSpec[] = [{ id: agent, name: 'agent', type: 'AGENT', inputs: { messages }, outputs: spec.answer, end: 2000 }];
  if (spec.docs) {
    spans.push({
      name: 'retrieve_docs',
      parent: agent,
      type: 'RETRIEVER',
      start: 10,
      end: 150,
      inputs: { query: spec.user },
      outputs: spec.docs.map((d) => ({ id: d.id, page_content: d.text ?? `content of ${d.id}`, metadata: { doc_uri: d.uri ?? `kb://${d.id}`, ...d.metadata } })),
    });
  }
  if (spec.toolError) {
    spans.push({
      name: spec.toolError.name,
      parent: agent,
      type: 'TOOL',
      start: 200,
      end: 400,
      status: 'ERROR',
      statusMessage: `${spec.toolError.type}: ${spec.toolError.message}`,
      inputs: {},
      exception: { type: spec.toolError.type, message: spec.toolError.message },
    });
  }
  spans.push({
    name: 'chat',
    parent: agent,
    type: 'CHAT_MODEL',
    start: 500,
    end: 1900,
    inputs: { messages: [{ role: 'system', content: 'You are a helpful support assistant.' }, ...messages] },
    outputs: { choices: [{ message: { role: 'assistant', content: spec.answer } }] },
    ...(spec.tokens ? { attributes: { 'mlflow.chat.tokenUsage': { input_tokens: spec.tokens.input, output_tokens: spec.tokens.output, total_tokens: spec.tokens.input + spec.tokens.output } } } : {}),
  });
  spans.push(...(spec.spans ?? []));
  return makeTrace({
    key: spec.key,
    session: spec.session === undefined ? 'sess-test' : spec.session,
    time: sessionStart + (spec.at ?? 0),
    ...(spec.state ? { state: spec.state } : {}),
    spans,
    ...(spec.assessments ? { assessments: spec.assessments } : {}),
  });
}

/**
 * A whole conversation: each turn sends the earlier turns as history (as most chat apps do) and
 * starts a minute after the previous one, unless the turn says otherwise.
 */
export function conversation(session: string, turns: ReadonlyArray<Omit<ChatTurnSpec, 'key' | 'session'> & { key?: string }>): Array<Record<string, unknown>> {
  const history: Array<{ role: 'user' | 'assistant'; content: string }> = [];
  return turns.map((t, i) => {
    const trace = chatTurn({ ...t, key: t.key ?? `${session}/turn-${i + 1}`, session, at: t.at ?? i * 60_000, history: t.history ?? [...history] });
    history.push({ role: 'user', content: t.user }, { role: 'assistant', content: t.answer });
    return trace;
  });
}
