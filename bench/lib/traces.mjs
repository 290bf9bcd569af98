/**
 * The synthetic MLflow 3.6 export: interleaved chat sessions of 1–12 turns, one trace per turn,
 * in `Trace.to_dict()` shape (§2.2 TraceInfo V3, §2.5 D "current" spans, §3 assessments of
 * reference/mlflow-trace-formats.md). Span attribute values are JSON text as MLflow stores them;
 * timestamps are 19-digit nanosecond integers emitted verbatim (they exceed 2^53).
 */
import { Raw, dumps, pyFloat } from '../../scripts/lib/pyjson.mjs';
import { Corpus } from './text.mjs';
import { traceInfo } from './trace-info.mjs';
import { b64, iso, tokens, truncate, uuid } from './util.mjs';
import { APPS, BULKY_TOOLS, EXCEPTIONS, FRAMES, MODELS, TOOL_KIND } from './vocab.mjs';

/** 2026-01-05T00:00:00Z in µs. Clocks are kept in µs (exact in a double) and printed as ns. */
const START_US = 1767571200000000;
const ACTIVE_SESSIONS = 6;
const MAX_SPANS = 40;
/** Chat history the client keeps and sends back (messages, i.e. user + assistant turns). */
const HISTORY_WINDOW = 4;
/** Chance that a call of a bulky tool returns a huge output (file dump, table export): the rare 1–2 MB trace. */
const BULKY_CHANCE = 0.003;
/** Characters of a tool result an agent sends back to the model. */
const TOOL_RESULT_CLIP = 1500;

export class ExportModel {
  constructor(rng) {
    this.rng = rng;
    this.corpus = new Corpus(rng.fork());
    this.clock = START_US;
    this.active = [];
    this.experiments = APPS.map(() => String(this.rng.int(1e8, 9e8)) + String(this.rng.int(1e8, 9e8)));
    this.toolSchemas = {};
    for (const name of Object.keys(TOOL_KIND)) this.toolSchemas[name] = this.toolSchema(name);
    this.systemPrompts = APPS.map(() => this.corpus.text(this.rng, 'en', this.rng.int(200, 1000)));
  }

  /** The next trace in export order: `{info, spans}`, both plain objects ready for `dumps`. */
  next() {
    while (this.active.length < ACTIVE_SESSIONS) this.active.push(this.newSession());
    const i = this.rng.int(0, this.active.length - 1);
    const s = this.active[i];
    this.clock += this.rng.logUniform(20_000, 30_000_000);
    if (s.notBefore > this.clock) this.clock = s.notBefore;
    const trace = this.turn(s);
    if (++s.turn >= s.turns) this.active.splice(i, 1);
    return trace;
  }

  newSession() {
    const rng = this.rng;
    const appIndex = rng.int(0, APPS.length - 1);
    const single = rng.chance(0.12);
    return {
      id: single ? null : rng.chance(0.5) ? uuid(rng) : `sess-${rng.hex(12)}`,
      user: rng.chance(0.3) ? `${rng.pick(['alice', 'bob', 'chen', 'dana', 'émile', 'yuki'])}${rng.int(1, 999)}@example.com` : `user-${rng.int(1, 50000)}`,
      app: APPS[appIndex],
      appIndex,
      experimentId: this.experiments[appIndex],
      model: rng.pick(MODELS),
      lang: this.corpus.pickLang(rng),
      turns: single ? 1 : rng.logUniform(1, 12),
      turn: 0,
      history: [],
      notBefore: 0,
    };
  }

  // ---------------------------------------------------------------- spans

  span(t, parent, name, type, fn) {
    const sp = {
      idHex: this.rng.hex(16),
      parent,
      name,
      type,
      fn,
      start: this.clock,
      end: 0,
      subNs: [this.rng.int(0, 999), this.rng.int(0, 999)],
      events: [],
      error: null,
      inputs: undefined,
      outputs: undefined,
      extra: null,
      usage: null,
    };
    t.spans.push(sp);
    this.clock += this.rng.int(30, 900);
    return sp;
  }

