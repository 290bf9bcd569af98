/** The benchmark's verdicts and its printed table. Pure: data in, data or lines out. */

export const TARGETS = { ratio: 0.8, rssMb: 200, rssGrowth: 0.1, searchRatio: 1.0, analyzeRatio: 0.8, analyzeRssMb: 200 };

/** stats (search, analyze) MB/s over the jsonl baseline's MB/s at the same size. */
export function addRatios(measurements) {
  for (const m of measurements) {
    if (m.command !== 'stats' && m.command !== 'search' && m.command !== 'analyze') continue;
    const base = measurements.find((b) => b.command === 'baseline' && b.size === m.size);
    m.ratio = base ? m.mb_per_s / base.mb_per_s : null;
  }
}

/** The three targets of the issue, judged on the jsonl rows. */
export function verdicts(measurements) {
  const stats = measurements.filter((m) => m.command === 'stats' && m.format === 'jsonl');
  if (!stats.length) return [];
  const out = [];
  const ratios = stats.map((m) => ({ size: m.size, ratio: m.ratio }));
  out.push({ id: 'throughput', description: `stats ≥ ${TARGETS.ratio}× baseline MB/s`, threshold: TARGETS.ratio, values: ratios,
    pass: ratios.every((r) => r.ratio >= TARGETS.ratio) });
  const rss = stats.map((m) => ({ size: m.size, peak_rss_mb: m.peak_rss_mb }));
  out.push({ id: 'peak-rss', description: `stats peak RSS ≤ ${TARGETS.rssMb} MB`, threshold: TARGETS.rssMb, values: rss,
    pass: rss.every((r) => r.peak_rss_mb <= TARGETS.rssMb) });
  if (stats.length > 1) {
    const first = stats[0];
    const last = stats[stats.length - 1];
    const growth = (last.peak_rss_mb - first.peak_rss_mb) / first.peak_rss_mb;
    out.push({ id: 'rss-growth', description: `stats peak RSS at ${last.size} within ${TARGETS.rssGrowth * 100}% of ${first.size}`,
      threshold: TARGETS.rssGrowth, values: [{ size: first.size, peak_rss_mb: first.peak_rss_mb },
        { size: last.size, peak_rss_mb: last.peak_rss_mb }], growth, pass: Math.abs(growth) <= TARGETS.rssGrowth });
  } else {
    out.push({ id: 'rss-growth', description: 'stats peak RSS growth (needs --scale > 1)', pass: null });
  }
  const search = measurements.filter((m) => m.command === 'search');
  if (search.length) {
    const values = search.map((m) => ({ size: m.size, ratio: m.ratio }));
    out.push({ id: 'search-throughput', description: `search (metadata filter) ≥ ${TARGETS.searchRatio}× baseline`, threshold: TARGETS.searchRatio,
      values, pass: values.every((r) => r.ratio >= TARGETS.searchRatio) });
  }
  const analyze = measurements.filter((m) => m.command === 'analyze');
  if (analyze.length) {
    const values = analyze.map((m) => ({ size: m.size, ratio: m.ratio }));
    out.push({ id: 'analyze-throughput', description: `analyze ≥ ${TARGETS.analyzeRatio}× baseline MB/s`, threshold: TARGETS.analyzeRatio,
      values, pass: values.every((r) => r.ratio >= TARGETS.analyzeRatio) });
    const rss = analyze.map((m) => ({ size: m.size, peak_rss_mb: m.peak_rss_mb }));
    out.push({ id: 'analyze-peak-rss', description: `analyze peak RSS ≤ ${TARGETS.analyzeRssMb} MB`, threshold: TARGETS.analyzeRssMb, values: rss,
      pass: rss.every((r) => r.peak_rss_mb <= TARGETS.analyzeRssMb) });
  }
  return out;
}

const size = (b) => (b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : `${(b / 1e6).toFixed(1)} MB`);

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd());
}

/** Print the results table and one PASS/FAIL line per target. */
export function printReport(results, log) {
  const rows = [['scenario', 'size', 'file', 'seconds', 'MB/s', 'peak RSS MB (each run)', '÷ baseline', 'traces']];
  for (const m of results.measurements) {
    rows.push([`${m.command} (${m.format})`, m.size, size(m.bytes), m.best_seconds.toFixed(2), m.mb_per_s.toFixed(0),
      m.runs.map((r) => (r.peak_rss_bytes / 1e6).toFixed(1)).join(', '),
      m.ratio == null ? '' : `${m.ratio.toFixed(2)}×`, m.reported_traces == null ? '?' : String(m.reported_traces)]);
  }
  const { machine } = results;
  log(`\ntracetriage bench — node ${machine.node}, ${machine.cpus} × ${machine.cpu_model}, ` +
    `${(machine.total_mem_bytes / 2 ** 30).toFixed(0)} GiB RAM (MB = 10^6 bytes; seconds = best of ${results.params.runs})\n`);
  for (const line of table(rows)) log(line);
  const load = Math.max(machine.loadavg_1m_start, machine.loadavg_1m_end);
  if (load > machine.cpus / 2) {
    log(`note: 1-minute load average reached ${load.toFixed(1)} on ${machine.cpus} cores — other processes competed, timings are noisy`);
  }
  const base = results.measurements.filter((m) => m.command === 'baseline');
  for (const m of results.measurements) {
    const b = base.find((x) => x.size === m.size);
    if (m.command === 'stats' && b && m.reported_traces != null && m.reported_traces !== b.reported_traces) {
      log(`warning: stats (${m.format}, ${m.size}) reported ${m.reported_traces} traces, the baseline read ${b.reported_traces} records`);
    }
  }
  log('\ntargets');
  for (const t of results.targets) {
    const mark = t.pass === null ? 'SKIP' : t.pass ? 'PASS' : 'FAIL';
    let detail = '';
    if (t.id === 'throughput' || t.id === 'search-throughput' || t.id === 'analyze-throughput') detail = t.values.map((v) => `${v.size}: ${v.ratio.toFixed(2)}×`).join(', ');
    if (t.id === 'peak-rss' || t.id === 'analyze-peak-rss') detail = t.values.map((v) => `${v.size}: ${v.peak_rss_mb.toFixed(1)} MB`).join(', ');
    if (t.id === 'rss-growth' && t.pass !== null) {
      detail = `${t.growth >= 0 ? '+' : ''}${(t.growth * 100).toFixed(1)}% (${t.values[0].peak_rss_mb.toFixed(1)} → ${t.values[1].peak_rss_mb.toFixed(1)} MB)`;
    }
    log(`  ${mark}  ${t.description.padEnd(40)} ${detail}`);
  }
}
