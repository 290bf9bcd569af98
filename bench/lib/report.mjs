/** The benchmark's verdicts and its printed table. Pure: data in, data or lines out. */

export const TARGETS = { ratio: 0.8, rssMb: 200, rssGrowth: 0.1, searchRatio: 1.0, analyzeRssMb: 200 };

/**
 * Issue 17's targets: each command's MB/s over the baseline's in the same run on the same file,
 * and for every command a peak RSS ceiling and a bound on its growth from the first size to the last.
 */
export const ISSUE_17 = {
  ratios: [
    { id: 'analyze-throughput', commands: ['analyze', 'analyze-text'], min: 0.8, what: 'analyze (json, text)' },
    { id: 'report-throughput', commands: ['report'], min: 0.7, what: 'report (markdown)' },
    { id: 'sessions-throughput', commands: ['sessions'], min: 1.2, what: 'sessions --format json' },
    { id: 'search-span-throughput', commands: ['search-span'], min: 1.0, what: 'search on a span attribute' },
  ],
  rssMb: 300,
  rssGrowth: 0.1,
};

/** Every command's MB/s over the jsonl baseline's MB/s at the same size. */
export function addRatios(measurements) {
  for (const m of measurements) {
    if (m.command === 'baseline') continue;
    const base = measurements.find((b) => b.command === 'baseline' && b.size === m.size);
    m.ratio = base ? m.mb_per_s / base.mb_per_s : null;
    // CPU time is what a loaded machine distorts least: the baseline's over the command's (higher is faster).
    m.cpu_ratio = base && m.cpu_seconds && base.cpu_seconds ? base.cpu_seconds / m.cpu_seconds : null;
  }
}

const ratioTarget = (id, description, rows, min) => {
  const values = rows.map((m) => ({ command: m.command, size: m.size, ratio: m.ratio }));
  return { id, description, threshold: min, values, pass: values.every((v) => v.ratio >= min) };
};

/** The targets of the earlier issues (stats, search by session, analyze's memory), judged on the jsonl rows. */
function earlierTargets(measurements, stats) {
  const out = [ratioTarget('throughput', `stats ≥ ${TARGETS.ratio}× baseline MB/s`, stats, TARGETS.ratio)];
  const rss = stats.map((m) => ({ command: m.command, size: m.size, peak_rss_mb: m.peak_rss_mb }));
  out.push({ id: 'peak-rss', description: `stats peak RSS ≤ ${TARGETS.rssMb} MB`, threshold: TARGETS.rssMb, values: rss, pass: rss.every((r) => r.peak_rss_mb <= TARGETS.rssMb) });
  out.push(growthTarget('rss-growth', 'stats', stats, TARGETS.rssGrowth));
  const search = measurements.filter((m) => m.command === 'search');
  if (search.length) out.push(ratioTarget('search-throughput', `search (metadata filter) ≥ ${TARGETS.searchRatio}× baseline`, search, TARGETS.searchRatio));
  const analyze = measurements.filter((m) => m.command === 'analyze');
  if (analyze.length) {
    const values = analyze.map((m) => ({ command: m.command, size: m.size, peak_rss_mb: m.peak_rss_mb }));
    out.push({
      id: 'analyze-peak-rss',
      description: `analyze peak RSS ≤ ${TARGETS.analyzeRssMb} MB (rules issue)`,
      threshold: TARGETS.analyzeRssMb,
      values,
      pass: values.every((r) => r.peak_rss_mb <= TARGETS.analyzeRssMb),
    });
  }
  return out;
}

/** Peak RSS at the last size within `max` of the first, for one command's rows (ordered by size). */
function growthTarget(id, command, rows, max) {
  if (rows.length < 2) return { id, description: `${command} peak RSS growth (needs --scale > 1)`, pass: null };
  const first = rows[0];
  const last = rows[rows.length - 1];
  const growth = (last.peak_rss_mb - first.peak_rss_mb) / first.peak_rss_mb;
  return {
    id,
    description: `${command} peak RSS at ${last.size} within ${max * 100}% of ${first.size}`,
    threshold: max,
    values: [
      { command, size: first.size, peak_rss_mb: first.peak_rss_mb },
      { command, size: last.size, peak_rss_mb: last.peak_rss_mb },
    ],
    growth,
    pass: Math.abs(growth) <= max,
  };
}