  close(sp, minUs = 0) {
    this.clock += this.rng.int(20, 400) + minUs;
    sp.end = this.clock;
  }

  toolSchema(name) {
    const rng = this.rng;
    const props = {};
    const n = rng.int(1, 4);
    for (let i = 0; i < n; i++) {
      props[rng.pick(['query', 'order_id', 'customer_id', 'path', 'city', 'date', 'limit', 'currency', 'pattern'])] = {
        type: rng.pick(['string', 'string', 'integer']),
        description: this.corpus.phrase(rng, 'en', 6),
      };
    }
    return { type: 'function', function: { name, description: this.corpus.phrase(rng, 'en', 20), parameters: { type: 'object', properties: props, required: Object.keys(props).slice(0, 1) } } };
  }

  llm(t, parent, msgs, wantTools) {
    const rng = this.rng;
    const s = t.session;
    const [model, version, spanName] = s.model;
    const sp = this.span(t, parent, spanName, rng.chance(0.15) ? 'LLM' : 'CHAT_MODEL', null);
    const tools = wantTools || s.app.tools.length > 1 ? s.app.tools.map((n) => this.toolSchemas[n]) : undefined;
    const temperature = pyFloat(rng.pick([0, 0.1, 0.2, 0.7, 1]));
    sp.inputs = { messages: msgs.slice(), model, temperature, tools, stream: false };
    const message = { role: 'assistant', content: null, tool_calls: undefined, refusal: null };
    let finish = 'stop';
    if (wantTools) {
      message.tool_calls = [];
      for (let i = rng.chance(0.7) ? 1 : rng.int(2, 3); i > 0; i--) {
        const name = rng.pick(s.app.tools);
        const args = {};
        for (const k of Object.keys(this.toolSchemas[name].function.parameters.properties)) {
          args[k] = k === 'limit' ? rng.int(1, 50) : this.corpus.phrase(rng, s.lang, rng.int(1, 8));
        }
        message.tool_calls.push({ id: `call_${rng.hex(24)}`, type: 'function', function: { name, arguments: dumps(args) } });
      }
      finish = 'tool_calls';
    } else {
      message.content = this.corpus.text(rng, s.lang, rng.skewed(60, 20000, 3.5));
    }
    let inChars = 0;
    for (const m of msgs) inChars += (m.content?.length ?? 0) + 16;
    const outChars = message.content ? message.content.length : 80;
    const usage = { input_tokens: tokens(inChars), output_tokens: tokens(outChars) };
    usage.total_tokens = usage.input_tokens + usage.output_tokens;
    sp.usage = usage;
    if (rng.chance(0.05)) this.streamEvents(sp, message.content ?? '', version);
    this.close(sp, rng.logUniform(250_000, 9_000_000));
    sp.extra = {
      model: dumps(model),
      temperature: dumps(temperature),
      'mlflow.chat.tools': tools ? dumps(tools) : undefined,
      'mlflow.chat.tokenUsage': dumps(usage),
      'mlflow.message.format': '"openai"',
    };
    sp.outputs = {
      id: `chatcmpl-${rng.hex(29)}`,
      object: 'chat.completion',
      created: Math.floor(sp.start / 1e6),
      model: version,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
      usage: { prompt_tokens: usage.input_tokens, completion_tokens: usage.output_tokens, total_tokens: usage.total_tokens },
      service_tier: 'default',
      system_fingerprint: `fp_${rng.hex(10)}`,
    };
    return message;
  }

  /** Streaming chunks, recorded through `SpanEvent(...)`, hence µs timestamps (§2.7). */
  streamEvents(sp, text, version) {
    const n = this.rng.int(5, 40);
    const words = text.split(' ');
    for (let i = 0; i < n; i++) {
      this.clock += this.rng.int(5_000, 40_000);
      const chunk = { id: 'chatcmpl-stream', object: 'chat.completion.chunk', model: version, choices: [{ index: 0, delta: { content: (words[i] ?? '') + ' ' }, finish_reason: null }] };
      sp.events.push({ name: `mlflow.chunk.item.${i}`, time_unix_nano: new Raw(String(this.clock)), attributes: { 'mlflow.chunk.value': dumps(chunk) } });
    }
  }

