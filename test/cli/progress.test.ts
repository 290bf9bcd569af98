import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filteredTraces } from '../../dist/engine/read/filtered.js';
import { readTraces } from '../../dist/engine/read/read.js';
import { readSummaries, type SummaryOptions } from '../../dist/engine/read/read-summaries.js';
import { inputBytes, openInputs, type OpenOptions } from '../../dist/ingest/sources.js';
import { compileFilter } from '../../dist/query/filter/compile.js';
import { ERASE_LINE, ProgressBar, ReadCounter, progressLine, progressWanted, type ProgressInput, type ProgressState } from '../../src/cli/progress.js';
import type { Provenance } from '../../src/ingest/record.js';
import { CLI, REPO_ROOT, fixture, fixtureLine, gzip, jsonl, makeWorkspace, tarball, type Workspace } from '../helpers/make-inputs.js';

/** Each case runs the real binary (some twice, or for seconds on purpose); a loaded machine is slow to start Node. */
const CLI_TIMEOUT = 120_000;

// The progress bar: its line for a state (exact), its throttle and delay (a fake clock), when it
// may show at all (a table), how bytes and traces are counted from the read's events, the
// inputs' total size and the raw bytes the readers report against it (onRead, onTrace), and the
// real binary: drawn and erased on a pseudo-terminal, with a percentage for a big file, never on
// a pipe.

describe('progressLine', () => {
  const cases: ReadonlyArray<[string, ProgressState, number, string]> = [
    [
      'with a total: percent, bar, bytes of total, rate, traces, time',
      { bytes: 512e6, total: 1219e6, traces: 1200, elapsedMs: 2438 },
      120,
      'reading  42% ████████░░░░░░░░░░░░ 512.0/1219.0 MB · 210 MB/s · 1200 traces · 2 s',
    ],
    ['at the start of a big input', { bytes: 1e6, total: 100e6, traces: 1, elapsedMs: 10 }, 120, 'reading   1% ░░░░░░░░░░░░░░░░░░░░ 1.0/100.0 MB · 100 MB/s · 1 trace · 0 s'],
    [
      'more bytes than the total (a file that grew while read): 100%, never more',
      { bytes: 3e6, total: 1e6, traces: 7, elapsedMs: 1000 },
      120,
      'reading 100% ████████████████████ 3.0/1.0 MB · 3.0 MB/s · 7 traces · 1 s',
    ],
    ['no total (stdin): bytes, rate, traces, time', { bytes: 3.5e6, total: null, traces: 1, elapsedMs: 500 }, 80, 'reading 3.5 MB · 7.0 MB/s · 1 trace · 0 s'],
    ['a total of 0 is no total', { bytes: 0, total: 0, traces: 0, elapsedMs: 1500 }, 80, 'reading 0.0 MB · 0.0 MB/s · 0 traces · 1 s'],
    ['no time yet: no rate', { bytes: 0, total: null, traces: 0, elapsedMs: 0 }, 80, 'reading 0.0 MB · 0 traces · 0 s'],
    ['traces not known (a reader that reports frame events only)', { bytes: 2e6, total: null, traces: null, elapsedMs: 4000 }, 80, 'reading 2.0 MB · 0.5 MB/s · 4 s'],
    ['cut to one column less than the terminal (no wrap)', { bytes: 3.5e6, total: null, traces: 1, elapsedMs: 500 }, 20, 'reading 3.5 MB · 7.'],
  ];
  it.each(cases)('%s', (_name, state, columns, expected) => {
    expect(progressLine(state, columns)).toBe(expected);
  });
});

