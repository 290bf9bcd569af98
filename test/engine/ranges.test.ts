import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSummaries } from '../../dist/engine/read/read-summaries.js';
import type { SummaryEvent } from '../../src/engine/read/read-events.js';

// Runs the built package: range workers load dist/engine/read/worker.js.
const dir = mkdtempSync(join(tmpdir(), 'tracetriage-ranges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sample = (name: string): string => readFileSync(new URL(`../../samples/${name}`, import.meta.url), 'utf8');
const fixture = (name: string): string => JSON.stringify(JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')));

/** A JSON Lines export with every kind of line the scanner treats specially. */
function tricky(): string {
  const good = [...sample('otel-genai.jsonl').trim().split('\n'), fixture('v3.6_trace_error.json'), fixture('v2.19_trace_ok.json')];
  const lines = [
    good[0]!,
    good[1]!,
    'hello, not json',
    good[2]!.slice(0, 900), // cut short in the middle of the file
    `${good[3]!}\r`, // CRLF
    '',
    '   ',
    good[2]!.replace('{"info":{', '{"info":{"x_score":NaN,'), // a NaN token
    `${good[0]!} ${good[1]!}`, // two values on one line
    '{"hello": "world"}', // JSON, not a trace
    good[3]!,
  ];
  return `${[...lines, ...lines, ...lines].join('\n')}\n`;
}

async function collect(path: string, options: Parameters<typeof readSummaries>[1]): Promise<SummaryEvent[]> {
  const out: SummaryEvent[] = [];
  for await (const event of readSummaries([path], options)) out.push(event);
  return out;
}

describe('reading a JSON Lines file by line ranges in worker threads', () => {
  const path = join(dir, 'tricky.jsonl');
  writeFileSync(path, tricky());

  it('is eligible: the test file starts with a trace on one line', async () => {
    const ranged = await collect(path, { jobs: 2, rangeThresholdBytes: 0, rangeBytes: 4000 });
    expect(ranged.filter((e) => e.type === 'summary').length).toBeGreaterThan(10);
  });

  for (const rangeBytes of [700, 4000, 25_000, 1 << 20]) {
    for (const jobs of [2, 3]) {
      it(`gives exactly the events of one thread, in order, with ${jobs} workers and ${rangeBytes}-byte ranges`, async () => {
        const reference = await collect(path, { jobs: 1 });
        const ranged = await collect(path, { jobs, rangeThresholdBytes: 0, rangeBytes });
        expect(ranged).toEqual(reference);
        expect(reference.filter((e) => e.type === 'rejected').map((e) => e.type === 'rejected' && e.rejection.code)).toEqual(
          // The line holding two values is one rejected record (issue 12), not two traces.
          Array(3).fill(['invalid-json', 'cut-short-line', 'invalid-json', 'not-a-trace']).flat(),
        );
        const nonFinite = reference.filter((e) => e.type === 'summary' && e.summary.warnings.some((w) => w.code === 'non-finite-number'));
        expect(nonFinite.length).toBe(3);
      });
    }
  }

  it('leaves pretty JSON and small files to the ordinary reader', async () => {
    const pretty = join(dir, 'pretty.json');
    writeFileSync(pretty, sample('search-sess-refund-7f3a.json'));
    expect(await collect(pretty, { jobs: 2, rangeThresholdBytes: 0, rangeBytes: 1000 })).toEqual(await collect(pretty, { jobs: 1 }));
  });
});
