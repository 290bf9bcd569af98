#!/usr/bin/env node
/**
 * Writes a seeded, realistic MLflow 3.6 trace export of at least --bytes bytes, streaming (one
 * trace in memory at a time, write-stream backpressure honoured). Same seed and options → same
 * bytes; a smaller --bytes gives a prefix of the same trace sequence.
 *
 *   node bench/gen-export.mjs --out <file> --bytes <N> [--seed 42] [--format jsonl|search]
 *                             [--non-ascii mixed|escaped|raw] [--quiet]
 *
 * jsonl:  one trace per line, `Trace.to_json()` style (Python `json.dumps` separators ", " ": ").
 * search: `mlflow traces search --output json` — `{"traces": [...], "next_page_token": null}`,
 *         `json.dumps(..., indent=2)`.
 * --non-ascii: Python's default `ensure_ascii=True` writes non-ASCII as \uXXXX (`escaped`);
 *         exporters using `ensure_ascii=False` write raw UTF-8 (`raw`); `mixed` (jsonl default)
 *         writes a seeded quarter of the lines raw. `search` defaults to `escaped`, like the CLI.
 *
 * Prints one JSON summary line on stdout; progress goes to stderr.
 */
import { parseArgs } from 'node:util';
import { BatchWriter } from './lib/batch-writer.mjs';
import { pathToFileURL } from 'node:url';
import { Rng } from './lib/prng.mjs';
import { dumps, ensureAscii, Raw } from '../scripts/lib/pyjson.mjs';
import { setSizeMetadata } from './lib/trace-info.mjs';
import { ExportModel } from './lib/traces.mjs';

/** Parse `1e9`, `50e6`, `500MB`, `1GiB` … into a byte count. */
export function parseBytes(text) {
  const m = /^\s*([0-9.]+(?:e[0-9]+)?)\s*(k|m|g|kb|mb|gb|kib|mib|gib)?\s*$/i.exec(String(text));
  if (!m) throw new Error(`not a byte count: ${text}`);
  const unit = (m[2] ?? '').toLowerCase();
  const mult = { '': 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 }[unit];
  const n = Math.round(Number(m[1]) * mult);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`not a byte count: ${text}`);
  return n;
}

/**
 * Generate the export. Resolves to a summary: bytes, traces, spans, sessions, largest trace,
 * seconds, MB/s.
 */
export async function generate({ out, bytes, seed = 42, format = 'jsonl', nonAscii, onProgress }) {
  if (format !== 'jsonl' && format !== 'search') throw new Error(`unknown --format ${format}`);
  nonAscii ??= format === 'search' ? 'escaped' : 'mixed';
  if (!['mixed', 'escaped', 'raw'].includes(nonAscii)) throw new Error(`unknown --non-ascii ${nonAscii}`);
  const t0 = performance.now();
  const rng = new Rng(seed);
  const model = new ExportModel(rng.fork());
  const asciiRng = rng.fork();
  const indent = format === 'search' ? 2 : 0;
  const spanDepth = 5; // {"traces": [ {"data": {"spans": [ <span>
  const file = new BatchWriter(out);
  const emit = (text, byteLength) => file.write(text, byteLength);

  const header = format === 'search' ? '{\n  "traces": [\n    ' : '';
  const footer = format === 'search' ? '\n  ],\n  "next_page_token": null\n}\n' : '';
  await emit(header, header.length);
  let traces = 0;
  let spans = 0;
  let maxTrace = 0;
  const sessions = new Set();
  let nextReport = bytes / 10;
  while (file.written + footer.length < bytes) {
    const { info, spans: spanDicts } = model.next();
    const spanTexts = spanDicts.map((s) => dumps(s, indent, spanDepth));
    setSizeMetadata(
      info,
      spanTexts.map((s) => s.length),
    );
    let text = dumps({ info, data: { spans: spanTexts.map((s) => new Raw(s)) } }, indent, 2);
    const raw = nonAscii === 'raw' || (nonAscii === 'mixed' && asciiRng.chance(0.25));
    if (!raw) text = ensureAscii(text);
    text = format === 'search' ? (traces ? ',\n    ' : '') + text : text + '\n';
    const len = raw ? Buffer.byteLength(text) : text.length;
    await emit(text, len);
    traces++;
    spans += spanDicts.length;
    if (len > maxTrace) maxTrace = len;
    const sid = info.trace_metadata['mlflow.trace.session'];
    if (sid) sessions.add(sid);
    if (onProgress && file.written >= nextReport) {
      onProgress(file.written / bytes);
      nextReport += bytes / 10;
    }
  }
  await emit(footer, footer.length);
  await file.close();
  const seconds = (performance.now() - t0) / 1000;
  return {
    out,
    format,
    seed,
    non_ascii: nonAscii,
    bytes: file.written,
    traces,
    spans,
    sessions: sessions.size,
    max_trace_bytes: maxTrace,
    avg_trace_bytes: Math.round(file.written / traces),
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
      format: { type: 'string', default: 'jsonl' },
      'non-ascii': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.out || !values.bytes) {
    process.stderr.write('usage: node bench/gen-export.mjs --out <file> --bytes <N> [--seed 42] ' + '[--format jsonl|search] [--non-ascii mixed|escaped|raw] [--quiet]\n');
    process.exit(values.help ? 0 : 2);
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  const summary = await generate({
    out: values.out,
    bytes: parseBytes(values.bytes),
    seed,
    format: values.format,
    nonAscii: values['non-ascii'],
    onProgress: values.quiet ? undefined : (f) => process.stderr.write(`gen-export: ${Math.round(f * 100)}%\n`),
  });
  process.stdout.write(JSON.stringify(summary) + '\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    process.stderr.write(`gen-export: ${err.message}\n`);
    process.exit(1);
  });
}
