import type { Code, InlineCode, Root, Table } from 'mdast';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/analyze/findings.js';
import { reportInputs } from '../../src/engine/report/report.js';
import type { ReportData, ReportSession, ReportTurn, SessionLine } from '../../src/engine/report/data.js';
import { selectRules } from '../../src/engine/analyze/rule-set.js';
import type { VerdictDigest } from '../../src/model/digest-types.js';
import { reproduceCommands } from '../../src/report/ticket/commands.js';
import { excerpt, utf8Bytes } from '../../src/shared/text.js';
import { fenceBody, mdCode, mdFence, mdInline } from '../../src/shared/escape/markdown.js';
import { reportMarkdown, ReportTooLargeError } from '../../src/report/ticket/markdown/report.js';
import { expectGolden } from '../helpers/golden.js';
import { expectInertMarkdown, mdNodes, parseMarkdown, plainText } from '../helpers/markdown-inert.js';
import { REPO_ROOT, runCliAsync } from '../helpers/make-inputs.js';

// The Markdown ticket report: trace text stays inert on GitHub and GitLab, the report stays within
// --max-bytes by cutting payloads before structure, and samples/ renders as the golden files say.
// The output is parsed with micromark + mdast-util-gfm: a CommonMark and GFM parser that follows
// the spec cmark-gfm (GitHub's parser) implements, so "the table has 8 cells per row" and "this
// fence holds exactly the excerpt" are checked on a real syntax tree, not on regular expressions.

/** The syntax tree GitHub would build (GFM: tables, strikethrough, autolink literals, footnotes, task lists). */
const parse = parseMarkdown;
const nodes = mdNodes;

/** HTML our own renderer writes; anything else in the tree came from trace text. */
const OWN_HTML = [/^<!-- -->$/u, /^<br>$/u, /^<span>$/u, /^<\/span>$/u, /^<\/details>$/u, /^<details><summary>Turn \d+: what the user said and the answer<\/summary>$/u];
/** Bold words our own renderer writes. */
const OWN_STRONG = /^(error|fail|root cause|\d+ root causes?|Root cause: turn \d+|Why it failed:|User:?|Answer:?|Tool calls|Assessments|Scorer errors|Error spans|Findings on this turn|Suggestion:)$/u;

/** The report's own markup: see {@link expectInertMarkdown} for what holds of any report. */
function expectInert(md: string): Root {
  return expectInertMarkdown(md, { html: OWN_HTML, strong: OWN_STRONG });
}

// ---- escapers -----------------------------------------------------------------------------

describe('mdInline', () => {
  it.each([
    ['plain words stay as they are', 'The answer, 30% off. Hi! lookup_order', 'The answer, 30% off. Hi! lookup_order'],
    ['table and code characters', 'a | b `c` \\ *d*', 'a \\| b \\`c\\` \\\\ \\*d\\*'],
    ['HTML becomes entities', '<script>alert(1)</script> & <img src=x onerror=y>', '&lt;script&gt;alert(1)&lt;/script&gt; & &lt;img src=x onerror=y&gt;'],
    ['mentions: escaped for GitLab, split for GitHub', '@everyone @org/team a@b.example', '\\@<!-- -->everyone \\@<!-- -->org/team a\\@<!-- -->b.example'],
    ['GitLab references (the second colon of an emoji code needs no escape once the first has one)', '#1 !2 ~bug %v1 &3 ^4 :smile:', '\\#<!-- -->1 \\!2 \\~bug \\%v1 \\&3 \\^4 \\:smile:'],
    ['math in spans', '$x$ costs $5', '<span>\\$</span>x<span>\\$</span> costs <span>\\$</span>5'],
    ['links and autolinks', '[a](javascript:alert(1)) http://e.example www.e.example', '\\[a\\](javascript\\:alert(1)) http<!-- -->\\://e.example www<!-- -->.e.example'],
    ['underscores: inside a word they cannot emphasise', '_x_ snake_case __y__', '\\_x\\_ snake_case \\_\\_y\\_\\_'],
    ['line breaks as <br> (after which nothing starts a block), CRLF once', 'one\r\n# two\rthree\nfour', 'one<br># two<br>three<br>four'],
    ['GitLab inline diff', '{+ added +} [- gone -]', '\\{+ added +\\} \\[- gone -\\]'],
    ['a list marker at the start', '- item', '\\- item'],
    ['an ordered list marker at the start', '12. item', '12\\. item'],
    ['a setext underline at the start', '=== x', '\\=== x'],
    ['a heading at the start', '# heading', '\\# heading'],
    ['control and bidi characters are shown, tabs are spaces', 'a\u001b[31mb\u202ec\u200bd\te', 'a\\\\u\\{1b\\}\\[31mb\\\\u\\{202e\\}c\\\\u\\{200b\\}d e'],
    ['an entity stays text', '&amp; &#64;', '\\&amp; \\&\\#<!-- -->64;'],
  ])('%s', (_name, input, expected) => {
    expect(mdInline(input)).toBe(expected);
  });

  it('renders as the text itself (control characters as their escapes), with nothing but text and our HTML', () => {
    const hostile = 'a | b `c` \\ *d* _e_ @all #1 !2 ~x %m &e ^r :s: $y$ [l](u) <b>&amp; http://h.example www.w.example';
    const tree = parse(`| x |\n|---|\n| ${mdInline(hostile)} |\n`);
    const cell = (tree.children[0] as Table).children[1]!.children[0]!;
    expect(cell.children.every((n) => n.type === 'text' || n.type === 'html')).toBe(true);
    expect(plainText(cell)).toBe(hostile);
  });
});