describe('ProgressBar (fake clock)', () => {
  function bar(total: number | null): { bar: ProgressBar; out: string[]; at: (ms: number) => void } {
    let now = 0;
    const out: string[] = [];
    return { bar: new ProgressBar({ write: (text) => out.push(text), now: () => now, columns: () => 80, total }), out, at: (ms) => (now = ms) };
  }

  it('waits a second on a small or unknown input, then redraws at most every 100 ms; clear and stop erase it', () => {
    const { bar: b, out, at } = bar(null);
    at(500);
    b.update(1e6, 10);
    at(999);
    b.tick();
    b.clear();
    expect(out).toEqual([]);
    at(1000);
    b.update(2e6, 20);
    at(1050);
    b.update(3e6, 30);
    at(1099);
    b.tick();
    expect(out).toEqual([`${ERASE_LINE}reading 2.0 MB · 2.0 MB/s · 20 traces · 1 s`]);
    at(1100);
    b.tick();
    b.clear();
    // Right after a clear (a warning was written) the bar comes back at once.
    at(1101);
    b.update(4e6, 40);
    b.stop();
    at(5000);
    b.update(5e6, 50);
    b.tick();
    b.clear();
    expect(out).toEqual([
      `${ERASE_LINE}reading 2.0 MB · 2.0 MB/s · 20 traces · 1 s`,
      `${ERASE_LINE}reading 3.0 MB · 2.7 MB/s · 30 traces · 1 s`,
      ERASE_LINE,
      `${ERASE_LINE}reading 4.0 MB · 3.6 MB/s · 40 traces · 1 s`,
      ERASE_LINE,
    ]);
  });

  it('shows at once for an input of 64 MB or more', () => {
    const { bar: b, out, at } = bar(100e6);
    at(10);
    b.update(1e6, 1);
    expect(out).toEqual([`${ERASE_LINE}reading   1% ░░░░░░░░░░░░░░░░░░░░ 1.0/100.0 MB · 100 MB/s · 1 trace · 0 s`]);
  });

  it('waits for a small known input too', () => {
    const { bar: b, out, at } = bar(1e6);
    at(999);
    b.update(5e5, 1);
    expect(out).toEqual([]);
  });

  it('draws ten times in a second of a thousand updates', () => {
    const { bar: b, out, at } = bar(null);
    for (let ms = 1000; ms < 2000; ms++) {
      at(ms);
      b.update(ms * 1000, ms);
    }
    expect(out).toHaveLength(10);
  });

  it('takes the total once it is known: a big input then shows at once, with a percentage', () => {
    const { bar: b, out, at } = bar(null);
    at(10);
    b.update(1e6, 1);
    expect(out).toEqual([]);
    b.setTotal(100e6);
    at(20);
    b.update(2e6, 2);
    expect(out).toEqual([`${ERASE_LINE}reading   2% ░░░░░░░░░░░░░░░░░░░░ 2.0/100.0 MB · 100 MB/s · 2 traces · 0 s`]);
  });

  it('stop before anything was drawn writes nothing', () => {
    const { bar: b, out } = bar(null);
    b.stop();
    expect(out).toEqual([]);
  });
});

describe('progressWanted', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  const cases: ReadonlyArray<[string, ProgressInput, boolean]> = [
    ['stderr a terminal', { flag: undefined, env: { TERM: 'xterm' }, stream: tty }, true],
    ['stderr a terminal, TERM unset', { flag: undefined, env: {}, stream: tty }, true],
    ['stderr a pipe', { flag: undefined, env: {}, stream: pipe }, false],
    ['stderr a pipe, --progress: still never', { flag: true, env: {}, stream: pipe }, false],
    ['--no-progress on a terminal', { flag: false, env: {}, stream: tty }, false],
    ['CI=true on a terminal', { flag: undefined, env: { CI: 'true' }, stream: tty }, false],
    ['CI=1 on a terminal', { flag: undefined, env: { CI: '1' }, stream: tty }, false],
    ['CI=false on a terminal', { flag: undefined, env: { CI: 'false' }, stream: tty }, true],
    ['CI=0 on a terminal', { flag: undefined, env: { CI: '0' }, stream: tty }, true],
    ['CI empty on a terminal', { flag: undefined, env: { CI: '' }, stream: tty }, true],
    ['CI=true, --progress on a terminal', { flag: true, env: { CI: 'true' }, stream: tty }, true],
    ['TERM=dumb', { flag: undefined, env: { TERM: 'dumb' }, stream: tty }, false],
    ['NO_COLOR does not hide the bar', { flag: undefined, env: { NO_COLOR: '1' }, stream: tty }, true],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(progressWanted(input)).toBe(expected);
  });
});

