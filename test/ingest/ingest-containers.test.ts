import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadEvent } from '../../src/engine/read/read.js';
import type { StatsReport } from '../../src/engine/stats.js';
import { CLI, REPO_ROOT, fixture, fixtureLine, fixtureValue, gzip, jsonl, makeWorkspace, readAll, readStdin, runCliAsync, tarball, type TarEntry, type Workspace } from '../helpers/make-inputs.js';

// The fixtures every container case packs, and what reading them must give.
const OK = 'v3.6_trace_ok_assessments_session.json';
const ERR = 'v3.6_trace_error.json';
const V2 = 'v2.19_trace_ok.json';
const OK_ID = 'tr-5fea91443bc8bda79ff15a5ab90fff94';
const ERR_ID = 'tr-0518806ea3e1bc6d2c78973da68756aa';
const V2_ID = '844221753fab44e2af0ba28057036bad';
const OK_FILE = fixture(OK); // pretty, 7001 bytes with its final line break
const OK_LINE = fixtureLine(OK);
const ERR_LINE = fixtureLine(ERR);
const V2_FILE = fixture(V2);
const TWO_LINES = jsonl([OK_LINE, ERR_LINE]);
const PACKAGE_JSON = JSON.stringify({ name: 'some-tool', version: '1.0.0', scripts: { test: 'vitest' } }, null, 2) + '\n';
const README = '# Exported traces\n\nSee the notes.\n';

/** `trace` lines of a JSON Lines file holding OK then ERR, from `source`. */
function twoLineTraces(source: string): string[] {
  return [`trace ${source}#0 @0+${OK_LINE.length} 1:1 ${OK_ID} 3.5.1+`, `trace ${source}#1 @${OK_LINE.length + 1}+${ERR_LINE.length} 2:1 ${ERR_ID} 3.5.1+`];
}

/** One line per event, with exact provenance; paths are shown relative to the workspace or repo. */
function summarize(events: readonly ReadEvent[], ws: Workspace): string[] {
  const rel = (name: string): string => name.split(`${ws.dir}/`).join('').split(`${REPO_ROOT}/`).join('');
  // Records of the current source, counted from its events (trace or rejected, nothing lost).
  let records = 0;
  return events.map((e) => {
    switch (e.type) {
      case 'source-start':
        records = 0;
        return `start ${rel(e.source)}`;
      case 'source-end':
        return `end ${rel(e.source)} bytes=${e.bytes} records=${records} unpacked=${e.unpacked ?? '-'}`;
      case 'trace': {
        records++;
        const p = e.provenance;
        return `trace ${rel(p.source)}#${p.index} @${p.offset}+${p.length} ${p.line}:${p.column} ${e.trace.traceId} ${e.trace.format.label}`;
      }
      case 'rejected': {
        records++;
        const { provenance: p, code } = e.rejection;
        return `rejected ${rel(p.source)}#${p.index} @${p.offset} ${p.line}:${p.column} ${code}`;
      }
      case 'note':
        return `note ${e.note.kind} ${rel(e.note.source)}: ${e.note.message}`;
    }
  });
}

/** A REST GetTrace body (proto-JSON): V3 info with a Duration string, OTLP spans with attribute arrays. */
const REST_BODY = {
  trace: {
    trace_info: {
      trace_id: 'tr-5fea91443bc8bda79ff15a5ab90fff94',
      client_request_id: 'req-001',
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '400654040727596423' } },
      request_time: '2026-11-24T04:26:59.740Z',
      execution_duration: '0.062s',
      state: 'OK',
      trace_metadata: { 'mlflow.trace.session': 'session-123' },
      tags: {},
    },
    spans: [
      {
        trace_id: 'X+qRRDvIvaef8VpauQ//lA==',
        span_id: 'W1WIltQ/tXw=',
        name: 'agent',
        start_time_unix_nano: 1795494419740777000, // the double nearest 1795494419740777036
        end_time_unix_nano: 1795494419803228700,
        status: { code: 'STATUS_CODE_OK' },
        attributes: [
          { key: 'mlflow.spanType', value: { string_value: 'AGENT' } },
          { key: 'mlflow.traceRequestId', value: { string_value: 'tr-5fea91443bc8bda79ff15a5ab90fff94' } },
        ],
      },
    ],
  },
};

