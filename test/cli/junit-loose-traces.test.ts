import { afterAll, describe, expect, it } from 'vitest';
import { analyze, formatAnalyze } from '../../src/index.js';
import { makeWorkspace, runCliAsync } from '../helpers/make-inputs.js';
import { chatTurn, makeTrace, traceIdOf, type SpanSpec } from '../helpers/trace-builder.js';

// `analyze --format junit` lists the traces without a session a testcase per trace, in trace
// order, while their findings sort by severity and rule. The CLI reads them grouped by trace from
// a second sorted region of its temporary file (engine/analyze/loose-traces.ts); the API groups
// them in memory (shared/loose-traces.ts). Both must write the same document.

const TIMEOUT = 120_000;
const ws = makeWorkspace('tracetriage-junit-loose-');
afterAll(() => ws.cleanup());

const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);

/** A trace without a session whose root failed, and (when `child`) a tool span under it too: one or more findings. */
function failing(key: string, time: number, id?: string, child = false): Record<string, unknown> {
  const spans: SpanSpec[] = [
    { id: 'b000000000000001', name: 'POST /v1/complete', status: 'ERROR', statusMessage: `HTTPError: 500 (${key})`, exception: { type: 'HTTPError', message: `500 for ${key}` } },
  ];
  if (child) spans.push({ id: 'b000000000000002', name: 'search', type: 'TOOL', parent: 'b000000000000001', status: 'ERROR', exception: { type: 'TimeoutError', message: `slow ${key}` } });
  return makeTrace({ key, ...(id === undefined ? {} : { id }), session: null, time, spans });
}

describe('analyze --format junit: the traces without a session', () => {
  it(
    'writes the same document from the file as the API does in memory: each trace once, in request-time order, with its findings',
    async () => {
      const traces: Array<Record<string, unknown>> = [];
      // 60 traces without a session, written out of time order; two in three fail, some twice.
      const order = Array.from({ length: 60 }, (_, i) => (i * 37) % 60);
      for (const i of order) {
        const time = T0 + i * 1000;
        if (i % 3 === 0) traces.push(chatTurn({ key: `ok-${i}`, session: null, user: `question ${i}`, answer: `answer ${i}` }, time));
        else traces.push(failing(`bad-${i}`, time, undefined, i % 5 === 0));
      }
      // Empty trace ids are not copies of each other: two more, one failing, listed once by JUnit.
      traces.push(failing('empty-a', T0 + 500, ''));
      traces.push(makeTrace({ key: 'empty-b', id: '', session: null, time: T0 + 30_500 }));
      // And a session, whose suite comes first.
      traces.push(chatTurn({ key: 's1', session: 'sess-1', user: 'hi', answer: 'hello' }, T0));
      const file = ws.write('loose.jsonl', `${traces.map((t) => JSON.stringify(t)).join('\n')}\n`);

      const run = await runCliAsync(['analyze', file, '--format', 'junit', '--no-config']);
      const api = await analyze(file);
      expect(run.stderr).toContain('findings at or above error');
      expect(run.status).toBe(1);
      expect(api.exit.code).toBe(1);
      expect(run.stdout).toBe(formatAnalyze(api, 'junit'));

      // What the document says of those traces: each once, by request time, failing as made.
      const suite = run.stdout.slice(run.stdout.indexOf('<testsuite name="traces without a session"'));
      const names = [...suite.matchAll(/<testcase classname="traces without a session" name="([^"]*)"(\/?)>/gu)].map((m) => m[1]!);
      const expected = Array.from({ length: 60 }, (_, i) => traceIdOf({ key: i % 3 === 0 ? `ok-${i}` : `bad-${i}` }));
      expected.splice(1, 0, '');
      expect(names).toEqual(expected);
      expect(suite).toMatch(/^<testsuite name="traces without a session" tests="61" failures="41"/u);
      const empty = suite.slice(suite.indexOf('name=""'), suite.indexOf('</testcase>', suite.indexOf('name=""')));
      expect(empty).toContain('500 for empty-a');
    },
    TIMEOUT,
  );
});
