#!/usr/bin/env node
/**
 * `make bench-micro` (and the first part of `make bench`): the speed of the functions whose speed
 * is part of their contract, measured on the built dist/. These were wall-clock assertions in the
 * test suite once; a loaded machine made them fail for no fault of the code, so the tests keep
 * the correctness half and the time is measured here, next to a budget.
 *
 *   node bench/micro.mjs [--runs 5] [--only <scenario>]
 *
 * Each scenario runs --runs times; the best time counts and is compared with its budget (taken
 * from the old assertion). A missed budget prints FAIL, but the exit status stays 0: this is a
 * measurement, not a test. Exit status 1 when a scenario throws or answers wrongly, 2 for a usage
 * or setup problem (dist/ not built). Results also go to .bench/micro.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (path) => pathToFileURL(join(ROOT, 'dist', path)).href;

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  process.stdout.write(
    readFileSync(fileURLToPath(import.meta.url), 'utf8')
      .split('*/')[0]
      .replace(/^#!.*\n\/\*\*\n?/, '')
      .replace(/^ \* ?/gm, '')
      .trimEnd() + '\n',
  );
  process.exit(0);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`bench/micro.mjs: --runs must be a positive integer, got ${values.runs}\n`);
  process.exit(2);
}
if (!existsSync(join(ROOT, 'dist', 'query', 'reindent.js'))) {
  process.stderr.write('bench/micro.mjs: dist/ is not built; run `make build` first\n');
  process.exit(2);
}

const { compactJson, reindentJson } = await import(dist('query/reindent.js'));
const { likeMatcher, regexMatcher } = await import(dist('query/match.js'));
const { compileJsonPath } = await import(dist('query/jsonpath.js'));

const never = (message) => {
  throw new Error(message);
};

/**
 * name, what it measures, budget in ms (from the test it came from), setup (untimed) returning
 * the timed function, and check (untimed) of the timed function's answer.
 */
const SCENARIOS = [
  {
    name: 'reindent-20mb',
    what: 'reindentJson re-lays out a 20 MB array of search exports (test/query/reindent.test.ts)',
    budgetMs: 1000,
    setup() {
      const one = readFileSync(join(ROOT, 'test/fixtures/v3.6_cli_traces_search_output_json.json'), 'utf8');
      const copies = Math.ceil((20 * 1024 * 1024) / one.length);
      const big = '[' + Array(copies).fill(one.trimEnd()).join(',') + ']';
      return { run: () => reindentJson(big), check: (out) => compactJson(out) === compactJson(big), mb: big.length / 1024 / 1024 };
    },
  },
  {
    name: 'like-wildcards',
    what: "LIKE '%a%a%a%a%a%b' over 20 000 a's (test/query/match.test.ts)",
    budgetMs: 1000,
    setup() {
      const match = likeMatcher('%a%a%a%a%a%b', false);
      const text = 'a'.repeat(20_000);
      return { run: () => match(text), check: (found) => found === false };
    },
  },
  {
    name: 'regex-backtracking',
    what: "RLIKE '(a+)+$' over 50 000 a's and a b, on RE2 (test/query/match.test.ts)",
    budgetMs: 1000,
    setup() {
      const match = regexMatcher('(a+)+$', never);
      const text = `${'a'.repeat(50_000)}b`;
      return { run: () => match(text), check: (found) => found === false };
    },
  },
  {
    name: 'jsonpath-search',
    what: 'JSONPath search(@.s, "^(a+)+$") over 30 000 a\'s and a b (test/query/jsonpath.test.ts)',
    budgetMs: 2000,
    setup() {
      const doc = [{ s: `${'a'.repeat(30_000)}b` }];
      const path = compileJsonPath('$[?search(@.s, "^(a+)+$")]');
      return { run: () => [...path.select(doc)].length, check: (n) => n === 0 };
    },
  },
];

const selected = SCENARIOS.filter((s) => values.only === undefined || s.name === values.only);
if (selected.length === 0) {
  process.stderr.write(`bench/micro.mjs: no scenario ${values.only}; known: ${SCENARIOS.map((s) => s.name).join(', ')}\n`);
  process.exit(2);
}

process.stdout.write(
  `micro benchmarks: ${cpus().length} cores, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, best of ${runs}\n`,
);
const results = [];
let broken = false;
for (const scenario of selected) {
  const { run, check, mb } = scenario.setup();
  const times = [];
  let right = true;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const answer = run();
    times.push(performance.now() - started);
    right &&= check(answer);
  }
  const best = Math.min(...times);
  const verdict = !right ? 'WRONG' : best <= scenario.budgetMs ? 'ok' : 'FAIL';
  if (!right) broken = true;
  const rate = mb === undefined ? '' : ` (${(mb / (best / 1000)).toFixed(0)} MB/s)`;
  process.stdout.write(`  ${verdict.padEnd(5)} ${scenario.name.padEnd(20)} ${best.toFixed(1).padStart(8)} ms${rate}, budget ${scenario.budgetMs} ms — ${scenario.what}\n`);
  results.push({ name: scenario.name, best_ms: best, runs_ms: times, budget_ms: scenario.budgetMs, verdict });
}
mkdirSync(join(ROOT, '.bench'), { recursive: true });
writeFileSync(join(ROOT, '.bench', 'micro.json'), JSON.stringify({ when: new Date().toISOString(), load: loadavg(), results }, null, 2) + '\n');
process.exit(broken ? 1 : 0);