  retrieve(t, parent, query) {
    const rng = this.rng;
    const sp = this.span(t, parent, rng.pick(['retrieve_documents', 'VectorStoreRetriever']), 'RETRIEVER', 'retrieve_documents');
    sp.inputs = { query };
    if (rng.chance(0.3)) {
      const e = this.span(t, sp, 'Embeddings', 'EMBEDDING', null);
      const vec = [];
      for (let i = rng.int(64, 256); i > 0; i--) {
        const x = (rng.next() - 0.5) / 5;
        vec.push(Math.abs(x) < 1e-4 ? 0.0001 : Math.round(x * 1e6) / 1e6);
      }
      e.inputs = { input: [query], model: 'text-embedding-3-small' };
      e.outputs = {
        data: [{ embedding: vec.map(pyFloat), index: 0, object: 'embedding' }],
        model: 'text-embedding-3-small',
        object: 'list',
        usage: { prompt_tokens: tokens(query.length), total_tokens: tokens(query.length) },
      };
      this.close(e, rng.int(20_000, 120_000));
    }
    const docs = [];
    for (let i = rng.int(3, 5); i > 0; i--) {
      docs.push({
        page_content: this.corpus.text(rng, t.session.lang, rng.skewed(200, 2000)),
        metadata: {
          doc_uri: `https://docs.example.com/${rng.pick(['billing', 'orders', 'devices', 'travel', 'api'])}/${rng.hex(6)}.html`,
          chunk_id: String(rng.int(0, 400)),
          source: rng.pick(['kb', 'confluence', 'zendesk']),
        },
        id: uuid(rng),
      });
    }
    if (rng.chance(0.15)) {
      const r = this.span(t, sp, 'rerank', 'RERANKER', 'rerank');
      r.inputs = { query, documents: docs.length };
      r.outputs = docs.map((d, i) => ({ id: d.id, score: pyFloat(Math.round((1 - i / 10) * 1000) / 1000) }));
      this.close(r, rng.int(30_000, 300_000));
    }
    sp.outputs = docs;
    this.close(sp, rng.int(40_000, 500_000));
    return docs;
  }

  tool(t, parent, call) {
    const rng = this.rng;
    const name = call.function.name;
    const kind = TOOL_KIND[name];
    const sp = this.span(t, parent, name, 'TOOL', name);
    sp.inputs = JSON.parse(call.function.arguments);
    if (kind === 'agent') {
      const chain = this.span(t, sp, 'research_agent', 'CHAIN', 'research_agent');
      const msgs = [
        { role: 'system', content: this.corpus.text(rng, 'en', rng.int(200, 800)) },
        { role: 'user', content: call.function.arguments },
      ];
      chain.inputs = { messages: msgs };
      for (let r = rng.int(0, 2); r > 0 && t.spans.length < MAX_SPANS - 6; r--) {
        const m = this.llm(t, chain, msgs, true);
        msgs.push(m);
        for (const c of m.tool_calls) {
          const sub = { ...c, function: { ...c.function, name: rng.pick(['get_weather', 'currency_convert', 'search_hotels']) } };
          msgs.push({ role: 'tool', tool_call_id: c.id, content: this.tool(t, chain, sub) });
        }
      }
      const answer = this.llm(t, chain, msgs, false).content;
      chain.outputs = answer;
      this.close(chain);
      sp.outputs = answer;
      this.close(sp);
      return answer;
    }
    if (rng.chance(0.03)) {
      // A tool failure the agent recovers from: the span is ERROR, the trace stays OK.
      this.close(sp, rng.int(1_000, 2_000_000));
      const [type, msg] = this.fail(sp);
      return `Error: ${type}: ${msg}`;
    }
    let out;
    const lang = t.session.lang;
    if (BULKY_TOOLS.has(name) && !t.bulky && rng.chance(BULKY_CHANCE)) {
      t.bulky = true;
      out = this.corpus.text(rng, 'en', rng.int(250_000, 700_000));
    } else if (kind === 'text') {
      out = this.corpus.text(rng, lang, rng.skewed(200, 20_000, 3));
    } else if (kind === 'results') {
      out = [];
      for (let i = rng.int(1, 8); i > 0; i--) {
        out.push({ title: this.corpus.phrase(rng, lang, 8), url: `https://www.example.org/${rng.hex(10)}`, snippet: this.corpus.text(rng, lang, rng.skewed(80, 1200)) });
      }
    } else {
      out = {
        id: `${rng.pick(['A', 'C', 'T'])}-${rng.int(10000, 99999)}`,
        status: rng.pick(['open', 'shipped', 'delivered', 'refunded']),
        updated_at: iso(this.clock / 1000),
        amount: pyFloat(rng.int(100, 99999) / 100),
        currency: rng.pick(['USD', 'EUR', 'JPY']),
        notes: this.corpus.text(rng, lang, rng.skewed(50, 3000)),
        tags: [this.corpus.phrase(rng, lang, 2)],
      };
    }
    sp.outputs = out;
    this.close(sp, rng.logUniform(2_000, 2_000_000));
    return typeof out === 'string' ? out : dumps(out);
  }

