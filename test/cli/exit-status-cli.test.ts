import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeWorkspace, runCliAsync, type CliRun, type Workspace } from '../helpers/make-inputs.js';

// The exit status of every reading command, from the real binary: a table of (command ×
// situation) → status and closing line (src/cli/exit-code.ts; README "Exit codes").

const GOOD = readFileSync(join(REPO_ROOT, 'samples', 'otel-genai.jsonl'));
const T1 = 'tr-5ca81f36845adbfabba8f2c8cb6441ff';
const T2 = 'tr-952138533270f210e1e4a2d2e507a951';
const SESSION = 'sess-otel-44d1';

/** How each reading command is called on one input (get and trace look for the second trace). */
const COMMANDS: Record<string, (input: string) => string[]> = {
  analyze: (input) => ['analyze', input],
  report: (input) => ['report', input],
  sessions: (input) => ['sessions', input],
  stats: (input) => ['stats', input],
  validate: (input) => ['validate', input],
  search: (input) => ['search', input],
  query: (input) => ['query', '$.info.trace_id', input],
  get: (input) => ['get', '--trace-id', T2, input],
  trace: (input) => ['trace', T2, input],
  session: (input) => ['session', SESSION, input],
};

/** The closing line: analyze's text summary says the status on stdout; every other command on stderr. */
function closing(command: string, run: CliRun): string {
  if (command === 'analyze') {
    const last = run.stdout.trimEnd().split('\n').at(-1) ?? '';
    const at = last.indexOf(' → ');
    return at < 0 ? '' : last.slice(at + 3);
  }
  const lines = run.stderr.trimEnd().split('\n');
  const last = lines.at(-1) ?? '';
  return last.startsWith('tracetriage: exit ') ? last : '';
}

/** The closing line expected for a status and reason, as `command` states it. */
function said(command: string, code: 0 | 1 | 2, reason: string | null): string {
  if (command === 'analyze') return `exit ${code} (${reason ?? 'nothing at or above error'})`;
  return code === 0 ? '' : `tracetriage: exit ${code}: ${reason!}`;
}

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace('tracetriage-exit-');
  ws.write('good.jsonl', GOOD);
  ws.write('mixed.jsonl', Buffer.concat([GOOD, Buffer.from('hello\n')]));
  ws.write('hello.txt', 'hello\n');
  ws.write('damaged-first-line.jsonl', Buffer.concat([Buffer.from('hello\n'), GOOD]));
  ws.write('empty-export.json', '{"traces": []}\n');
  ws.write('empty-list.json', '[]\n');
  // SQLite's header with no database after it (a committed mlflow.db mangled on the way): read as a
  // store, which SQLite refuses: one unreadable input, never JSON.
  ws.write('mlflow.db', Buffer.concat([Buffer.from('SQLite format 3\u0000', 'latin1'), Buffer.alloc(4080, 1)]));
  ws.write('archive.zip', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(600, 0x41)]));
  const gz = gzipSync(GOOD);
  // Cut inside the second trace: the first is read, then the stream ends early.
  ws.write('cut.jsonl.gz', gz.subarray(0, gz.length - 300));
});
afterAll(() => ws.cleanup());

type Situation = { input: string; stdin?: string; env?: Record<string, string>; expect: (command: string) => [0 | 1 | 2, string | null] };

const SITUATIONS: Record<string, Situation> = {
  'empty stdin': { input: '-', stdin: '', expect: () => [2, 'no trace could be read from the inputs: they hold no records'] },
  'a file that is not a trace': { input: 'hello.txt', expect: () => [2, 'no trace could be read from the inputs: 1 input of a kind it does not read'] },
  'a missing file': { input: 'missing.json', expect: () => [2, 'no trace could be read from the inputs: 1 input unreadable'] },
  'a gzip cut short after a trace': { input: 'cut.jsonl.gz', expect: () => [2, 'an input could not be read to the end'] },
  'a valid export of zero traces': {
    input: 'empty-export.json',
    expect: (c) =>
      c === 'get' || c === 'trace'
        ? [1, `trace ${T2} is not in the inputs`]
        : c === 'session'
          ? [1, `session ${SESSION} is not in the inputs (0 other sessions found; tracetriage sessions lists them)`]
          : [0, null],
  },
  'an empty list': {
    input: 'empty-list.json',
    expect: (c) =>
      c === 'get' || c === 'trace'
        ? [1, `trace ${T2} is not in the inputs`]
        : c === 'session'
          ? [1, `session ${SESSION} is not in the inputs (0 other sessions found; tracetriage sessions lists them)`]
          : [0, null],
  },
  'a store SQLite cannot open': { input: 'mlflow.db', expect: () => [2, 'no trace could be read from the inputs: 1 input unreadable'] },
  'a zip archive': { input: 'archive.zip', expect: () => [2, 'no trace could be read from the inputs: 1 input of a kind it does not read'] },
  'a clean export': { input: 'good.jsonl', expect: () => [0, null] },
  'a damaged first line, then traces (read, not named as another kind)': { input: 'damaged-first-line.jsonl', expect: () => [1, '1 record could not be read as traces'] },
  'traces and one rejected record': { input: 'mixed.jsonl', expect: (c) => (c === 'get' || c === 'trace' ? [0, null] : [1, '1 record could not be read as traces']) },
  'an internal error on one trace': {
    input: 'good.jsonl',
    env: { TRACETRIAGE_TEST_FAULT: `read:${T1}` },
    // get and trace decide the first trace from its `info` alone and never read it whole.
    expect: (c) => (c === 'get' || c === 'trace' ? [0, null] : [2, '1 trace left out after an internal error; --debug shows the stack']),
  },
};

