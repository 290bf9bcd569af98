#!/usr/bin/env node
/**
 * Writes a seeded MLflow 3.x JSON Lines export shaped like real chat traffic, streaming: small
 * traces (about 8 KB), chat histories that grow turn by turn, retrievals, judges with rationales
 * and scorer errors, sessions that go wrong at one turn and build on it, traces without a session.
 * Every trace is a real one (bench/lib/chat-templates.mjs: samples/, test/fixtures/ and the
 * traces of a real MLflow 3.9 store) replicated with fresh ids and times by filling slots in its
 * text. Sessions are interleaved by request time as in a real export. Same seed and size → same
 * bytes; a smaller --bytes gives a prefix.
 *
 *   node bench/gen-chat.mjs --out <file> --bytes <N> [--seed 42] [--quiet]
 *
 * Prints one JSON summary line on stdout (bytes, traces, sessions, mean trace bytes, seconds ...).
 */
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BatchWriter } from './lib/batch-writer.mjs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseBytes } from './gen-export.mjs';
import { loadTemplates } from './lib/chat-templates.mjs';
import { Rng } from './lib/prng.mjs';
import { iso } from './lib/util.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EPOCH_MS = Date.parse('2026-11-01T00:00:00Z');
/** Mean gap between two sessions starting, ms: a few dozen conversations open at any time. */
const SESSION_GAP_MS = 20_000;

