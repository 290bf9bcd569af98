import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeInputsStreamed, type AnalyzeResult } from '../../../src/engine/analyze/analyze.js';
import type { FindingList } from '../../../src/engine/analyze/finding-spill.js';
import { selectRules } from '../../../src/engine/analyze/rule-set.js';
import type { ActiveRule } from '../../../src/engine/analyze/rule-runner.js';
import { analysisFacts } from '../../../src/engine/analyze/view.js';
import { digestInputs } from '../../../src/engine/scale/digest.js';
import { bucketOf, type DigestLine, type TraceLine } from '../../../src/engine/scale/lines.js';
import { mergePartials } from '../../../src/engine/scale/merge.js';
import { reduceDigests, ScaleInputError, type SourcedLine } from '../../../src/engine/scale/reduce.js';
import { ANALYZE_FORMATS } from '../../../src/report/analyze/formats.js';
import { defineRule, type RuleModule } from '../../../src/rules/api.js';
import type { Rejection } from '../../../src/engine/read/read-events.js';

// The scale-out split of `analyze` (docs/scale-out.md): digest tasks over parts of the inputs,
// reduces over bucket ranges, one merge; the result must be the local `analyze`'s, whatever the
// split, the order the engine left lines in, and the copies of traces across tasks.

const BUCKETS = 64;
let dir = '';
let chat = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracetriage-scale-'));
  chat = join(dir, 'chat.jsonl');
  execFileSync(process.execPath, ['bench/gen-chat.mjs', '--out', chat, '--bytes', '3e6'], { stdio: 'ignore' });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { rules, severityOverride } = selectRules({}, []);

/** The lines of a text as a reader gives them. */
function* sourced(lines: readonly string[], source: string): Generator<SourcedLine> {
  let offset = 0;
  for (const [i, text] of lines.entries()) {
    yield { text, source, line: i + 1, offset };
    offset += Buffer.byteLength(text) + 1;
  }
}

async function* lift<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

function render(result: AnalyzeResult<FindingList>): string {
  const facts = analysisFacts(result, 'error');
  return [...ANALYZE_FORMATS.json({ ...facts, rejected: 0, config: null, exit: { code: 0, reason: '' } }, { color: false, width: 80, verbosity: 'normal', tool: { version: '0', rules: [] } })].join(
    '',
  );
}

async function local(inputs: string[], active: readonly ActiveRule[] = rules): Promise<string> {
  return analyzeInputsStreamed(inputs, { rules: active, severityOverride }, render);
}

async function digestTasks(tasks: string[][], active: readonly ActiveRule[] = rules): Promise<DigestLine[]> {
  const lines: DigestLine[] = [];
  for (const [task, inputs] of tasks.entries()) await digestInputs(inputs, { rules: active, severityOverride, buckets: BUCKETS, task }, (l) => void lines.push(l));
  return lines;
}

/** An engine's shuffle: trace lines routed by bucket range into `parts` parts, each sorted by bucket then session (turns left in any order). */
function shuffle(lines: readonly DigestLine[], parts: number, scramble = false): string[][] {
  const out: TraceLine[][] = Array.from({ length: parts }, () => []);
  for (const l of lines) if (l.kind === 'trace') out[Math.floor((l.bucket * parts) / BUCKETS)]!.push(l);
  return out.map((part) => {
    const sorted = (scramble ? [...part].reverse() : part).sort((a, b) => a.bucket - b.bucket || (a.session ?? '').localeCompare(b.session ?? ''));
    return sorted.map((l) => JSON.stringify(l));
  });
}

async function split(tasks: string[][], parts: number, options: { scramble?: boolean; active?: readonly ActiveRule[] } = {}): Promise<{ text: string; problems: Rejection[] }> {
  const active = options.active ?? rules;
  const lines = await digestTasks(tasks, active);
  const context = lines.filter((l) => l.kind !== 'trace').map((l) => JSON.stringify(l));
  const partials: string[][] = [];
  const problems: Rejection[] = [];
  for (const [i, part] of shuffle(lines, parts, options.scramble).entries()) {
    const out: string[] = [];
    await reduceDigests(lift(sourced([...context, ...part], `part-${i}`)), { rules: active, severityOverride, onProblem: (p) => problems.push(p) }, (l) => void out.push(JSON.stringify(l)));
    partials.push(out);
  }
  const text = await mergePartials(
    partials.map((p, i) => lift(sourced(p, `partial-${i}`))),
    [lift(sourced(context, 'context'))],
    { rules: active, severityOverride, onProblem: (p) => problems.push(p) },
    render,
  );
  return { text, problems };
}

