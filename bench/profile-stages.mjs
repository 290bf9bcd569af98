#!/usr/bin/env node
/**
 * Sums the self time of a V8 CPU profile (`node --cpu-prof dist/cli/main.js analyze ...`) by source
 * file and then by the stage of the data flow the file belongs to: read / parse / normalize /
 * digest and facts / rules / output, plus garbage collection and the rest (start-up, idle, Node).
 * Built-ins such as JSON.parse have no frame of their own: their time is their caller's (so
 * `JSON.parse` counts in ingest/parse.js, under "parse").
 *
 *   node bench/profile-stages.mjs <file.cpuprofile>... [--top 4] [--json]
 *
 * Several profiles (one per thread of a run with workers) are summed.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

/** Stage of a file, by its path under dist/ (or Node's own module name); first match wins. */
export const STAGES = [
  ['parse', /\/dist\/ingest\/parse\.js$/],
  ['digest and facts', /\/dist\/ingest\/spill\.js$/],
  [
    'read',
    /\/dist\/(ingest|store)\/|\/dist\/engine\/(?:read\/|(read|read-events|scan-source|batch|guard|worker-pool|worker|range-job|store-scan|foreign)\.js$)|^node:(internal\/)?(fs|streams?|stream\/|buffer|string_decoder)/,
  ],
  ['normalize', /\/dist\/model\/(normalize|span|info|schema|attributes|assessment|ids|times|values|recovery|depth|span-kind|tree)\.js$|\/dist\/model\/(foreign|validators|generated)\/|\/schemas?\//],
  [
    'digest and facts',
    /\/dist\/ingest\/spill\.js$|\/dist\/model\/|\/dist\/engine\/(?:[a-z-]+\/)?(analyze-trace|records|summary|summaries|sessions|session-reader|trace-view|trace|report-data|report|data|stats|search|filtered|fast-info|top-k|get|validate)\.js$|\/dist\/query\//,
  ],
  ['rules', /\/dist\/rules\/|\/dist\/engine\/(?:analyze\/)?(rule-runner|rule-set|findings|analyze|view|config|outcome)\.js$/],
  ['output', /\/dist\/(report|cli|api|shared)\//],
  ['garbage collection', /^\(garbage collector\)$/],
];

/** The stages in the order of the data flow, then what is not the tool's own code. */
const ORDER = ['read', 'parse', 'normalize', 'digest and facts', 'rules', 'output', 'garbage collection', 'dependencies', 'other (start-up, idle, Node internals)'];

/**
 * Functions of the engine's wiring that belong to another stage than their file: the analysis
 * collector's `add` (writing a trace's digest and facts to the temporary file) and `load` (reading
 * them back) are the per-trace stage's round trip; the rest of engine/analyze/analyze.js is the session stage. Paths match the engine's
 * folders (engine/read/, engine/analyze/, …) and the flat layout before them.
 */
export const FUNCTION_STAGES = [['digest and facts', /\/dist\/engine\/(?:analyze\/)?analyze\.js#(add|load)$/]];

/** Where a frame's self time goes: its script's path, or V8's name for what is not a script. */
function fileOf(frame) {
  if (frame.url) {
    const file = frame.url.replace(/^file:\/\//, '');
    const key = `${file}#${frame.functionName}`;
    return FUNCTION_STAGES.some(([, re]) => re.test(key)) ? key : file;
  }
  return frame.functionName.startsWith('(') ? frame.functionName : '(native or built-in)';
}

export function stageOf(file) {
  for (const [stage, re] of FUNCTION_STAGES) if (re.test(file)) return stage;
  for (const [stage, re] of STAGES) if (re.test(file)) return stage;
  return file.includes('/node_modules/') ? 'dependencies' : 'other (start-up, idle, Node internals)';
}

/** Self time in ms by file, from one profile's samples and their time deltas (µs). */
export function selfTimeByFile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map();
  profile.samples.forEach((id, i) => {
    const file = fileOf(byId.get(id).callFrame);
    out.set(file, (out.get(file) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return out;
}

function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '4' }, json: { type: 'boolean', default: false } } });
  if (!positionals.length) {
    process.stderr.write('usage: node bench/profile-stages.mjs <file.cpuprofile>... [--top 4] [--json]\n');
    process.exit(2);
  }
  const files = new Map();
  for (const p of positionals) {
    for (const [f, ms] of selfTimeByFile(JSON.parse(readFileSync(p, 'utf8')))) files.set(f, (files.get(f) ?? 0) + ms);
  }
  const total = [...files.values()].reduce((a, b) => a + b, 0);
  const stages = new Map();
  for (const [f, ms] of files) {
    const s = stageOf(f);
    const e = stages.get(s) ?? { ms: 0, files: [] };
    e.ms += ms;
    e.files.push([f.replace(/^.*\/dist\//, '').replace(/^.*\/node_modules\//, ''), ms]);
    stages.set(s, e);
  }
  const order = ORDER.filter((s) => stages.has(s));
  if (values.json) {
    process.stdout.write(
      JSON.stringify(
        {
          total_ms: Math.round(total),
          stages: order.map((s) => ({
            stage: s,
            ms: Math.round(stages.get(s).ms),
            files: stages
              .get(s)
              .files.sort((a, b) => b[1] - a[1])
              .map(([f, ms]) => ({ file: f, ms: Math.round(ms) })),
          })),
        },
        null,
        2,
      ) + '\n',
    );
    return;
  }
  process.stdout.write(`| stage | self time s | share | largest files (s) |\n|---|---|---|---|\n`);
  for (const s of order) {
    const e = stages.get(s);
    const top = e.files
      .sort((a, b) => b[1] - a[1])
      .slice(0, Number(values.top))
      .map(([f, ms]) => `${f} ${(ms / 1000).toFixed(2)}`)
      .join(', ');
    process.stdout.write(`| ${s} | ${(e.ms / 1000).toFixed(2)} | ${((100 * e.ms) / total).toFixed(1)}% | ${top} |\n`);
  }
  process.stdout.write(`| total | ${(total / 1000).toFixed(2)} | 100% | |\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
