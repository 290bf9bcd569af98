import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, bucketOf, DEFAULT_BUCKETS, digest, formatAnalyze, merge, reduce, ScaleInputError, UnknownRuleError, type TraceLine } from '../../src/index.js';
import { makeWorkspace, REPO_ROOT, runCliAsync } from '../helpers/make-inputs.js';

// The scale-out steps of the API answer as `tracetriage digest`, `reduce` and `merge` do: the
// same lines byte for byte, the same formatted output, the same exit status, run on the same files
// (absolute paths, so both read the same bytes and name them the same way).

const SAMPLES = join(REPO_ROOT, 'samples');
const SMOKE = join(SAMPLES, 'traces', 'no-session-smoke-test.json');

const workspace = makeWorkspace('tracetriage-api-scale-');
afterAll(() => workspace.cleanup());

/** Digest lines sorted as an engine would: bucket, then session (bucket -1 first). */
function sorted(lines: readonly string[]): string[] {
  const keyed = lines.map((text) => {
    const { bucket, session } = JSON.parse(text) as { bucket: number; session?: string | null };
    return { bucket, session: session ?? '', text };
  });
  keyed.sort((a, b) => a.bucket - b.bucket || (a.session < b.session ? -1 : a.session > b.session ? 1 : 0));
  return keyed.map((k) => k.text);
}

const bucketOfLine = (text: string): number => (JSON.parse(text) as { bucket: number }).bucket;
const text = (lines: readonly string[]): string => lines.map((l) => `${l}\n`).join('');

/** The CLI's digest of the samples, sorted, and the two parts of a run split at half the buckets. */
let digestFile = '';
let sortedFile = '';
let contextFile = '';
const partFiles: string[] = [];
const HALF = DEFAULT_BUCKETS / 2;
const RANGES = [(b: number) => b >= 0 && b < HALF, (b: number) => b >= HALF] as const;

beforeAll(async () => {
  const cli = await runCliAsync(['digest', SAMPLES, '--no-config']);
  expect(cli.status).toBe(0);
  const lines = cli.stdout.split('\n').filter((l) => l !== '');
  digestFile = workspace.write('digests.jsonl', cli.stdout);
  const order = sorted(lines);
  sortedFile = workspace.write('sorted.jsonl', text(order));
  contextFile = workspace.write('context.jsonl', text(order.filter((l) => bucketOfLine(l) === -1)));
  for (const [i, inPart] of RANGES.entries()) {
    const input = workspace.write(`in-${i}.jsonl`, text(order.filter((l) => inPart(bucketOfLine(l)))));
    const part = await runCliAsync(['reduce', input, '--context', contextFile, '--no-config']);
    expect(part.status).toBe(0);
    partFiles.push(workspace.write(`part-${i}.jsonl`, part.stdout));
  }
}, 120_000);

