import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { makeTrace, type TraceSpec } from '../helpers/trace-builder.js';
import { makeWorkspace, runCliAsync, type Workspace } from '../helpers/make-inputs.js';
import { cutColumns, displayWidth, wrapColumns } from '../../src/shared/text.js';
import { table } from '../../src/report/shared/terminal.js';
import { analyzeText, type AnalyzeReport } from '../../src/report/analyze/analyze.js';
import { widthWanted } from '../../src/cli/output-options.js';
import type { Finding } from '../../src/engine/analyze/findings.js';

// Every text command at 80 columns: no line wider than 80 display columns (wide CJK and emoji
// count 2, combining marks 0; checked with `string-width`, not with the function under test),
// and what was cut ends in `…`. JSON outputs (get, query) are data: --width leaves them as they are.

const WIDTH = 80;
const ANSI = /\u001b\[[0-9;]*m/gu;

/** Display columns of a line, by `string-width` (an independent measure; SGR codes take none). */
function columns(line: string): number {
  return stringWidth(line.replace(ANSI, ''));
}

function widest(text: string): number {
  return Math.max(0, ...text.split('\n').map(columns));
}

describe('display width', () => {
  const cases: Array<[string, string]> = [
    ['ASCII', 'hello world'],
    ['CJK', '会话用户已经取消了订单'],
    ['hangul', '세션 사용자'],
    ['fullwidth', 'ＡＢＣ１２３'],
    ['emoji', '😀🎉🚀'],
    ['ZWJ family', 'a👨‍👩‍👧b'],
    ['flags', '🇫🇷🇯🇵'],
    ['combining', 'e\u0301te\u0301 nai\u0308ve'],
    ['keycap', '1\uFE0F\u20E3'],
    ['mixed', 'sess-日本語-😀-émile'],
  ];
  it.each(cases)('%s agrees with string-width', (_name, text) => {
    expect(displayWidth(text)).toBe(stringWidth(text));
  });

  it.each(cases)('%s: cutColumns keeps within the width and ends in …', (_name, text) => {
    for (let n = 1; n < stringWidth(text); n++) {
      const cut = cutColumns(text, n);
      expect(stringWidth(cut)).toBeLessThanOrEqual(n);
      expect(cut.endsWith('…')).toBe(true);
      expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/u);
    }
    expect(cutColumns(text, stringWidth(text))).toBe(text);
  });

  it('wrapColumns breaks at spaces, long words inside, every line within the width', () => {
    const text = `${'日本語のテキスト '.repeat(6)}${'x'.repeat(50)} end`;
    const lines = wrapColumns(text, 20, '  ');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(20);
    expect(lines.slice(1).every((l) => l.startsWith('  '))).toBe(true);
    expect(lines.join('').replace(/ /gu, '')).toBe(text.replace(/ /gu, ''));
  });
});

describe('table within a width', () => {
  const header = ['ID', 'WHEN', 'NOTE', 'N'];
  const rows = [
    ['sess-' + 'a'.repeat(40), '2026-11-10 09:00:04 UTC', '很长的描述文字'.repeat(4), '12'],
    ['sess-b', '2026-11-10 09:01:00 UTC', 'short', '3'],
  ];
  it('drops the declared columns in order before cutting the rest, cut cells end in …', () => {
    const text = table(header, rows, new Set([3]), undefined, { width: 80, drop: [1, 2] });
    expect(widest(text)).toBeLessThanOrEqual(80);
    expect(text.split('\n')[0]).toMatch(/^ID\s+NOTE\s+N$/u);
    expect(text).toContain('…');
    expect(text.split('\n')[1]).toMatch(/^sess-a+…/u);
    expect(text.split('\n')[1]!.trimEnd().endsWith('12')).toBe(true);
    // Narrower still: the next declared column goes too.
    const narrower = table(header, rows, new Set([3]), undefined, { width: 40, drop: [1, 2] });
    expect(narrower.split('\n')[0]).toMatch(/^ID\s+N$/u);
    expect(widest(narrower)).toBeLessThanOrEqual(40);
  });
  it('keeps every column whole without a width', () => {
    const text = table(header, rows, new Set([3]));
    expect(text).toContain(rows[0]![0]!);
    expect(text).toContain(rows[0]![2]!);
  });
});