describe('digest, reduce and merge give what analyze gives', () => {
  it('on the samples, the judge-free copies of their traces and the fixtures, over 1, 2 and 5 parts', async () => {
    const tasks = [['samples'], ['test/judge-free'], ['test/fixtures']];
    const expected = await local(tasks.flat());
    expect(JSON.parse(expected).findings.length).toBeGreaterThan(10);
    for (const parts of [1, 2, 5]) expect((await split(tasks, parts)).text).toBe(expected);
  });

  it('keeps the copy of a trace read first (by task), whatever order the lines come in', async () => {
    // judge-free holds the samples' traces without their assessments: which copy stands changes the findings.
    const tasks = [['test/judge-free'], ['samples']];
    const expected = await local(tasks.flat());
    expect(expected).not.toBe(await local(['samples', 'test/judge-free']));
    expect((await split(tasks, 3, { scramble: true })).text).toBe(expected);
  });

  it('on a chat export cut into tasks across its sessions, with dump-level findings merged from the parts', async () => {
    const all = readFileSync(chat, 'utf8').trimEnd().split('\n');
    const tasks: string[][] = [];
    for (let t = 0; t < 4; t++) {
      const file = join(dir, `task-${t}.jsonl`);
      writeFileSync(file, `${all.filter((_, i) => i % 4 === t).join('\n')}\n`);
      tasks.push([file]);
    }
    const expected = await local(tasks.flat());
    const findings = JSON.parse(expected).findings as Array<{ session_id: string | null; trace_id: string | null; rule_id: string }>;
    // The merge of the rules' saved state is what is under test: the dump-level findings must be there.
    const dumpLevel = findings.filter((f) => f.session_id === null && f.trace_id === null);
    expect(dumpLevel.map((f) => f.rule_id)).toEqual(expect.arrayContaining(['systemic-failure']));
    for (const parts of [2, 7]) expect((await split(tasks, parts, { scramble: parts === 7 })).text).toBe(expected);
  });
});

