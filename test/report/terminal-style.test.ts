import { describe, expect, it } from 'vitest';
import { colorWanted, type ColorInput } from '../../src/cli/color.js';
import type { Finding } from '../../src/engine/analyze/findings.js';
import { analyzeText, type AnalyzeReport } from '../../src/report/analyze/analyze.js';
import { ANSI_STYLE, PLAIN_STYLE, stripStyle, type Style } from '../../src/report/shared/style.js';
import { fit, table, visibleWidth } from '../../src/report/shared/terminal.js';
import { escapeInvisible } from '../../src/shared/escape/terminal.js';
import { expectGolden } from '../helpers/golden.js';
import { runCliAsync, type CliRun } from '../helpers/make-inputs.js';
import { makeFinding } from '../helpers/findings.js';

/** Each case runs the real binary (some twice, or for seconds on purpose); a loaded machine is slow to start Node. */
const CLI_TIMEOUT = 120_000;

// Colour in text output: the ANSI style's exact codes, alignment with colour on, who decides
// (flag > FORCE_COLOR > NO_COLOR > terminal), and that colour only ever adds SGR codes to the
// plain text, never anything else, and never to JSON or Markdown.

const ESC = '\u001b';
const TURN_5 = 'tr-eaad7e61ac6baaa620d497e41960925c';

describe('Style', () => {
  const paints: ReadonlyArray<[Exclude<keyof Style, 'width'>, string]> = [
    ['error', `${ESC}[31mx${ESC}[39m`],
    ['warn', `${ESC}[33mx${ESC}[39m`],
    ['info', `${ESC}[36mx${ESC}[39m`],
    ['ok', `${ESC}[32mx${ESC}[39m`],
    ['dim', `${ESC}[2mx${ESC}[22m`],
    ['bold', `${ESC}[1mx${ESC}[22m`],
    ['accent', `${ESC}[35mx${ESC}[39m`],
  ];
  it.each(paints)('%s: its own SGR code, closed after the piece; plain leaves the text alone', (paint, expected) => {
    expect(ANSI_STYLE[paint]('x')).toBe(expected);
    expect(PLAIN_STYLE[paint]('x')).toBe('x');
  });

  it('never spans a line break, and leaves empty lines empty', () => {
    expect(ANSI_STYLE.error('a\n\nb')).toBe(`${ESC}[31ma${ESC}[39m\n\n${ESC}[31mb${ESC}[39m`);
    expect(ANSI_STYLE.bold('')).toBe('');
  });

  it.each([
    ['plain', 'plain', 5],
    ['one paint', ANSI_STYLE.error('12'), 2],
    ['two paints and text', `${ANSI_STYLE.bold('ab')} ${ANSI_STYLE.ok('ü€')}`, 5],
  ])('visibleWidth and stripStyle count what the terminal shows: %s', (_name, text, width) => {
    expect(visibleWidth(text)).toBe(width);
    expect(stripStyle(text)).not.toContain(ESC);
  });

  it.each([
    ['pads a painted cell by what shows', ANSI_STYLE.error('12'), 5, 'left', `${ESC}[31m12${ESC}[39m   `],
    ['right-aligns a painted number', ANSI_STYLE.error('12'), 5, 'right', `   ${ESC}[31m12${ESC}[39m`],
    ['cuts a painted cell whole, colour dropped (no half code)', ANSI_STYLE.error('abcdef'), 4, 'left', 'abc…'],
    ['plain text as before', 'abcdef', 4, 'left', 'abc…'],
  ] as const)('fit: %s', (_name, text, width, align, expected) => {
    // biome-ignore lint/suspicious/noFocusedTests: fit() is the terminal cell fitter, not a focused test
    expect(fit(text, width, align)).toBe(expected);
  });

  it('table: painted cells line up exactly as plain ones, the header is bold', () => {
    const header = ['NAME', 'ERR'];
    const plainRows = [
      ['alpha', '0'],
      ['b', '12'],
    ];
    const paintedRows = [
      ['alpha', '0'],
      ['b', ANSI_STYLE.error('12')],
    ];
    const plain = table(header, plainRows, new Set([1]));
    const painted = table(header, paintedRows, new Set([1]), ANSI_STYLE);
    expect(plain).toBe('NAME   ERR\nalpha    0\nb       12');
    expect(painted).toBe(`${ESC}[1mNAME${ESC}[22m   ${ESC}[1mERR${ESC}[22m\nalpha    0\nb       ${ESC}[31m12${ESC}[39m`);
    expect(stripStyle(painted)).toBe(plain);
  });

  it.each([
    ['a C1 CSI, bidi override and zero-width space in a JSON string', '{"a":"x\u009b31m\u202e\u200by"}', '{"a":"x\\u009b31m\\u202e\\u200by"}'],
    ['DEL, line/paragraph separators and BOM', '"\u007f\u2028\u2029\ufeff"', '"\\u007f\\u2028\\u2029\\ufeff"'],
    ['our SGR codes, line feeds and ordinary text pass', `${ESC}[31m€ ü\n${ESC}[39m`, `${ESC}[31m€ ü\n${ESC}[39m`],
  ])('escapeInvisible: %s', (_name, text, expected) => {
    expect(escapeInvisible(text)).toBe(expected);
    if (text.startsWith('{') || text.startsWith('"')) expect(JSON.parse(escapeInvisible(text))).toEqual(JSON.parse(text));
  });
});