describe('the width decision', () => {
  it.each([
    ['a terminal: its columns', undefined, { isTTY: true, columns: 93 }, 93],
    ['a pipe: no limit', undefined, { isTTY: false, columns: undefined }, 0],
    ['a file: no limit', undefined, {}, 0],
    ['--width on a pipe', 80, { isTTY: false }, 80],
    ['--width on a terminal', 60, { isTTY: true, columns: 200 }, 60],
    ['--width 0 on a terminal: no limit', 0, { isTTY: true, columns: 80 }, 0],
  ] as const)('%s', (_name, flag, stream, expected) => {
    expect(widthWanted({ flag, stream })).toBe(expected);
  });
});

function finding(over: Partial<Finding>): Finding {
  return {
    ruleId: 'history-truncation',
    messageId: 'historyDropped',
    severity: 'warn',
    message: 'Turn 4: turn 1 is no longer in the model input of "Chat" (it keeps the last 3 turns).',
    sessionId: 's1',
    traceId: 'tr-0001',
    spanId: null,
    turn: 4,
    path: '$.data.spans[1]',
    relatedTurns: [],
    evidence: [{ traceId: 'tr-0001', spanId: null, turn: 4, path: null, kind: 'span', label: 'model input' }],
    suggestion: null,
    fingerprint: 'f',
    role: null,
    ...over,
  } as Finding;
}

function report(findings: Finding[]): AnalyzeReport {
  return {
    findings,
    sessions: ['s1', 's2', 's3'].map((id) => ({ id, turns: 9, user: null, turnTraceIds: [] })),
    tracesWithoutSession: 0,
    withoutSessionTraceIds: [],
    traces: 27,
    duplicates: 0,
    outsideSelection: 0,
    rejected: 0,
    rules: ['error-propagation', 'history-truncation'],
    config: null,
    failOn: 'error',
    failed: true,
  };
}

describe('analyze text: compact, quiet, verbose', () => {
  const root = finding({
    ruleId: 'error-propagation',
    messageId: 'rootCause',
    severity: 'error',
    role: 'rootCause',
    sessionId: 's2',
    turn: 2,
    message: 'Turn 2 is where the conversation went wrong: correctness = false.',
    evidence: [{ traceId: 'tr-9', spanId: null, turn: 2, path: null, kind: 'assessment', label: 'correctness = false: wrong policy' }],
    relatedTurns: [3, 4],
  });
  const repeated = [
    finding({ sessionId: 's1', turn: 4, traceId: 'tr-a1', message: 'Turn 4: turn 1 is no longer in the model input of "Chat" (it keeps the last 3 turns).' }),
    finding({ sessionId: 's1', turn: 5, traceId: 'tr-a2', message: 'Turn 5: turn 2 is no longer in the model input of "Chat" (it keeps the last 3 turns).' }),
    finding({ sessionId: 's2', turn: 7, traceId: 'tr-b1', message: 'Turn 7: turn 4 is no longer in the model input of "Chat" (it keeps the last 3 turns).' }),
  ];
  const other = finding({ sessionId: 's1', turn: 6, message: 'Turn 6: turn 3 is no longer in the model input of "Other" (it keeps the last 3 turns).' });
  const r = report([...repeated.slice(0, 2), other, root, repeated[2]!]);

  it('one line per session with its verdict, the root cause from its role', () => {
    const lines = analyzeText(r).split('\n');
    expect(lines[0]).toBe('analyze: 3 sessions · 1 went wrong · 1 with warnings or notes · 1 ok');
    expect(lines[1]).toBe('▲ s1  no error · 3 warn');
    expect(lines[2]).toBe('✖ s2  went wrong at turn 2: error-propagation — correctness = false: wrong policy (2 later turns built on it)');
    expect(lines[3]).toBe('✓ s3  ok');
  });

  it('folds findings of one shape across turns and sessions into one line with a count', () => {
    const text = analyzeText(r);
    expect(text).toContain('other findings (4, 2 repeats folded)');
    expect(text).toContain('  ▲ warn   history-truncation  ×3 in 2 sessions, e.g. s1 turn 4  Turn 4: turn 1 is no longer');
    // Another model's name is another shape: its own line.
    expect(text).toContain('  ▲ warn   history-truncation  s1 turn 6  Turn 6: turn 3 is no longer in the model input of "Other"');
    // The root cause stands on its session's line, not again below.
    expect(text.match(/correctness = false/gu)).toHaveLength(1);
  });

  it('--quiet: error findings only, then the summary', () => {
    const text = analyzeText(r, undefined, 'quiet');
    expect(text.split('\n')).toEqual([
      'errors (1)',
      '  ✖ error  error-propagation  s2 turn 2  Turn 2 is where the conversation went wrong: correctness = false.',
      '',
      expect.stringMatching(/^5 findings: 1 error, 4 warn, 0 info/u),
      '',
    ]);
  });

  it('counts the traces without a session a folded line is about, each once, from the list or from the grouped traces', () => {
    const loose = (traceId: string, turn: number): Finding =>
      finding({ sessionId: null, turn: null, traceId, message: `Turn ${turn}: turn 1 is no longer in the model input of "Chat" (it keeps the last 3 turns).` });
    // Five findings of one shape about three traces (one with three of them), after a session's.
    const findings = [other, loose('tr-x', 4), loose('tr-x', 5), loose('tr-y', 4), loose('tr-x', 6), loose('tr-z', 9)];
    const listed = { ...report(findings), tracesWithoutSession: 4, withoutSessionTraceIds: ['tr-w', 'tr-x', 'tr-y', 'tr-z'] };
    const line = '  ▲ warn   history-truncation  ×5 in 3 traces, e.g. trace tr-x  Turn 4: turn 1 is no longer';
    expect(analyzeText(listed)).toContain(line);
    // As the engine hands them, grouped by trace (the findings about each read with it).
    const grouped = ['tr-w', 'tr-x', 'tr-y', 'tr-z'].map((traceId) => ({ traceId, findings: findings.filter((f) => f.traceId === traceId && f.sessionId === null) }));
    expect(analyzeText({ ...listed, withoutSessionTraces: grouped })).toContain(line);
  });

  it('--verbose: every finding with its location and evidence', () => {
    const text = analyzeText(r, undefined, 'verbose');
    expect(text.match(/\[history-truncation\/historyDropped\]/gu)).toHaveLength(4);
    expect(text).toContain('      at trace tr-a1 · $.data.spans[1]');
    expect(text).toContain('      - correctness = false: wrong policy  (turn 2)');
  });
});

