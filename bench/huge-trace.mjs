/**
 * `node bench/run.mjs --scenario huge [--bytes 300e6] [--runs 1] [--keep] [--dir .bench]`: one
 * trace too big for one string (issue 17, "Flat memory", last paragraph). For each shape of
 * bench/gen-huge-trace.mjs (`spans`: ~46,000 spans; `string`: one attribute of nearly the whole
 * size), times the baseline (bench/baseline.mjs: the line as one string, `JSON.parse`), `stats`,
 * `analyze --format json`, and that `analyze` forced through `JSON.parse` (`--max-record-mb` above
 * the record's size): wall, CPU (user + system) and peak RSS. Judged: peak RSS ≤ 300 MB, and CPU
 * at most that of the forced `JSON.parse` run. Results in <dir>/huge-results.json.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generate } from './gen-huge-trace.mjs';
import { bestOf } from './lib/measure.mjs';

const RSS_TARGET_MB = 300;

/** Runs the scenario; resolves to `{ results, failures }` (failures: missed targets, as text). */
export async function hugeTrace({ root, dir, bytes, seed, runs, keep, log }) {
  const cli = join(root, 'dist/cli/main.js');
  const forcedMb = String(Math.ceil((bytes * 2) / 1e6));
  const commands = [
    ['baseline', (f) => [join(root, 'bench/baseline.mjs'), f]],
    ['stats', (f) => [cli, 'stats', '--format', 'json', f]],
    ['analyze json', (f) => [cli, 'analyze', '--format', 'json', '--fail-on', 'none', '--no-config', f]],
    ['analyze json, JSON.parse', (f) => [cli, 'analyze', '--format', 'json', '--fail-on', 'none', '--no-config', '--max-record-mb', forcedMb, f]],
  ];
  const rows = [];
  const failures = [];
  for (const shape of ['spans', 'string']) {
    const path = join(dir, `huge-${shape}.jsonl`);
    const made = await generate({ out: path, shape, bytes, seed });
    log(`${shape}: ${relative(root, path)} (${(made.bytes / 1e6).toFixed(1)} MB, ${made.spans} spans)`);
    const row = { shape, file: relative(root, path), bytes: made.bytes, spans: made.spans, seconds: {}, cpu_seconds: {}, peak_rss_mb: {} };
    for (const [name, argsOf] of commands) {
      const { seconds: best, cpuSeconds: cpu, peakRssMb: rss } = await bestOf(`${name} on ${relative(root, path)}`, argsOf(path), { cwd: root, runs });
      row.seconds[name] = best;
      row.cpu_seconds[name] = cpu;
      row.peak_rss_mb[name] = rss;
      log(`  ${name.padEnd(26)} ${best.toFixed(2).padStart(7)} s  CPU ${cpu.toFixed(2).padStart(6)} s  peak RSS ${rss.toFixed(0)} MB`);
    }
    for (const name of ['stats', 'analyze json']) {
      const rssOk = row.peak_rss_mb[name] <= RSS_TARGET_MB;
      const cpuOk = row.cpu_seconds[name] <= row.cpu_seconds['analyze json, JSON.parse'];
      log(`  ${rssOk ? 'PASS' : 'FAIL'} ${name}: peak RSS ${row.peak_rss_mb[name].toFixed(0)} MB (target ≤ ${RSS_TARGET_MB} MB)`);
      log(`  ${cpuOk ? 'PASS' : 'FAIL'} ${name}: CPU ${row.cpu_seconds[name].toFixed(2)} s (target ≤ analyze through JSON.parse, ${row.cpu_seconds['analyze json, JSON.parse'].toFixed(2)} s)`);
      if (!rssOk) failures.push(`${shape}: ${name} peak RSS`);
      if (!cpuOk) failures.push(`${shape}: ${name} CPU`);
    }
    rows.push(row);
    if (!keep) rmSync(path, { force: true });
  }
  const results = { schema_version: 1, scenario: 'huge', finished_at: new Date().toISOString(), node: process.version, params: { bytes, seed, runs }, rows, failures };
  writeFileSync(join(dir, 'huge-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  log(`\nresults written to ${relative(root, join(dir, 'huge-results.json'))}`);
  return results;
}