/** A traces.json artifact: TraceData.to_dict, spans only, no info. */
const ARTIFACT = { spans: (fixtureValue(OK).data as { spans: unknown[] }).spans };

/** The archive every tar case packs: nested folders, a README and a package.json to skip. */
const ARCHIVE_ENTRIES: TarEntry[] = [
  { name: 'dump/', type: 'directory' },
  { name: 'dump/README.md', content: README },
  { name: 'dump/b.json', content: OK_FILE },
  { name: 'dump/sub/', type: 'directory' },
  { name: 'dump/sub/a.jsonl', content: TWO_LINES },
  { name: 'dump/sub/package.json', content: PACKAGE_JSON },
];

/** What reading ARCHIVE_ENTRIES gives, for an archive named `name`: entries in archive order. */
function archiveEvents(name: string): string[] {
  return [
    `note skipped ${name}!dump/README.md: not JSON (starts with "# Exported t")`,
    `start ${name}!dump/b.json`,
    `trace ${name}!dump/b.json#0 @0+7000 1:1 ${OK_ID} 3.5.1+`,
    `end ${name}!dump/b.json bytes=7001 records=1 unpacked=-`,
    `start ${name}!dump/sub/a.jsonl`,
    ...twoLineTraces(`${name}!dump/sub/a.jsonl`),
    `end ${name}!dump/sub/a.jsonl bytes=${TWO_LINES.length} records=2 unpacked=-`,
    `note skipped ${name}!dump/sub/package.json: not a trace export (found object with keys name, version, scripts)`,
  ];
}

interface ContainerCase {
  name: string;
  /** Writes the inputs into the workspace; returns the arguments to read (absolute paths, or `-`). */
  setup: (ws: Workspace) => Promise<string[]> | string[];
  /** Bytes given as stdin when an argument is `-`. */
  stdin?: (ws: Workspace) => Promise<Buffer> | Buffer;
  expected: string[];
}

const LONG_DIR = `deeply/${'nested-folder-name/'.repeat(6)}`; // > 100 bytes: needs a pax header