// ---- the real binary at 80 columns ---------------------------------------------------------

const LONG_ID = `sess-${'长'.repeat(30)}-😀-${'x'.repeat(60)}`;
const WIDE = `日本語のメッセージ 😀🎉 ${'très long message '.repeat(30)} 👨‍👩‍👧 终`;

function wideTrace(key: string, session: string, time: number): TraceSpec {
  return {
    key,
    session,
    user: `用户-${'ü'.repeat(40)}`,
    time,
    state: 'ERROR',
    spans: [
      {
        id: 'b0b0b0b0b0b0b0b0',
        name: `agent ${'代理'.repeat(30)}`,
        type: 'AGENT',
        inputs: { messages: [{ role: 'user', content: WIDE }] },
        outputs: { choices: [{ message: { role: 'assistant', content: WIDE } }] },
        status: 'ERROR',
        statusMessage: WIDE,
        end: 50,
      },
    ],
    assessments: [{ name: 'correctness', value: false, rationale: WIDE, source: 'LLM_JUDGE', sourceId: 'judge' }],
  };
}

let ws: Workspace;
let wideFile: string;
let wideTraceId: string;

beforeAll(() => {
  ws = makeWorkspace('tracetriage-width-');
  const traces = [
    makeTrace(wideTrace('w1', LONG_ID, 1_800_000_000_000)),
    makeTrace(wideTrace('w2', LONG_ID, 1_800_000_060_000)),
    makeTrace(wideTrace('w3', `sess-${'😀'.repeat(50)}`, 1_800_000_120_000)),
  ];
  wideTraceId = (traces[0]!.info as { trace_id: string }).trace_id;
  wideFile = ws.write('wide.jsonl', traces.map((t) => JSON.stringify(t)).join('\n') + '\n');
});

afterAll(() => ws.cleanup());