describe('mdCode', () => {
  it.each([
    ['plain', 'sess-1', 'inline', '`sess-1`'],
    ['a backtick inside: a longer delimiter', 'a`b', 'inline', '``a`b``'],
    ['backticks at the ends: padded', '`x``', 'inline', '``` `x`` ```'],
    ['spaces at both ends: padded so they stay', ' x ', 'inline', '`  x  `'],
    ['a line break is shown, not kept', 'a\nb', 'inline', '`a\\u{a}b`'],
    ['empty', '', 'inline', '(empty)'],
    ['a pipe in a table: escaped prose instead', 'a|b', 'table', 'a\\|b'],
    ['a pipe and a line break in a table: the break shown as in code', 'a|\nb', 'table', 'a\\|\\\\u\\{a\\}b'],
    ['a pipe outside a table stays code', 'a|b', 'inline', '`a|b`'],
  ] as const)('%s', (_name, input, where, expected) => {
    expect(mdCode(input, where)).toBe(expected);
  });

  it.each(['a`b', '`x``', ' x ', '```', '@everyone', '<script>'])('%j reads back exactly as a code span', (text) => {
    const paragraph = parse(`x ${mdCode(text)} y`).children[0]!;
    const code = nodes(paragraph).filter((n): n is InlineCode => n.type === 'inlineCode');
    expect(code.map((c) => c.value)).toEqual([text]);
  });
});

describe('mdFence', () => {
  it.each([
    ['plain text', 'hello\nworld', '```'],
    ['a fence inside: a longer one', 'a\n```\n# not a heading\n```', '````'],
    ['a long backtick run', 'x ``````` y', '````````'],
    ['a closing HTML tag and a tilde fence', '</details>\n~~~\n<script>', '```'],
  ])('%s', (_name, text, fence) => {
    const lines = mdFence(text);
    expect(lines[0]).toBe(`${fence}text`);
    expect(lines[lines.length - 1]).toBe(fence);
    const tree = parse(`before\n\n${lines.join('\n')}\n\nafter\n`);
    expect(tree.children.map((n) => n.type)).toEqual(['paragraph', 'code', 'paragraph']);
    expect((tree.children[1] as Code).value).toBe(text);
  });

  it('keeps tabs and line breaks, shows other control characters, reads CR and CRLF as LF', () => {
    expect(fenceBody('a\tb\r\nc\rd\u001b[0m\u202e\n\n')).toBe('a\tb\nc\nd\\u{1b}[0m\\u{202e}');
  });
});

describe('excerpt', () => {
  it.each([
    ['short enough: unchanged', 'abc', 3, 'abc'],
    ['cut with the engine’s marker', 'abcdef', 4, 'abcd… [cut, 2 chars]'],
    ['an earlier cut is counted too', 'abcdef… [cut, 10 chars]', 2, 'ab… [cut, 14 chars]'],
    ['never inside an emoji sequence', 'ab👩‍👩‍👧cd', 4, 'ab… [cut, 7 chars]'],
    ['never inside a surrogate pair', 'a😀b', 2, 'a😀… [cut, 1 chars]'],
    ['big counts grouped like the engine', 'x'.repeat(1500), 10, `${'x'.repeat(10)}… [cut, 1 490 chars]`],
  ])('%s', (_name, text, max, expected) => {
    expect(excerpt(text, max)).toBe(expected);
  });
});

