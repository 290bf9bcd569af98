import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonl, makeWorkspace, runCliAsync, type CliRun, type Workspace } from '../helpers/make-inputs.js';
import { conversation, makeTrace, traceIdOf } from '../helpers/trace-builder.js';

/** Each case runs the real binary (some twice, or for seconds on purpose); a loaded machine is slow to start Node. */
const CLI_TIMEOUT = 120_000;

// Escape sequences in trace content must never reach the terminal, colour on or off. Every text
// command runs from the real binary with FORCE_COLOR=1 over traces whose every string field
// (ids, names, texts, rationales, error messages, metadata, file names) carries terminal
// controls; the only escapes allowed out are our own SGR colour codes.

/** Clear screen, an OSC 8 hyperlink, a C1 CSI, carriage return, backspace, a bidi override. */
const H = '\u001b[2J\u001b]8;;http://x\u0007ln\u001b]8;;\u0007\u009b31m\r\b\u202eevil';
/** The same in a file name (a `/` would make a directory). */
const H_FILE = H.replace('http://x', 'x');
/** How the first control shows, inert, in text (`safeText`), Markdown (`mdInline`) and JSON: proof that the hostile text was printed. */
const SHOWN = '\\u{1b}[2J';
const MD_SHOWN = '\\\\u\\{1b\\}\\[2J';
const JSON_SHOWN = '\\u001b[2J';

const SESSION = `sess${H}`;
const KEY = 'hostile-1';
const TRACE_ID = traceIdOf({ key: KEY });