describe('what the steps refuse or report', () => {
  let real: TraceLine | undefined;
  beforeAll(async () => {
    real = (await digestTasks([['samples']])).find((l): l is TraceLine => l.kind === 'trace');
  });
  /** A line as digest writes it (a real trace's digest), for the given bucket, session and id. */
  const traceLine = (bucket: number, session: string | null, traceId: string): string =>
    JSON.stringify({ ...real!, bucket, session, traceId, digest: { ...real!.digest, traceId, sessionId: session } });

  it('reduce fails on a bucket that goes down, and on a session that comes back', async () => {
    const noop = (): void => undefined;
    await expect(reduceDigests(lift(sourced([traceLine(3, 'a', 't1'), traceLine(2, 'b', 't2')], 'in')), { rules: [] }, noop)).rejects.toBeInstanceOf(ScaleInputError);
    await expect(reduceDigests(lift(sourced([traceLine(3, 'a', 't1'), traceLine(2, 'b', 't2')], 'in')), { rules: [] }, noop)).rejects.toThrow(/in:2: bucket 2 after bucket 3/);
    await expect(reduceDigests(lift(sourced([traceLine(3, 'a', 't1'), traceLine(3, 'b', 't2'), traceLine(3, 'a', 't3')], 'in')), { rules: [] }, noop)).rejects.toThrow(
      /in:3: session "a" comes back after other sessions of bucket 3/,
    );
  });

  it('reduce leaves out a session whose lines are not what digest writes, naming each line, and goes on', async () => {
    const lines = (await digestTasks([['samples']])).filter((l): l is TraceLine => l.kind === 'trace');
    const sessions = [...new Set(lines.map((l) => l.session).filter((s) => s !== null))];
    expect(sessions.length).toBeGreaterThan(2);
    const [bad] = sessions;
    // A line of the right shape at the top that the session stage cannot read further down.
    const broken = lines.map((l) =>
      l.session === bad && l === lines.find((x) => x.session === bad) ? { ...l, digest: { ...l.digest, assessments: { ...l.digest.assessments, verdicts: [null] } } } : l,
    );
    const text = shuffle(broken as DigestLine[], 1)[0]!;
    const problems: Rejection[] = [];
    const summary = await reduceDigests(lift(sourced(text, 'in')), { rules, onProblem: (p) => problems.push(p) }, () => undefined);
    const badLines = text.flatMap((t, i) => ((JSON.parse(t) as TraceLine).session === bad ? [`in:${i + 1} schema`] : []));
    expect(problems.map((p) => `${p.provenance.source}:${p.provenance.line} ${p.code}`)).toEqual(badLines);
    expect(problems[0]!.message).toMatch(new RegExp(`^session ${JSON.stringify(bad)} left out: its digest lines are not what tracetriage digest writes \\(`));
    expect(summary.sessions).toBe(sessions.length - 1);
  });

  it('reduce names a digest line of another shape by the member, and goes on', async () => {
    const lines = (await digestTasks([['samples']])).filter((l): l is TraceLine => l.kind === 'trace');
    const odd = { ...lines[0]!, digest: { ...lines[0]!.digest, turn: 5 } };
    const problems: Rejection[] = [];
    const summary = await reduceDigests(lift(sourced(shuffle([odd, ...lines.slice(1)] as DigestLine[], 1)[0]!, 'in')), { rules, onProblem: (p) => problems.push(p) }, () => undefined);
    expect(problems.map((p) => p.message)).toEqual(['$.digest.turn: expected an object, found 5']);
    expect(summary.traces).toBe(lines.length - 1);
  });

  it('reduce names a line that is not a digest line, and goes on with the rest', async () => {
    const lines = await digestTasks([['samples']]);
    const text = lines.map((l) => JSON.stringify(l)).sort();
    const problems: Rejection[] = [];
    const out: unknown[] = [];
    const summary = await reduceDigests(
      lift(sourced(['{"bucket":0,"v":1,"kind":"trace"}', 'not json', ...text.filter((t) => t.startsWith('{"bucket":-1'))], 'in.jsonl')),
      { rules, onProblem: (p) => problems.push(p) },
      (l) => void out.push(l),
    );
    expect(problems.map((p) => `${p.provenance.source}:${p.provenance.line} ${p.message}`)).toEqual([
      'in.jsonl:1 $.session: expected a string or null, found nothing',
      expect.stringMatching(/^in\.jsonl:2 not JSON: /),
    ]);
    expect(summary.problems).toBe(2);
    expect(out.filter((l) => (l as { kind: string }).kind === 'problem')).toHaveLength(2);
  });

  it('reduce refuses a rule that reports over the dump from the sessions and cannot save it', async () => {
    const counting = defineRule({
      meta: { id: 'session-counter', type: 'problem', description: 'counts sessions', severity: 'info', messages: { total: '{{n}} sessions' } },
      create(context) {
        let n = 0;
        return {
          sessionExit() {
            n++;
          },
          dumpExit() {
            context.report({ messageId: 'total', data: { n } });
          },
        };
      },
    }) as unknown as RuleModule;
    await expect(reduceDigests(lift([]), { rules: [{ module: counting, options: {} }] }, () => undefined)).rejects.toThrow(
      /rule session-counter reports over the whole dump from what the sessions taught it, and cannot hand that on \(no saveDump\)/,
    );
  });

  it('merge refuses a session in two parts, parts of other rules, and a context without counts', async () => {
    const lines = await digestTasks([['samples']]);
    const context = lines.filter((l) => l.kind !== 'trace').map((l) => JSON.stringify(l));
    const [part] = shuffle(lines, 1);
    const out: string[] = [];
    await reduceDigests(lift(sourced(part!, 'p')), { rules }, (l) => void out.push(JSON.stringify(l)));
    const merge = (parts: string[][], ctx: string[], active = rules) =>
      mergePartials(
        parts.map((p, i) => lift(sourced(p, `part-${i}.jsonl`))),
        [lift(sourced(ctx, 'ctx'))],
        { rules: active },
        () => undefined,
      );
    await expect(merge([out, out], context)).rejects.toThrow(/session "[^"]+" is in two parts \(part-0\.jsonl and part-1\.jsonl\)/);
    await expect(merge([out], context, rules.slice(1))).rejects.toThrow(/part-0\.jsonl: made with rules .* merged with /);
    await expect(merge([out], [])).rejects.toThrow(/the context has no tally line/);
  });

  it('bucketOf is FNV-1a over UTF-8, the same on every run', () => {
    expect(bucketOf('', 1 << 30)).toBe(0x811c9dc5 % (1 << 30));
    expect(bucketOf('a', 2 ** 32 - 1)).toBe(0xe40c292c % (2 ** 32 - 1));
    expect(bucketOf('sess-é', 1024)).toBe(bucketOf('sess-é', 1024));
    expect(bucketOf('sess-é', 1024)).not.toBe(bucketOf('sess-e', 1024));
  });
});
