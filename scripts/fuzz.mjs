#!/usr/bin/env node
/**
 * `make fuzz`: a fuzzing campaign with a given seed and budget.
 *
 *   node scripts/fuzz.mjs [--seed N] [--minutes 10] [--runs N] [--batch 200] [--corpus DIR]...
 *
 * Half the time goes to the fast-check properties of test/fuzz/ (scanner, normaliser, filter
 * parser, extract-fields, reporters, CLI records; run by vitest with
 * test/fuzz/vitest.campaign.config.ts), shared equally between them; the other half to the
 * CLI-level mutation campaign (scripts/fuzz-cli.mjs) over real records. With --runs, each property
 * runs that many times and the CLI campaign does that many files, whatever the time.
 *
 * Every failure is minimised (fast-check shrinks; the CLI campaign bisects its records) and
 * written to test/fuzz/found/<property>-<hash>.json, which test/fuzz/replay.test.ts replays in
 * `make test`. Figures go to stdout and test-artifacts/fuzz.json.
 *
 * Exit status: 0 when nothing was found, 1 when something was, 2 for a usage or setup problem.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cliCampaign } from './fuzz-cli.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');

function usage(message) {
  process.stderr.write(`scripts/fuzz.mjs: ${message} (see --help)\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    minutes: { type: 'string', default: '10' },
    runs: { type: 'string' },
    batch: { type: 'string', default: '200' },
    corpus: { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', short: 'h' },
  },
});
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
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const minutes = Number(values.minutes);
const runs = values.runs === undefined ? null : Number(values.runs);
const batch = Number(values.batch);
if (!Number.isInteger(seed)) usage(`--seed must be an integer, got ${values.seed}`);
if (!(minutes > 0)) usage(`--minutes must be a positive number, got ${values.minutes}`);
if (runs !== null && !(Number.isInteger(runs) && runs > 0)) usage(`--runs must be a positive integer, got ${values.runs}`);
if (!(Number.isInteger(batch) && batch > 1)) usage(`--batch must be an integer above 1, got ${values.batch}`);
if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) usage('dist/ is not built; run `make build` first');

mkdirSync(ARTIFACTS, { recursive: true });
const started = Date.now();
const propertiesMs = Math.round((minutes * 60_000) / 2);
process.stdout.write(`make fuzz: seed ${seed}, ${runs === null ? `${minutes} min (half for the properties, half for the CLI campaign)` : `${runs} runs a property, ${runs} CLI files`}\n`);

const propertyReport = join(ARTIFACTS, 'fuzz-properties.json');
const vitest = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', ROOT, '--config', 'test/fuzz/vitest.campaign.config.ts', '--reporter', 'verbose'], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_CAMPAIGN: '1', FUZZ_SEED: String(seed), FUZZ_PROPERTIES_MS: String(propertiesMs), FUZZ_RUNS: runs === null ? '' : String(runs), FUZZ_REPORT: propertyReport },
});
if (vitest.error) usage(`could not run vitest: ${vitest.error.message}`);
const properties = existsSync(propertyReport) ? JSON.parse(readFileSync(propertyReport, 'utf8')).figures : [];

const left = Math.max(1, minutes - (Date.now() - started) / 60_000);
process.stdout.write(`\nCLI campaign: ${runs === null ? `${left.toFixed(1)} min` : `${runs} files`} of ${batch} records\n`);
const cli = await cliCampaign({ seed, minutes: left, batches: runs, batchSize: batch, corpus: values.corpus });

const found = [...properties.flatMap((p) => p.found.map((f) => f.file)), ...cli.found];
const lines = [
  '',
  `make fuzz, seed ${seed}: ${((Date.now() - started) / 60_000).toFixed(1)} min`,
  'properties (fast-check):',
  ...properties.map(
    (p) =>
      `  ${p.property.padEnd(26)} ${String(p.runs).padStart(7)} runs  ${(p.ms / 1000).toFixed(0).padStart(5)} s  ${p.found.length} found${p.found.map((f) => `\n      ${f.file}: ${f.error}`).join('')}`,
  ),
  `CLI campaign: ${cli.batches} files, ${cli.records} records from ${cli.corpusTraces} traces in ${cli.corpusFiles} corpus files, ${cli.seconds} s`,
  ...Object.entries(cli.perCommand).map(([c, n]) => `  ${c.padEnd(48)} ${n} records`),
  `  damage: ${Object.entries(cli.kinds)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')}`,
  `  failures by class: ${Object.keys(cli.failures).length === 0 ? 'none' : ''}`,
  ...Object.entries(cli.failures).map(([k, f]) => `    ${k} — ${f.command}, in ${f.batches} of ${cli.batches} files; minimal: ${f.minimalRecords} records, test/fuzz/found/${f.file}`),
  `${found.length} failure(s) written to test/fuzz/found/${found.length ? ': replayed by test/fuzz/replay.test.ts' : ''}`,
];
process.stdout.write(lines.join('\n') + '\n');
writeFileSync(join(ARTIFACTS, 'fuzz.json'), JSON.stringify({ seed, minutes, runs, properties, cli }, null, 1) + '\n');
// vitest fails when a property found something; without figures it did not even run them.
const broken = vitest.status !== 0 && properties.length === 0;
process.exit(found.length > 0 || broken ? 1 : 0);
