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
 * Prints one JSON line: {"bytes", "records", "spans", "decoded" (attribute values decoded),
 * "undecodable" (values that start like JSON and are not), "seconds", "mb_per_s"} (MB = 1e6 bytes).
 */
import { resultLine, scanJsonl } from './lib/jsonl-scan.mjs';

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  process.stderr.write('usage: node bench/floor.mjs <file.jsonl>\n');
  process.exit(2);
}

let spans = 0;
let decoded = 0;
let undecodable = 0;

/** Decodes each attribute value that is JSON text (an object, an array or a string). */
function decodeAttributes(span) {
  const attributes = span.attributes;
  if (attributes === null || typeof attributes !== 'object') return;
  for (const key in attributes) {
    const value = attributes[key];
    if (typeof value !== 'string' || value.length === 0) continue;
    const c = value.charCodeAt(0);
    if (c !== 123 && c !== 91 && c !== 34) continue;
    try {
      decoded += JSON.parse(value) === null ? 0 : 1;
    } catch {
      undecodable++;
    }
  }
}

try {
  const scan = await scanJsonl(file, (doc) => {
    for (const span of doc.data.spans) decodeAttributes(span);
    spans += doc.data.spans.length;
  });
  process.stdout.write(resultLine({ bytes: scan.bytes, records: scan.records, spans, decoded, undecodable }, scan));
} catch (err) {
  process.stderr.write(`floor: ${err.message}\n`);
  process.exit(1);
}
