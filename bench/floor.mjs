#!/usr/bin/env node
/**
 * The floor of reading a trace's content: the baseline (bench/baseline.mjs: line split +
 * `JSON.parse`), plus decoding every span attribute value, which MLflow stores as JSON text
 * (`"mlflow.spanInputs": "{\"messages\": [...]}"`): the work any tool does before it can see what
 * was said in a turn, and that the baseline does not. `bench/run.mjs` does not run it; it says how
 * far below the baseline a content reader starts (bench/README.md, "The floor").
 *
 *   node bench/floor.mjs <file.jsonl>
 *
 * Read stream with 1 MiB chunks; records cut at `\n` on the bytes (Buffer#indexOf), a line that
 * spans chunks carried over as buffer pieces and joined once; each record decoded with
 * `buf.toString('utf8', start, end)`, `JSON.parse`d, and one field touched (`data.spans.length`,
 * summed so the parse cannot be optimised away). Blank lines are skipped. JSON Lines only: a
 * `search` export (one pretty-printed document) has no record per line.
 *
 * Prints one JSON line: {"bytes", "records", "spans", "decoded" (attribute values decoded),
 * "undecodable" (values that start like JSON and are not), "seconds", "mb_per_s"} (MB = 1e6 bytes).
 */
import { createReadStream } from 'node:fs';

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  process.stderr.write('usage: node bench/floor.mjs <file.jsonl>\n');
  process.exit(2);
}

const t0 = performance.now();
let bytes = 0;
let records = 0;
let spans = 0;
let line = 1;
let decoded = 0;
let undecodable = 0;

function parse(buf, start, end) {
  if (end > start && buf[end - 1] === 13) end--; // CRLF
  if (end === start) return;
  let doc;
  try {
    doc = JSON.parse(buf.toString('utf8', start, end));
  } catch (err) {
    const hint = records === 0 ? ' (is this JSON Lines? the baseline cannot read a pretty-printed export)' : '';
    throw new Error(`${file}:${line}: ${err.message}${hint}`);
  }
  for (const span of doc.data.spans) {
    const attributes = span.attributes;
    if (attributes === null || typeof attributes !== 'object') continue;
    for (const key in attributes) {
      const value = attributes[key];
      if (typeof value !== 'string' || value.length === 0) continue;
      const c = value.charCodeAt(0);
      // A JSON text: an object, an array, a string (every MLflow attribute value is one).
      if (c === 123 || c === 91 || c === 34) {
        try {
          decoded += JSON.parse(value) === null ? 0 : 1;
        } catch {
          undecodable++;
        }
      }
    }
  }
  spans += doc.data.spans.length;
  records++;
}

async function scan() {
  let carry = [];
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    bytes += chunk.length;
    let start = 0;
    let nl;
    while ((nl = chunk.indexOf(10, start)) !== -1) {
      if (carry.length) {
        carry.push(chunk.subarray(start, nl));
        const joined = Buffer.concat(carry);
        carry = [];
        parse(joined, 0, joined.length);
      } else {
        parse(chunk, start, nl);
      }
      line++;
      start = nl + 1;
    }
    if (start < chunk.length) carry.push(chunk.subarray(start));
  }
  if (carry.length) {
    const joined = Buffer.concat(carry);
    parse(joined, 0, joined.length);
  }
}

try {
  await scan();
} catch (err) {
  process.stderr.write(`floor: ${err.message}\n`);
  process.exit(1);
}

const seconds = (performance.now() - t0) / 1000;
process.stdout.write(JSON.stringify({ bytes, records, spans, decoded, undecodable, seconds: Math.round(seconds * 1000) / 1000, mb_per_s: Math.round((bytes / 1e6 / seconds) * 10) / 10 }) + '\n');
