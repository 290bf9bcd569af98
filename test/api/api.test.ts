import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  analyze,
  formatAnalyze,
  formatAnalyzeChunks,
  formatReport,
  formatSearch,
  formatSession,
  formatSessions,
  formatStats,
  formatTrace,
  formatTraceRecord,
  formatValidate,
  getSession,
  getTrace,
  listSessions,
  loadConfig,
  parseConfig,
  reportData,
  search,
  stats,
  validate,
  writeOutput,
  ConfigError,
  QuerySyntaxError,
  UnknownRuleError,
} from '../../src/index.js';
import { makeWorkspace, REPO_ROOT, runCliAsync } from '../helpers/make-inputs.js';
import { REFUND_TURNS } from '../helpers/samples.js';

// The API's answers equal the CLI's: each case runs the real binary and the API on the same
// inputs and options and compares the output byte for byte, and the API's exit verdict with the
// binary's status. The inputs are absolute paths, so both read the same files.

const SAMPLES = join(REPO_ROOT, 'samples');
const OTEL = join(SAMPLES, 'otel-genai.jsonl');
const REFUND = join(SAMPLES, 'search-sess-refund-7f3a.json');
const NO_SESSION_TRACE = join(SAMPLES, 'traces', 'no-session-smoke-test.json');

const workspace = makeWorkspace('tracetriage-api-');
afterAll(() => workspace.cleanup());
const CONFIG = workspace.write('team.json', JSON.stringify({ schema_version: 1, rules: { 'error-propagation': 'warn', 'turn-gap': 'off' }, scorers: { helpfulness: { pass_at_least: 0.5 } } }));

interface Case {
  name: string;
  cli: string[];
  api: () => Promise<{ text: string; code: number }>;
}