const cases: ContainerCase[] = [
  {
    name: 'a single pretty trace file',
    setup: () => [join(REPO_ROOT, 'test/fixtures', OK)],
    expected: [`start test/fixtures/${OK}`, `trace test/fixtures/${OK}#0 @0+7000 1:1 ${OK_ID} 3.5.1+`, `end test/fixtures/${OK} bytes=7001 records=1 unpacked=-`],
  },
  {
    name: 'a directory: recursive, sorted by name (bytewise), README and package.json skipped with a note',
    setup: (ws) => {
      ws.write('dir/9.json', V2_FILE);
      ws.write('dir/10.json', ERR_LINE + '\n');
      ws.write('dir/B.json', OK_FILE);
      ws.write('dir/a/README.md', README);
      ws.write('dir/a/nested/deep.jsonl', TWO_LINES);
      ws.write('dir/package.json', PACKAGE_JSON);
      ws.write('dir/z.jsonl', OK_LINE + '\n');
      return [ws.path('dir')];
    },
    expected: [
      'start dir/10.json',
      `trace dir/10.json#0 @0+${ERR_LINE.length} 1:1 ${ERR_ID} 3.5.1+`,
      `end dir/10.json bytes=${ERR_LINE.length + 1} records=1 unpacked=-`,
      'start dir/9.json',
      `trace dir/9.json#0 @0+${V2_FILE.length - 1} 1:1 ${V2_ID} 2.14-2.21.0`,
      `end dir/9.json bytes=${V2_FILE.length} records=1 unpacked=-`,
      'start dir/B.json',
      `trace dir/B.json#0 @0+7000 1:1 ${OK_ID} 3.5.1+`,
      'end dir/B.json bytes=7001 records=1 unpacked=-',
      'note skipped dir/a/README.md: not JSON (starts with "# Exported t")',
      'start dir/a/nested/deep.jsonl',
      ...twoLineTraces('dir/a/nested/deep.jsonl'),
      `end dir/a/nested/deep.jsonl bytes=${TWO_LINES.length} records=2 unpacked=-`,
      'note skipped dir/package.json: not a trace export (found object with keys name, version, scripts)',
      'start dir/z.jsonl',
      `trace dir/z.jsonl#0 @0+${OK_LINE.length} 1:1 ${OK_ID} 3.5.1+`,
      `end dir/z.jsonl bytes=${OK_LINE.length + 1} records=1 unpacked=-`,
    ],
  },
  {
    name: '.gz of a JSONL file: source name unchanged, offsets count unpacked bytes',
    setup: (ws) => [ws.write('export.jsonl.gz', gzip(TWO_LINES))],
    expected: ['start export.jsonl.gz', ...twoLineTraces('export.jsonl.gz'), `end export.jsonl.gz bytes=${TWO_LINES.length} records=2 unpacked=gzip`],
  },
  {
    name: '.gz recognised by its first bytes, whatever the name',
    setup: (ws) => [ws.write('export.bin', gzip(TWO_LINES))],
    expected: ['start export.bin', ...twoLineTraces('export.bin'), `end export.bin bytes=${TWO_LINES.length} records=2 unpacked=gzip`],
  },
  {
    name: '.tar with nested folders: entries in archive order, named archive!path',
    setup: async (ws) => [ws.write('archive.tar', await tarball(ARCHIVE_ENTRIES))],
    expected: archiveEvents('archive.tar'),
  },
  {
    name: '.tar.gz',
    setup: async (ws) => [ws.write('archive.tar.gz', gzip(await tarball(ARCHIVE_ENTRIES)))],
    expected: archiveEvents('archive.tar.gz'),
  },
  {
    name: '.tgz',
    setup: async (ws) => [ws.write('archive.tgz', gzip(await tarball(ARCHIVE_ENTRIES)))],
    expected: archiveEvents('archive.tgz'),
  },
  {
    name: 'a .tgz with a path longer than 100 bytes (pax header) and a name that says nothing',
    setup: async (ws) => [ws.write('backup.dat', gzip(await tarball([{ name: `${LONG_DIR}t.jsonl`, content: TWO_LINES }])))],
    expected: [`start backup.dat!${LONG_DIR}t.jsonl`, ...twoLineTraces(`backup.dat!${LONG_DIR}t.jsonl`), `end backup.dat!${LONG_DIR}t.jsonl bytes=${TWO_LINES.length} records=2 unpacked=-`],
  },
  {
    name: 'a gz inside a tar',
    setup: async (ws) => [
      ws.write(
        'bundle.tar',
        await tarball([
          { name: 'logs/day1.jsonl.gz', content: gzip(TWO_LINES) },
          { name: 'logs/day2.json', content: OK_FILE },
        ]),
      ),
    ],
    expected: [
      'start bundle.tar!logs/day1.jsonl.gz',
      ...twoLineTraces('bundle.tar!logs/day1.jsonl.gz'),
      `end bundle.tar!logs/day1.jsonl.gz bytes=${TWO_LINES.length} records=2 unpacked=gzip`,
      'start bundle.tar!logs/day2.json',
      `trace bundle.tar!logs/day2.json#0 @0+7000 1:1 ${OK_ID} 3.5.1+`,
      'end bundle.tar!logs/day2.json bytes=7001 records=1 unpacked=-',
    ],
  },
  {
    name: 'a .tgz inside a .tar, big non-JSON entries drained, an empty entry',
    setup: async (ws) => [
      ws.write(
        'nested.tar',
        await tarball([
          { name: 'inner.tgz', content: gzip(await tarball([{ name: 'in/one.jsonl', content: TWO_LINES }])) },
          { name: 'big/README.md', content: `# x\n${'y'.repeat(3 << 20)}` },
          { name: 'big/blob.bin', content: Buffer.alloc(2 << 20, 7) },
          { name: 'z.json', content: OK_FILE },
          { name: 'empty.json', content: '' },
        ]),
      ),
    ],
    expected: [
      'start nested.tar!inner.tgz!in/one.jsonl',
      ...twoLineTraces('nested.tar!inner.tgz!in/one.jsonl'),
      `end nested.tar!inner.tgz!in/one.jsonl bytes=${TWO_LINES.length} records=2 unpacked=-`,
      'note skipped nested.tar!big/README.md: not JSON (starts with "# x.yyyyyyyy")',
      'note skipped nested.tar!big/blob.bin: not JSON (starts with "............")',
      'start nested.tar!z.json',
      `trace nested.tar!z.json#0 @0+7000 1:1 ${OK_ID} 3.5.1+`,
      'end nested.tar!z.json bytes=7001 records=1 unpacked=-',
      'start nested.tar!empty.json',
      'note empty nested.tar!empty.json: empty input: no records',
      'end nested.tar!empty.json bytes=0 records=0 unpacked=-',
    ],
  },
  {
    name: 'stdin (-): JSON Lines',
    setup: () => ['-'],
    stdin: () => Buffer.from(TWO_LINES),
    expected: ['start <stdin>', ...twoLineTraces('<stdin>'), `end <stdin> bytes=${TWO_LINES.length} records=2 unpacked=-`],
  },
  {
    name: 'stdin (-): a .tgz streamed from memory, no file at all',
    setup: () => ['-'],
    stdin: async () => gzip(await tarball(ARCHIVE_ENTRIES)),
    expected: archiveEvents('<stdin>'),
  },
  {
    name: 'JSON Lines',
    setup: (ws) => [ws.write('export.jsonl', TWO_LINES)],
    expected: ['start export.jsonl', ...twoLineTraces('export.jsonl'), `end export.jsonl bytes=${TWO_LINES.length} records=2 unpacked=-`],
  },
  {
    name: 'JSON Lines with CRLF line ends',
    setup: (ws) => [ws.write('crlf.jsonl', `${OK_LINE}\r\n${ERR_LINE}\r\n`)],
    expected: [
      'start crlf.jsonl',
      `trace crlf.jsonl#0 @0+${OK_LINE.length} 1:1 ${OK_ID} 3.5.1+`,
      `trace crlf.jsonl#1 @${OK_LINE.length + 2}+${ERR_LINE.length} 2:1 ${ERR_ID} 3.5.1+`,
      `end crlf.jsonl bytes=${OK_LINE.length + ERR_LINE.length + 4} records=2 unpacked=-`,
    ],
  },
  {
    name: 'mlflow traces search --output json, 3.6',
    setup: () => [join(REPO_ROOT, 'test/fixtures/v3.6_cli_traces_search_output_json.json')],
    expected: [
      'start test/fixtures/v3.6_cli_traces_search_output_json.json',
      `trace test/fixtures/v3.6_cli_traces_search_output_json.json#0 @20+5846 3:5 ${ERR_ID} 3.5.1+`,
      `trace test/fixtures/v3.6_cli_traces_search_output_json.json#1 @5872+7768 100:5 ${OK_ID} 3.5.1+`,
      'end test/fixtures/v3.6_cli_traces_search_output_json.json bytes=13674 records=2 unpacked=-',
    ],
  },
  {
    name: 'mlflow traces search --output json, 3.4',
    setup: () => [join(REPO_ROOT, 'test/fixtures/v3.4_cli_traces_search_output_json.json')],
    expected: [
      'start test/fixtures/v3.4_cli_traces_search_output_json.json',
      'trace test/fixtures/v3.4_cli_traces_search_output_json.json#0 @20+5906 3:5 tr-fffbeddaa789c9f4e4122a9f1cde99ce 3.0-3.4',
      'trace test/fixtures/v3.4_cli_traces_search_output_json.json#1 @5932+7782 102:5 tr-65fdb3d481f2413b2268e8e2394d64a5 3.0-3.4',
      'end test/fixtures/v3.4_cli_traces_search_output_json.json bytes=13748 records=2 unpacked=-',
    ],
  },
  {
    name: 'a bare array of traces',
    setup: (ws) => [ws.write('array.json', `[\n${OK_LINE},\n${ERR_LINE}\n]\n`)],
    expected: [
      'start array.json',
      `trace array.json#0 @2+${OK_LINE.length} 2:1 ${OK_ID} 3.5.1+`,
      `trace array.json#1 @${OK_LINE.length + 4}+${ERR_LINE.length} 3:1 ${ERR_ID} 3.5.1+`,
      `end array.json bytes=${OK_LINE.length + ERR_LINE.length + 7} records=2 unpacked=-`,
    ],
  },
  {
    name: 'two pretty documents one after the other',
    setup: (ws) => [ws.write('concat.json', Buffer.concat([OK_FILE, V2_FILE]))],
    expected: [
      'start concat.json',
      `trace concat.json#0 @0+7000 1:1 ${OK_ID} 3.5.1+`,
      `trace concat.json#1 @7001+${V2_FILE.length - 1} ${lineCount(OK_FILE) + 1}:1 ${V2_ID} 2.14-2.21.0`,
      `end concat.json bytes=${OK_FILE.length + V2_FILE.length} records=2 unpacked=-`,
    ],
  },
  {
    name: 'the REST GetTrace body',
    setup: (ws) => [ws.write('get-trace.json', JSON.stringify(REST_BODY, null, 2))],
    expected: [
      'start get-trace.json',
      `trace get-trace.json#0 @0+${JSON.stringify(REST_BODY, null, 2).length} 1:1 ${OK_ID} rest`,
      `end get-trace.json bytes=${JSON.stringify(REST_BODY, null, 2).length} records=1 unpacked=-`,
    ],
  },
  {
    name: 'a traces.json artifact',
    setup: (ws) => [ws.write('traces.json', JSON.stringify(ARTIFACT))],
    expected: [
      'start traces.json',
      `trace traces.json#0 @0+${JSON.stringify(ARTIFACT).length} 1:1 ${OK_ID} artifact 3.5.1+`,
      `end traces.json bytes=${JSON.stringify(ARTIFACT).length} records=1 unpacked=-`,
    ],
  },
  {
    name: 'JSON Lines in export.dat: content decides, not the name',
    setup: (ws) => [ws.write('export.dat', TWO_LINES)],
    expected: ['start export.dat', ...twoLineTraces('export.dat'), `end export.dat bytes=${TWO_LINES.length} records=2 unpacked=-`],
  },
  {
    name: 'several inputs: read in the order given',
    setup: (ws) => [ws.write('second.jsonl', ERR_LINE + '\n'), ws.write('first.jsonl', OK_LINE + '\n')],
    expected: [
      'start second.jsonl',
      `trace second.jsonl#0 @0+${ERR_LINE.length} 1:1 ${ERR_ID} 3.5.1+`,
      `end second.jsonl bytes=${ERR_LINE.length + 1} records=1 unpacked=-`,
      'start first.jsonl',
      `trace first.jsonl#0 @0+${OK_LINE.length} 1:1 ${OK_ID} 3.5.1+`,
      `end first.jsonl bytes=${OK_LINE.length + 1} records=1 unpacked=-`,
    ],
  },
];

