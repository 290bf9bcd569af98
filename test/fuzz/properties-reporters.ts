import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { runCliAsync } from '../helpers/make-inputs.js';
import { conversation, makeTrace, traceIdOf, type AssessmentSpec, type ChatTurnSpec } from '../helpers/trace-builder.js';
import { hostileArg, hostileText } from './arbitraries.js';
import { expectInertHtml, expectInertMarkdown, expectNoControls, expectWellFormedXml } from './inert.js';
import { defineProperty } from './property.js';

// Every view of analyze, sessions, session, trace and report, from the real binary, over traces
// whose every text is hostile (and some times out of range): no crash, an exit status that says
// what happened, output the same twice, and nothing in it that a terminal, GitHub, a browser or a
// CI server would take as its own.

const assessment: fc.Arbitrary<AssessmentSpec> = fc
  .record({
    name: hostileText,
    value: fc.oneof(fc.boolean(), hostileText, fc.integer()),
    rationale: hostileText,
    error: fc.option(fc.record({ code: hostileText, message: hostileText }), { nil: undefined }),
  })
  .map(({ error, ...a }) => (error ? { ...a, error } : a));

const turn = fc
  .record({
    user: hostileText,
    answer: hostileText,
    state: fc.constantFrom('OK' as const, 'ERROR' as const),
    assessments: fc.array(assessment, { maxLength: 2 }),
    toolError: fc.option(fc.record({ name: hostileText, type: hostileText, message: hostileText }), { nil: undefined }),
    docs: fc.option(fc.array(fc.record({ id: hostileText, uri: hostileText }), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  })
  .map(({ toolError, docs, ...t }): Omit<ChatTurnSpec, 'key' | 'session'> => ({ ...t, ...(toolError ? { toolError } : {}), ...(docs ? { docs } : {}) }));

/** A trace with hostile names, types, attributes, metadata and tags (no session, or a hostile one). */
const oddTrace = fc.record({ session: fc.option(hostileArg, { nil: null }), name: hostileText, type: hostileText, key: hostileText, value: hostileText, status: hostileText, user: hostileText });

/** A time a trace file may hold where a time belongs, written raw into the JSON. */
const RAW_TIMES = ['1e400', '-1e30', '-1', 'true', '"not a time"', '8640000000000001', '1e300', '"+275760-09-13T00:00:00.001Z"', '-8640000000000001'];
const badTime = fc.record({ trace: fc.nat(), where: fc.constantFrom('request_time', 'span_start', 'span_end', 'assessment'), raw: fc.constantFrom(...RAW_TIMES) });

/** What the reporter property generates: conversations, maybe an odd trace, maybe bad times. */
export const traceSet = fc.record({
  sessions: fc.array(fc.record({ id: hostileArg.map((s) => `sess-${s}`), turns: fc.array(turn, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 2 }),
  odd: fc.option(oddTrace, { nil: undefined }),
  badTimes: fc.array(badTime, { maxLength: 2 }),
});
type TraceSet = typeof traceSet extends fc.Arbitrary<infer T> ? T : never;

/** The JSON Lines file of a generated set, the session asked for and the trace asked for. */
export function buildTraceSet(set: TraceSet): { jsonl: string; session: string; traceId: string } {
  const traces = set.sessions.flatMap((s, i) =>
    conversation(
      s.id,
      s.turns.map((t, k) => ({ ...t, key: `s${i}/turn-${k + 1}` })),
    ),
  );
  if (set.odd) {
    const o = set.odd;
    traces.push(
      makeTrace({
        key: 'odd',
        session: o.session,
        user: o.user,
        state: 'ERROR',
        spans: [
          { id: '00000000000000a1', name: o.name, type: o.type, inputs: { messages: [{ role: 'user', content: o.value }] }, outputs: o.value, attributes: { [o.key]: o.value } },
          { parent: '00000000000000a1', name: o.name, type: 'TOOL', status: 'ERROR', statusMessage: o.status, exception: { type: o.type, message: o.value } },
        ],
        metadata: { [o.key]: o.value },
        tags: { [o.key]: o.value },
      }),
    );
  }
  const raws: string[] = [];
  for (const bad of set.badTimes) {
    const trace = traces[bad.trace % traces.length] as { info: Record<string, unknown> & { assessments: Array<Record<string, unknown>> }; data: { spans: Array<Record<string, unknown>> } };
    const marker = `__FZ_TIME_${raws.length}__`;
    raws.push(bad.raw);
    if (bad.where === 'request_time') trace.info.request_time = marker;
    else if (bad.where === 'assessment' && trace.info.assessments[0]) trace.info.assessments[0].create_time = marker;
    else if (trace.data.spans[0]) trace.data.spans[0][bad.where === 'span_start' ? 'start_time_unix_nano' : 'end_time_unix_nano'] = marker;
  }
  let jsonl = traces.map((t) => JSON.stringify(t)).join('\n') + '\n';
  raws.forEach((raw, i) => (jsonl = jsonl.replace(`"__FZ_TIME_${i}__"`, raw)));
  return { jsonl, session: set.sessions[0]!.id, traceId: traceIdOf({ key: 's0/turn-1' }) };
}

type Format = 'text' | 'json' | 'junit' | 'sarif' | 'markdown' | 'html';
interface View {
  args: (file: string, session: string, traceId: string) => string[];
  format: Format;
}
const view = (format: Format, args: View['args']): View => ({ format, args: (f, s, t) => [...args(f, s, t), '--format', format] });

/** Every view of the commands that print trace text. */
export const VIEWS: readonly View[] = [
  ...(['text', 'json', 'junit', 'sarif'] as const).map((f) => view(f, (file) => ['analyze', file, '--no-config', '--fail-on', 'error'])),
  ...(['text', 'json'] as const).map((f) => view(f, (file) => ['sessions', file, '--no-config'])),
  ...(['text', 'json', 'markdown'] as const).map((f) => view(f, (file, session) => ['session', session, file, '--no-config'])),
  ...(['text', 'json', 'markdown'] as const).map((f) => view(f, (file, _s, traceId) => ['trace', traceId, file, '--no-config'])),
  ...(['markdown', 'html'] as const).map((f) => view(f, (file) => ['report', file, '--no-config'])),
];

/** Checks one output of one view. */
function expectSafe(format: Format, stdout: string, what: string): void {
  expectNoControls(stdout, format === 'text' || format === 'markdown', what);
  if (format === 'json' || format === 'sarif') expect(() => JSON.parse(stdout), what).not.toThrow();
  if (format === 'junit') expectWellFormedXml(stdout, what);
  if (format === 'markdown') expectInertMarkdown(stdout, what);
  if (format === 'html') expectInertHtml(stdout, what);
}

/** Runs `work` over the items, at most `width` at a time (a 2-core machine, ~100 MB a Node process). */
async function inBatches<T>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  // After a failure no new item starts: the failure is the answer, and shrinking runs this again.
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        await work(items[i]!, i);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/**
 * Runs every view over a generated set. `everyViewTwice`: each view runs a second time to compare
 * bytes; otherwise a third of them, chosen by the input (so a replay checks the same ones).
 */
export async function checkViews(set: TraceSet, everyViewTwice: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tracetriage-fuzz-'));
  try {
    const { jsonl, session, traceId } = buildTraceSet(set);
    const file = join(dir, 'traces.jsonl');
    writeFileSync(file, jsonl);
    const validate = await runCliAsync(['validate', file, '--format', 'json']);
    expect(validate.stderr).not.toContain('internal error');
    const counts = JSON.parse(validate.stdout) as { records: number; valid: number; rejected: number };
    expect(counts.records).toBe(counts.valid + counts.rejected);
    expect(counts.records).toBe(jsonl.split('\n').length - 1);
    await inBatches(VIEWS, 4, async (v, i) => {
      const args = v.args(file, session, traceId);
      const what = `tracetriage ${args.slice(0, 1).join(' ')} --format ${v.format}`;
      const run = await runCliAsync(args);
      expect(run.stderr, what).not.toMatch(/internal error/iu);
      expect([0, 1], `${what}: exit ${String(run.status)}\n${run.stderr}`).toContain(run.status);
      expectSafe(v.format, run.stdout, what);
      if (everyViewTwice || i % 3 === jsonl.length % 3) expect((await runCliAsync(args)).stdoutBytes.equals(run.stdoutBytes), `${what}: not the same bytes twice`).toBe(true);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const reportersProperty = defineProperty({
  name: 'reporters-hostile-traces',
  claim: 'every format of analyze, sessions, session, trace and report over hostile traces: exit 0/1, no internal error, the same bytes twice, no raw control character, no markup from trace text',
  arbitrary: traceSet,
  suiteRuns: 1,
  costly: true,
  // Each run spawns the CLI 15 to 30 times: `make test` re-runs a third of the views for determinism, `make fuzz` all of them.
  async check(set) {
    await checkViews(set, process.env.FUZZ_CAMPAIGN === '1');
  },
});

export const REPORTER_PROPERTIES = [reportersProperty];
