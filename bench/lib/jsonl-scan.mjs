/**
 * The scan bench/baseline.mjs and bench/floor.mjs share: a 1 MiB read stream, records cut at `\n`
 * on the bytes (Buffer#indexOf), a line that spans chunks carried over as buffer pieces and joined
 * once, each record decoded with `buf.toString('utf8', start, end)` and `JSON.parse`d, blank lines
 * and a CR before the newline skipped. `onRecord` gets each parsed record. Returns the bytes read,
 * the records and the seconds taken; a record that is not JSON throws with its line.
 */
import { createReadStream } from 'node:fs';

export async function scanJsonl(file, onRecord) {
  const t0 = performance.now();
  let bytes = 0;
  let records = 0;
  let line = 1;
  const parse = (buf, start, end) => {
    if (end > start && buf[end - 1] === 13) end--; // CRLF
    if (end === start) return;
    let doc;
    try {
      doc = JSON.parse(buf.toString('utf8', start, end));
    } catch (err) {
      const hint = records === 0 ? ' (is this JSON Lines? the baseline cannot read a pretty-printed export)' : '';
      throw new Error(`${file}:${line}: ${err.message}${hint}`);
    }
    onRecord(doc);
    records++;
  };
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
  return { bytes, records, seconds: (performance.now() - t0) / 1000 };
}

/** The result line both print: MB = 1e6 bytes. */
export function resultLine(fields, { bytes, seconds }) {
  return `${JSON.stringify({ ...fields, seconds: Math.round(seconds * 1000) / 1000, mb_per_s: Math.round((bytes / 1e6 / seconds) * 10) / 10 })}\n`;
}