/** Generous: a run of the binary can take seconds on a loaded two-core machine. */
const SLOW = 180_000;

describe('every reading command, every situation', () => {
  // One test per situation, its commands one after the other: a hundred node processes at once
  // would only fight for two cores.
  it.each(Object.entries(SITUATIONS))(
    '%s',
    async (_name, situation) => {
      const got: Array<[string, number | null, string]> = [];
      const want: Array<[string, number | null, string]> = [];
      for (const command of Object.keys(COMMANDS)) {
        const run = await runCliAsync(COMMANDS[command]!(situation.input), { cwd: ws.dir, input: situation.stdin ?? '', env: situation.env ?? {} });
        const [code, reason] = situation.expect(command);
        got.push([command, run.status, closing(command, run)]);
        want.push([command, code, said(command, code, reason)]);
      }
      expect(got).toEqual(want);
    },
    SLOW,
  );
});

describe('the internal rejection from each command’s own stage', () => {
  // Each stage a trace passes through in that command, made to throw for the first trace: the
  // trace is named with its provenance and left out, the other is still handled, exit 2.
  const STAGES: Array<[string, string, string]> = [
    ['analyze', 'digest', 'analyze'],
    ['report', 'digest', 'analyze'],
    ['sessions', 'digest', 'digest'],
    ['session', 'digest', 'digest'],
    ['stats', 'summary', 'summary'],
    ['validate', 'summary', 'summary'],
    ['search', 'render', 'render'],
    ['query', 'render', 'render'],
  ];
  it.each(STAGES)(
    '%s (%s)',
    async (command, stage, named) => {
      const run = await runCliAsync(COMMANDS[command]!('good.jsonl'), { cwd: ws.dir, env: { TRACETRIAGE_TEST_FAULT: `${stage}:${T1}` } });
      expect(run.status).toBe(2);
      const line = `good.jsonl:1:1 record 0 (byte 0): internal error (${named}): test fault injected at ${stage} for ${T1} (TRACETRIAGE_TEST_FAULT) [internal]`;
      if (command === 'validate') expect(run.stdout).toContain(`${line}\n`);
      else expect(run.stderr).toContain(`tracetriage: ${line}\n`);
      if (command === 'stats') expect(run.stdout).toContain('records:      2 (1 trace, 1 rejected)');
      expect(run.stderr).not.toContain('    at ');
    },
    SLOW,
  );

  it(
    'get and trace: the trace asked for breaks the printer: rejected with its provenance, exit 2',
    async () => {
      for (const command of ['get', 'trace']) {
        const run = await runCliAsync(COMMANDS[command]!('good.jsonl'), { cwd: ws.dir, env: { TRACETRIAGE_TEST_FAULT: `render:${T2}` } });
        expect([command, run.status, run.stdout]).toEqual([command, 2, '']);
        expect(run.stderr).toContain(
          `tracetriage: good.jsonl:2:1 record 1 (byte ${GOOD.indexOf('\n') + 1}): internal error (render): test fault injected at render for ${T2} (TRACETRIAGE_TEST_FAULT) [internal]\n`,
        );
      }
    },
    SLOW,
  );

  it(
    '--debug prints the stack of an internal rejection',
    async () => {
      const run = await runCliAsync(['sessions', 'good.jsonl', '--debug'], { cwd: ws.dir, env: { TRACETRIAGE_TEST_FAULT: `digest:${T1}` } });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/internal error \(digest\): test fault injected[^\n]*\nError: test fault injected at digest[^\n]*\n {4}at faultPoint/);
    },
    SLOW,
  );

  it(
    'a rule that throws on a session: each of its traces is rejected, the session still listed, exit 2',
    async () => {
      const run = await runCliAsync(['analyze', 'good.jsonl', '--format', 'json'], { cwd: ws.dir, env: { TRACETRIAGE_TEST_FAULT: `session-rules:${T1}` } });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(
        new RegExp(
          `good\\.jsonl:1:1 record 0 \\(byte 0\\): internal error \\(session-rules\\): test fault injected at session-rules for ${T1} \\(TRACETRIAGE_TEST_FAULT\\) \\(rules [a-z-]+(, [a-z-]+)+ on session "${SESSION}", turn 1; their findings on this session are left out\\) \\[internal\\]`,
        ),
      );
      // The session is still listed.
      expect((JSON.parse(run.stdout) as { sessions: Array<{ session_id: string }> }).sessions.map((s) => s.session_id)).toEqual([SESSION]);
      expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('tracetriage: exit 2: 2 traces left out after an internal error; --debug shows the stack');
    },
    SLOW,
  );
});