  /** Mark a span failed with an exception event; returns the exception. */
  fail(sp, exc = this.rng.pick(EXCEPTIONS), micros = this.rng.chance(0.2)) {
    const [type, msg] = exc;
    const rng = this.rng;
    let st = 'Traceback (most recent call last):\n';
    for (let i = rng.int(3, 12); i > 0; i--) {
      const [file, fn, code] = rng.pick(FRAMES);
      st += `  File "/app/.venv/lib/python3.11/${file}", line ${rng.int(20, 2400)}, in ${fn}\n    ${code}\n`;
    }
    st += `${type}: ${msg}\n`;
    const attributes = { 'exception.type': type, 'exception.message': msg, 'exception.stacktrace': st };
    if (!micros) attributes['exception.escaped'] = 'False';
    const at = sp.end - rng.int(5, 200);
    sp.events.push({ name: 'exception', time_unix_nano: micros ? new Raw(String(at)) : this.ns(at), attributes });
    sp.error = `${type}: ${msg}`;
    sp.outputs = undefined;
    if (sp.usage) {
      sp.usage = null; // a failed model call bills nothing
      sp.extra = { ...sp.extra, 'mlflow.chat.tokenUsage': undefined };
    }
    return exc;
  }

  ns(us) {
    return new Raw(String(us) + String(this.rng.int(0, 999)).padStart(3, '0'));
  }

  // ---------------------------------------------------------------- one turn