function lineCount(bytes: Buffer): number {
  let n = 0;
  for (const b of bytes) if (b === 0x0a) n++;
  return n;
}

describe('readTraces: containers', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = makeWorkspace();
  });
  afterAll(() => ws.cleanup());

  it.each(cases)('$name', async ({ name, setup, stdin, expected }) => {
    const inputs = await setup(ws);
    const before = ws.list();
    const events = stdin ? await readStdin(await stdin(ws)) : await readAll(inputs);
    expect(summarize(events, ws)).toEqual(expected);
    // Archives and gzip are unpacked as streams: nothing new appears next to the inputs.
    expect(ws.list(), name).toEqual(before);
  });

  it('the REST body: Duration string, base64 ids and OTLP attribute arrays are read', async () => {
    const events = await readAll([ws.write('rest-detail.json', JSON.stringify(REST_BODY))]);
    const trace = events.find((e) => e.type === 'trace');
    if (trace?.type !== 'trace') throw new Error('no trace read');
    expect({
      label: trace.trace.format.label,
      envelope: trace.trace.format.envelope,
      durationMs: trace.trace.info.durationMs,
      spans: trace.trace.spans.map((s) => [s.spanId, s.parentId, s.otelTraceId, s.name, s.attributes.getString('mlflow.spanType')]),
      warnings: trace.trace.warnings,
    }).toEqual({
      label: 'rest',
      envelope: 'rest',
      durationMs: 62,
      spans: [['5b558896d43fb57c', null, '5fea91443bc8bda79ff15a5ab90fff94', 'agent', 'AGENT']],
      warnings: [],
    });
  });

  it('a traces.json artifact keeps its three spans and has no info', async () => {
    const events = await readAll([ws.write('artifact-detail.json', JSON.stringify(ARTIFACT, null, 2))]);
    const trace = events.find((e) => e.type === 'trace');
    if (trace?.type !== 'trace') throw new Error('no trace read');
    expect([trace.trace.format.envelope, trace.trace.format.label.startsWith('artifact'), trace.trace.spans.map((s) => s.name), trace.trace.info.format]).toEqual([
      'artifact',
      true,
      ['agent', 'get_weather', 'chat_completion'],
      'none',
    ]);
  });

  it('a file named by the user that is JSON but not a trace is rejected, not skipped', async () => {
    const events = await readAll([ws.write('named/package.json', PACKAGE_JSON)]);
    expect(summarize(events, ws)).toEqual(['start named/package.json', 'rejected named/package.json#0 @0 1:1 not-a-trace', `end named/package.json bytes=${PACKAGE_JSON.length} records=1 unpacked=-`]);
  });
});