describe('ReadCounter', () => {
  const at = (source: string, offset: number, length: number): Provenance => ({ source, index: 0, offset, length, line: 1, column: 1 });
  type Event = Parameters<ReadCounter['add']>[0];
  const steps: ReadonlyArray<[string, Event, number, number | null]> = [
    ['a source starts', { type: 'source-start', source: 'a' }, 0, null],
    ['a trace to byte 100', { type: 'summary', summary: {} as never, provenance: at('a', 0, 100) }, 100, 1],
    ['a trace to byte 150', { type: 'summary', summary: {} as never, provenance: at('a', 100, 50) }, 150, 2],
    ['a rejected record to byte 160', { type: 'rejected', rejection: { provenance: at('a', 150, 10), code: 'invalid-json', message: 'x', at: { offset: 150, line: 3 } } }, 160, 2],
    ['a note changes nothing', { type: 'note', note: { source: 'a', kind: 'bom', message: 'x' } }, 160, 2],
    ['the source ends at 170 bytes (trailing white space)', { type: 'source-end', source: 'a', bytes: 170, unpacked: null }, 170, 2],
    ['the next source starts', { type: 'source-start', source: 'b' }, 170, 2],
    ['a whole trace to byte 30 of it', { type: 'trace', trace: {} as never, provenance: at('b', 0, 30), bytes: Buffer.alloc(0), value: null }, 200, 3],
  ];
  it('counts ended sources whole and the current one to its last record', () => {
    const counter = new ReadCounter();
    const seen = steps.map(([name, event]) => {
      counter.add(event);
      return [name, counter.bytes, counter.traces];
    });
    expect(seen).toEqual(steps.map(([name, , bytes, traces]) => [name, bytes, traces]));
  });

  it('counts the bytes the reader reports instead, once it reports any (raw bytes, as a total from file sizes)', () => {
    const counter = new ReadCounter();
    counter.add({ type: 'source-end', source: 'a.gz', bytes: 5000, unpacked: 'gzip' });
    expect(counter.bytes).toBe(5000);
    counter.addBytes(700);
    counter.addBytes(300);
    counter.add({ type: 'source-end', source: 'b.gz', bytes: 9000, unpacked: 'gzip' });
    expect([counter.bytes, counter.traces]).toEqual([1000, null]);
  });

  it('counts traces a reader reports without events (onTrace), on top of those in events', () => {
    const counter = new ReadCounter();
    counter.addTrace();
    counter.addTrace();
    counter.add({ type: 'summary', summary: {} as never, provenance: at('a', 0, 10) });
    expect(counter.traces).toBe(3);
  });
});