  turn(s) {
    const rng = this.rng;
    const app = s.app;
    const hex = rng.hex(32);
    const t = { session: s, traceId: `tr-${hex}`, traceB64: b64(hex), spans: [] };
    const root = this.span(t, null, app.name, 'AGENT', app.name);
    const user = { role: 'user', content: this.corpus.text(rng, s.lang, rng.skewed(50, 4000, 3)) };
    root.inputs = app.io === 'messages' ? { messages: [...s.history, user] } : { query: user.content, session_id: s.id ?? undefined };
    if (rng.chance(0.1)) {
      const mem = this.span(t, root, 'load_memory', 'MEMORY', 'load_memory');
      mem.inputs = { user_id: s.user };
      mem.outputs = { facts: [this.corpus.text(rng, s.lang, rng.int(50, 600))] };
      this.close(mem, rng.int(1_000, 40_000));
    }
    const msgs = [{ role: 'system', content: this.systemPrompts[s.appIndex] }, ...s.history];
    if (rng.chance(app.retrieval)) {
      const docs = this.retrieve(t, root, user.content.slice(0, 300));
      msgs.push({ role: 'user', content: `Answer using only this context:\n\n${docs.map((d) => d.page_content).join('\n\n---\n\n')}\n\nQuestion: ${user.content}` });
    } else {
      msgs.push(user);
    }
    // Now and then a long agent run that only the span cap stops.
    const rounds = rng.chance(0.01) ? MAX_SPANS : Math.min(rng.logUniform(1, app.maxRounds + 1) - 1, app.maxRounds);
    for (let r = 0; r < rounds && t.spans.length < MAX_SPANS - 5; r++) {
      const m = this.llm(t, root, msgs, true);
      msgs.push(m);
      for (const call of m.tool_calls) {
        if (t.spans.length >= MAX_SPANS - 2) break;
        const out = this.tool(t, root, call);
        // Agents clip tool results before sending them back, except the rare bulky one, after
        // which this agent answers at once (so the trace stays near 2 MB at worst).
        msgs.push({ role: 'tool', tool_call_id: call.id, content: t.bulky ? out : truncate(out, TOOL_RESULT_CLIP) });
      }
      if (t.bulky) break;
    }
    const answer = this.llm(t, root, msgs, false).content;
    if (t.spans.length < 3 || rng.chance(0.2)) {
      const p = this.span(t, root, 'format_response', 'PARSER', 'format_response');
      p.inputs = { text: truncate(answer, 200) };
      p.outputs = answer.length > 200 ? truncate(answer, 200) : answer;
      this.close(p, rng.int(50, 3_000));
    }
    root.outputs = app.io === 'messages' ? { messages: [{ role: 'assistant', content: answer, id: uuid(rng) }] } : answer;
    this.close(root, rng.int(500, 20_000));

    if (rng.chance(0.05)) this.failTrace(t);
    const ok = !root.error;
    s.history.push(user);
    if (ok) s.history.push({ role: 'assistant', content: answer });
    if (s.history.length > HISTORY_WINDOW) s.history.splice(0, s.history.length - HISTORY_WINDOW);
    s.notBefore = root.end + rng.logUniform(2_000_000, 300_000_000);
    return { info: traceInfo(this, t, root), spans: t.spans.map((sp) => this.spanDict(t, sp)) };
  }

  /** The trace fails: one span raises, its ancestors re-raise, later spans never run. */
  failTrace(t) {
    const rng = this.rng;
    const spans = t.spans;
    const candidates = [];
    for (let i = 1; i < spans.length; i++) if (spans[i].type !== 'PARSER') candidates.push(i);
    let idx = rng.pick(candidates);
    let last = idx;
    const isDesc = (sp, anc) => {
      for (let p = sp.parent; p; p = p.parent) if (p === anc) return true;
      return false;
    };
    while (last + 1 < spans.length && isDesc(spans[last + 1], spans[idx])) last++;
    if (last < 2) last = idx = spans.length - 1; // keep at least three spans
    spans.length = last + 1;
    const failing = spans[idx];
    const exc = this.fail(failing);
    for (let p = failing.parent, end = failing.end; p; p = p.parent) {
      end += rng.int(10, 500);
      p.end = end;
      this.fail(p, exc, false);
    }
  }

  spanDict(t, sp) {
    const attributes = {
      'mlflow.traceRequestId': dumps(t.traceId),
      'mlflow.spanType': dumps(sp.type),
      'mlflow.spanFunctionName': sp.fn ? dumps(sp.fn) : undefined,
      'mlflow.spanInputs': sp.inputs === undefined ? undefined : dumps(sp.inputs),
      ...sp.extra,
      'mlflow.spanOutputs': sp.outputs === undefined ? undefined : dumps(sp.outputs),
    };
    return {
      trace_id: t.traceB64,
      span_id: b64(sp.idHex),
      parent_span_id: sp.parent ? b64(sp.parent.idHex) : null,
      name: sp.name,
      start_time_unix_nano: new Raw(String(sp.start) + String(sp.subNs[0]).padStart(3, '0')),
      end_time_unix_nano: new Raw(String(sp.end) + String(sp.subNs[1]).padStart(3, '0')),
      events: sp.events,
      status: { code: sp.error ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK', message: sp.error ?? '' },
      attributes,
    };
  }
}