/** Per-source rows of `stats --format json`, relative to the workspace. */
interface StatsCase {
  name: string;
  setup: (ws: Workspace) => Promise<string[]> | string[];
  stdin?: () => Promise<Buffer> | Buffer;
  sources: Array<[source: string, unpacked: 'gzip' | null, records: number, traces: number, rejected: number]>;
  total: { traces: number; records: number; formats: Record<string, number> };
  notes: string[];
}

const statsCases: StatsCase[] = [
  {
    name: 'a single trace file',
    setup: (ws) => [ws.write('one.json', OK_FILE)],
    sources: [['one.json', null, 1, 1, 0]],
    total: { traces: 1, records: 1, formats: { '3.5.1+': 1 } },
    notes: [],
  },
  {
    name: 'a directory with a README and a package.json',
    setup: (ws) => {
      ws.write('d/README.md', README);
      ws.write('d/package.json', PACKAGE_JSON);
      ws.write('d/x/a.jsonl', TWO_LINES);
      ws.write('d/b.json', V2_FILE);
      return [ws.path('d')];
    },
    sources: [
      ['d/b.json', null, 1, 1, 0],
      ['d/x/a.jsonl', null, 2, 2, 0],
    ],
    total: { traces: 3, records: 3, formats: { '3.5.1+': 2, '2.14-2.21.0': 1 } },
    notes: ['skipped d/README.md', 'skipped d/package.json'],
  },
  {
    name: 'a .gz of JSON Lines',
    setup: (ws) => [ws.write('e.jsonl.gz', gzip(TWO_LINES))],
    sources: [['e.jsonl.gz', 'gzip', 2, 2, 0]],
    total: { traces: 2, records: 2, formats: { '3.5.1+': 2 } },
    notes: [],
  },
  {
    name: 'a .tgz with nested folders',
    setup: async (ws) => [ws.write('a.tgz', gzip(await tarball(ARCHIVE_ENTRIES)))],
    sources: [
      ['a.tgz!dump/b.json', null, 1, 1, 0],
      ['a.tgz!dump/sub/a.jsonl', null, 2, 2, 0],
    ],
    total: { traces: 3, records: 3, formats: { '3.5.1+': 3 } },
    notes: ['skipped a.tgz!dump/README.md', 'skipped a.tgz!dump/sub/package.json'],
  },
  {
    name: 'a .tar holding a .gz',
    setup: async (ws) => [ws.write('b.tar', await tarball([{ name: 'x/y.jsonl.gz', content: gzip(TWO_LINES) }]))],
    sources: [['b.tar!x/y.jsonl.gz', 'gzip', 2, 2, 0]],
    total: { traces: 2, records: 2, formats: { '3.5.1+': 2 } },
    notes: [],
  },
  {
    name: 'stdin',
    setup: () => ['-'],
    stdin: () => Buffer.from(TWO_LINES),
    sources: [['<stdin>', null, 2, 2, 0]],
    total: { traces: 2, records: 2, formats: { '3.5.1+': 2 } },
    notes: [],
  },
  {
    name: 'stdin holding a .tgz',
    setup: () => ['-'],
    stdin: async () => gzip(await tarball([{ name: 'in/t.json', content: OK_FILE }])),
    sources: [['<stdin>!in/t.json', null, 1, 1, 0]],
    total: { traces: 1, records: 1, formats: { '3.5.1+': 1 } },
    notes: [],
  },
  {
    name: 'both search outputs',
    setup: () => [join(REPO_ROOT, 'test/fixtures/v3.6_cli_traces_search_output_json.json'), join(REPO_ROOT, 'test/fixtures/v3.4_cli_traces_search_output_json.json')],
    sources: [
      ['test/fixtures/v3.6_cli_traces_search_output_json.json', null, 2, 2, 0],
      ['test/fixtures/v3.4_cli_traces_search_output_json.json', null, 2, 2, 0],
    ],
    total: { traces: 4, records: 4, formats: { '3.0-3.4': 2, '3.5.1+': 2 } },
    notes: [],
  },
  {
    name: 'a bare array, a REST body, an artifact and export.dat',
    setup: (ws) => [
      ws.write('s/array.json', JSON.stringify([JSON.parse(OK_LINE), JSON.parse(ERR_LINE)], null, 2)),
      ws.write('s/rest.json', JSON.stringify(REST_BODY)),
      ws.write('s/traces.json', JSON.stringify(ARTIFACT, null, 1)),
      ws.write('s/export.dat', TWO_LINES),
    ],
    sources: [
      ['s/array.json', null, 2, 2, 0],
      ['s/rest.json', null, 1, 1, 0],
      ['s/traces.json', null, 1, 1, 0],
      ['s/export.dat', null, 2, 2, 0],
    ],
    total: { traces: 6, records: 6, formats: { '3.5.1+': 4, 'artifact 3.5.1+': 1, rest: 1 } },
    notes: [],
  },
];