describe('inputBytes and the onRead hook', () => {
  let ws: Workspace;
  /** Input name → its bytes on disk (what the total and the hook count). */
  const sizes = new Map<string, number>();
  let plain: Buffer;

  /** Deterministic bytes that do not start like JSON and do not compress (a `.gz` skipped unread). */
  function noise(length: number): Buffer {
    const out = Buffer.alloc(length);
    let x = 12345;
    for (let i = 0; i < length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      out[i] = x >>> 24;
    }
    out[0] = 0x00;
    return out;
  }

  beforeAll(async () => {
    ws = makeWorkspace();
    const line = fixtureLine('v3.6_trace_ok_assessments_session.json');
    // Over 1 MiB: a file is read in 1 MiB chunks, so it takes more than one.
    plain = Buffer.from(jsonl(Array.from({ length: 300 }, () => line)));
    const tar = await tarball([
      { name: 'x', type: 'directory' },
      { name: 'x/1.jsonl', content: plain },
    ]);
    const put = (rel: string, content: Buffer): void => {
      ws.write(rel, content);
      sizes.set(rel, content.length);
    };
    put('tree/a.jsonl', plain);
    put('tree/sub/b.json', fixture('v3.6_trace_ok_assessments_session.json'));
    put('tree/sub/deeper/c.jsonl.gz', gzip(plain));
    put('tree/d.tar', tar);
    put('tree/e.tgz', gzip(tar));
    // Found in the directory and skipped after their first chunk: they still count whole.
    put('tree/notes.txt', Buffer.from('not a trace export\n'.repeat(150_000)));
    put('tree/noise.gz', gzip(noise(2_500_000)));
    put('outside.jsonl', Buffer.from(jsonl([line, line])));
    put('outside-dir/z.jsonl', plain);
    symlinkSync(ws.path('outside.jsonl'), ws.path('tree/link.jsonl'));
    symlinkSync(ws.path('outside-dir'), ws.path('tree/linked-dir'));
    mkdirSync(ws.path('broken'));
    symlinkSync(ws.path('nowhere.jsonl'), ws.path('broken/dangling.jsonl'));
    execFileSync('mkfifo', [ws.path('fifo')]);
  });
  afterAll(() => ws.cleanup());

  const size = (...rels: string[]): number => rels.reduce((n, rel) => n + sizes.get(rel)!, 0);
  /** Everything under tree/: the linked file is counted, the linked directory is not followed. */
  const TREE = ['tree/a.jsonl', 'tree/sub/b.json', 'tree/sub/deeper/c.jsonl.gz', 'tree/d.tar', 'tree/e.tgz', 'tree/notes.txt', 'tree/noise.gz', 'outside.jsonl'];

  const totals: ReadonlyArray<[string, string[], () => number | null]> = [
    ['a directory: nested files, .gz and tar at their packed sizes, a linked file, not a linked directory', ['tree'], () => size(...TREE)],
    ['one plain file', ['tree/a.jsonl'], () => size('tree/a.jsonl')],
    ['a .gz: its compressed size', ['tree/sub/deeper/c.jsonl.gz'], () => size('tree/sub/deeper/c.jsonl.gz')],
    ['a .tar', ['tree/d.tar'], () => size('tree/d.tar')],
    ['a .tgz', ['tree/e.tgz'], () => size('tree/e.tgz')],
    [
      'several inputs add up (the same file twice counts twice, as it is read twice)',
      ['tree/a.jsonl', 'outside-dir', 'tree/a.jsonl'],
      () => size('tree/a.jsonl', 'outside-dir/z.jsonl', 'tree/a.jsonl'),
    ],
    ['no inputs', [], () => 0],
    ['stdin among the inputs: unknown', ['tree/a.jsonl', '-'], () => null],
    ['a missing file: unknown', ['missing.jsonl'], () => null],
    ['a missing file after a good one: unknown', ['tree/a.jsonl', 'missing.jsonl'], () => null],
    ['a directory with a dangling link: unknown', ['broken'], () => null],
    ['a FIFO (no size before reading): unknown', ['fifo'], () => null],
  ];
  it.each(totals)('inputBytes: %s', async (_name, inputs, expected) => {
    expect(await inputBytes(inputs.map((input) => (input === '-' ? input : ws.path(input))))).toBe(expected());
  });

  /** The bytes `onRead` is told of while every source of the inputs is read to its end. */
  async function hookBytes(inputs: readonly string[], options: OpenOptions = {}): Promise<{ bytes: number; calls: number }> {
    let bytes = 0;
    let calls = 0;
    const onRead = (n: number): void => {
      bytes += n;
      calls++;
    };
    for await (const event of openInputs(inputs, { ...options, onRead })) {
      if (event.type === 'source') for await (const chunk of event.source) void chunk;
    }
    return { bytes, calls };
  }

  const reads: ReadonlyArray<[string, string[], string[]]> = [
    ['a plain file (more than one chunk)', ['tree/a.jsonl'], ['tree/a.jsonl']],
    ['a .gz: the compressed bytes, not the unpacked ones', ['tree/sub/deeper/c.jsonl.gz'], ['tree/sub/deeper/c.jsonl.gz']],
    ['a .tar', ['tree/d.tar'], ['tree/d.tar']],
    ['a .tgz', ['tree/e.tgz'], ['tree/e.tgz']],
    ['a directory, files skipped unread (not JSON, plain and gzipped) counted whole', ['tree'], TREE],
  ];
  it.each(reads)('onRead over %s adds up to the size on disk, as inputBytes says', async (_name, inputs, files) => {
    const paths = inputs.map((input) => ws.path(input));
    const { bytes } = await hookBytes(paths);
    expect(bytes).toBe(size(...files));
    expect(bytes).toBe(await inputBytes(paths));
  });

  it('onRead over stdin counts the bytes as they arrive', async () => {
    const chunks = [plain.subarray(0, 1000), plain.subarray(1000, 500_000), plain.subarray(500_000)];
    const { bytes, calls } = await hookBytes(['-'], { stdin: Readable.from(chunks) });
    expect([bytes, calls]).toEqual([plain.length, 3]);
  });

  /** Bytes `onRead` is told of, and traces read, by readSummaries. */
  async function summaryBytes(inputs: readonly string[], options: SummaryOptions): Promise<{ bytes: number; traces: number }> {
    let bytes = 0;
    let traces = 0;
    for await (const event of readSummaries(inputs, { ...options, onRead: (n) => (bytes += n) })) if (event.type === 'summary') traces++;
    return { bytes, traces };
  }

  const summaryCases: ReadonlyArray<[string, SummaryOptions]> = [
    ['in this thread', { jobs: 1 }],
    ['by line ranges in workers (the first chunk, read to sniff the file, counted once)', { jobs: 2, rangeThresholdBytes: 0, rangeBytes: 100_000 }],
    ['by line ranges of more than the first chunk', { jobs: 2, rangeThresholdBytes: 0, rangeBytes: 1_200_000 }],
  ];
  it.each(summaryCases)('readSummaries tells onRead the file size %s', async (_name, options) => {
    const path = ws.path('tree/a.jsonl');
    expect(await summaryBytes([path], options)).toEqual({ bytes: plain.length, traces: 300 });
  });

  it('readTraces passes onRead through', async () => {
    let bytes = 0;
    for await (const event of readTraces([ws.path('tree')], { onRead: (n) => (bytes += n) })) void event;
    expect(bytes).toBe(size(...TREE));
  });

  const traceCases: ReadonlyArray<[string, string, number]> = [
    ['no filter: every trace read is kept', '', 4 * 300 + 1 + 2],
    ['a filter decided on the info: the traces left out still count as read', "status = 'ERROR'", 0],
    ['a filter on spans: the traces left out still count as read', "span.type = 'NO_SUCH_TYPE'", 0],
  ];
  it.each(traceCases)('filteredTraces tells onTrace of each trace read, %s', async (_name, filter, kept) => {
    let counted = 0;
    let yielded = 0;
    const options = { filter: filter === '' ? null : compileFilter(filter), onTrace: () => counted++ };
    for await (const event of filteredTraces([ws.path('tree')], options)) if (event.type === 'trace') yielded++;
    expect([counted, yielded]).toEqual([4 * 300 + 1 + 2, kept]);
  });
});

