import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatsReport } from '../../src/engine/stats.js';
import { CLI, REPO_ROOT, fixtureLine, fixtureValue, jsonl, makeWorkspace, runCli, type CliRun, type ValidateJson, type Workspace } from '../helpers/make-inputs.js';

const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

const OK = 'v3.6_trace_ok_assessments_session.json';
const ERR = 'v3.6_trace_error.json';
const OK_LINE = fixtureLine(OK);
const ERR_LINE = fixtureLine(ERR);
const USAGE_HINT = "Run 'tracetriage --help' for usage.";
/** A usage error of one command points at that command's help. */
const usageHint = (command: string): string => `Run 'tracetriage ${command} --help' for usage.`;

/** The text a person sees, with yargs' wrapping undone. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');
const lastLine = (text: string): string | undefined => text.trimEnd().split('\n').at(-1);

interface Scenario {
  name: string;
  /** Arguments after `dist/cli/main.js`; `{ws}` is replaced by the workspace directory. */
  args: string[];
  input?: string;
  status: number;
  /** Exact stdout, or checks on it. */
  stdout: string | ((stdout: string) => void);
  /** Exact stderr. */
  stderr: string;
}

// Inputs the scenarios need, written once into the workspace.
const INPUTS: Record<string, string> = {
  'one-bad.jsonl': jsonl([OK_LINE, '{"hello": 1}', ERR_LINE]),
  'good.jsonl': jsonl([OK_LINE, ERR_LINE]),
};