describe('every text command fits 80 columns', () => {
  const commands: Array<[string, () => string[]]> = [
    ['analyze samples', () => ['analyze', 'samples/']],
    ['analyze --verbose samples', () => ['analyze', 'samples/', '--verbose']],
    ['analyze --quiet samples', () => ['analyze', 'samples/', '--quiet']],
    ['analyze wide', () => ['analyze', wideFile]],
    ['analyze --verbose wide', () => ['analyze', wideFile, '--verbose']],
    ['analyze --quiet wide', () => ['analyze', wideFile, '--quiet']],
    ['sessions samples', () => ['sessions', 'samples/']],
    ['sessions wide', () => ['sessions', wideFile]],
    ['session samples', () => ['session', 'sess-refund-7f3a', 'samples/']],
    ['session wide', () => ['session', LONG_ID, wideFile]],
    ['trace samples', () => ['trace', 'tr-13cfe5b30981a23e50c077e461f6a2e6', 'samples/', '--attributes']],
    ['trace wide', () => ['trace', wideTraceId, wideFile, '--attributes']],
    ['search samples (table)', () => ['search', 'samples/']],
    ['search wide (table)', () => ['search', wideFile]],
    ['search --extract-fields wide', () => ['search', wideFile, '--extract-fields', 'info.trace_id,info.request_preview']],
    ['stats samples', () => ['stats', 'samples/']],
    ['stats wide', () => ['stats', wideFile]],
    ['validate samples', () => ['validate', 'samples/']],
    ['validate wide', () => ['validate', wideFile]],
    ['rules', () => ['rules']],
    ['--help', () => ['--help']],
    ['analyze --help', () => ['analyze', '--help']],
    ['search --help', () => ['search', '--help']],
  ];
  it.concurrent.each(commands)('%s', async (_name, args) => {
    const [narrow, full] = await Promise.all([runCliAsync([...args(), '--width', String(WIDTH)]), runCliAsync(args())]);
    expect(narrow.stderr).not.toMatch(/internal error|at .*\.js:\d+/u);
    expect(narrow.status).toBe(full.status);
    expect(narrow.stdout.length).toBeGreaterThan(0);
    const too = narrow.stdout.split('\n').filter((line) => columns(line) > WIDTH);
    expect(too).toEqual([]);
    // Not vacuous: where the full output is wider, the narrow one changed, and what it cut says so
    // with `…` (a wrapped line keeps its words; a dropped column leaves the header).
    if (widest(full.stdout) > WIDTH) {
      expect(narrow.stdout).not.toBe(full.stdout);
      const ellipses = (text: string): number => text.split('…').length;
      const wrapped = narrow.stdout.split('\n').length > full.stdout.split('\n').length;
      const dropped = narrow.stdout.split('\n')[0] !== full.stdout.split('\n')[0];
      expect(ellipses(narrow.stdout) > ellipses(full.stdout) || wrapped || dropped).toBe(true);
    }
  });

  it('a long session id is cut in the sessions table with …', async () => {
    const run = await runCliAsync(['sessions', wideFile, '--width', '80']);
    const row = run.stdout.split('\n').find((line) => line.startsWith('sess-长'));
    expect(row).toMatch(/^sess-长+…\s/u);
  });

  it('a pipe keeps whole lines unless --width says otherwise', async () => {
    const run = await runCliAsync(['sessions', wideFile]);
    // The table's own cap on ids (48 code points) holds; no terminal width is applied.
    expect(run.stdout).toContain(LONG_ID.slice(0, 40));
    expect(run.stdout.split('\n')[0]).toContain('LAST');
    expect(widest(run.stdout)).toBeGreaterThan(WIDTH);
  });

  it.concurrent.each([
    ['get', () => ['get', '--trace-id', wideTraceId, wideFile]],
    ['query', () => ['query', '$.info.trace_id', wideFile]],
    ['search --output json', () => ['search', wideFile, '--output', 'json']],
  ])('%s prints JSON: --width leaves it byte for byte', async (_name, args) => {
    const [narrow, full] = await Promise.all([runCliAsync([...args(), '--width', '80']), runCliAsync(args())]);
    expect(narrow.status).toBe(0);
    expect(narrow.stdout).toBe(full.stdout);
  });
});

describe('--quiet and --verbose on stderr', () => {
  it('--quiet: no notes on stderr; the default says them', async () => {
    const [quiet, normal] = await Promise.all([runCliAsync(['sessions', 'samples/', '--quiet']), runCliAsync(['sessions', 'samples/'])]);
    expect(normal.stderr).toContain('skipped: not trace exports');
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe(normal.stdout);
  });

  it('--quiet keeps errors on stderr', async () => {
    const bad = ws.write('bad.jsonl', '{"info": 1}\n');
    const run = await runCliAsync(['stats', bad, '--quiet']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/exit|rejected|could not/u);
  });

  it('--verbose lists every rejected record; the default stops at ten', async () => {
    const bad = ws.write('many-bad.jsonl', '{"info": not json}\n'.repeat(14));
    const [verbose, normal] = await Promise.all([runCliAsync(['search', bad, '--verbose']), runCliAsync(['search', bad])]);
    expect(normal.stderr).toContain('… and 4 more rejected records');
    expect(verbose.stderr).not.toContain('more rejected records');
    expect(verbose.stderr.match(/many-bad\.jsonl:\d+/gu)?.length).toBeGreaterThanOrEqual(14);
  });

  it('--quiet and --verbose together are a usage error', async () => {
    const run = await runCliAsync(['analyze', 'samples/', '--quiet', '--verbose']);
    expect(run.status).toBe(2);
  });
});
