/**
 * `node bench/run.mjs --scenario otlp [--bytes 100e6] [--scale 4] [--runs 1] [--keep] [--dir .bench]`:
 * another tracer's file (issue 17, "Flat memory"; docs/inputs.md). Generates an OTLP/JSON file of
 * `bytes` and one of `bytes × scale` (bench/gen-otlp.mjs: chat turns of three spans, each trace's
 * spans split over two requests, so every trace is joined across records) and times `stats --format
 * json`, `sessions --format json` and `analyze --format json` on each: wall, CPU (user + system)
 * and peak RSS. Judged: peak RSS ≤ 300 MB at every size, and within 10% from the small file to the
 * large one. Smaller by default than the MLflow scenarios: this path reads 16–24 MB/s (each span is
 * decoded, written as MLflow's JSON, sorted by trace in a temporary file and parsed again).
 * Results in <dir>/otlp-results.json.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { bestOf, run } from './lib/measure.mjs';

const RSS_TARGET_MB = 300;
const GROWTH_TARGET = 0.1;

/** Runs the scenario; resolves to `{ rows, failures }` (failures: missed targets, as text). */
export async function otlpScenario({ root, dir, bytes, scale, seed, runs, keep, log }) {
  const cli = join(root, 'dist/cli/main.js');
  const commands = [
    ['stats', (f) => [cli, 'stats', '--format', 'json', f]],
    ['sessions', (f) => [cli, 'sessions', '--format', 'json', '--no-config', f]],
    ['analyze', (f) => [cli, 'analyze', '--format', 'json', '--fail-on', 'none', '--no-config', f]],
  ];
  const sizes =
    scale > 1
      ? [
          ['1x', bytes],
          [`${scale}x`, bytes * scale],
        ]
      : [['1x', bytes]];
  const rows = [];
  for (const [label, size] of sizes) {
    // Named by size and seed: a file kept (--keep) is reused only for the same ones.
    const path = join(dir, `otlp-${size}-seed${seed}.jsonl`);
    if (keep && existsSync(path)) log(`reusing ${relative(root, path)} (--keep)`);
    else {
      // gen-otlp.mjs says what it wrote on stderr, which goes through.
      const made = await run([process.execPath, join(root, 'bench/gen-otlp.mjs'), '--out', path, '--bytes', String(size), '--seed', String(seed)], { cwd: root });
      if (made.code !== 0) throw new Error(`generating ${relative(root, path)} failed (exit ${made.code ?? made.signal})`);
    }
    for (const [name, argsOf] of commands) {
      const { seconds: best, cpuSeconds: cpu, peakRssMb: rss } = await bestOf(`${name} on ${relative(root, path)}`, argsOf(path), { cwd: root, runs });
      rows.push({ command: name, size: label, file: relative(root, path), bytes: size, seconds: best, cpu_seconds: cpu, peak_rss_mb: rss });
      log(
        `  ${label.padEnd(4)} ${name.padEnd(9)} ${best.toFixed(2).padStart(7)} s  CPU ${cpu.toFixed(2).padStart(6)} s  ${(size / 1e6 / best).toFixed(1).padStart(5)} MB/s  peak RSS ${rss.toFixed(0)} MB`,
      );
    }
    if (!keep) rmSync(path, { force: true });
  }
  const failures = [];
  log('\ntargets');
  for (const [name] of commands) {
    const mine = rows.filter((r) => r.command === name);
    const highest = Math.max(...mine.map((r) => r.peak_rss_mb));
    const rssOk = highest <= RSS_TARGET_MB;
    log(`  ${rssOk ? 'PASS' : 'FAIL'}  ${name} peak RSS ≤ ${RSS_TARGET_MB} MB: ${mine.map((r) => `${r.size} ${r.peak_rss_mb.toFixed(1)} MB`).join(', ')}`);
    if (!rssOk) failures.push(`${name} peak RSS`);
    if (mine.length === 2) {
      const [small, large] = mine;
      const growth = (large.peak_rss_mb - small.peak_rss_mb) / small.peak_rss_mb;
      const growthOk = Math.abs(growth) <= GROWTH_TARGET;
      log(
        `  ${growthOk ? 'PASS' : 'FAIL'}  ${name} peak RSS at ${large.size} within 10% of 1x: ${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}% (${small.peak_rss_mb.toFixed(1)} → ${large.peak_rss_mb.toFixed(1)} MB)`,
      );
      if (!growthOk) failures.push(`${name} peak RSS growth`);
    }
  }
  const results = { schema_version: 1, scenario: 'otlp', finished_at: new Date().toISOString(), node: process.version, params: { bytes, scale, seed, runs }, rows, failures };
  writeFileSync(join(dir, 'otlp-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  log(`\nresults written to ${relative(root, join(dir, 'otlp-results.json'))}`);
  return results;
}