describe('--session that matches nothing', () => {
  it.each(['analyze', 'report'])(
    '%s exits 1 and says so',
    async (command) => {
      const run = await runCliAsync([command, 'good.jsonl', '--session', 'nope', ...(command === 'analyze' ? ['--format', 'json'] : [])], { cwd: ws.dir });
      expect([run.status, run.stderr.trimEnd().split('\n').at(-1)]).toEqual([1, 'tracetriage: exit 1: session "nope" is not in the inputs; tracetriage sessions lists them']);
    },
    SLOW,
  );

  it(
    'analyze in text says it in its summary line',
    async () => {
      const run = await runCliAsync(['analyze', 'good.jsonl', '--session', 'nope', '--session', 'nada'], { cwd: ws.dir });
      expect([run.status, closing('analyze', run)]).toEqual([1, 'exit 1 (none of the sessions "nope", "nada" is in the inputs; tracetriage sessions lists them)']);
    },
    SLOW,
  );
});

describe('a usage error names its own option', () => {
  it(
    'an unknown --rule',
    async () => {
      const run = await runCliAsync(['analyze', 'good.jsonl', '--rule', 'no-such-rule'], { cwd: ws.dir });
      expect([run.status, run.stdout]).toEqual([2, '']);
      expect(run.stderr).toMatch(/^tracetriage: --rule: unknown rule "no-such-rule"; known rules: /);
    },
    SLOW,
  );

  it(
    'a --max-bytes too small for the bare report',
    async () => {
      const run = await runCliAsync(['report', 'good.jsonl', '--max-bytes', '10'], { cwd: ws.dir });
      expect([run.status, run.stdout]).toEqual([2, '']);
      expect(run.stderr).toMatch(/^tracetriage: --max-bytes: the smallest Markdown report of this input takes [\d ,]+ bytes, more than 10: allow at least \d+\n$/);
    },
    SLOW,
  );
});

describe('JSON outputs that list what was not read fit their schemas', () => {
  const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
  const schema = (name: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', name), 'utf8')) as object;
  // validate-output refers to stats-output's note definition.
  ajv.addSchema(schema('stats-output.schema.json'));

  it(
    'validate --format json with an internal rejection (its stack is not in the JSON)',
    async () => {
      const run = await runCliAsync(['validate', 'good.jsonl', '--format', 'json'], { cwd: ws.dir, env: { TRACETRIAGE_TEST_FAULT: `summary:${T1}` } });
      const out = JSON.parse(run.stdout) as { rejections: Array<Record<string, unknown>>; exit_code: number };
      expect(ajv.validate(schema('validate-output.schema.json'), out), JSON.stringify(ajv.errors)).toBe(true);
      expect([run.status, out.exit_code, out.rejections]).toEqual([
        2,
        2,
        [
          {
            source: 'good.jsonl',
            index: 0,
            offset: 0,
            length: GOOD.indexOf('\n'),
            line: 1,
            column: 1,
            code: 'internal',
            message: `internal error (summary): test fault injected at summary for ${T1} (TRACETRIAGE_TEST_FAULT)`,
            at: { offset: 0, line: 1 },
          },
        ],
      ]);
    },
    SLOW,
  );

  it(
    'stats --format json over a valid export of zero traces: a no-traces note, exit 0',
    async () => {
      const run = await runCliAsync(['stats', 'empty-export.json', '--format', 'json'], { cwd: ws.dir });
      const out = JSON.parse(run.stdout) as { notes: unknown[] };
      expect(ajv.validate('urn:tracetriage:schema:stats-output', out), JSON.stringify(ajv.errors)).toBe(true);
      expect([run.status, out.notes]).toEqual([0, [{ source: 'empty-export.json', kind: 'no-traces', message: 'a valid export that holds no trace (an empty list)' }]]);
    },
    SLOW,
  );
});

describe('an input of a kind it does not read, beside a clean export', () => {
  it(
    'still reports the export, names the zip once and exits 2',
    async () => {
      const run = await runCliAsync(['sessions', 'good.jsonl', 'archive.zip'], { cwd: ws.dir });
      expect(run.status).toBe(2);
      expect(run.stdout).toContain(SESSION);
      const named = run.stderr.split('\n').filter((line) => line.includes('archive.zip'));
      expect(named).toEqual([expect.stringContaining('archive.zip: a zip archive')]);
      expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('tracetriage: exit 2: an input is of a kind tracetriage does not read');
    },
    SLOW,
  );
});