describe('digest answers as tracetriage digest does', () => {
  it.concurrent.each([
    { name: 'the samples', cli: [], options: {} },
    { name: 'buckets, task, rules', cli: ['--buckets', '7', '--task', '3', '--rule', 'error-propagation,no-turn-io'], options: { buckets: 7, task: 3, rules: ['error-propagation', 'no-turn-io'] } },
    { name: 'a session and a filter', cli: ['--session', 'sess-refund-7f3a', '--filter-string', 'timestamp_ms > 0'], options: { sessions: ['sess-refund-7f3a'], filterString: 'timestamp_ms > 0' } },
  ])('$name', async ({ cli, options }) => {
    const lines: string[] = [];
    const [run, api] = await Promise.all([runCliAsync(['digest', SAMPLES, ...cli, '--no-config']), digest(SAMPLES, (line) => void lines.push(line), options)]);
    expect(text(lines)).toBe(run.stdout);
    expect(api.exit.code).toBe(run.status);
    expect(api.lines).toBe(lines.length);
    expect(lines.length).toBeGreaterThan(1);
  });

  it('counts as its tally line does; each trace line keyed by bucketOf of its session', async () => {
    const lines: string[] = [];
    const run = await digest(SAMPLES, (line) => void lines.push(line));
    expect(run).toMatchObject({ lines: 15, traces: 13, duplicates: 0, outsideSelection: 0, rejected: 0, exit: { code: 0, reason: 'clean' } });
    const traces = lines.map((l) => JSON.parse(l) as TraceLine).filter((l) => l.kind === 'trace');
    expect(traces).toHaveLength(13);
    for (const t of traces) expect(t.bucket).toBe(bucketOf(t.session ?? t.traceId, DEFAULT_BUCKETS));
  });

  it('writes invisible characters of trace content as the CLI does (\\uXXXX)', async () => {
    const file = workspace.write('invisible.json', readFileSync(SMOKE, 'utf8').replaceAll('customer service hours', 'customer\u2028service\u200bhours'));
    const lines: string[] = [];
    const [cli] = await Promise.all([runCliAsync(['digest', file, '--no-config']), digest(file, (line) => void lines.push(line))]);
    expect(text(lines)).toBe(cli.stdout);
    expect(cli.stdout).toContain('customer\\u2028service\\u200bhours');
  });

  it('a record it cannot read is a problem, and a problem line, with the CLI exit status', async () => {
    const file = workspace.write('bad.jsonl', `${readFileSync(SMOKE, 'utf8').replace(/\n/g, ' ')}\n{"info": 1\n`);
    const lines: string[] = [];
    const [cli, run] = await Promise.all([runCliAsync(['digest', file, '--no-config']), digest(file, (line) => void lines.push(line))]);
    expect(text(lines)).toBe(cli.stdout);
    expect(run.exit).toEqual({ code: 1, reason: '1 record could not be read as traces' });
    expect(cli.status).toBe(1);
    expect(run.problems.rejections).toHaveLength(1);
    expect(run.problems.rejections[0]).toMatchObject({ code: 'cut-short-line', provenance: { source: file, line: 2 } });
    expect(lines.filter((l) => l.includes('"kind":"problem"'))).toHaveLength(1);
  });

  it('refuses buckets and task out of range, and an unknown rule, before reading', async () => {
    const none = (): void => undefined;
    await expect(digest(SAMPLES, none, { buckets: 0 })).rejects.toThrow(new RangeError('buckets must be a whole number from 1 to 1048576, got 0'));
    await expect(digest(SAMPLES, none, { task: -1 })).rejects.toThrow(new RangeError('task must be a whole number of at least 0, got -1'));
    await expect(digest(SAMPLES, none, { rules: ['no-such-rule'] })).rejects.toBeInstanceOf(UnknownRuleError);
  });
});

describe('reduce answers as tracetriage reduce does', () => {
  it('sorted lines from a file stream, an array or an async iterable: the CLI part, byte for byte', async () => {
    const cli = await runCliAsync(['reduce', sortedFile, '--no-config']);
    const lines = readFileSync(sortedFile, 'utf8').split('\n');
    async function* iterable(): AsyncGenerator<string> {
      yield* lines.map((l) => `${l}\n`);
    }
    for (const given of [createReadStream(sortedFile), lines, iterable(), Readable.from(lines)]) {
      const out: string[] = [];
      const run = await reduce(given, (line) => void out.push(line));
      expect(text(out)).toBe(cli.stdout);
      expect(run).toMatchObject({ lines: out.length, sessions: 4, withoutSession: 1, traces: 13, duplicates: 0, exit: { code: cli.status } });
    }
  });

  it('two parts by bucket range, with the context lines given apart', async () => {
    const context = readFileSync(contextFile, 'utf8').split('\n');
    for (const [i, inPart] of RANGES.entries()) {
      const out: string[] = [];
      const lines = readFileSync(sortedFile, 'utf8')
        .split('\n')
        .filter((l) => l !== '' && inPart(bucketOfLine(l)));
      const run = await reduce(lines, (line) => void out.push(line), { context });
      expect(text(out)).toBe(readFileSync(partFiles[i]!, 'utf8'));
      expect(run.exit).toEqual({ code: 0, reason: 'clean' });
    }
  });

  it('a line that is not a digest line is a problem with its place, and the CLI exit status', async () => {
    const input = workspace.write('with-bad-line.jsonl', `${readFileSync(sortedFile, 'utf8')}{"bucket": 1023, "v": 1, "kind": "nope"}\n`);
    const out: string[] = [];
    const [cli, run] = await Promise.all([runCliAsync(['reduce', input, '--no-config']), reduce(createReadStream(input), (line) => void out.push(line))]);
    expect(text(out)).toBe(cli.stdout);
    expect(run.exit.code).toBe(cli.status);
    expect(run.exit).toEqual({ code: 1, reason: '1 problem(s) in the part (named above); its result was written without them' });
    expect(run.problems.rejections.map((r) => `${r.provenance.source}:${r.provenance.line} ${r.code}`)).toEqual([`${input}:16 schema`]);
  });

  it('out-of-order lines throw a ScaleInputError, the message the CLI prints', async () => {
    const cli = await runCliAsync(['reduce', digestFile, '--no-config']);
    expect(cli.status).toBe(2);
    const error = await reduce(createReadStream(digestFile), () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScaleInputError);
    expect(cli.stderr).toContain((error as Error).message);
    expect((error as Error).message).toMatch(/^.*digests\.jsonl:3: bucket 408 after bucket 704: sort the digest lines by bucket, then session$/);
  });

  it('a string is not lines', async () => {
    await expect(reduce(sortedFile as never, () => undefined)).rejects.toThrow(TypeError);
  });
});