describe('stats --format json: containers through the real binary', () => {
  let ws: Workspace;
  let cwd: string;
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run make build (or npx tsc -p tsconfig.json) first`);
    ws = makeWorkspace();
    // The CLI runs in an empty directory of its own: anything it extracted would show up there.
    cwd = mkdtempSync(join(tmpdir(), 'tracetriage-cwd-'));
  });
  afterAll(() => {
    ws.cleanup();
    rmSync(cwd, { recursive: true, force: true });
  });

  it.each(statsCases)('$name', async ({ setup, stdin, sources, total, notes }) => {
    const inputs = await setup(ws);
    const before = ws.list();
    const run = await runCliAsync(['stats', ...inputs, '--format', 'json'], stdin ? { cwd, input: await stdin() } : { cwd });
    const rel = (name: string): string => name.split(`${ws.dir}/`).join('').split(`${REPO_ROOT}/`).join('');
    expect([run.status, run.stderr]).toEqual([0, '']);
    const report = JSON.parse(run.stdout) as StatsReport;
    expect({
      schema_version: report.schema_version,
      sources: report.sources.map((s) => [rel(s.source), s.unpacked, s.records, s.traces, s.rejected]),
      total: { traces: report.total.traces, records: report.total.records, formats: report.total.formats },
      notes: report.notes.map((n) => `${n.kind} ${rel(n.source)}`),
    }).toEqual({ schema_version: 1, sources, total, notes });
    expect(report.total.records).toBe(report.total.traces + report.total.rejected);
    expect(ws.list()).toEqual(before);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