describe('utf8Bytes', () => {
  it.each(['', 'ascii', 'é€', '😀', 'a\ud800b', '\udc00'])('counts %j like Buffer.byteLength', (text) => {
    expect(utf8Bytes(text)).toBe(Buffer.byteLength(text));
  });
});

// ---- a hostile report ----------------------------------------------------------------------

/** Every trick at once: Markdown, HTML, GitLab and GitHub references, control characters. */
const HOSTILE = [
  'a | b || c',
  '```\n# heading\n```',
  '</details><script>alert(1)</script>',
  '@everyone @channel @org/team hello@example.com',
  '#1 !1 ~x ~~strike~~ %milestone $x$ $$y$$ &epic ^ref :smile:',
  '[link](javascript:alert(1)) ![img](http://evil.example/x.png) <http://evil.example>',
  '<img src=x onerror=alert(1)>',
  'line\r\n# heading\r- item\n1. first\n> quote\n=====\n    indented',
  'esc \u001b[31mred\u001b[0m bell \u0007 nul \u0000',
  'bidi \u202eevil\u202c zero\u200bwidth',
  'http://evil.example www.evil.example',
  '\\ backslash \\| pipe `tick` ``double``',
  '*em* _em_ **strong** __strong__ {+ added +} [- gone -]',
  '&amp; &lt;b&gt; &#64; | --- | --- |',
].join('\n');
/** One line of it, for ids and names. */
const ID = 'sess|`x`<b>@everyone #1 $a$ [l](u)\n# h';

function verdict(over: Partial<VerdictDigest>): VerdictDigest {
  return {
    index: 0,
    name: ID,
    level: 'turn',
    levelBasis: 'default',
    polarity: 'fail',
    polarityBasis: 'table',
    value: '"<script>|"',
    rationale: HOSTILE,
    sourceType: 'LLM_JUDGE',
    sourceId: '@judge',
    spanId: null,
    effective: true,
    ineffective: null,
    overriddenByHuman: null,
    ...over,
  };
}

function finding(over: Partial<Finding>): Finding {
  return {
    ruleId: 'error-propagation',
    messageId: 'rootCause',
    severity: 'error',
    message: HOSTILE,
    sessionId: ID,
    traceId: `tr-${ID}`,
    spanId: ID,
    turn: 1,
    path: `$.data.spans[0]['${ID}']`,
    relatedTurns: [2],
    evidence: [{ traceId: `tr-${ID}`, spanId: ID, turn: 1, path: `$['${ID}']`, kind: 'failure', label: HOSTILE }],
    suggestion: `fix ${HOSTILE}`,
    fingerprint: '0000000000000001',
    role: 'rootCause',
    ...over,
  };
}

function turn(number: number, over: Partial<ReportTurn>): ReportTurn {
  return {
    number,
    traceId: `tr-${number}-${ID}`,
    status: 'passed',
    detailed: true,
    failure: null,
    state: 'OK',
    timeMs: 1794301204218 + number * 60_000,
    gapMs: number === 1 ? null : 60_000,
    durationMs: 1234,
    userText: HOSTILE,
    answerText: HOSTILE,
    toolCalls: [{ name: ID, arguments: HOSTILE }],
    textsCut: false,
    assessmentsOmitted: 0,
    io: { spanId: ID, name: ID, selection: 'descendant', wrapperChain: [ID] },
    verdicts: [verdict({})],
    scorerErrors: [{ index: 1, name: ID, level: 'turn', levelBasis: 'default', code: 'RATE|LIMIT', message: HOSTILE, spanId: null, superseded: false }],
    errors: [{ spanId: ID, name: ID, depth: 1, statusMessage: HOSTILE, exception: { type: '<Err>', message: HOSTILE }, recovered: false }],
    errorSpanCount: 3,
    waterfall: { totalMs: 1234, spans: [], omitted: 0 },
    ...over,
  };
}

function line(id: string, over: Partial<SessionLine> = {}): SessionLine {
  return { id, user: ID, experiments: [ID], turns: 2, findings: 3, worst: 'error', rootCauseTurns: [1], failedTurns: 2, firstTimeMs: 1794301264218, durationMs: 60_000, ...over };
}