/** Our SGR codes, the one kind of escape our output may hold. */
const SGR = /\u001b\[[0-9;]*m/g;
/** After SGR codes are taken out: any C0 but line feed, DEL, C1, bidi and zero-width controls. */
const FORBIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/u;

let ws: Workspace;
let dir: string;
beforeAll(() => {
  ws = makeWorkspace();
  // A conversation whose turn 1 is wrong and turn 2 builds on it (so analyze has a root cause to
  // print), then one trace with every other field hostile, then one trace without a session.
  const talk = conversation(SESSION, [
    {
      user: `refund?${H}\nsecond line`,
      answer: `60 days${H}`,
      docs: [{ id: `doc${H}`, uri: `kb://doc${H}` }],
      toolError: { name: `lookup${H}`, type: `Err${H}`, message: `boom${H}` },
      assessments: [
        { name: 'correctness', value: false, rationale: `wrong${H}` },
        { name: `judge${H}`, error: { code: `CODE${H}`, message: `failed${H}` } },
      ],
    },
    { user: `ok${H}`, answer: `as said, 60 days${H}`, docs: [{ id: `doc${H}`, uri: `kb://doc${H}` }], assessments: [{ name: 'correctness', value: false, rationale: `again${H}` }] },
  ]);
  const odd = makeTrace({
    key: KEY,
    session: SESSION,
    user: `user${H}`,
    time: Date.UTC(2026, 10, 10, 10, 0, 0),
    state: 'ERROR',
    spans: [
      { id: '00000000000000a1', name: `root${H}`, type: `AGENT${H}`, inputs: { messages: [{ role: 'user', content: `hi${H}` }] }, outputs: `answer${H}`, attributes: { [`key${H}`]: `value${H}` } },
      { parent: '00000000000000a1', name: `tool${H}`, type: 'TOOL', status: 'ERROR', statusMessage: `status${H}`, exception: { type: `Type${H}`, message: `message${H}` } },
    ],
    assessments: [
      { name: `verdict${H}`, value: `no${H}`, rationale: `because${H}`, sourceId: `judge${H}` },
      { name: `expected${H}`, expectation: `truth${H}` },
      { name: `session_goal${H}`, value: 'no', session: SESSION, rationale: `goal${H}` },
    ],
    metadata: { [`meta${H}`]: `value${H}` },
    tags: { [`tag${H}`]: `value${H}` },
  });
  const loose = makeTrace({ key: 'loose', id: `tr-loose${H}`, session: null, spans: [{ name: `solo${H}` }] });
  // A file name with controls too, a record that is not JSON, and a file that is not an export.
  dir = ws.path('in');
  ws.write(`in/export${H_FILE}.jsonl`, jsonl([...talk, odd, loose].map((t) => JSON.stringify(t))) + `{"broken": "x${H.replace(/[\u0000-\u001f]/g, '')}" oops\n`);
  ws.write(`in/package${H_FILE}.json`, '{"name": "not a trace"}');
});
afterAll(() => ws.cleanup());

/** The real binary with colour forced (and nothing that would turn it off). */
function run(args: readonly string[]): Promise<CliRun> {
  return runCliAsync(args, { env: { FORCE_COLOR: '1', NO_COLOR: undefined } });
}

/** The first forbidden character left once our SGR codes are removed, with some context; or null. */
function leak(text: string): string | null {
  const plain = text.replace(SGR, '');
  const at = plain.search(FORBIDDEN);
  return at < 0 ? null : JSON.stringify(plain.slice(Math.max(0, at - 40), at + 10));
}

interface Case {
  name: string;
  args: () => string[];
  status: number;
  /** How the hostile text shows on stdout (escaped), if it gets there: proves the case is not vacuous. */
  shown: string | null;
  /** Does it reach stderr (a file name with a rejected record, an id echoed)? `trace` and `get` stop at the trace; `stats` and `validate` report problems on stdout. */
  stderrShown: boolean;
  /** Does the text form paint anything (FORCE_COLOR=1 is honoured)? */
  coloured: boolean;
}

// The input holds a broken record: every command that reads it all exits 1 (records not read as
// traces); trace and get stop at the trace they look for, before it.
const CASES: Case[] = [
  { name: 'sessions', args: () => ['sessions', dir], status: 1, stderrShown: true, shown: SHOWN, coloured: true },
  { name: 'sessions --sort failing', args: () => ['sessions', dir, '--sort', 'failing'], status: 1, stderrShown: true, shown: SHOWN, coloured: true },
  { name: 'session', args: () => ['session', SESSION, dir], status: 1, stderrShown: true, shown: SHOWN, coloured: true },
  { name: 'session --full', args: () => ['session', SESSION, dir, '--full'], status: 1, stderrShown: true, shown: SHOWN, coloured: true },
  { name: 'session (not found: the id is echoed on stderr)', args: () => ['session', `missing${H}`, dir], status: 1, stderrShown: true, shown: null, coloured: false },
  { name: 'search (table)', args: () => ['search', dir], status: 1, stderrShown: true, shown: SHOWN, coloured: true },
  { name: 'search --extract-fields (table)', args: () => ['search', dir, '--extract-fields', 'info.trace_id,info.trace_metadata'], status: 1, stderrShown: true, shown: SHOWN, coloured: true },
  { name: 'search --filter-string (table)', args: () => ['search', dir, '--filter-string', "status = 'OK'"], status: 1, stderrShown: true, shown: SHOWN, coloured: true },
  { name: 'search: a field that matches nothing is named on stderr', args: () => ['search', dir, '--extract-fields', `info.nothing${H}`], status: 1, stderrShown: true, shown: SHOWN, coloured: true },
  { name: 'trace', args: () => ['trace', TRACE_ID, dir], status: 0, stderrShown: false, shown: SHOWN, coloured: true },
  { name: 'trace --attributes --full', args: () => ['trace', TRACE_ID, dir, '--attributes', '--full'], status: 0, stderrShown: false, shown: SHOWN, coloured: true },
  { name: 'trace (not found: the id is echoed on stderr)', args: () => ['trace', `tr-missing${H}`, dir], status: 1, stderrShown: true, shown: null, coloured: false },
  { name: 'stats', args: () => ['stats', dir], status: 1, stderrShown: false, shown: SHOWN, coloured: true },
  { name: 'analyze', args: () => ['analyze', dir, '--fail-on', 'none'], status: 1, stderrShown: true, shown: SHOWN, coloured: true },
  { name: 'validate', args: () => ['validate', dir], status: 1, stderrShown: false, shown: SHOWN, coloured: false },
  { name: 'query', args: () => ['query', '$.info.trace_metadata', dir], status: 1, stderrShown: true, shown: JSON_SHOWN, coloured: false },
  { name: 'query --values', args: () => ['query', '$.data.spans[*].name', dir, '--values'], status: 1, stderrShown: true, shown: JSON_SHOWN, coloured: false },
  { name: 'query with stages', args: () => ['query', '$.info.assessments[*] | pick(assessment_name, rationale)', dir], status: 1, stderrShown: true, shown: JSON_SHOWN, coloured: false },
  { name: 'query --jq', args: () => ['query', '--jq', '.info.tags', dir], status: 1, stderrShown: true, shown: JSON_SHOWN, coloured: false },
  { name: 'get', args: () => ['get', '--trace-id', TRACE_ID, dir, '--extract-fields', 'info.trace_metadata'], status: 0, stderrShown: false, shown: JSON_SHOWN, coloured: false },
  // Not text, but printed to the same terminal: JSON carries C1 and bidi characters as \u escapes.
  { name: 'sessions --format json', args: () => ['sessions', dir, '--format', 'json'], status: 1, stderrShown: true, shown: JSON_SHOWN, coloured: false },
  { name: 'session --format json', args: () => ['session', SESSION, dir, '--format', 'json'], status: 1, stderrShown: true, shown: JSON_SHOWN, coloured: false },
  { name: 'session --format markdown', args: () => ['session', SESSION, dir, '--format', 'markdown'], status: 1, stderrShown: true, shown: MD_SHOWN, coloured: false },
  { name: 'trace --format json', args: () => ['trace', TRACE_ID, dir, '--format', 'json', '--attributes'], status: 0, stderrShown: false, shown: JSON_SHOWN, coloured: false },
  { name: 'trace --format markdown', args: () => ['trace', TRACE_ID, dir, '--format', 'markdown', '--attributes'], status: 0, stderrShown: false, shown: MD_SHOWN, coloured: false },
  { name: 'search --output json', args: () => ['search', dir, '--output', 'json'], status: 1, stderrShown: true, shown: JSON_SHOWN, coloured: false },
  { name: 'search --output jsonl', args: () => ['search', dir, '--output', 'jsonl'], status: 1, stderrShown: true, shown: JSON_SHOWN, coloured: false },
  { name: 'stats --format json', args: () => ['stats', dir, '--format', 'json'], status: 1, stderrShown: false, shown: JSON_SHOWN, coloured: false },
  { name: 'validate --format json', args: () => ['validate', dir, '--format', 'json'], status: 1, stderrShown: false, shown: JSON_SHOWN, coloured: false },
  { name: 'analyze --format json', args: () => ['analyze', dir, '--format', 'json', '--fail-on', 'none'], status: 1, stderrShown: true, shown: JSON_SHOWN, coloured: false },
  { name: 'an unknown option is echoed in the usage error', args: () => ['sessions', dir, `--bad${H}`], status: 2, stderrShown: true, shown: null, coloured: false },
  { name: 'an invalid filter is echoed with a caret', args: () => ['search', dir, '--filter-string', `status = 'x${H}' OR x`], status: 2, stderrShown: true, shown: null, coloured: false },
];

describe('escape sequences in trace content never reach the terminal (FORCE_COLOR=1)', () => {
  it.concurrent.each(CASES)(
    '$name',
    async ({ args, status, shown, stderrShown, coloured }) => {
      const result = await run(args());
      expect(result.status).toBe(status);
      expect(leak(result.stdout)).toBeNull();
      expect(leak(result.stderr)).toBeNull();
      // Our own escapes are colours only, and only on stdout: stderr stays plain.
      expect(result.stderr.match(SGR)).toBeNull();
      if (shown !== null) expect(result.stdout).toContain(shown);
      else expect(result.stdout).not.toContain('[2J');
      expect(result.stderr.includes(SHOWN)).toBe(stderrShown);
      expect(result.stdout.match(SGR) !== null).toBe(coloured);
    },
    CLI_TIMEOUT,
  );
});