const CASES: Case[] = [
  ...(['json', 'text', 'junit', 'sarif'] as const).map((format) => ({
    name: `analyze --format ${format}`,
    cli: ['analyze', SAMPLES, '--format', format, '--no-config'],
    api: async () => {
      const result = await analyze(SAMPLES);
      return { text: formatAnalyze(result, format), code: result.exit.code };
    },
  })),
  {
    name: 'analyze with rules, a session, a filter and --fail-on',
    cli: ['analyze', SAMPLES, '--format', 'json', '--rule', 'error-propagation,no-turn-io', '--session', 'sess-refund-7f3a', '--filter-string', 'timestamp_ms > 0', '--fail-on', 'warn', '--no-config'],
    api: async () => {
      const result = await analyze(SAMPLES, { rules: ['error-propagation', 'no-turn-io'], sessions: ['sess-refund-7f3a'], filterString: 'timestamp_ms > 0', failOn: 'warn' });
      return { text: formatAnalyze(result, 'json'), code: result.exit.code };
    },
  },
  {
    name: 'analyze --config',
    cli: ['analyze', SAMPLES, '--format', 'json', '--config', CONFIG],
    api: async () => {
      const result = await analyze(SAMPLES, { config: await loadConfig(CONFIG) });
      return { text: formatAnalyze(result, 'json'), code: result.exit.code };
    },
  },
  {
    name: 'analyze of a session not in the inputs',
    cli: ['analyze', SAMPLES, '--format', 'json', '--session', 'no-such-session', '--no-config'],
    api: async () => {
      const result = await analyze(SAMPLES, { sessions: ['no-such-session'] });
      return { text: formatAnalyze(result, 'json'), code: result.exit.code };
    },
  },
  ...(['json', 'text'] as const).map((format) => ({
    name: `sessions --format ${format} --sort failing`,
    cli: ['sessions', SAMPLES, '--format', format, '--sort', 'failing', '--no-config'],
    api: async () => {
      const list = await listSessions(SAMPLES, { sort: 'failing' });
      return { text: formatSessions(list, format), code: list.exit.code };
    },
  })),
  {
    name: 'sessions --filter-string',
    cli: ['sessions', SAMPLES, '--format', 'json', '--filter-string', "status = 'ERROR'", '--no-config'],
    api: async () => {
      const list = await listSessions(SAMPLES, { filterString: "status = 'ERROR'" });
      return { text: formatSessions(list, 'json'), code: list.exit.code };
    },
  },
  ...(['json', 'text', 'markdown'] as const).map((format) => ({
    name: `session sess-refund-7f3a --format ${format}`,
    cli: ['session', 'sess-refund-7f3a', SAMPLES, '--format', format, '--no-config'],
    api: async () => {
      const found = await getSession(SAMPLES, 'sess-refund-7f3a');
      if (found.status !== 'found') throw new Error(`session not found: ${found.status}`);
      return { text: formatSession(found.session, format), code: found.exit.code };
    },
  })),
  {
    name: 'session --full --config',
    cli: ['session', 'sess-refund-7f3a', SAMPLES, '--format', 'json', '--full', '--config', CONFIG],
    api: async () => {
      const found = await getSession(SAMPLES, 'sess-refund-7f3a', { full: true, config: await loadConfig(CONFIG) });
      if (found.status !== 'found') throw new Error(`session not found: ${found.status}`);
      return { text: formatSession(found.session, 'json'), code: found.exit.code };
    },
  },
  {
    name: 'session without an id, on an input that holds one',
    cli: ['session', OTEL, '--format', 'json', '--no-config'],
    api: async () => {
      const found = await getSession(OTEL, null);
      if (found.status !== 'found') throw new Error(`session not found: ${found.status}`);
      return { text: formatSession(found.session, 'json'), code: found.exit.code };
    },
  },
  ...(['json', 'text', 'markdown'] as const).map((format) => ({
    name: `trace --format ${format} --attributes`,
    cli: ['trace', REFUND_TURNS[4], SAMPLES, '--format', format, '--attributes', '--no-config'],
    api: async () => {
      const found = await getTrace(SAMPLES, REFUND_TURNS[4]);
      if (found.status !== 'found') throw new Error(`trace not found: ${found.status}`);
      return { text: formatTrace(found.trace, format, { attributes: true }), code: found.exit.code };
    },
  })),
  {
    name: 'get --trace-id',
    cli: ['get', '--trace-id', REFUND_TURNS[2], REFUND],
    api: async () => {
      const found = await getTrace(REFUND, REFUND_TURNS[2]);
      if (found.status !== 'found') throw new Error(`trace not found: ${found.status}`);
      return { text: formatTraceRecord(found.trace), code: found.exit.code };
    },
  },
  {
    name: 'get --extract-fields, the one trace of a file',
    cli: ['get', NO_SESSION_TRACE, '--extract-fields', 'info.trace_id,data.spans.*.name'],
    api: async () => {
      const found = await getTrace(NO_SESSION_TRACE, null);
      if (found.status !== 'found') throw new Error(`trace not found: ${found.status}`);
      return { text: formatTraceRecord(found.trace, { extractFields: 'info.trace_id,data.spans.*.name' }), code: found.exit.code };
    },
  },
  ...(['json', 'jsonl', 'table'] as const).map((format) => ({
    name: `search --output ${format}, ordered, a page of 3`,
    cli: ['search', SAMPLES, '--output', format, '--order-by', 'timestamp_ms ASC', '--max-results', '3'],
    api: async () => {
      const page = await search(SAMPLES, { orderBy: ['timestamp_ms ASC'], maxResults: 3 });
      return { text: formatSearch(page, format), code: page.exit.code };
    },
  })),
  {
    name: 'search with a filter, extracted fields, no spans',
    cli: ['search', SAMPLES, '--output', 'json', '--filter-string', "status = 'OK'", '--extract-fields', 'info.trace_id,data.spans', '--no-include-spans'],
    api: async () => {
      const page = await search(SAMPLES, { filterString: "status = 'OK'", extractFields: 'info.trace_id,data.spans', includeSpans: false });
      return { text: formatSearch(page, 'json'), code: page.exit.code };
    },
  },
  {
    name: 'search --extract-fields as a table',
    cli: ['search', SAMPLES, '--extract-fields', 'info.trace_id,info.state'],
    api: async () => {
      const page = await search(SAMPLES, { extractFields: 'info.trace_id,info.state' });
      return { text: formatSearch(page, 'table'), code: page.exit.code };
    },
  },
  {
    name: 'validate --format json',
    cli: ['validate', SAMPLES, '--format', 'json'],
    api: async () => {
      const result = await validate(SAMPLES);
      return { text: formatValidate(result, 'json'), code: result.exit.code };
    },
  },
  {
    name: 'validate --format text --no-warnings',
    cli: ['validate', SAMPLES, '--no-warnings'],
    api: async () => {
      const result = await validate(SAMPLES);
      return { text: formatValidate(result, 'text', { warnings: false }), code: result.exit.code };
    },
  },
  ...(['markdown', 'html'] as const).map((format) => ({
    name: `report --format ${format}`,
    cli: ['report', SAMPLES, '--format', format, '--max-sessions', '2', '--no-config'],
    api: async () => {
      const built = await reportData(SAMPLES, { maxSessions: 2 });
      return { text: formatReport(built.data, format), code: built.exit.code };
    },
  })),
  {
    name: 'report --max-bytes, one session',
    cli: ['report', SAMPLES, '--max-bytes', '6000', '--session', 'sess-refund-7f3a', '--no-config'],
    api: async () => {
      const built = await reportData(SAMPLES, { sessions: ['sess-refund-7f3a'] });
      return { text: formatReport(built.data, 'markdown', { maxBytes: 6000 }), code: built.exit.code };
    },
  },
];