describe('colorWanted: flag > FORCE_COLOR > NO_COLOR > terminal', () => {
  const tty = (hasColors = true): ColorInput['stream'] => ({ isTTY: true, hasColors: () => hasColors });
  const pipe: ColorInput['stream'] = { isTTY: false };
  const cases: ReadonlyArray<[string, ColorInput, boolean]> = [
    ['a terminal that has colours', { flag: undefined, env: { TERM: 'xterm' }, stream: tty() }, true],
    ['a terminal Node says has none (CI=1 with no known CI service)', { flag: undefined, env: {}, stream: tty(false) }, false],
    ['TERM=dumb', { flag: undefined, env: { TERM: 'dumb' }, stream: tty() }, false],
    ['a pipe', { flag: undefined, env: { TERM: 'xterm' }, stream: pipe }, false],
    ['NO_COLOR=1 on a terminal', { flag: undefined, env: { NO_COLOR: '1' }, stream: tty() }, false],
    ['NO_COLOR=0 is set too (any value but empty)', { flag: undefined, env: { NO_COLOR: '0' }, stream: tty() }, false],
    ['NO_COLOR empty does not count (no-color.org)', { flag: undefined, env: { NO_COLOR: '' }, stream: tty() }, true],
    ['FORCE_COLOR=1 on a pipe', { flag: undefined, env: { FORCE_COLOR: '1' }, stream: pipe }, true],
    ['FORCE_COLOR empty on a pipe', { flag: undefined, env: { FORCE_COLOR: '' }, stream: pipe }, true],
    ['FORCE_COLOR=3 on a pipe', { flag: undefined, env: { FORCE_COLOR: '3' }, stream: pipe }, true],
    ['FORCE_COLOR=true on a pipe', { flag: undefined, env: { FORCE_COLOR: 'true' }, stream: pipe }, true],
    ['FORCE_COLOR=0 on a terminal', { flag: undefined, env: { FORCE_COLOR: '0' }, stream: tty() }, false],
    ['FORCE_COLOR=false on a terminal', { flag: undefined, env: { FORCE_COLOR: 'false' }, stream: tty() }, false],
    ['FORCE_COLOR=yes is not a value: the terminal decides', { flag: undefined, env: { FORCE_COLOR: 'yes' }, stream: pipe }, false],
    ['FORCE_COLOR=1 wins over NO_COLOR=1 (as in Node and chalk)', { flag: undefined, env: { FORCE_COLOR: '1', NO_COLOR: '1' }, stream: pipe }, true],
    ['FORCE_COLOR=1 wins over TERM=dumb', { flag: undefined, env: { FORCE_COLOR: '1', TERM: 'dumb' }, stream: pipe }, true],
    ['--color wins over NO_COLOR=1 on a pipe', { flag: true, env: { NO_COLOR: '1' }, stream: pipe }, true],
    ['--no-color wins over FORCE_COLOR=1 on a terminal', { flag: false, env: { FORCE_COLOR: '1' }, stream: tty() }, false],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(colorWanted(input)).toBe(expected);
  });

  it('hands Node neither FORCE_COLOR nor NO_COLOR (decided above; Node would warn when it sees both)', () => {
    const seen: unknown[] = [];
    const hasColors = (env?: Record<string, string | undefined>): boolean => {
      seen.push(env);
      return true;
    };
    colorWanted({ flag: undefined, env: { NO_COLOR: '', FORCE_COLOR: 'maybe', TERM: 'xterm-256color' }, stream: { isTTY: true, hasColors } });
    expect(seen).toEqual([{ TERM: 'xterm-256color' }]);
  });
});

/** The real binary with an environment of the test's choosing (NO_COLOR and FORCE_COLOR removed first). */
function runWith(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  return runCliAsync(args, { env: { NO_COLOR: undefined, FORCE_COLOR: undefined, ...env } });
}

