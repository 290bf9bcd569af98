/**
 * `node bench/run.mjs --scenario long-session`: the per-session and per-trace stages against the
 * size of one session (issue 12, "Bounded work"). For each turn count, one session written by
 * bench/gen-long-session.mjs (a bounded history window, so the file is linear in the turns; and
 * the whole history once, at the smallest count); for each assessment count, one trace. Each
 * file goes through `sessions`, `analyze` (json, text) and `report` (html, markdown), and the
 * table shows each command's time over `sessions`' on the same file: that ratio should stay flat
 * as the session grows.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generate } from './gen-long-session.mjs';
import { describeFailure, runMeasured } from './lib/measure.mjs';

const COMMANDS = [
  ['sessions', ['sessions', '--format', 'json']],
  ['analyze json', ['analyze', '--format', 'json', '--fail-on', 'none']],
  ['analyze text', ['analyze', '--fail-on', 'none']],
  ['report html', ['report', '--format', 'html']],
  // The ticket's default 60 000 bytes cannot hold the smallest report of thousands of turns.
  ['report md', ['report', '--format', 'markdown', '--max-bytes', '100000000']],
];

/** Comma-separated non-negative integers. */
export function integers(text, name) {
  const list = String(text)
    .split(',')
    .filter((s) => s !== '')
    .map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`--${name} must be comma-separated integers, got ${text}`);
  return list;
}

/**
 * Runs the scenario; resolves to the measurements. Throws an Error whose message says which
 * command failed.
 */
export async function longSession({ root, dir, turns, window, assessments, seed, runs, keep, log }) {
  const plan = [
    ...turns.map((n) => ({ label: `${n} turns, window ${window}`, file: `long-${n}-w${window}.jsonl`, gen: { turns: n, window, assessments: 0 } })),
    ...(turns.length > 0 ? [{ label: `${Math.min(...turns)} turns, whole history`, file: `long-${Math.min(...turns)}-w0.jsonl`, gen: { turns: Math.min(...turns), window: 0, assessments: 0 } }] : []),
    ...assessments.map((m) => ({ label: `1 trace, ${m} assessments`, file: `assessed-${m}.jsonl`, gen: { turns: 0, window: 0, assessments: m } })),
  ];
  const rows = [];
  for (const p of plan) {
    const path = join(dir, p.file);
    const { bytes } = await generate({ out: path, seed, ...p.gen });
    log(`${p.label}: ${relative(root, path)} (${(bytes / 1e6).toFixed(1)} MB)`);
    const row = { case: p.label, file: relative(root, path), bytes, ...p.gen, seconds: {}, peak_rss_mb: {} };
    for (const [name, args] of COMMANDS) {
      let best = Infinity;
      let rss = 0;
      for (let run = 0; run < runs; run++) {
        const r = await runMeasured([join(root, 'dist/cli/main.js'), ...args, '--no-config', path], { cwd: root });
        if (!r.ok) throw new Error(describeFailure(`${name} on ${p.file}`, r));
        best = Math.min(best, r.seconds);
        rss = Math.max(rss, r.peakRssBytes / 1e6);
      }
      row.seconds[name] = best;
      row.peak_rss_mb[name] = rss;
      log(`  ${name.padEnd(13)} ${best.toFixed(2).padStart(7)} s  ${(best / row.seconds.sessions).toFixed(2).padStart(6)}× sessions  peak RSS ${rss.toFixed(0)} MB`);
    }
    rows.push(row);
    if (!keep) rmSync(path, { force: true });
  }
  log('\n| case | MB | ' + COMMANDS.map(([n]) => n).join(' | ') + ' |');
  log('|---|---|' + COMMANDS.map(() => '---|').join(''));
  for (const r of rows) {
    const cells = COMMANDS.map(([n], i) => (i === 0 ? `${r.seconds[n].toFixed(2)} s` : `${r.seconds[n].toFixed(2)} s (${(r.seconds[n] / r.seconds.sessions).toFixed(1)}×)`));
    log(`| ${r.case} | ${(r.bytes / 1e6).toFixed(1)} | ${cells.join(' | ')} |`);
  }
  const results = { schema_version: 1, scenario: 'long-session', finished_at: new Date().toISOString(), node: process.version, params: { turns, window, assessments, seed, runs }, rows };
  writeFileSync(join(dir, 'long-session-results.json'), JSON.stringify(results, null, 2) + '\n');
  log(`\nresults written to ${relative(root, join(dir, 'long-session-results.json'))}`);
  return results;
}