describe('the API answers as the CLI does', () => {
  it.concurrent.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const [cli, api] = await Promise.all([runCliAsync(c.cli), c.api()]);
    expect(api.text).toBe(cli.stdout);
    expect(api.code).toBe(cli.status);
    expect(api.text.length).toBeGreaterThan(0);
  });

  it('stats: the same counts (times apart)', async () => {
    const [cli, api] = await Promise.all([runCliAsync(['stats', SAMPLES, '--format', 'json']), stats(SAMPLES)]);
    const untimed = (text: string): unknown => JSON.parse(text.replace(/"(elapsed_seconds|mb_per_s)": [0-9.e+-]+/g, '"$1": 0'));
    expect(untimed(formatStats(api, 'json'))).toEqual(untimed(cli.stdout));
    expect(api.total.traces).toBe(13);
    expect(api.exit).toEqual({ code: 0, reason: 'clean' });
    expect(cli.status).toBe(0);
  });

  it("reads a stream as the CLI reads '-', given as an input or as the stdin option", async () => {
    const bytes = readFileSync(REFUND);
    const cli = await runCliAsync(['analyze', '-', '--format', 'json', '--no-config'], { input: bytes });
    const asInput = await analyze(Readable.from([bytes]));
    const asStdin = await analyze(['-'], { stdin: Readable.from([bytes]) });
    expect(formatAnalyze(asInput, 'json')).toBe(cli.stdout);
    expect(formatAnalyze(asStdin, 'json')).toBe(cli.stdout);
    expect(asInput.sessions.map((s) => s.id)).toEqual(['sess-refund-7f3a']);
  });

  it('a page token of the CLI resumes in the API, and the reverse', async () => {
    const first = await runCliAsync(['search', SAMPLES, '--output', 'json', '--max-results', '4']);
    const token = (JSON.parse(first.stdout) as { next_page_token: string | null }).next_page_token;
    expect(token).not.toBeNull();
    const second = await search(SAMPLES, { maxResults: 4, pageToken: token! });
    const cliSecond = await runCliAsync(['search', SAMPLES, '--output', 'json', '--max-results', '4', '--page-token', token!]);
    expect(formatSearch(second, 'json')).toBe(cliSecond.stdout);
    const third = await runCliAsync(['search', SAMPLES, '--output', 'json', '--max-results', '4', '--page-token', second.nextPageToken!]);
    const apiThird = await search(SAMPLES, { maxResults: 4, pageToken: second.nextPageToken! });
    expect(formatSearch(apiThird, 'json')).toBe(third.stdout);
    expect(apiThird.hits.length).toBe(4);
  });
});