function hostileData(): ReportData {
  const session: ReportSession = {
    ...line(ID),
    sessionVerdicts: [{ turn: 1, traceId: `tr-${ID}`, verdict: verdict({ level: 'session', levelBasis: 'scorer-name' }) }],
    sessionScorerErrors: [{ turn: 2, traceId: `tr-${ID}`, error: { index: 3, name: ID, level: 'session', levelBasis: 'metadata', code: null, message: HOSTILE, spanId: null, superseded: true } }],
    turnList: [turn(1, { status: 'root-cause', failure: HOSTILE }), turn(2, { status: 'passed', toolCalls: [], answerText: '' })],
  };
  return {
    inputs: [`dump ${ID}.json`, '$(rm -rf ~)'],
    sessionFilter: [],
    summary: {
      traces: 4,
      sessions: 2,
      turns: 3,
      tracesWithoutSession: 1,
      failedWithoutSession: 0,
      duplicates: 2,
      outsideSelection: 0,
      rejected: 1,
      findings: 5,
      bySeverity: { error: 1, warn: 3, info: 1 },
      rootCauses: 1,
      rules: ['error-propagation'],
      config: `${ID}.json`,
    },
    sessions: [session],
    otherSessions: [line(`other ${ID}`, { user: null, worst: null, rootCauseTurns: [], failedTurns: 0, turns: 1, findings: 0 })],
    findings: [
      finding({ turn: null, messageId: 'sessionAssessmentFailed', role: null, severity: 'warn', fingerprint: '0000000000000002', suggestion: null }),
      finding({}),
      finding({ turn: 2, messageId: 'inheritedFailure', role: 'inherited', severity: 'warn', fingerprint: '0000000000000003' }),
      finding({ sessionId: null, ruleId: 'missing-session-id', messageId: 'noSessionId', role: null, severity: 'warn', turn: null, fingerprint: '0000000000000004' }),
      finding({
        sessionId: null,
        traceId: null,
        spanId: null,
        turn: null,
        ruleId: 'scorer-error-assessment',
        messageId: 'scorerTotals',
        role: null,
        severity: 'info',
        fingerprint: '0000000000000005',
      }),
    ],
  };
}