const scenarios: Scenario[] = [
  {
    name: '--help lists the commands, shows examples and the exit codes',
    args: ['--help'],
    status: 0,
    stdout: (out) => {
      expect(out).toMatch(/^ {2}tracetriage validate <inputs\.\.> {2,}Check every record/m);
      expect(out).toMatch(/^ {2}tracetriage stats <inputs\.\.> {2,}Count traces/m);
      expect(out).toMatch(/^Examples:\n {2}tracetriage /m);
      expect(flat(out)).toContain('tracetriage stats samples/');
      expect(flat(out)).toContain('tracetriage validate <export.json>');
      expect(flat(out)).toContain('Examples read samples/, the sample traces the package ships: run `tracetriage samples` to copy them here.');
      expect(flat(out)).toMatch(/Exit codes: 0 clean; 1 [^;]+; 2 usage error, invalid query, unreadable input, no trace read at all, or an internal error\./);
    },
    stderr: '',
  },
  {
    name: '-h is --help',
    args: ['-h'],
    status: 0,
    stdout: (out) => expect(out).toBe(runCli(['--help']).stdout),
    stderr: '',
  },
  {
    name: 'validate --help shows its options and examples',
    args: ['validate', '--help'],
    status: 0,
    stdout: (out) => {
      expect(out.split('\n')[0]).toBe('tracetriage validate <inputs..>');
      expect(out).toMatch(/^ {6}--format +output format +\[choices: "text", "json"\] \[default: "text"\]$/m);
      expect(out).toMatch(/^Examples:\n {2}tracetriage validate <export\.json> /m);
      // Each command's help says what its examples read (the main epilogue is not shown there).
      expect(flat(out)).toContain('A name in <angle brackets> (<export.json>, <dumps/>) stands for a file or folder of yours.');
    },
    stderr: '',
  },
  { name: "--version prints package.json's version", args: ['--version'], status: 0, stdout: `${version}\n`, stderr: '' },
  {
    name: 'an unknown command: exit 2, one error line and the usage hint, nothing on stdout',
    args: ['frobnicate', 'x.json'],
    status: 2,
    stdout: '',
    stderr: `tracetriage: Unknown arguments: frobnicate, x.json\n${USAGE_HINT}\n`,
  },
  {
    name: 'a near miss of a command is named',
    args: ['validat', 'x.json'],
    status: 2,
    stdout: '',
    stderr: `tracetriage: Did you mean validate?\n${USAGE_HINT}\n`,
  },
  {
    name: 'no command',
    args: [],
    status: 2,
    stdout: '',
    stderr: `tracetriage: Name a command: analyze, report, sessions, session, trace, search, get, query, validate, stats, rules or samples (see --help).\n${USAGE_HINT}\n`,
  },
  {
    name: 'validate without inputs: said plainly, not in yargs words',
    args: ['validate'],
    status: 2,
    stdout: '',
    stderr: `tracetriage: validate needs an input: a file, a directory, an MLflow store (mlflow.db, mlruns/), or - for standard input (e.g. tracetriage validate samples/)\n${usageHint('validate')}\n`,
  },
  {
    name: 'help <command> is that command\'s --help, not "Did you mean get?"',
    args: ['help', 'analyze'],
    status: 0,
    stdout: (out) => expect(out.split('\n')[0]).toBe('tracetriage analyze <inputs..>'),
    stderr: '',
  },
  {
    name: 'trace with an id and no input',
    args: ['trace', 'tr-eaad7e61ac6baaa620d497e41960925c'],
    status: 2,
    stdout: '',
    stderr: 'tracetriage: trace needs an input: a file, a directory, an MLflow store (mlflow.db, mlruns/), or - for standard input (e.g. tracetriage trace samples/)\n',
  },
  {
    name: 'trace of a file that holds one trace needs no id',
    args: ['trace', 'samples/traces/no-session-smoke-test.json'],
    status: 0,
    stdout: (out) => expect(out.split('\n')[0]).toMatch(/^trace tr-13cfe5b30981a23e50c077e461f6a2e6 /u),
    stderr: '',
  },
  {
    name: 'trace of inputs that hold many traces asks for an id and says where to find one',
    args: ['trace', 'samples/'],
    status: 2,
    stdout: '',
    stderr: 'tracetriage: 1 file(s) skipped: not trace exports\ntracetriage: the inputs hold more than one trace: name one (tracetriage search samples/ --output table lists their ids)\n',
  },
  {
    name: 'trace takes the id by --trace-id too, as mlflow traces get does',
    args: ['trace', '--trace-id', 'tr-13cfe5b30981a23e50c077e461f6a2e6', 'samples/'],
    status: 0,
    stdout: (out) => expect(out.split('\n')[0]).toMatch(/^trace tr-13cfe5b30981a23e50c077e461f6a2e6 /u),
    stderr: 'tracetriage: 1 file(s) skipped: not trace exports\n',
  },
  {
    name: 'get takes the id as its first word too',
    args: ['get', 'tr-13cfe5b30981a23e50c077e461f6a2e6', 'samples/traces/'],
    status: 0,
    stdout: (out) => expect((JSON.parse(out) as { info: { trace_id: string } }).info.trace_id).toBe('tr-13cfe5b30981a23e50c077e461f6a2e6'),
    stderr: '',
  },
  {
    name: 'session of a file that holds one session needs no id; --session-id names one',
    args: ['session', 'samples/otel-genai.jsonl'],
    status: 0,
    stdout: (out) => expect(out.split('\n')[0]).toBe('Session sess-otel-44d1'),
    stderr: '',
  },
  {
    name: 'session of inputs that hold many sessions asks for an id',
    args: ['session', 'samples/'],
    status: 2,
    stdout: '',
    stderr: 'tracetriage: 1 file(s) skipped: not trace exports\ntracetriage: the inputs hold 4 sessions: name one (tracetriage sessions samples/ lists them)\n',
  },
  {
    name: 'an unknown option',
    args: ['stats', 'samples/', '--frobnicate'],
    status: 2,
    stdout: '',
    stderr: `tracetriage: Unknown argument: frobnicate\n${usageHint('stats')}\n`,
  },
  {
    name: 'a bad --format value',
    args: ['stats', 'samples/', '--format', 'xml'],
    status: 2,
    stdout: '',
    stderr: `tracetriage: Invalid values:\n  Argument: format, Given: "xml", Choices: "text", "json"\n${usageHint('stats')}\n`,
  },
  {
    // 14 MLflow traces, and 16 traces of other tracers' files (test/fixtures/foreign/).
    name: 'validate test/fixtures: all 30 records valid, exit 0',
    args: ['validate', 'test/fixtures'],
    status: 0,
    stdout: (out) => {
      expect(lastLine(out)).toBe('30 records: 30 valid, 0 rejected');
      expect(out).toContain('  test/fixtures/SOURCES.md: skipped: not JSON (starts with "# Sources of")\n');
    },
    stderr: '',
  },
  {
    name: 'validate test/fixtures --format json',
    args: ['validate', 'test/fixtures', '--format', 'json'],
    status: 0,
    stdout: (out) => {
      const json = JSON.parse(out) as ValidateJson;
      expect([json.schema_version, json.records, json.valid, json.rejected, json.exit_code, json.notes.map((n) => `${n.kind} ${n.source}`)]).toEqual([
        1,
        30,
        30,
        0,
        0,
        [
          'skipped test/fixtures/SOURCES.md',
          ...['jaeger', 'langfuse', 'otel-console', 'otlp'].map((d) => `skipped test/fixtures/foreign/${d}/SOURCES.md`),
          // OTLP logs and metrics: named once for what they are, not read.
          'skipped test/fixtures/foreign/otlp/proto-example-logs.json',
          'skipped test/fixtures/foreign/otlp/proto-example-metrics.json',
          'skipped test/fixtures/foreign/zipkin/SOURCES.md',
        ],
      ]);
    },
    stderr: '',
  },
  {
    name: 'validate a file with one bad record: exit 1, the record named by file, line, record and byte',
    args: ['validate', '{ws}/one-bad.jsonl'],
    status: 1,
    stdout: (out) => {
      const lines = out.trimEnd().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^.*/one-bad\\.jsonl:2:1 record 1 \\(byte ${OK_LINE.length + 1}\\): not a trace: .*found object with key hello \\[not-a-trace\\]$`));
      expect(lines.at(-1)).toBe('3 records: 2 valid, 1 rejected');
    },
    stderr: 'tracetriage: exit 1: 1 record could not be read as traces\n',
  },
  {
    name: 'validate a missing file: exit 2, a read-error note',
    args: ['validate', 'no/such/file.json'],
    status: 2,
    stdout: 'notes:\n  no/such/file.json: read-error: no such file or directory\n\n0 records: 0 valid, 0 rejected\n',
    stderr: 'tracetriage: no/such/file.json: no such file or directory\ntracetriage: exit 2: no trace could be read from the inputs: 1 input unreadable\n',
  },
  {
    name: 'stats on a missing file: exit 2',
    args: ['stats', 'no/such/file.json', '--format', 'json'],
    status: 2,
    stdout: (out) => {
      const report = JSON.parse(out) as StatsReport;
      expect([report.total.records, report.notes]).toEqual([0, [{ source: 'no/such/file.json', kind: 'read-error', message: 'no such file or directory' }]]);
    },
    stderr: 'tracetriage: no/such/file.json: no such file or directory\ntracetriage: exit 2: no trace could be read from the inputs: 1 input unreadable\n',
  },
  {
    name: 'stats --format json samples/: 13 traces in 4 sessions, schema_version 1',
    args: ['stats', 'samples/', '--format', 'json'],
    status: 0,
    stdout: (out) => {
      const report = JSON.parse(out) as StatsReport;
      expect({
        schema_version: report.schema_version,
        traces: report.total.traces,
        records: report.total.records,
        rejected: report.total.rejected,
        sessions: report.total.sessions,
        without_session: report.total.traces_without_session,
        sources: report.sources.map((s) => [s.source, s.traces]),
        notes: report.notes.map((n) => `${n.kind} ${n.source}`),
      }).toEqual({
        schema_version: 1,
        traces: 13,
        records: 13,
        rejected: 0,
        sessions: 4,
        without_session: 1,
        sources: [
          ['samples/legacy-v2.json', 2],
          ['samples/otel-genai.jsonl', 2],
          ['samples/search-sess-refund-7f3a.json', 5],
          ['samples/traces/no-session-smoke-test.json', 1],
          ['samples/traces/sess-wrapper-19c2-turn1.json', 1],
          ['samples/traces/sess-wrapper-19c2-turn2.json', 1],
          ['samples/traces/sess-wrapper-19c2-turn3.json', 1],
        ],
        notes: ['skipped samples/README.md'],
      });
    },
    stderr: '',
  },
  {
    name: 'stats samples/ (text): a row per source and the total',
    args: ['stats', 'samples/'],
    status: 0,
    stdout: (out) => {
      expect(out).toMatch(/^total +13 +47 +4 /m);
      expect(out).toContain('sessions:     4 (1 trace without a session)\n');
      expect(out).toMatch(/^read [0-9.]+ MB in [0-9.]+ s \([0-9.]+ MB\/s\)\n$/m);
    },
    stderr: '',
  },
  {
    name: 'validate - reads standard input',
    args: ['validate', '-'],
    input: jsonl([OK_LINE, ERR_LINE]),
    status: 0,
    stdout: '2 records: 2 valid, 0 rejected\n',
    stderr: '',
  },
  {
    name: 'stats - reads standard input, named <stdin>',
    args: ['stats', '-', '--format', 'json'],
    input: jsonl([OK_LINE, ERR_LINE]),
    status: 0,
    stdout: (out) => {
      const report = JSON.parse(out) as StatsReport;
      expect(report.sources.map((s) => [s.source, s.traces])).toEqual([['<stdin>', 2]]);
    },
    stderr: '',
  },
  {
    name: 'a file and stdin together, in the order given',
    args: ['validate', '{ws}/good.jsonl', '-', '--format', 'json'],
    input: jsonl([OK_LINE]),
    status: 0,
    stdout: (out) => expect((JSON.parse(out) as ValidateJson).records).toBe(3),
    stderr: '',
  },
];

describe('CLI scenarios (the real binary)', () => {
  let ws: Workspace;
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run make build (or npx tsc -p tsconfig.json) first`);
    ws = makeWorkspace();
    for (const [name, content] of Object.entries(INPUTS)) ws.write(name, content);
  });
  afterAll(() => ws.cleanup());

  it.each(scenarios)('$name', ({ args, input, status, stdout, stderr }) => {
    const run = runCli(
      args.map((a) => a.replace('{ws}', ws.dir)),
      input === undefined ? {} : { input },
    );
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status, stderr });
    if (typeof stdout === 'string') expect(run.stdout).toBe(stdout);
    else stdout(run.stdout);
  });

  it('-o/--output-file writes what stdout would show to a file, on every command that writes', () => {
    for (const [command, ...rest] of [
      ['stats', 'samples/'],
      ['sessions', 'samples/', '--format', 'json'],
      ['search', 'samples/', '--format', 'json'],
      ['trace', 'samples/traces/no-session-smoke-test.json'],
    ] as const) {
      const target = ws.path(`${command}.out`);
      const toStdout = runCli([command, ...rest]);
      const toFile = runCli([command, ...rest, '-o', target]);
      expect(toFile.status).toBe(toStdout.status);
      expect(toFile.stdout).toBe('');
      // stats counts time: compare its lines but the timing one.
      const shown = (text: string): string => text.replace(/^read .*$/mu, 'read …');
      expect(shown(readFileSync(target, 'utf8'))).toBe(shown(toStdout.stdout));
      expect(toFile.stderr).toContain(`tracetriage: wrote ${target} (`);
    }
  });

  it('-o - and report --output - write to stdout, as without -o', () => {
    for (const args of [
      ['analyze', 'samples/', '--no-config'],
      ['report', 'samples/', '--no-config'],
      ['sessions', 'samples/', '--format', 'json'],
    ]) {
      const plain = runCli(args);
      for (const flag of ['-o', '--output-file', ...(args[0] === 'report' ? ['--output'] : [])]) {
        const dash = runCli([...args, flag, '-']);
        expect({ status: dash.status, stderr: dash.stderr }, `${args[0]} ${flag} -`).toEqual({ status: plain.status, stderr: plain.stderr });
        expect(dash.stdout, `${args[0]} ${flag} -`).toBe(plain.stdout);
        expect(dash.stdout.length).toBeGreaterThan(100);
      }
    }
    expect(ws.list().filter((name) => name.includes('stdin'))).toEqual([]);
  });

  it('-o leaves the file it would replace as it was when the run fails, and leaves no temporary file', () => {
    const target = ws.write('kept.txt', 'earlier output\n');
    const run = runCli(['analyze', 'samples/', '--config', ws.path('no-such-config.json'), '-o', target]);
    expect(run.status).toBe(2);
    expect(readFileSync(target, 'utf8')).toBe('earlier output\n');
    expect(ws.list().filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('a mistyped flag is named with the flag it was likely meant to be', () => {
    const run = runCli(['search', 'samples/', '--max-result', '3']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`tracetriage: Unknown argument: max-result (did you mean --max-results?)\n${usageHint('search')}\n`);
  });

  it('validate output is the same whatever the number of worker threads', () => {
    const runs = ['1', '4'].map((jobs) => runCli(['validate', 'test/fixtures', 'samples', '--format', 'json', '--jobs', jobs]));
    expect(runs.map((r) => r.status)).toEqual([0, 0]);
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
  });
});

// An ESC in a span name, a trace id, a status, a key, a value or a file name must reach the
// terminal escaped: a raw 0x1b would let a trace repaint or hide the report.
const RED = '\u001b[31m';
const ESCAPED = '\\u{1b}[31m';

/** A trace (the OK fixture) with ESC in places that reach the output. */
function hostileTrace(edit: (value: Record<string, unknown>, spans: Array<Record<string, unknown>>) => void): string {
  const value = fixtureValue(OK);
  edit(value, (value.data as { spans: Array<Record<string, unknown>> }).spans);
  return JSON.stringify(value);
}

interface EscCase {
  name: string;
  file: string;
  content: string | Buffer;
  /** The escaped form each command's text output must show. */
  shows: { validate: string[]; stats: string[] };
}

const escCases: EscCase[] = [
  {
    name: 'a span name and a file name',
    file: `evil-${RED}.jsonl`,
    content: jsonl([hostileTrace((_, spans) => (spans[0]!.name = `${RED}agent`))]),
    shows: { validate: [], stats: [`evil-${ESCAPED}.jsonl`] },
  },
  {
    name: 'a trace id that a warning prints',
    file: 'trace-id.jsonl',
    content: jsonl([
      hostileTrace((value, spans) => {
        (value.info as Record<string, unknown>).trace_id = `tr-${RED}x`;
        spans[1]!.parent_span_id = 'AAAAAAAAAAA='; // an orphan: validate prints a warning with the trace id
      }),
    ]),
    shows: { validate: [`tr-${ESCAPED}x`], stats: [] },
  },
  {
    name: 'a span status that a schema rejection quotes',
    file: 'status.jsonl',
    content: jsonl([hostileTrace((_, spans) => (spans[0]!.status = { code: `${RED}BAD`, message: '' }))]),
    shows: { validate: ['found string "\\u001b[31mBAD" [schema]'], stats: [] },
  },
  {
    name: 'a key of a record that is not a trace',
    file: 'key.jsonl',
    content: jsonl([JSON.stringify({ [`${RED}k`]: 1 })]),
    shows: { validate: ['found object with key "\\u001b[31mk" [not-a-trace]'], stats: [] },
  },
  {
    name: 'a string value that a schema rejection quotes',
    file: 'value.jsonl',
    content: jsonl([hostileTrace((_, spans) => (spans[0]!.start_time_unix_nano = `${RED}1`))]),
    shows: { validate: ['found string "\\u001b[31m1" [schema]'], stats: [] },
  },
  {
    name: 'a raw ESC byte inside a string (not JSON)',
    file: 'raw.jsonl',
    content: `{"info": {"trace_id": "${RED}"}, "data": {"spans": []}}\n`,
    shows: { validate: ['not valid JSON: escaped characters, found byte 0x1b [invalid-json'], stats: [] },
  },
];

describe('text output never carries a raw ESC', () => {
  let ws: Workspace;
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run make build (or npx tsc -p tsconfig.json) first`);
    ws = makeWorkspace();
    for (const c of escCases) ws.write(`esc/${c.file}`, c.content);
    // A file that is not JSON, found in a directory, is skipped with a note quoting its start.
    ws.write(`dir/${RED}notes.txt`, `${RED}hello\n`);
    ws.write('dir/ok.jsonl', jsonl([OK_LINE]));
  });
  afterAll(() => ws.cleanup());

  const noEsc = (run: CliRun): void => {
    expect(run.stdoutBytes.includes(0x1b), 'raw ESC on stdout').toBe(false);
    expect(run.stderr.includes('\u001b'), 'raw ESC on stderr').toBe(false);
  };

  it.each(escCases)('$name', ({ file, shows }) => {
    const path = ws.path(`esc/${file}`);
    const validate = runCli(['validate', path]);
    const stats = runCli(['stats', path]);
    noEsc(validate);
    noEsc(stats);
    for (const text of shows.validate) expect(validate.stdout).toContain(text);
    for (const text of shows.stats) expect(stats.stdout).toContain(text);
    // The file name is shown escaped wherever it appears.
    if (file.includes(RED)) expect(validate.stdout + stats.stdout).not.toContain(file);
  });

  it('all of them at once, in validate and stats text, with and without warnings', () => {
    const shown: Array<[args: string[], text: string]> = [
      [['validate'], `tr-${ESCAPED}x`],
      [['validate', '--no-warnings'], '5 records: 2 valid, 3 rejected'],
      [['stats'], `evil-${ESCAPED}.jsonl`],
    ];
    for (const [args, text] of shown) {
      const run = runCli([...args, ws.path('esc')]);
      noEsc(run);
      expect(run.stdout).toContain(text);
    }
  });

  it('a skipped file in a directory: its name and its first bytes are escaped', () => {
    for (const command of ['validate', 'stats']) {
      const run = runCli([command, ws.path('dir')]);
      noEsc(run);
      expect(run.stdout).toContain(`${ESCAPED}notes.txt: skipped: not JSON (starts with ".[31mhello.")`);
    }
  });

  it('a usage error quoting what was typed escapes it too', () => {
    // `tracetriage *` in a folder holding such a file name puts it where a command is expected.
    const run = runCli([`${RED}export.json`]);
    expect(run.status).toBe(2);
    noEsc(run);
    expect(run.stderr).toBe(`tracetriage: Unknown argument: ${ESCAPED}export.json\n${USAGE_HINT}\n`);
  });

  it('JSON output escapes ESC as \\u001b', () => {
    const shown: Array<[args: string[], text: string]> = [
      [['validate', '--format', 'json'], '"trace_id": "tr-\\u001b[31mx"'],
      [['stats', '--format', 'json'], 'evil-\\u001b[31m.jsonl'],
    ];
    for (const [args, text] of shown) {
      const run = runCli([...args, ws.path('esc')]);
      noEsc(run);
      expect(run.stdout).toContain(text);
    }
  });
});