/** Node >= 24's own warning when NO_COLOR and FORCE_COLOR are both set (node:internal/tty). */
const NODE_COLOR_WARNING =
  /^\(node:\d+\) Warning: The 'NO_COLOR' env is ignored due to the 'FORCE_COLOR' env being set\.\n\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)\n/u;

describe('the CLI decides from flag and environment; stdout is a pipe here', () => {
  const cases: ReadonlyArray<[string, string[], Record<string, string>, boolean]> = [
    ['nothing set: a pipe gets plain text', [], {}, false],
    ['FORCE_COLOR=1', [], { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=0', [], { FORCE_COLOR: '0' }, false],
    ['NO_COLOR=1 with FORCE_COLOR=1: FORCE_COLOR wins', [], { NO_COLOR: '1', FORCE_COLOR: '1' }, true],
    ['--color with NO_COLOR=1', ['--color'], { NO_COLOR: '1' }, true],
    ['--no-color with FORCE_COLOR=1', ['--no-color'], { FORCE_COLOR: '1' }, false],
  ];
  it.concurrent.each(cases)(
    '%s',
    async (_name, flags, env, coloured) => {
      const run = await runWith(['sessions', 'samples/', ...flags], env);
      expect(run.status).toBe(0);
      expect(run.stdout.includes(ESC)).toBe(coloured);
      // stderr stays plain. With both variables set, Node 24 itself warns once it loads node:assert
      // (yargs does, while linking, before any of our code runs): that warning is Node's, not ours.
      const ours = run.stderr.replace(NODE_COLOR_WARNING, '');
      expect(ours).toBe('tracetriage: 1 file(s) skipped: not trace exports\n');
    },
    CLI_TIMEOUT,
  );

  const never: ReadonlyArray<[string, string[]]> = [
    ['sessions --format json', ['sessions', 'samples/', '--format', 'json']],
    ['session --format json', ['session', 'sess-refund-7f3a', 'samples/', '--format', 'json']],
    ['session --format markdown', ['session', 'sess-refund-7f3a', 'samples/', '--format', 'markdown']],
    ['trace --format json', ['trace', TURN_5, 'samples/', '--format', 'json']],
    ['trace --format markdown', ['trace', TURN_5, 'samples/', '--format', 'markdown']],
    ['stats --format json', ['stats', 'samples/', '--format', 'json']],
    ['search --output json', ['search', 'samples/', '--output', 'json']],
    ['query', ['query', '$.info.state', 'samples/']],
  ];
  it.concurrent.each(never)(
    '%s is never coloured, even with --color',
    async (_name, args) => {
      const run = await runWith([...args, '--color'], {});
      expect(run.status).toBe(0);
      expect(run.stdout).not.toContain(ESC);
      expect(run.stdout.length).toBeGreaterThan(0);
    },
    CLI_TIMEOUT,
  );
});

describe('colour only adds SGR codes to the plain text (samples/)', () => {
  const views: ReadonlyArray<[string, string[]]> = [
    ['sessions', ['sessions', 'samples/']],
    ['sessions --sort failing', ['sessions', 'samples/', '--sort', 'failing']],
    ['session', ['session', 'sess-refund-7f3a', 'samples/']],
    ['session of the wrapper', ['session', 'sess-wrapper-19c2', 'samples/']],
    ['trace', ['trace', TURN_5, 'samples/', '--attributes']],
    ['trace of the failed wrapper turn', ['trace', 'tr-9326a5b04ef80418fd5771af1f6b56bb', 'samples/']],
    ['search', ['search', 'samples/']],
    ['search --extract-fields', ['search', 'samples/', '--extract-fields', 'info.trace_id,info.state']],
  ];
  it.concurrent.each(views)(
    '%s',
    async (_name, args) => {
      const [plain, coloured] = await Promise.all([runCliAsync(args), runCliAsync([...args, '--color'])]);
      expect(coloured.status).toBe(plain.status);
      expect(coloured.stdout).toContain(`${ESC}[1m`);
      expect(stripStyle(coloured.stdout)).toBe(plain.stdout);
      expect(coloured.stderr).toBe(plain.stderr);
    },
    CLI_TIMEOUT,
  );

  it(
    'stats (the timing line aside)',
    async () => {
      const untimed = (text: string): string => text.replace(/^read .*$/m, 'read …');
      const [plain, coloured] = await Promise.all([runCliAsync(['stats', 'samples/']), runCliAsync(['stats', 'samples/', '--color'])]);
      expect(coloured.stdout).toContain(`${ESC}[31m5${ESC}[39m`);
      expect(untimed(stripStyle(coloured.stdout))).toBe(untimed(plain.stdout));
    },
    CLI_TIMEOUT,
  );
});

describe('golden: coloured text of samples/', () => {
  const goldens: ReadonlyArray<[string, string[]]> = [
    ['color-sessions.ansi', ['sessions', 'samples/']],
    ['color-session-sess-refund-7f3a.ansi', ['session', 'sess-refund-7f3a', 'samples/']],
    ['color-trace-turn5.ansi', ['trace', TURN_5, 'samples/']],
  ];
  it.concurrent.each(goldens)(
    '%s',
    async (name, args) => {
      const run = await runCliAsync([...args, '--color']);
      expect(run.status).toBe(0);
      expectGolden(name, run.stdout);
    },
    CLI_TIMEOUT,
  );
});

describe('analyzeText with a style', () => {
  const finding = (over: Partial<Finding>): Finding =>
    makeFinding({ ruleId: 'error-propagation', messageId: 'rootCause', role: 'rootCause', severity: 'error', message: 'turn 2 went wrong', traceId: 't2', turn: 2, ...over });
  const report = (findings: Finding[], failed: boolean): AnalyzeReport => ({
    findings,
    sessions: [{ id: 's1', turns: 2, user: null, turnTraceIds: ['t1', 't2'] }],
    tracesWithoutSession: 0,
    withoutSessionTraceIds: [],
    traces: 2,
    duplicates: 0,
    outsideSelection: 0,
    rejected: 0,
    rules: ['error-propagation', 'turn-gap'],
    config: null,
    failOn: 'error',
    failed,
  });

  it('paints the marks, the root-cause turn, headers, locations and the verdict; plain is unchanged', () => {
    const r = report([finding({}), finding({ ruleId: 'turn-gap', messageId: 'longGap', role: null, severity: 'info', message: 'a pause', turn: 1 })], true);
    const text = analyzeText(r, ANSI_STYLE, 'verbose');
    expect(text.split('\n')).toEqual([
      `${ESC}[1msession s1 · 2 turns${ESC}[22m`,
      `  ${ESC}[31m✖ error${ESC}[39m  ${ESC}[35mturn 2${ESC}[39m  turn 2 went wrong  ${ESC}[2m[error-propagation/rootCause]${ESC}[22m`,
      `${ESC}[2m      at trace t2 · $.info${ESC}[22m`,
      `  ${ESC}[36m· info ${ESC}[39m  turn 1  a pause  ${ESC}[2m[turn-gap/longGap]${ESC}[22m`,
      `${ESC}[2m      at trace t2 · $.info${ESC}[22m`,
      '',
      `2 findings: 1 error, 0 warn, 1 info · 1 root cause · 1 session, 2 traces read · 2 rules · config none ${ESC}[31m→ exit 1 (findings at or above error)${ESC}[39m`,
      '',
    ]);
    expect(stripStyle(text)).toBe(analyzeText(r, PLAIN_STYLE, 'verbose'));
    expect(analyzeText(r, PLAIN_STYLE, 'verbose')).toBe(analyzeText(r, undefined, 'verbose'));
  });

  it('compact: paints the verdict mark, the root-cause turn and the findings marks; plain is unchanged', () => {
    const r = report([finding({}), finding({ ruleId: 'turn-gap', messageId: 'longGap', role: null, severity: 'info', message: 'a pause', turn: 1 })], true);
    const text = analyzeText(r, ANSI_STYLE);
    expect(text).toContain(`${ESC}[31m✖${ESC}[39m s1  ${ESC}[31mwent wrong${ESC}[39m at ${ESC}[35mturn 2${ESC}[39m: error-propagation — `);
    expect(text).toContain(`  ${ESC}[36m· info ${ESC}[39m  ${ESC}[2mturn-gap${ESC}[22m  s1 turn 1  a pause`);
    expect(stripStyle(text)).toBe(analyzeText(r));
  });

  it('a passing run gets its verdict in the ok colour', () => {
    const text = analyzeText(report([finding({ severity: 'warn', ruleId: 'turn-gap', messageId: 'longGap' })], false), ANSI_STYLE);
    expect(text).toContain(`${ESC}[33m▲${ESC}[39m s1  ${ESC}[33mlikely went wrong${ESC}[39m`);
    expect(analyzeText(report([finding({ severity: 'warn', ruleId: 'turn-gap', messageId: 'longGap' })], false), ANSI_STYLE, 'verbose')).toContain(`${ESC}[33m▲ warn ${ESC}[39m`);
    expect(text.trimEnd().endsWith(`${ESC}[32m→ exit 0 (nothing at or above error)${ESC}[39m`)).toBe(true);
  });
});