describe('merge answers as tracetriage merge does', () => {
  it.concurrent.each(['json', 'text', 'junit', 'sarif'] as const)('--format %s, and equal to analyze', async (format) => {
    const [cli, merged, local] = await Promise.all([
      runCliAsync(['merge', ...partFiles, '--context', digestFile, '--format', format, '--no-config']),
      merge(
        partFiles.map((p) => createReadStream(p)),
        createReadStream(digestFile),
      ),
      analyze(SAMPLES),
    ]);
    expect(formatAnalyze(merged, format)).toBe(cli.stdout);
    expect(merged.exit.code).toBe(cli.status);
    expect(formatAnalyze(merged, format)).toBe(formatAnalyze(local, format));
    expect(merged.exit).toEqual(local.exit);
  });

  it('rules, --fail-on and context as arrays of lines', async () => {
    const rules = ['error-propagation', 'no-turn-io'];
    const digested: string[] = [];
    await digest(SAMPLES, (line) => void digested.push(line), { rules });
    const part: string[] = [];
    await reduce(sorted(digested), (line) => void part.push(line), { rules });
    const merged = await merge([part], [digested], { rules, failOn: 'warn' });
    const local = await analyze(SAMPLES, { rules, failOn: 'warn' });
    expect(formatAnalyze(merged, 'json')).toBe(formatAnalyze(local, 'json'));
    expect(merged).toMatchObject({ rules, failOn: 'warn', failed: local.failed, exit: local.exit });
    const partFile = workspace.write('rules-part.jsonl', text(part));
    const contextFile = workspace.write('rules-digest.jsonl', text(digested));
    const cli = await runCliAsync(['merge', partFile, '--context', contextFile, '--rule', rules.join(','), '--fail-on', 'warn', '--format', 'json', '--no-config']);
    expect(formatAnalyze(merged, 'json')).toBe(cli.stdout);
    expect(merged.exit.code).toBe(cli.status);
  });

  it("a record the digest could not read reaches the merge's problems and exit, as in the CLI", async () => {
    const file = workspace.write('merge-bad.jsonl', `${readFileSync(SMOKE, 'utf8').replace(/\n/g, ' ')}\n{"info": 1\n`);
    const digested: string[] = [];
    await digest(file, (line) => void digested.push(line));
    const part: string[] = [];
    await reduce(sorted(digested), (line) => void part.push(line));
    const partFile = workspace.write('merge-bad-part.jsonl', text(part));
    const contextFile = workspace.write('merge-bad-digest.jsonl', text(digested));
    const [cli, merged] = await Promise.all([runCliAsync(['merge', partFile, '--context', contextFile, '--format', 'json', '--no-config']), merge([part], digested)]);
    expect(formatAnalyze(merged, 'json')).toBe(cli.stdout);
    expect(merged.exit.code).toBe(cli.status);
    expect(merged).toMatchObject({ rejected: 1, traces: 1, exit: { code: 1, reason: '1 record could not be read as traces' } });
    expect(merged.problems.rejections.map((r) => `${r.provenance.source}:${r.provenance.line} ${r.code}`)).toEqual([`${file}:2 cut-short-line`]);
  });

  it('parts made with other rules, a session in two parts, or no tally throw a ScaleInputError', async () => {
    const parts = partFiles.map((p) => readFileSync(p, 'utf8').split('\n'));
    const digested = readFileSync(digestFile, 'utf8').split('\n');
    await expect(merge(parts, digested, { rules: ['turn-gap'] })).rejects.toThrow(/made with rules .*, merged with turn-gap: every step must run the same rules/);
    await expect(merge([parts[1]!, parts[1]!], digested)).rejects.toThrow(/is in two parts \(\(part 1\) and \(part 2\)\)/);
    await expect(merge(parts, [])).rejects.toBeInstanceOf(ScaleInputError);
    await expect(merge(digested as never, digested)).rejects.toThrow(TypeError);
  });
});
