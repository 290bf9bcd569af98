// Streams N finding-shaped rows (about 1 KB each) through the Parquet writer of dist/ into a file,
// to show its memory is bounded by a row group, not by the rows: peak RSS at 50,000 and 500,000
// rows should be about the same. Usage: node bench/parquet-rows.mjs --rows N --out F [--group-bytes B]
import { closeSync, openSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FINDING_COLUMNS } from '../dist/report/analyze/parquet.js';
import { parquetChunks } from '../dist/report/parquet/writer.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, out: { type: 'string', default: '/dev/null' }, 'group-bytes': { type: 'string' } } });
const count = Number(values.rows);

function* rows() {
  for (let i = 0; i < count; i++) {
    const session = `sess-${(i >> 4).toString(16).padStart(8, '0')}`;
    yield {
      rule_id: ['error-propagation', 'user-pushback', 'scorer-error-assessment'][i % 3],
      message_id: 'rootCause',
      severity: ['error', 'warn', 'info'][i % 3],
      message: `Turn ${i % 16} of ${session} failed: the tool call returned an error that the model did not recover from (${i}). `.repeat(3),
      session_id: session,
      trace_id: `tr-${i.toString(16).padStart(32, '0')}`,
      span_id: (i * 7919).toString(16).padStart(16, '0'),
      turn: (i % 16) + 1,
      path: `$.data.spans[${i % 9}].attributes["mlflow.spanOutputs"]`,
      related_turns: [((i + 1) % 16) + 1, ((i + 2) % 16) + 1],
      evidence: [
        { trace_id: `tr-${i.toString(16)}`, span_id: null, turn: (i % 16) + 1, path: '$.data.spans[0]', kind: 'error', label: `RuntimeError: upstream timed out after ${i % 30} s` },
        { trace_id: null, span_id: null, turn: null, path: null, kind: 'clue', label: 'the user asked again in other words' },
      ],
      suggestion: i % 2 === 0 ? 'Retry the tool call or tell the user it failed.' : null,
      fingerprint: i.toString(16).padStart(40, '0'),
      role: i % 16 === 0 ? 'rootCause' : null,
    };
  }
}

const started = process.cpuUsage();
const fd = openSync(values.out, 'w');
let bytes = 0;
let peak = 0;
for (const piece of parquetChunks(FINDING_COLUMNS, rows(), values['group-bytes'] === undefined ? {} : { rowGroupBytes: Number(values['group-bytes']) })) {
  writeSync(fd, piece);
  bytes += piece.length;
  peak = Math.max(peak, process.memoryUsage().rss);
}
closeSync(fd);
const cpu = process.cpuUsage(started);
console.log(JSON.stringify({ rows: count, bytes, cpu_s: +((cpu.user + cpu.system) / 1e6).toFixed(2), peak_rss_mb: Math.round(peak / 1e6) }));
