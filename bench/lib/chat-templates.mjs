/**
 * The real traces the chat scenario (bench/gen-chat.mjs) is made of, turned into templates that
 * can be replicated with fresh ids and shifted times by filling slots in the template TEXT: the
 * original bytes are kept (nanosecond times above 2^53 never go through a JSON number), only the
 * ids, the times and the point where a longer chat history goes are cut out as slots.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dumps, ensureAscii } from '../../scripts/lib/pyjson.mjs';

/**
 * The templates, relative to the repository root. `session` templates are one conversation whose
 * turns are replicated (and repeated, with the history growing, for longer sessions); `single`
 * templates are one trace each, emitted as traffic without a session. `weight` is the share of
 * sessions started from the template; `maxTurns` caps the session length drawn for it.
 */
export const TEMPLATE_SOURCES = [
  // 5 turns of a support chat: retrievals, tool calls, judges with rationales, a session-level
  // judge, a wrong answer at turn 3 (a 60-day window the policy does not have) that turns 4 and 5 build on.
  { name: 'refund', kind: 'session', weight: 0.12, maxTurns: 20, files: ['samples/search-sess-refund-7f3a.json'] },
  // 3 turns behind an HTTP wrapper root span; turn 3 fails (a tool error propagated to the root).
  {
    name: 'wrapper',
    kind: 'session',
    weight: 0.3,
    maxTurns: 20,
    files: ['samples/traces/sess-wrapper-19c2-turn1.json', 'samples/traces/sess-wrapper-19c2-turn2.json', 'samples/traces/sess-wrapper-19c2-turn3.json'],
  },
  // 2 turns ingested over OTLP: OTel GenAI attributes, the session only in span attributes.
  { name: 'otel-genai', kind: 'session', weight: 0.08, maxTurns: 6, files: ['samples/otel-genai.jsonl'] },
  // Real MLflow 3.4 / 3.5 / 3.6 output: human and judge feedback, expectations, a scorer error.
  { name: 'judged-3.6', kind: 'session', weight: 0.03, maxTurns: 3, files: ['test/fixtures/v3.6_trace_ok_assessments_session.json'] },
  { name: 'judged-3.5', kind: 'session', weight: 0.01, maxTurns: 3, files: ['test/fixtures/v3.5.0-equivalent_trace_ok_assessments_session.json'] },
  { name: 'judged-3.4', kind: 'session', weight: 0.02, maxTurns: 3, files: ['test/fixtures/v3.4_trace_ok_assessments_session.json'] },
  // Traces without a session: a smoke test, real MLflow error traces, an OpenInference trace,
  // span events in microseconds, and the five LangChain chat traces of a real MLflow 3.9 store.
  {
    name: 'no-session',
    kind: 'single',
    weight: 0.39,
    files: [
      'samples/traces/no-session-smoke-test.json',
      'test/fixtures/v3.6_trace_error.json',
      'test/fixtures/v3.6_trace_otel_ingested_genai_openinference.json',
      'test/fixtures/v3.6_trace_span_events_microsecond_timestamps.json',
      'test/fixtures/v3.4_cli_traces_search_output_json.json#no-session',
      'bench/templates/dric2018-chat-app.jsonl',
    ],
  },
];

/** Every file the templates are read from (for the export cache's hash). */
export const templateFiles = () => [...new Set(TEMPLATE_SOURCES.flatMap((s) => s.files.map((f) => f.split('#')[0])))];

/**
 * Re-lay out a pretty-printed JSON text with Python `json.dumps` default separators (`", "`,
 * `": "`, no newlines), token by token, so a record is one JSON Lines line; string contents are
 * copied byte for byte and numbers are never parsed.
 */
export function compact(text) {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
      i++;
    } else if (c === ',' || c === ':') {
      out += c + ' ';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The texts of a JSON array's elements, found by string state and depth (no parse). */
function arrayElements(text, open) {
  const out = [];
  let depth = 0;
  let start = -1;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '[' || c === '{') {
      if (depth === 1 && start < 0) start = i;
      depth++;
    } else if (c === ']' || c === '}') {
      depth--;
      if (depth === 1 && start >= 0) {
        out.push(text.slice(start, i + 1));
        start = -1;
      }
      if (depth === 0) return out;
    }
  }
  throw new Error('unterminated array');
}

