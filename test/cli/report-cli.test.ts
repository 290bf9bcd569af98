import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeWorkspace, runCliAsync } from '../helpers/make-inputs.js';
import { conversation } from '../helpers/trace-builder.js';

// `tracetriage report` from the real binary: formats, -o, exit codes, bounds, bad input.
// The renderers' own tests are test/report/markdown.test.ts and test/report/html*.test.ts.
const SAMPLES = join(REPO_ROOT, 'samples');
const ws = makeWorkspace();
afterAll(() => ws.cleanup());

describe('report', { timeout: 120_000 }, () => {
  it.concurrent('writes one HTML file with -o and says what it wrote; nothing else is left in the directory', async () => {
    const out = ws.path('html/report.html');
    ws.write('html/.keep', '');
    const run = await runCliAsync(['report', SAMPLES, '-o', out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    const html = readFileSync(out, 'utf8');
    // samples/README.md is not a trace export: said on stderr, after the line about the report.
    expect(run.stderr).toBe(`tracetriage: wrote ${out} (html, ${Buffer.byteLength(html)} bytes, 4 of 4 sessions in detail)\ntracetriage: 1 file(s) skipped: not trace exports\n`);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(ws.list().filter((f) => f.startsWith('html/'))).toEqual(['html/.keep', 'html/report.html']);
  });

  it.concurrent('takes the format from the -o extension, else Markdown on stdout', async () => {
    const md = ws.path('ext/ticket.md');
    ws.write('ext/.keep', '');
    expect((await runCliAsync(['report', SAMPLES, '-o', md])).status).toBe(0);
    expect(readFileSync(md, 'utf8')).toMatch(/^# /);
    const stdout = await runCliAsync(['report', SAMPLES]);
    expect(stdout.status).toBe(0);
    expect(stdout.stdout).toBe(readFileSync(md, 'utf8'));
    expect(stdout.stderr).toBe('tracetriage: 1 file(s) skipped: not trace exports\n');
  });

  it.concurrent('keeps Markdown within --max-bytes (60 000 by default)', async () => {
    for (const max of [60_000, 6_000]) {
      const run = await runCliAsync(['report', SAMPLES, '--format', 'markdown', '--max-bytes', String(max)]);
      expect(run.status).toBe(0);
      expect(run.stdoutBytes.length).toBeLessThanOrEqual(max);
      expect(run.stdout).toContain('sess-refund-7f3a');
    }
  });

  it.concurrent('fails with exit 2 and one line when --max-bytes cannot hold the report, or is not a positive whole number', async () => {
    const tiny = await runCliAsync(['report', SAMPLES, '--format', 'markdown', '--max-bytes', '50']);
    expect(tiny.status).toBe(2);
    expect(tiny.stdout).toBe('');
    expect(tiny.stderr).toMatch(/^tracetriage: --max-bytes: .*\d/);
    for (const bad of ['0', '-3', '1.5']) {
      const run = await runCliAsync(['report', SAMPLES, '--max-bytes', bad]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('--max-bytes must be a whole number of at least 1');
    }
  });

  it.concurrent('says how many sessions the Markdown report details once --max-bytes is met, not how many were chosen', async () => {
    const small = ws.path('small.md');
    const run = await runCliAsync(['report', SAMPLES, '--format', 'markdown', '--max-bytes', '9000', '-o', small]);
    expect(run.status).toBe(0);
    const detailed = readFileSync(small, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('## Session `')).length;
    expect(detailed).toBeLessThan(4);
    expect(run.stderr).toContain(`, ${detailed} of 4 sessions in detail)`);
  });

  it.concurrent('shows --max-sessions sessions in detail, and only the sessions asked for with --session', async () => {
    const one = ws.path('one.html');
    const run = await runCliAsync(['report', SAMPLES, '--max-sessions', '1', '-o', one]);
    expect(run.stderr).toContain('1 of 4 sessions in detail');
    const refund = await runCliAsync(['report', SAMPLES, '--session', 'sess-refund-7f3a', '-o', ws.path('refund.html')]);
    expect(refund.status).toBe(0);
    expect(refund.stderr).toContain('1 of 1 sessions in detail');
    const html = readFileSync(ws.path('refund.html'), 'utf8');
    expect(html).toContain('sess-refund-7f3a');
    expect(html).not.toContain('sess-otel-44d1');
  });

  it.concurrent('exits 1 when none of the sessions asked for is there', async () => {
    const run = await runCliAsync(['report', SAMPLES, '--session', 'nope', '--format', 'markdown']);
    expect(run.status).toBe(1);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('tracetriage: exit 1: session "nope" is not in the inputs; tracetriage sessions lists them');
  });

  it.concurrent('exits 2 with one line when the output cannot be written', async () => {
    const run = await runCliAsync(['report', SAMPLES, '-o', ws.path('no/such/dir/r.html')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^tracetriage: cannot write .*no\/such\/dir\/r\.html: ENOENT/);
  });

  it.concurrent('reports the rest of the input when a record is bad and counts it (exit 1, as every reading command: records not read as traces)', async () => {
    const good = conversation('sess-ok', [{ user: 'hello', answer: 'hi there' }]).map((t) => JSON.stringify(t));
    const file = ws.write('bad.jsonl', [good[0], '{"info": 42, "data": }', ''].join('\n'));
    const run = await runCliAsync(['report', file, '--format', 'markdown']);
    expect(run.status).toBe(1);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('tracetriage: exit 1: 1 record could not be read as traces');
    expect(run.stdout).toContain('sess-ok');
    expect(run.stdout).toContain('skipped: 1 record not readable as a trace');
    expect(run.stderr).toContain('bad.jsonl');
    expect(run.stderr).toContain('1 record(s) could not be read as traces and were left out');
  });

  it.concurrent('exits 2 when an input cannot be read, and still writes the report of the rest', async () => {
    const run = await runCliAsync(['report', SAMPLES, ws.path('missing.json'), '--format', 'markdown']);
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('sess-refund-7f3a');
    expect(run.stderr).toContain('missing.json');
  });
});