/** A min-heap of traces waiting to be written, by request time then creation order. */
class Heap {
  items = [];
  get size() {
    return this.items.length;
  }
  peek() {
    return this.items[0];
  }
  static less(a, b) {
    return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.seq < b.seq);
  }
  push(x) {
    const h = this.items;
    h.push(x);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!Heap.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop() {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && Heap.less(h[l], h[m])) m = l;
        if (r < h.length && Heap.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/** A fresh id like `old`: its last `-` segment redrawn (hex for sessions, digits for users). */
function freshName(old, rng, digits) {
  const cut = old.lastIndexOf('-');
  const head = cut >= 0 ? old.slice(0, cut + 1) : `${old}-`;
  if (!digits) return head + rng.hex(12);
  const len = Math.max(5, old.length - head.length);
  return head + String(rng.int(0, 10 ** len - 1)).padStart(len, '0');
}

/** The value of one id slot in one trace instance (ids drawn on first use, then kept). */
function idValue(id, fresh, rng, session) {
  if (id.kind === 'session') return session.id;
  if (id.kind === 'user') return session.user;
  const key = `${id.kind}:${id.key}`;
  let hex = fresh.get(key);
  if (hex === undefined) {
    hex = rng.hex(id.kind === 'span' ? 16 : id.kind === 'request' ? Math.max(4, id.text.length - 4) : 32);
    fresh.set(key, hex);
  }
  switch (id.form) {
    case 'tr':
      return `tr-${hex}`;
    case 'b64':
      return Buffer.from(hex, 'hex').toString('base64');
    case 'assessment':
      return `a-${hex}`;
    case 'request':
      return `req-${hex}`;
    default:
      return hex;
  }
}

/** One trace's text: the template's parts with ids, times shifted by deltaMs, and the history. */
function instantiate(turn, deltaMs, history, rng, session) {
  const d = BigInt(deltaMs);
  const shift = { ns: d * 1_000_000n, us: d * 1000n, ms: d, s: BigInt(Math.round(deltaMs / 1000)) };
  const fresh = new Map();
  let text = '';
  for (const p of turn.parts) {
    if (typeof p === 'string') text += p;
    else if (p.id) text += idValue(p.id, fresh, rng, session);
    else if (p.unit) text += String(p.value + shift[p.unit]);
    else if (p.iso !== undefined) text += iso(p.iso + deltaMs);
    else if (p.history) text += history;
  }
  return text;
}

/**
 * The turns of one session: the template's turns in order, then its turns after the first again
 * (the opening is not asked twice), each repetition carrying the whole conversation so far in
 * its model inputs, so the history grows turn by turn.
 */
function* sessionTurns(tpl, n) {
  const k = tpl.turns.length;
  for (let i = 0; i < n; i++) {
    if (i < k) yield { t: i, cycle: 0 };
    else if (k === 1) yield { t: 0, cycle: i };
    else yield { t: 1 + ((i - k) % (k - 1)), cycle: 1 + Math.floor((i - k) / (k - 1)) };
  }
}

/** Pick a template group by weight, then one of its templates. */
function pickTemplate(groups, total, rng) {
  let x = rng.next() * total;
  for (const g of groups) {
    x -= g.weight;
    if (x < 0) return { group: g, tpl: rng.pick(g.templates) };
  }
  const g = groups[groups.length - 1];
  return { group: g, tpl: rng.pick(g.templates) };
}

/** Generate the export; resolves to its summary. */
export async function generate({ out, bytes, seed = 42, root = ROOT, onProgress }) {
  const t0 = performance.now();
  const groups = loadTemplates(root);
  const total = groups.reduce((n, g) => n + g.weight, 0);
  const rng = new Rng(seed);
  const file = new BatchWriter(out);

  const heap = new Heap();
  const stats = { traces: 0, spans: 0, sessions: 0, failingSessions: 0, noSession: 0, maxTrace: 0 };
  let seq = 0;
  let startMs = EPOCH_MS;
  let nextReport = bytes / 10;
  const writeOne = async () => {
    const x = heap.pop();
    const line = x.text + '\n';
    const len = Buffer.byteLength(line);
    await file.write(line, len);
    stats.traces++;
    stats.spans += x.spans;
    if (len > stats.maxTrace) stats.maxTrace = len;
    if (x.session) {
      if (x.first) stats.sessions++;
      if (x.first && x.failingSession) stats.failingSessions++;
    } else {
      stats.noSession++;
    }
    if (onProgress && file.written >= nextReport) {
      onProgress(file.written / bytes);
      nextReport += bytes / 10;
    }
  };

  while (file.written < bytes) {
    startMs += Math.max(1, Math.round(-Math.log(1 - rng.next()) * SESSION_GAP_MS));
    // Every trace still to come starts at or after startMs, so what is older can be written now.
    while (heap.size && heap.peek().timeMs <= startMs && file.written < bytes) await writeOne();
    if (file.written >= bytes) break;
    const { group, tpl } = pickTemplate(groups, total, rng);
    const n = group.kind === 'single' ? 1 : rng.skewed(1, group.maxTurns, 1.5);
    const session =
      group.kind === 'single'
        ? null
        : { id: freshName(tpl.ids.find((x) => x.kind === 'session').text, rng, false), user: freshName(tpl.ids.find((x) => x.kind === 'user')?.text ?? 'user-0', rng, true) };
    const turns = [...sessionTurns(tpl, n)];
    const failingSession = turns.some(({ t }) => tpl.turns[t].failing);
    let clock = startMs;
    let prev = null;
    turns.forEach(({ t, cycle }, i) => {
      const turn = tpl.turns[t];
      if (prev) {
        clock += prev.cycle === cycle && t > prev.t ? turn.timeMs - tpl.turns[prev.t].timeMs : rng.int(20_000, 180_000);
      }
      prev = { t, cycle };
      const history = cycle && tpl.history ? `${Array(cycle).fill(tpl.history).join(', ')}, ` : '';
      const text = instantiate(turn, clock - turn.timeMs, history, rng, session ?? { id: '', user: '' });
      heap.push({ timeMs: clock, seq: seq++, text, spans: turn.spans, session: session?.id, first: i === 0, failingSession });
    });
  }
  await file.close();
  const seconds = (performance.now() - t0) / 1000;
  return {
    out,
    format: 'jsonl',
    scenario: 'chat',
    seed,
    bytes: file.written,
    traces: stats.traces,
    spans: stats.spans,
    sessions: stats.sessions,
    failing_sessions: stats.failingSessions,
    traces_without_session: stats.noSession,
    mean_trace_bytes: Math.round(file.written / stats.traces),
    max_trace_bytes: stats.maxTrace,
    seconds: Math.round(seconds * 100) / 100,
    mb_per_s: Math.round(file.written / 1e6 / seconds),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      bytes: { type: 'string' },
      seed: { type: 'string', default: '42' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.out || !values.bytes) {
    process.stderr.write('usage: node bench/gen-chat.mjs --out <file> --bytes <N> [--seed 42] [--quiet]\n');
    process.exit(values.help ? 0 : 2);
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  const summary = await generate({
    out: values.out,
    bytes: parseBytes(values.bytes),
    seed,
    onProgress: values.quiet ? undefined : (f) => process.stderr.write(`gen-chat: ${Math.round(f * 100)}%\n`),
  });
  process.stdout.write(JSON.stringify(summary) + '\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    process.stderr.write(`gen-chat: ${err.message}\n`);
    process.exit(1);
  });
}