/** One record text per trace in a file: JSON Lines, `{"traces": [...]}` or a single `{info, data}`. */
function recordTexts(root, file) {
  const text = readFileSync(join(root, file), 'utf8');
  const first = text.trimStart();
  if (first.startsWith('{"info"') && text.trimEnd().includes('\n')) {
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(compact);
  }
  const m = /^\{\s*"traces"\s*:\s*\[/.exec(first);
  if (m) return arrayElements(first, m[0].length - 1).map(compact);
  return [compact(text.trim())];
}

const hexOfId = (id) => (/^[0-9a-f]+$/.test(id) && id.length % 2 === 0 ? id : Buffer.from(id, 'base64').toString('hex'));

/** Session and user of a parsed record: trace metadata first, then OTel span attributes. */
function sessionOf(rec) {
  const md = rec.info.trace_metadata ?? {};
  const attr = (k) => {
    for (const s of rec.data?.spans ?? []) {
      const v = s.attributes?.[k];
      if (typeof v === 'string') return JSON.parse(v);
    }
    return undefined;
  };
  return { session: md['mlflow.trace.session'] ?? attr('session.id'), user: md['mlflow.trace.user'] ?? attr('user.id') };
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const TIME_NUMBER = /"(\w*time\w*)": (\d{10,})/g;
const ISO_TIME = /": "(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z)"/g;
const MESSAGES = '\\"messages\\": [';
const USER_MESSAGE = '{\\"role\\": \\"user\\"';

/**
 * Cut one record's text into literal parts and slots. Slots: `{ id }` (an id of the template by
 * its index and form), `{ ns | us | ms | s }` (an integer time, its template value as BigInt),
 * `{ iso }` (an RFC 3339 time, template ms) and `{ history: true }` (where earlier turns go in a
 * chat model input: before the first user message of each `messages` list of the spans).
 */
function slotProgram(text, ids) {
  const hits = [];
  if (ids.length) {
    // Longest first, so `tr-<hex>` wins over the bare hex inside it.
    const re = new RegExp(
      [...ids]
        .sort((a, b) => b.text.length - a.text.length)
        .map((x) => escapeRe(x.text))
        .join('|'),
      'g',
    );
    const byText = new Map(ids.map((x) => [x.text, x]));
    for (const m of text.matchAll(re)) hits.push({ at: m.index, len: m[0].length, slot: { id: byText.get(m[0]) } });
  }
  for (const m of text.matchAll(TIME_NUMBER)) {
    const digits = m[2];
    const unit = digits.length >= 18 ? 'ns' : digits.length >= 15 ? 'us' : digits.length >= 12 ? 'ms' : 's';
    hits.push({ at: m.index + m[0].length - digits.length, len: digits.length, slot: { unit, value: BigInt(digits) } });
  }
  for (const m of text.matchAll(ISO_TIME)) {
    hits.push({ at: m.index + 4, len: m[1].length, slot: { iso: Date.parse(m[1]) } });
  }
  const data = text.indexOf('"data": {"spans": ');
  for (let at = text.indexOf(MESSAGES, data); data >= 0 && at >= 0; at = text.indexOf(MESSAGES, at + 1)) {
    const user = text.indexOf(USER_MESSAGE, at);
    if (user >= 0) hits.push({ at: user, len: 0, slot: { history: true } });
  }
  hits.sort((a, b) => a.at - b.at);
  const parts = [];
  let pos = 0;
  for (const h of hits) {
    if (h.at < pos) throw new Error(`overlapping slots at ${h.at}`);
    parts.push(text.slice(pos, h.at), h.slot);
    pos = h.at + h.len;
  }
  parts.push(text.slice(pos));
  return parts;
}

/**
 * The ids of a template (all its turns): each trace id (`tr-<hex>`, bare hex, base64 in spans),
 * span id (base64 and hex), assessment id, client request id, and the session and user.
 */
function templateIds(recs) {
  const ids = [];
  const add = (text, kind, key, form) => {
    if (text && !ids.some((x) => x.text === text)) ids.push({ text, kind, key, form });
  };
  const { session, user } = sessionOf(recs[0]);
  add(session, 'session', 0, 'session');
  add(user, 'user', 0, 'user');
  recs.forEach((rec, t) => {
    const hex = rec.info.trace_id.replace(/^tr-/, '');
    add(rec.info.trace_id, 'trace', t, 'tr');
    add(hex, 'trace', t, 'hex');
    add(Buffer.from(hex, 'hex').toString('base64'), 'trace', t, 'b64');
    if (rec.info.client_request_id) add(rec.info.client_request_id, 'request', t, 'request');
    for (const s of rec.data?.spans ?? []) {
      const h = hexOfId(s.span_id);
      add(Buffer.from(h, 'hex').toString('base64'), 'span', `${t}:${h}`, 'b64');
      add(h, 'span', `${t}:${h}`, 'hex');
    }
    for (const a of rec.info.assessments ?? []) add(a.assessment_id, 'assessment', `${t}:${a.assessment_id}`, 'assessment');
  });
  return ids;
}

/**
 * The conversation at the end of a template, as the text that goes into a `messages` list of a
 * span attribute (JSON inside a JSON string, Python separators, `\uXXXX` outside): the last
 * turn's input messages and its answer. Prepended once per repetition, it makes histories grow.
 */
function historyText(last) {
  let best = null;
  for (const s of last.data?.spans ?? []) {
    const input = s.attributes?.['mlflow.spanInputs'];
    if (typeof input !== 'string') continue;
    const v = JSON.parse(input);
    if (!Array.isArray(v?.messages) || v.messages[0]?.role === 'system') continue;
    best = { messages: v.messages, output: s.attributes['mlflow.spanOutputs'] };
    break;
  }
  if (!best) return null;
  const messages = best.messages.map((m) => ({ role: m.role, content: m.content }));
  const answer = typeof best.output === 'string' ? JSON.parse(best.output) : null;
  if (typeof answer === 'string') messages.push({ role: 'assistant', content: answer });
  const inner = dumps(messages).slice(1, -1);
  return ensureAscii(JSON.stringify(inner).slice(1, -1));
}

/**
 * A turn that goes wrong: an ERROR trace, or feedback on the turn that says no (a scorer error is
 * not a verdict; a session-level judge speaks of the whole template conversation, not this turn).
 */
function failing(rec) {
  return (
    rec.info.state === 'ERROR' ||
    (rec.info.assessments ?? []).some((a) => a.feedback && !a.feedback.error && a.metadata?.['mlflow.trace.session'] === undefined && (a.feedback.value === false || a.feedback.value === 'no'))
  );
}

/**
 * Load every template: `{ name, kind, weight, maxTurns, turns: [{ parts, timeMs }], ids, history }`,
 * turns in request-time order. A `#no-session` suffix keeps only a file's traces without a session.
 */
export function loadTemplates(root) {
  const out = [];
  for (const src of TEMPLATE_SOURCES) {
    const recs = [];
    for (const spec of src.files) {
      const [file, filter] = spec.split('#');
      for (const text of recordTexts(root, file)) {
        const rec = JSON.parse(text);
        if (filter === 'no-session' && sessionOf(rec).session !== undefined) continue;
        recs.push({ text, rec, timeMs: Date.parse(rec.info.request_time) });
      }
    }
    if (!recs.length) throw new Error(`template ${src.name}: no traces in ${src.files.join(', ')}`);
    const groups = src.kind === 'session' ? [recs.sort((a, b) => a.timeMs - b.timeMs)] : recs.map((r) => [r]);
    const templates = groups.map((g) => {
      const ids = templateIds(g.map((r) => r.rec));
      return {
        turns: g.map((r) => ({ parts: slotProgram(r.text, ids), timeMs: r.timeMs, spans: r.rec.data?.spans?.length ?? 0, failing: failing(r.rec) })),
        ids,
        history: src.kind === 'session' ? historyText(g[g.length - 1].rec) : null,
      };
    });
    out.push({ ...src, templates });
  }
  return out;
}
