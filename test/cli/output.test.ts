import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { StatsCollector } from '../../dist/engine/stats.js';
import { readSummaries } from '../../dist/engine/read/read-summaries.js';
import { ValidateCollector } from '../../dist/engine/validate.js';

// These run the built package (make test builds first): worker threads load dist/engine/read/worker.js.
const root = new URL('../..', import.meta.url);
const schema = (name: string): object => JSON.parse(readFileSync(new URL(`schemas/${name}`, root), 'utf8')) as object;
const ajv = new Ajv({ strict: true, allErrors: true });
ajv.addSchema(schema('stats-output.schema.json'));
ajv.addSchema(schema('validate-output.schema.json'));

function cli(...args: string[]): { status: number | null; stdout: string } {
  const run = spawnSync(process.execPath, ['dist/cli/main.js', ...args], { cwd: root, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout };
}

const withoutTimes = (report: { total: object; sources: object[] }): unknown => JSON.parse(JSON.stringify(report, (k, v: unknown) => (k === 'elapsed_seconds' || k === 'mb_per_s' ? 0 : v)));

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
        for await (const event of readSummaries(
          input.map((p) => new URL(p, root).pathname),
          { jobs, batchJobs: jobs, poolThresholdBytes: 0 },
        )) {
          stats.add(event);
          validate.add(event);
        }
        results.push({ stats: withoutTimes(stats.report()), validate: validate.done() });
      }
      expect(results[1]).toEqual(results[0]);
    });
  }
});

describe('records too big for one string', () => {
  it('reads every sample the same when every record goes through the span-by-span parser', () => {
    const normal = JSON.parse(cli('stats', '--format', 'json', 'samples/').stdout) as { total: Record<string, unknown> };
    const streamed = JSON.parse(cli('stats', '--format', 'json', '--max-record-mb', '0.001', 'samples/').stdout) as {
      total: Record<string, unknown>;
    };
    for (const key of ['records', 'traces', 'rejected', 'spans', 'sessions', 'formats', 'time_range', 'assessments', 'error_spans']) {
      expect(streamed.total[key], key).toEqual(normal.total[key]);
    }
  });

  /** `validate --format json` of the session fixture with its first span's output set to a string of `length` characters, read span by span. */
  function validateWithString(length: number): { valid: number; warnings: Array<{ code: string; message: string }> } {
    const big = JSON.parse(readFileSync(new URL('test/fixtures/v3.6_trace_ok_assessments_session.json', root), 'utf8')) as {
      data: { spans: Array<{ attributes: Record<string, string> }> };
    };
    big.data.spans[0]!.attributes['mlflow.spanOutputs'] = JSON.stringify('x'.repeat(length));
    const run = spawnSync(process.execPath, ['dist/cli/main.js', 'validate', '--format', 'json', '--max-record-mb', '0.1', '-'], {
      cwd: root,
      input: JSON.stringify(big),
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    return JSON.parse(run.stdout) as { valid: number; warnings: Array<{ code: string; message: string }> };
  }

  it('keeps long strings whole (in a temporary file) up to 16 Mi characters', () => {
    const report = validateWithString(300_000);
    expect(report.valid).toBe(1);
    expect(report.warnings).toEqual([]);
  });

  it('keeps excerpts of strings over 16 Mi characters and says so', () => {
    const report = validateWithString((16 << 20) + 10);
    expect(report.valid).toBe(1);
    expect(report.warnings.map((w) => w.code)).toEqual(['truncated-strings']);
    expect(report.warnings[0]!.message).toMatch(/1 long string\(s\) kept as excerpts/);
  });
});
