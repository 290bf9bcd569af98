import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { StatsCollector } from '../dist/engine/stats.js';
import { readSummaries } from '../dist/engine/summaries.js';
import { ValidateCollector } from '../dist/engine/validate.js';

// These run the built package (make test builds first): worker threads load dist/engine/worker.js.
const root = new URL('..', import.meta.url);
const schema = (name: string): object => JSON.parse(readFileSync(new URL(`schemas/${name}`, root), 'utf8')) as object;
const ajv = new Ajv({ strict: true, allErrors: true });
ajv.addSchema(schema('stats-output.schema.json'));
ajv.addSchema(schema('validate-output.schema.json'));

function cli(...args: string[]): { status: number | null; stdout: string } {
  const run = spawnSync(process.execPath, ['dist/cli/main.js', ...args], { cwd: root, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout };
}

const withoutTimes = (report: { total: object; sources: object[] }): unknown =>
  JSON.parse(JSON.stringify(report, (k, v: unknown) => (k === 'elapsed_seconds' || k === 'mb_per_s' ? 0 : v)));

describe('JSON outputs match their schemas', () => {
  for (const input of ['samples/', 'test/fixtures/']) {
    it(`stats --format json on ${input}`, () => {
      const { status, stdout } = cli('stats', '--format', 'json', input);
      expect(status).toBe(0);
      const ok = ajv.validate('urn:tracetriage:schema:stats-output', JSON.parse(stdout));
      expect(ajv.errorsText(ajv.errors)).toBe('No errors');
      expect(ok).toBe(true);
    });
    it(`validate --format json on ${input}`, () => {
      const { status, stdout } = cli('validate', '--format', 'json', input);
      expect(status).toBe(0);
      const report = JSON.parse(stdout) as { records: number; valid: number; rejected: number };
      expect(ajv.validate('urn:tracetriage:schema:validate-output', report), ajv.errorsText(ajv.errors)).toBe(true);
      expect(report.records).toBe(report.valid + report.rejected);
    });
  }
});

describe('worker threads change nothing but speed', () => {
  for (const input of [['samples/'], ['test/fixtures/', 'samples/legacy-v2.json']]) {
    it(`gives the same stats and validation with 1 and 2 jobs on ${input.join(' ')}`, async () => {
      const results = [];
      for (const jobs of [1, 2]) {
        const stats = new StatsCollector();
        const validate = new ValidateCollector();
        for await (const event of readSummaries(input.map((p) => new URL(p, root).pathname), { jobs, poolThresholdBytes: 0 })) {
          stats.add(event);
          validate.add(event);
        }
        results.push({ stats: withoutTimes(stats.report()), validate: validate.done() });
      }
      expect(results[1]).toEqual(results[0]);
    });
  }
});