describe('a report of hostile trace text', () => {
  const data = hostileData();
  const md = reportMarkdown(data, { maxBytes: 1_000_000 });
  const tree = expectInert(md);
  const all = nodes(tree);

  it('keeps every table row whole: the overview lists both sessions, the turn table both turns', () => {
    const tables = all.filter((n): n is Table => n.type === 'table');
    expect(tables.map((t) => [t.children.length, t.children[0]!.children.length])).toEqual([
      [3, 8],
      [3, 6],
    ]);
    // The ids read back exactly (control characters as their escapes), in the right cells.
    expect(plainText(tables[0]!.children[1]!.children[0]!)).toBe(ID.replace('\n', '\\u{a}'));
    expect(plainText(tables[0]!.children[2]!.children[0]!)).toBe(`other ${ID}`.replace('\n', '\\u{a}'));
  });

  it('puts each text in a fence that holds exactly the excerpt, and no trace text in any other fence', () => {
    const commands = reproduceCommands(data.inputs);
    const id = data.sessions[0]!.id;
    const fences = all.filter((n): n is Code => n.type === 'code').map((c) => [c.lang, c.value]);
    const text = fenceBody(HOSTILE);
    expect(fences).toEqual([
      ['sh', [commands.session(id), commands.analyzeSession(id), commands.report(id, 'markdown')].map((c) => c.replaceAll('\n', '\\u{a}')).join('\n')],
      ['text', text],
      ['text', text],
      ['text', fenceBody(`${ID}(${HOSTILE})`)],
      ['text', text],
    ]);
  });

  it('makes headings only of its own structure, whatever the texts say', () => {
    const headings = all.filter((n) => n.type === 'heading').map((h) => `${'#'.repeat(h.depth)} ${plainText(h)}`);
    const shown = ID.replace('\n', '\\u{a}');
    expect(headings).toEqual([
      '# Trace triage: 1 root cause in 2 sessions',
      '## Sessions',
      `## Session ${shown}`,
      '### Session-level assessments',
      '### Findings about the session',
      '### Turns',
      '#### Turn 1 · root cause',
      '#### Turn 2 · passed',
      '## Traces without a session',
      '## About the whole dump',
    ]);
  });

  it('highlights the root cause in an alert, with its evidence as a list', () => {
    const alert = tree.children.find((n) => n.type === 'blockquote' && plainText(n).startsWith('[!CAUTION]'));
    expect(alert).toBeDefined();
    const list = alert!.type === 'blockquote' ? alert!.children.find((n) => n.type === 'list') : undefined;
    expect(list?.children.length).toBe(1);
    expect(plainText(list!)).toContain(HOSTILE.split('\n')[0]);
  });

  it('escapes every GitLab reference character of trace text outside code', () => {
    // Drop code, fences and our own constructs; what is left of trace text must have each
    // reference character either escaped or followed by a space (`:` is left out: our own words
    // have colons, and an emoji code is all it could start).
    let rest = md;
    const code = all.filter((n) => n.type === 'code' || n.type === 'inlineCode').map((n) => n.position!);
    for (const p of code.reverse()) rest = rest.slice(0, p.start.offset!) + rest.slice(p.end.offset!);
    rest = rest
      .replace(/^#+ /gmu, '')
      .replace(/^> \[!(CAUTION|NOTE)\]$/gmu, '')
      .replace(/<!-- -->|<span>\\\$<\/span>|&lt;|&gt;/gu, '');
    expect(rest).not.toMatch(/(?<!\\)(?:\\\\)*[@#!~%^&][^\s]/u);
    expect(rest).not.toContain('$');
  });

  it('quotes the reproduce commands for the shell, in code', () => {
    expect(md).toContain("Reproduce every finding: ``tracetriage analyze 'dump sess|`x`<b>@everyone #1 $a$ [l](u)\\u{a}# h.json' '$(rm -rf ~)'``");
  });
});

// ---- the budget ----------------------------------------------------------------------------

async function samplesData(sessions?: string[]): Promise<ReportData> {
  const selection = selectRules({}, []);
  return reportInputs(['samples/'], {
    rules: selection.rules,
    severityOverride: selection.severityOverride,
    maxSessions: 20,
    config: null,
    rejected: () => 0,
    ...(sessions ? { sessions } : {}),
  });
}

/** 200 sessions of three turns, each text 10 KB, each session with a root cause and a finding per turn. */
function hugeData(): ReportData {
  const big = (seed: number): string => `${seed} `.padEnd(10_000, 'lorem ipsum | `x` @all ');
  const sessions: ReportSession[] = Array.from({ length: 200 }, (_, s) => ({
    ...line(`sess-${s}`),
    turns: 3,
    turnList: [1, 2, 3].map((n) => turn(n, { traceId: `tr-${s}-${n}`, userText: big(n), answerText: big(n + 1), toolCalls: [], status: n === 1 ? 'root-cause' : 'inherited', failure: big(n + 2) })),
    sessionVerdicts: [],
    sessionScorerErrors: [],
  }));
  const findings = sessions.flatMap((s) => [
    finding({ sessionId: s.id, traceId: `tr-${s.id}-1`, message: 'root', fingerprint: `${s.id}-r` }),
    ...[2, 3].map((n) => finding({ sessionId: s.id, turn: n, messageId: 'inheritedFailure', role: 'inherited', severity: 'warn', message: big(n), fingerprint: `${s.id}-${n}` })),
  ]);
  const loose = Array.from({ length: 500 }, (_, i) =>
    finding({ sessionId: null, turn: null, traceId: `tr-loose-${i}`, ruleId: 'missing-session-id', messageId: 'noSessionId', role: null, severity: 'warn', fingerprint: `l${i}` }),
  );
  const base = hostileData();
  return {
    ...base,
    inputs: ['dump.jsonl'],
    summary: { ...base.summary, sessions: 1200, traces: 4000 },
    sessions,
    otherSessions: Array.from({ length: 1000 }, (_, i) => line(`other-${i}`)),
    findings: [...findings, ...loose],
  };
}

/** Headings in order, as `depth text`. */
function headings(md: string): string[] {
  return nodes(parse(md))
    .filter((n) => n.type === 'heading')
    .map((h) => `${h.depth} ${plainText(h)}`);
}

describe('--max-bytes', () => {
  it.each([
    { name: 'samples', max: 60_000, sessions: 4, note: null },
    { name: 'samples', max: 25_500, sessions: 4, note: 'texts cut to 200 characters' },
    { name: 'samples', max: 20_000, sessions: 4, note: 'texts cut to 80 characters; turn details of 2 sessions left out' },
    {
      name: 'samples',
      max: 8_000,
      sessions: 1,
      note: 'texts cut to 80 characters; 3 sessions in the overview only; 2 sessions left out of the overview; left out of the first session: 3 turns in detail',
    },
    {
      // The room freed by the last cut goes back to what was cut before it: whole excerpts here.
      name: 'samples',
      max: 3_000,
      sessions: 1,
      note: '3 sessions in the overview only; 3 sessions left out of the overview; left out of the first session: 5 turns in detail, session-level assessments, the turn table, 5 evidence lines',
    },
    {
      // Overview rows are cut after whole sessions: the table keeps 284 of 1 200 rows, and the first session is shown whole.
      name: 'huge',
      max: 60_000,
      sessions: 1,
      note: 'texts cut to 80 characters; 199 sessions in the overview only; 500 findings outside the sessions left out; 916 sessions left out of the overview',
    },
  ])('$name at $max bytes: within the budget, structure in order, the cut said', async ({ name, max, sessions, note }) => {
    const data = name === 'huge' ? hugeData() : await samplesData();
    const md = reportMarkdown(data, { maxBytes: max });
    expect(utf8Bytes(md)).toBeLessThanOrEqual(max);
    expect(Buffer.byteLength(md)).toBe(utf8Bytes(md));
    expectInert(md);
    const h = headings(md);
    const sessionHeadings = h.filter((x) => x.startsWith('2 Session '));
    expect(sessionHeadings).toEqual(data.sessions.slice(0, sessions).map((s) => `2 Session ${s.id}`));
    // Title, overview, the sessions, then the findings outside them: in this order.
    const order = ['1 Trace triage', '2 Sessions', '2 Session ', '2 Traces without a session', '2 About the whole dump'];
    const firsts = order.map((prefix) => h.findIndex((x) => x.startsWith(prefix))).filter((i) => i >= 0);
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    const noteLine = md.split('\n').find((l) => l.startsWith('> Cut to fit '));
    if (note === null) expect(noteLine).toBeUndefined();
    else expect(noteLine).toBe(`> Cut to fit ${String(max).replace(/\B(?=(\d{3})+$)/u, ' ')} bytes: ${note}. A larger \`--max-bytes\` keeps more, \`--session <id>\` reports one session.`);
  });

  it('keeps the hostile report inert at every size it can be cut to', () => {
    const data = hostileData();
    const full = utf8Bytes(reportMarkdown(data, { maxBytes: 1_000_000 }));
    let min = 0;
    try {
      reportMarkdown(data, { maxBytes: 1 });
    } catch (error) {
      expect(error).toBeInstanceOf(ReportTooLargeError);
      min = (error as ReportTooLargeError).minBytes;
    }
    expect(min).toBeGreaterThan(0);
    // About 30 sizes from the smallest to the full report, each cut differently.
    for (let max = min; max < full; max += Math.ceil((full - min) / 30)) {
      const md = reportMarkdown(data, { maxBytes: max });
      expect(utf8Bytes(md)).toBeLessThanOrEqual(max);
      expectInert(md);
    }
  });

  it('throws a RangeError with the smallest size that fits, and that size fits exactly', async () => {
    const data = await samplesData();
    let thrown: unknown;
    try {
      reportMarkdown(data, { maxBytes: 1_000 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RangeError);
    const { minBytes, message } = thrown as ReportTooLargeError;
    expect(message).toBe(`the smallest Markdown report of this input takes ${String(minBytes).replace(/\B(?=(\d{3})+$)/u, ' ')} bytes, more than 1 000: allow at least ${minBytes}`);
    expect(utf8Bytes(reportMarkdown(data, { maxBytes: minBytes }))).toBe(minBytes);
    expect(() => reportMarkdown(data, { maxBytes: minBytes - 1 })).toThrow(ReportTooLargeError);
  });

  it('is deterministic', async () => {
    const data = await samplesData();
    for (const max of [60_000, 8_000]) expect(reportMarkdown(data, { maxBytes: max })).toBe(reportMarkdown(structuredClone(data), { maxBytes: max }));
  });
});

// ---- golden files, through the real binary ---------------------------------------------------

describe('golden reports of samples/', { timeout: 120_000 }, () => {
  it.each([
    ['report.md', ['report', 'samples/', '--format', 'markdown']],
    ['report-refund.md', ['report', 'samples/', '--session', 'sess-refund-7f3a', '--format', 'markdown']],
  ])('%s', async (name, args) => {
    const run = await runCliAsync(args, { cwd: REPO_ROOT });
    expect(run.status).toBe(0);
    expectInert(run.stdout);
    expectGolden(name, run.stdout);
  });
});