describe('the real binary', () => {
  let ws: Workspace;
  let first: string;
  let rest: string;
  /** Over the bar's 64 MB: its size is known, so the bar shows at once, with a percentage. */
  let big: { path: string; mb: string; traces: number };
  beforeAll(() => {
    ws = makeWorkspace();
    const line = fixtureLine('v3.6_trace_ok_assessments_session.json');
    first = ws.write('first.jsonl', jsonl(Array.from({ length: 200 }, () => line)));
    rest = ws.write('rest.jsonl', jsonl(Array.from({ length: 100 }, () => line)));
    // Over 64 MB in few traces: the bar's size rule is what is tested, and analysing 66 traces of
    // 1 MB (a long tag) costs a fraction of 50 000 small ones on a loaded machine.
    const trace = JSON.parse(line) as { info: { tags: Record<string, string> } };
    trace.info.tags['padding'] = 'x'.repeat(1_000_000);
    const bigLine = JSON.stringify(trace);
    const traces = Math.ceil(66e6 / (bigLine.length + 1));
    const content = `${bigLine}\n`.repeat(traces);
    big = { path: ws.write('big.jsonl', content), mb: (content.length / 1e6).toFixed(1), traces };
  });
  afterAll(() => ws.cleanup());

  /** The environment of a person at a terminal: no CI, colour not forced either way. */
  function terminalEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', ...extra };
    for (const key of ['CI', 'NO_COLOR', 'FORCE_COLOR']) if (!(key in extra)) delete env[key];
    return env;
  }

  /** Runs `stats -` under a pseudo-terminal, its stdin arriving in two parts 2.5 s apart. */
  function underTerminal(flags: string, env: NodeJS.ProcessEnv): Promise<string> {
    return inTerminal(`{ cat '${first}'; sleep 2.5; cat '${rest}'; } | '${process.execPath}' '${CLI}' stats - --format json ${flags}`, env);
  }

  /** Runs a shell command line under a pseudo-terminal (util-linux `script`): its transcript. */
  function inTerminal(commandLine: string, env: NodeJS.ProcessEnv): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn('script', ['-qefc', `sh -c "${commandLine}"`, '/dev/null'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.on('error', reject);
      child.on('close', (status) => (status === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(`script exited ${String(status)}`))));
    });
  }

  /** The JSON report in a terminal transcript (the terminal writes line feeds as CR LF). */
  const reportIn = (transcript: string): { total: { traces: number } } => JSON.parse(transcript.slice(transcript.indexOf('{')).replace(/\r\n/g, '\n')) as { total: { traces: number } };

  it.concurrent(
    'on a terminal: the bar shows during a slow read, and is erased before the output',
    async () => {
      const transcript = await underTerminal('', terminalEnv());
      expect(transcript).toMatch(/\r\u001b\[2Kreading \d+\.\d MB · [\d.]+ MB\/s · 200 traces · \d+ s/);
      // The last thing before the output is an erase: no bar left on the report's first line.
      expect(transcript.indexOf('{')).toBe(transcript.lastIndexOf(ERASE_LINE) + ERASE_LINE.length);
      expect(reportIn(transcript).total.traces).toBe(300);
    },
    CLI_TIMEOUT,
  );

  it.concurrent.each([
    ['--no-progress', '--no-progress', terminalEnv()],
    ['CI=true', '', terminalEnv({ CI: 'true' })],
  ])(
    'on a terminal with %s: no bar',
    async (_name, flags, env) => {
      const transcript = await underTerminal(flags, env);
      expect(transcript).not.toContain(ERASE_LINE);
      expect(transcript).not.toContain('reading');
      expect(reportIn(transcript).total.traces).toBe(300);
    },
    CLI_TIMEOUT,
  );

  it.concurrent(
    'on a pipe: no bar, no carriage return, whatever the flags and FORCE_COLOR say',
    async () => {
      const child = spawn(process.execPath, [CLI, 'stats', '-', '--format', 'json', '--progress', '--color'], {
        cwd: REPO_ROOT,
        env: terminalEnv({ FORCE_COLOR: '1' }),
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      child.stdin.write(readFileSync(first));
      // Slower than the bar's one-second delay: on a terminal, the bar would have shown.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      child.stdin.end(readFileSync(rest));
      expect(await closed).toBe(0);
      const stderr = Buffer.concat(err).toString('utf8');
      expect(stderr).toBe('');
      expect((JSON.parse(Buffer.concat(out).toString('utf8')) as { total: { traces: number } }).total.traces).toBe(300);
    },
    CLI_TIMEOUT,
  );

  it.concurrent(
    'analyze of a big file on a terminal: the bar shows the percentage read of its size, and is erased before the output',
    async () => {
      const transcript = await inTerminal(`'${process.execPath}' '${CLI}' analyze '${big.path}' --format json --no-config`, terminalEnv());
      const bar = new RegExp(`\\r\u001b\\[2Kreading +(\\d+)% [█░]{20} \\d+\\.\\d/${big.mb.replace('.', '\\.')} MB · [\\d.]+ MB/s · (?:\\d+ traces? · )?\\d+ s`, 'g');
      const draws = [...transcript.matchAll(bar)];
      const percents = draws.map((m) => Number(m[1]));
      expect(percents.length).toBeGreaterThan(0);
      // It moves forward with the bytes read, never past the whole.
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
      expect(percents.every((p) => p <= 100)).toBe(true);
      // Every bar drawn is a bar with a percentage, and traces are counted as they are read.
      expect(transcript.split(ERASE_LINE).filter((piece) => piece.startsWith('reading'))).toHaveLength(draws.length);
      expect(transcript).toMatch(/% [█░]{20} [\d./]+ MB · [\d.]+ MB\/s · \d+ traces? · \d+ s/);
      expect(transcript.indexOf('{')).toBe(transcript.lastIndexOf(ERASE_LINE) + ERASE_LINE.length);
      const report = JSON.parse(transcript.slice(transcript.indexOf('{')).replace(/\r\n/g, '\n')) as { summary: { traces: number } };
      expect(report.summary.traces).toBe(big.traces);
    },
    CLI_TIMEOUT,
  );

  it.concurrent(
    'analyze of a big file into a pipe, --progress given: stderr stays empty (no carriage return)',
    async () => {
      const child = spawn(process.execPath, [CLI, 'analyze', big.path, '--format', 'json', '--no-config', '--progress'], { cwd: REPO_ROOT, env: terminalEnv() });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect([status, Buffer.concat(err).toString('utf8')]).toEqual([0, '']);
      expect((JSON.parse(Buffer.concat(out).toString('utf8')) as { summary: { traces: number } }).summary.traces).toBe(big.traces);
    },
    CLI_TIMEOUT,
  );
});