describe('results as data', () => {
  it('findings are typed and located: the refund session went wrong at turn 3', async () => {
    const result = await analyze(SAMPLES, { sessions: ['sess-refund-7f3a'], rules: ['error-propagation'] });
    const root = result.findings.find((f) => f.role === 'rootCause');
    expect(root).toMatchObject({ ruleId: 'error-propagation', sessionId: 'sess-refund-7f3a', turn: 3, traceId: REFUND_TURNS[2] });
    expect(result.sessions).toEqual([{ id: 'sess-refund-7f3a', turns: 5, user: 'cust-88121', turnTraceIds: [...REFUND_TURNS], partial: null }]);
    expect(result.outsideSelection).toBe(8);
  });

  it('what a read cannot use is in problems, with where it is', async () => {
    const ws = makeWorkspace('tracetriage-api-bad-');
    const bad = ws.write('bad.jsonl', `${readFileSync(NO_SESSION_TRACE, 'utf8').replace(/\n/g, ' ')}\n{"info": 1\n`);
    const seen: string[] = [];
    const result = await listSessions(bad, { onEvent: (event) => seen.push(event.type) });
    expect(result.problems.rejections).toHaveLength(1);
    expect(result.problems.rejections[0]).toMatchObject({ code: 'cut-short-line', provenance: { source: bad, line: 2 } });
    expect(result.problems.outcome).toMatchObject({ traces: 1, rejected: 1 });
    expect(result.exit).toEqual({ code: 1, reason: '1 record could not be read as traces' });
    expect(seen).toContain('rejected');
    ws.cleanup();
  });

  it('a session or trace not in the inputs, or one of several not named, is a status, not a throw', async () => {
    expect(await getSession(SAMPLES, 'nope')).toMatchObject({ status: 'missing', session: null, sessionsSeen: 4, exit: { code: 1 } });
    expect(await getSession(SAMPLES, null)).toMatchObject({ status: 'ambiguous', session: null, sessionsSeen: 4, exit: { code: 2 } });
    expect(await getTrace(SAMPLES, 'tr-nope')).toMatchObject({ status: 'missing', trace: null, exit: { code: 1 } });
    expect(await getTrace(SAMPLES, null)).toMatchObject({ status: 'ambiguous', trace: null, exit: { code: 2 } });
  });

  it('a config object is checked as a file is', async () => {
    const config = await parseConfig({ schema_version: 1, rules: { 'turn-gap': 'off' } }, 'inline');
    const result = await analyze(REFUND, { config });
    expect(result.rules).not.toContain('turn-gap');
    expect(result.config).toBe('inline');
    await expect(parseConfig({ schema_version: 1, rules: { 'no-such-rule': 'off' } } as never, 'inline')).rejects.toThrow(
      new ConfigError("config inline: $.rules['no-such-rule']: expected a rule id (see 'tracetriage rules'), found an unknown rule"),
    );
    await expect(loadConfig(join(workspace.dir, 'missing.json'))).rejects.toThrow(`cannot read config file ${join(workspace.dir, 'missing.json')}: no such file`);
  });

  it('what was asked for wrongly throws a typed error before anything is read', async () => {
    await expect(analyze(SAMPLES, { rules: ['no-such-rule'] })).rejects.toBeInstanceOf(UnknownRuleError);
    await expect(search(SAMPLES, { filterString: 'status = ' })).rejects.toBeInstanceOf(QuerySyntaxError);
    await expect(search(SAMPLES, { pageToken: 'bm9wZQ==' })).rejects.toBeInstanceOf(QuerySyntaxError);
    await expect(search(SAMPLES, { maxResults: 0 })).rejects.toThrow('maxResults must be a whole number of at least 1, got 0');
    await expect(analyze([Readable.from(['']), Readable.from([''])])).rejects.toThrow('tracetriage reads one stream per call');
  });

  it('writeOutput writes every chunk to a stream, waiting for it to drain', async () => {
    const result = await analyze(SAMPLES);
    const chunks: string[] = [];
    const sink = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString('utf8'));
        setImmediate(done);
      },
    });
    await writeOutput(sink, formatAnalyzeChunks(result, 'json'));
    expect(chunks.join('')).toBe(formatAnalyze(result, 'json'));
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('writeOutput resolves once the stream has written the last chunk, even when it never asked to wait', async () => {
    const written: string[] = [];
    const sink = new Writable({
      highWaterMark: 1 << 30,
      write(chunk: Buffer, _encoding, done) {
        setTimeout(() => {
          written.push(chunk.toString('utf8'));
          done();
        }, 5);
      },
    });
    await writeOutput(sink, ['a', 'b', 'c']);
    expect(written.join('')).toBe('abc');
    await writeOutput(sink, []);
    await writeOutput(sink, 'd');
    expect(written.join('')).toBe('abcd');
  });
});