/** Every target, judged on the jsonl rows: the earlier issues' first, then issue 17's. */
export function verdicts(measurements) {
  const jsonl = measurements.filter((m) => m.format !== 'search');
  const stats = jsonl.filter((m) => m.command === 'stats');
  if (!stats.length) return [];
  const out = earlierTargets(jsonl, stats);
  for (const t of ISSUE_17.ratios) {
    const rows = jsonl.filter((m) => t.commands.includes(m.command));
    if (rows.length) out.push({ ...ratioTarget(`i17-${t.id}`, `${t.what} ≥ ${t.min}× baseline`, rows, t.min), issue: 17 });
  }
  const commands = [...new Set(jsonl.map((m) => m.command))].filter((c) => c !== 'baseline');
  const tool = jsonl.filter((m) => m.command !== 'baseline');
  const rss = tool.map((m) => ({ command: m.command, size: m.size, peak_rss_mb: m.peak_rss_mb }));
  out.push({
    id: 'i17-peak-rss',
    issue: 17,
    description: `every command's peak RSS ≤ ${ISSUE_17.rssMb} MB`,
    threshold: ISSUE_17.rssMb,
    values: rss.filter((r) => r.peak_rss_mb > ISSUE_17.rssMb),
    highest: rss.reduce((a, b) => (b.peak_rss_mb > a.peak_rss_mb ? b : a)),
    pass: rss.every((r) => r.peak_rss_mb <= ISSUE_17.rssMb),
  });
  for (const c of commands) {
    out.push({
      ...growthTarget(
        `i17-rss-growth-${c}`,
        c,
        tool.filter((m) => m.command === c),
        ISSUE_17.rssGrowth,
      ),
      issue: 17,
    });
  }
  return out;
}

const size = (b) => (b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : `${(b / 1e6).toFixed(1)} MB`);

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

/** Print the results table and one PASS/FAIL line per target. */
export function printReport(results, log) {
  const rows = [['scenario', 'size', 'file', 'seconds', 'MB/s', 'peak RSS MB (each run)', '÷ baseline', 'CPU s', 'CPU ÷ baseline', 'traces']];
  for (const m of results.measurements) {
    rows.push([
      `${m.command} (${m.format})`,
      m.size,
      size(m.bytes),
      m.best_seconds.toFixed(2),
      m.mb_per_s.toFixed(0),
      m.runs.map((r) => (r.peak_rss_bytes / 1e6).toFixed(1)).join(', '),
      m.ratio == null ? '' : `${m.ratio.toFixed(2)}×`,
      m.cpu_seconds == null ? '' : m.cpu_seconds.toFixed(2),
      m.cpu_ratio == null ? '' : `${m.cpu_ratio.toFixed(2)}×`,
      m.reported_traces == null ? '?' : String(m.reported_traces),
    ]);
  }
  const { machine } = results;
  log(
    `\ntracetriage bench — node ${machine.node}, ${machine.cpus} × ${machine.cpu_model}, ` +
      `${(machine.total_mem_bytes / 2 ** 30).toFixed(0)} GiB RAM (MB = 10^6 bytes; seconds = best of ${results.params.runs})\n`,
  );
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
  let issue = null;
  for (const t of results.targets) {
    if (t.issue !== issue) {
      issue = t.issue;
      log(issue === 17 ? ' issue 17' : ' earlier issues (stats, search, rules)');
    }
    const mark = t.pass === null ? 'SKIP' : t.pass ? 'PASS' : 'FAIL';
    log(`  ${mark}  ${t.description.padEnd(48)} ${targetDetail(t)}`);
  }
}

/** The numbers behind one verdict, in a line. */
function targetDetail(t) {
  if (t.pass === null) return '';
  if (t.growth !== undefined) {
    return `${t.growth >= 0 ? '+' : ''}${(t.growth * 100).toFixed(1)}% (${t.values[0].peak_rss_mb.toFixed(1)} → ${t.values[1].peak_rss_mb.toFixed(1)} MB)`;
  }
  const many = new Set(t.values.map((v) => v.command)).size > 1;
  const who = (v) => `${many ? `${v.command} ` : ''}${v.size}`;
  if (t.highest) {
    const over = t.values.map((v) => `${v.command} ${v.size} ${v.peak_rss_mb.toFixed(0)} MB`).join(', ');
    return `highest ${t.highest.command} ${t.highest.size}: ${t.highest.peak_rss_mb.toFixed(1)} MB${over ? `; over: ${over}` : ''}`;
  }
  return t.values.map((v) => (v.ratio !== undefined ? `${who(v)}: ${v.ratio.toFixed(2)}×` : `${who(v)}: ${v.peak_rss_mb.toFixed(1)} MB`)).join(', ');
}
