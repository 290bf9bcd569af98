import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/analyze/findings.js';
import { reportInputs } from '../../src/engine/report/report.js';
import type { ReportData, ReportTurn, Waterfall, WaterfallSpan } from '../../src/engine/report/data.js';
import { selectRules } from '../../src/engine/analyze/rule-set.js';
import { MAX_LOOSE_FINDINGS, MAX_OTHER_SESSIONS_LISTED, reportHtml } from '../../src/report/ticket/html/report.js';
import { REPORT_SCRIPT } from '../../src/report/ticket/html/script.js';
import { REPORT_CSS } from '../../src/report/ticket/html/style.js';
import { waterfallSvg } from '../../src/report/ticket/html/waterfall.js';
import { expectGolden } from '../helpers/golden.js';
import { REPO_ROOT, runCliAsync } from '../helpers/make-inputs.js';

// The HTML report as a pure function: hostile trace text in every field stays text, the
// Content-Security-Policy matches the inline blocks, nothing points off the page, the waterfall
// geometry, and the samples report from the real binary (golden file).

/** Strings that would run, restyle or break out of markup if any field were not escaped. */
const HOSTILE = [
  '<script>window.__pwned=1</script>',
  '</textarea><img src=x onerror="window.__pwned=2">',
  '" onmouseover="window.__pwned=3" x="',
  "' onfocus='window.__pwned=4' autofocus x='",
  '</style><script>window.__pwned=5</script><style>',
  '<svg onload=window.__pwned=6>',
  'javascript:window.__pwned=7',
  '</title></text></svg><a href="//evil.example/x">x</a>',
  '<!-- <![CDATA[ ]]> --!>',
  '&lt;script&gt; &amp; &#x3c;',
];

/** Control, zero-width and bidi characters: shown as `\u{…}`, never written raw. */
const INVISIBLE = 'a\u202eb\u200bc\u0007d\u001b[31me\u2066f\ufeffg\u0085h';
const RAW_INVISIBLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;

/** What escaped text must look like, written out here rather than taken from the renderer. */
function escaped(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const span = (over: Partial<WaterfallSpan>): WaterfallSpan => ({
  spanId: 'sp',
  name: 'span',
  type: 'TOOL',
  depth: 0,
  startMs: 0,
  durationMs: 10,
  status: 'OK',
  turnIo: false,
  error: null,
  ...over,
});

/** Every text field of a report set to `t(<field name>)`, so each field's text is findable. */
function reportWith(t: (field: string) => string): ReportData {
  const finding = (n: string, over: Partial<Finding> = {}): Finding => ({
    ruleId: t(`${n}.ruleId`),
    messageId: t(`${n}.messageId`),
    severity: 'warn',
    message: t(`${n}.message`),
    sessionId: t('session.id'),
    traceId: t(`${n}.traceId`),
    spanId: t(`${n}.spanId`),
    turn: 1,
    path: t(`${n}.path`),
    relatedTurns: [1, 2],
    evidence: [{ traceId: t(`${n}.evidence.traceId`), spanId: t(`${n}.evidence.spanId`), turn: 1, path: t(`${n}.evidence.path`), kind: 'k', label: t(`${n}.evidence.label`) }],
    suggestion: t(`${n}.suggestion`),
    fingerprint: '0123456789abcdef',
    role: null,
    ...over,
  });
  const verdict = (n: string) => ({
    index: 0,
    name: t(`${n}.name`),
    level: 'turn' as const,
    levelBasis: 'default' as const,
    polarity: 'fail' as const,
    polarityBasis: 'table' as const,
    value: t(`${n}.value`),
    rationale: t(`${n}.rationale`),
    sourceType: t(`${n}.sourceType`),
    sourceId: null,
    spanId: t(`${n}.spanId`),
    effective: true,
    ineffective: null,
    overriddenByHuman: null,
  });
  const scorerError = (n: string) => ({
    index: 1,
    name: t(`${n}.name`),
    level: 'turn' as const,
    levelBasis: 'default' as const,
    code: t(`${n}.code`),
    message: t(`${n}.message`),
    spanId: null,
    superseded: false,
  });
  const turn = (number: number, status: ReportTurn['status']): ReportTurn => ({
    number,
    traceId: t(`turn${number}.traceId`),
    status,
    detailed: true,
    failure: t(`turn${number}.failure`),
    state: 'ERROR',
    timeMs: Date.UTC(2026, 10, 10, 9, number),
    gapMs: number === 1 ? null : 60_000,
    durationMs: 1500,
    userText: t(`turn${number}.userText`),
    answerText: t(`turn${number}.answerText`),
    toolCalls: [{ name: t(`turn${number}.tool.name`), arguments: t(`turn${number}.tool.arguments`) }],
    textsCut: true,
    assessmentsOmitted: 0,
    io: { spanId: 'io', name: t(`turn${number}.io.name`), selection: 'descendant', wrapperChain: [t(`turn${number}.io.wrapper`)] },
    verdicts: [verdict(`turn${number}.verdict`)],
    scorerErrors: [scorerError(`turn${number}.scorerError`)],
    errors: [
      {
        spanId: t(`turn${number}.error.spanId`),
        name: t(`turn${number}.error.name`),
        depth: 1,
        statusMessage: 'unused',
        exception: { type: t(`turn${number}.error.type`), message: t(`turn${number}.error.message`) },
        recovered: false,
      },
      { spanId: 'e2', name: 'plain', depth: null, statusMessage: t(`turn${number}.error.statusMessage`), exception: null, recovered: false },
    ],
    errorSpanCount: 3,
    waterfall: {
      totalMs: 1500,
      spans: [
        span({ spanId: t(`turn${number}.wf.spanId`), name: t(`turn${number}.wf.name`), type: t(`turn${number}.wf.type`), turnIo: true }),
        span({ depth: 1, name: t(`turn${number}.wf.errorName`), status: 'ERROR', error: t(`turn${number}.wf.error`), startMs: 100, durationMs: 1200 }),
      ],
      omitted: 2,
    },
  });
  return {
    inputs: [t('input')],
    sessionFilter: [t('sessionFilter')],
    summary: {
      traces: 4,
      sessions: 2,
      turns: 3,
      tracesWithoutSession: 1,
      failedWithoutSession: 0,
      duplicates: 1,
      outsideSelection: 2,
      rejected: 1,
      findings: 5,
      bySeverity: { error: 1, warn: 3, info: 1 },
      rootCauses: 1,
      rules: [t('rule')],
      config: t('config'),
    },
    sessions: [
      {
        id: t('session.id'),
        user: t('session.user'),
        experiments: [t('session.experiment')],
        turns: 2,
        findings: 3,
        worst: 'error',
        rootCauseTurns: [1],
        failedTurns: 2,
        firstTimeMs: Date.UTC(2026, 10, 10, 9, 1),
        durationMs: 61_500,
        sessionVerdicts: [{ turn: 1, traceId: t('turn1.traceId'), verdict: verdict('sessionVerdict') }],
        sessionScorerErrors: [{ turn: 2, traceId: t('turn2.traceId'), error: scorerError('sessionScorerError') }],
        turnList: [turn(1, 'root-cause'), turn(2, 'inherited')],
      },
    ],
    otherSessions: [{ id: t('other.id'), user: t('other.user'), experiments: [], turns: 1, findings: 1, worst: 'info', rootCauseTurns: [], failedTurns: 0, firstTimeMs: null, durationMs: null }],
    findings: [
      finding('root', { ruleId: 'error-propagation', messageId: 'rootCause', role: 'rootCause', severity: 'error', relatedTurns: [2] }),
      finding('sessionFinding', { turn: null }),
      finding('turnFinding', { turn: 2 }),
      finding('otherFinding', { sessionId: t('other.id'), severity: 'info' }),
      finding('looseFinding', { sessionId: null, turn: null, relatedTurns: [] }),
      finding('dumpFinding', { sessionId: null, traceId: null, spanId: null, turn: null, relatedTurns: [] }),
    ],
  };
}

/** Every field `reportWith` fills and the report keeps (found by filling each with its name). */
const FIELDS = (() => {
  const names: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      const m = /^\[(.+)\]$/.exec(value);
      if (m) names.push(m[1]!);
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(reportWith((f) => `[${f}]`));
  // Counted or used only to place things, never shown: the rule ids the summary counts, and the
  // trace ids of evidence and session-level verdicts (the turn they point at shows its own).
  return [...new Set(names)].filter((f) => f !== 'rule' && !f.endsWith('evidence.traceId'));
})();

/** How a field's text must appear: escaped; the inputs only in commands, so shell-quoted first. */
function expectedText(field: string, text: string): string {
  return escaped(field === 'input' ? `'${text.replace(/'/g, `'\\''`)}'` : text);
}

const TAGS = new Set(
  'html head meta title style script body header footer nav section div fieldset legend label input span button table thead tbody tr th td a ol ul li p h1 h2 h3 h4 code pre strong br details summary svg line text g rect'.split(
    ' ',
  ),
);
const ATTRIBUTES = new Set(
  'lang charset http-equiv content name class id href title aria-label aria-labelledby aria-hidden tabindex role scope type value checked hidden open data-severity data-filter-severity data-details viewBox width height x y x1 y1 x2 y2 rx text-anchor'.split(
    ' ',
  ),
);

/**
 * What is wrong with the markup of a page, read as a strict tokenizer would: every tag must be
 * one the renderer writes, with attributes it writes, double-quoted, links only to `#id`; and
 * once tags are taken out, no `<` or `>` may remain in the text. The stylesheet and the script
 * must be exactly the renderer's constants.
 */
function markupProblems(html: string): string[] {
  const problems: string[] = [];
  const style = `<style>${REPORT_CSS}</style>`;
  const script = `<script>${REPORT_SCRIPT}</script>`;
  if (html.split(style).length !== 2) problems.push('the stylesheet is not there exactly once');
  if (html.split(script).length !== 2) problems.push('the script is not there exactly once');
  if (!html.startsWith('<!DOCTYPE html>\n')) problems.push('no doctype');
  const rest = html
    .replace(style, '')
    .replace(script, '')
    .replace('<!DOCTYPE html>', '')
    .replace(/<(\/?)([A-Za-z][A-Za-z0-9]*)((?:\s+[A-Za-z][A-Za-z0-9-]*(?:="[^"<>]*")?)*)\s*\/?>/g, (_, close: string, name: string, attributes: string) => {
      if (!TAGS.has(name)) problems.push(`tag <${close}${name}>`);
      for (const [, attr, value] of attributes.matchAll(/\s+([A-Za-z][A-Za-z0-9-]*)(?:="([^"]*)")?/g)) {
        if (!ATTRIBUTES.has(attr!)) problems.push(`attribute ${attr} on <${name}>`);
        if (attr === 'href' && !/^#[a-z][a-z0-9-]*$/.test(value ?? '')) problems.push(`href="${value}"`);
      }
      return '';
    });
  const raw = rest.match(/.{0,40}[<>].{0,40}/s);
  if (raw) problems.push(`raw < or > in text: ${JSON.stringify(raw[0])}`);
  return problems;
}

describe('reportHtml: trace text stays text', () => {
  it('fills every field (the table below covers them all)', () => {
    const html = reportHtml(reportWith((f) => `[${f}]`));
    expect(FIELDS.length).toBeGreaterThan(60);
    expect(FIELDS.filter((f) => !html.includes(`[${f}]`))).toEqual([]);
    expect(markupProblems(html)).toEqual([]);
  });

  it.each(HOSTILE)('escapes %j in every field', (hostile) => {
    const html = reportHtml(reportWith((f) => `[${f}]${hostile}`));
    expect(markupProblems(html)).toEqual([]);
    expect(FIELDS.filter((f) => !html.includes(expectedText(f, `[${f}]${hostile}`)))).toEqual([]);
    // One script element, ours. (markupProblems has refused any handler, style or src attribute.)
    expect(html.match(/<script/gi)).toHaveLength(1);
  });

  it('shows control, zero-width and bidi characters as escapes and keeps line breaks in texts only', () => {
    const html = reportHtml(reportWith((f) => `[${f}]${INVISIBLE}\nline 2`));
    expect(html).not.toMatch(RAW_INVISIBLE);
    expect(html).toContain('a\\u{202e}b\\u{200b}c\\u{7}d\\u{1b}[31me\\u{2066}f\\u{feff}g\\u{85}h');
    // The user's text keeps its line break in <pre>; a one-line field shows it as an escape.
    expect(html).toContain(`<pre>[turn1.userText]a\\u{202e}b\\u{200b}c\\u{7}d\\u{1b}[31me\\u{2066}f\\u{feff}g\\u{85}h\nline 2</pre>`);
    expect(html).toContain('[session.user]a\\u{202e}b\\u{200b}c\\u{7}d\\u{1b}[31me\\u{2066}f\\u{feff}g\\u{85}h\\u{a}line 2');
  });

  it('makes its own ids: never a session or trace id in an id or a link', () => {
    const html = reportHtml(reportWith((f) => `[${f}]" id="x`));
    const ids = [...html.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]!);
    expect(ids.every((id) => /^[a-z][a-z0-9-]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const targets = [...html.matchAll(/\shref="#([^"]*)"/g)].map((m) => m[1]!);
    expect(targets.filter((t) => !ids.includes(t))).toEqual([]);
  });
});

describe('reportHtml: the page itself', () => {
  const html = reportHtml(reportWith((f) => f));

  it('has a Content-Security-Policy whose hashes are those of the inline style and script', () => {
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    const sha = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(policy?.split('; ')).toEqual(["default-src 'none'", `style-src ${sha(style)}`, `script-src ${sha(script)}`, "base-uri 'none'", "form-action 'none'"]);
    // The policy must be read before the blocks it allows.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
  });

  it('loads nothing: no src, no URL in a link, no url() or @import in the stylesheet', () => {
    expect(html).not.toMatch(/\ssrc=/i);
    expect([...html.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1]).filter((h) => !/^#[a-z][a-z0-9-]*$/.test(h!))).toEqual([]);
    expect(html).not.toMatch(/https?:\/\//);
    expect(REPORT_CSS).not.toMatch(/url\(|@import/);
    expect(REPORT_SCRIPT).not.toMatch(/fetch|XMLHttpRequest|import\(|eval|innerHTML|setAttribute\('style/);
  });

  it('is the same on every run', () => {
    expect(reportHtml(reportWith((f) => f))).toBe(html);
  });
});

describe('reportHtml: a big dump stays a page that opens', () => {
  it('lists the findings of at most MAX_OTHER_SESSIONS_LISTED other sessions and MAX_LOOSE_FINDINGS per section, and says what it left out', () => {
    const base = reportWith((field) => field.replace(/\W/gu, '-'));
    const extra = (n: number, over: Partial<Finding>): Finding[] =>
      Array.from({ length: n }, (_, i) => ({ ...base.findings[0]!, ruleId: 'turn-gap', messageId: 'longPause', role: null, severity: 'info', message: `m${i}`, fingerprint: `f${i}`, ...over }));
    const others = Array.from({ length: MAX_OTHER_SESSIONS_LISTED + 3 }, (_, i) => extra(2, { sessionId: `other-${i}` })).flat();
    const loose = extra(MAX_LOOSE_FINDINGS + 5, { sessionId: null, turn: null });
    const html = reportHtml({ ...base, findings: [...base.findings, ...others, ...loose] });
    const listed = [...html.matchAll(/<h3>Session <code>other-(\d+)<\/code><\/h3>/gu)].map((m) => Number(m[1]));
    // base's own other session comes first, then other-0 …: MAX_OTHER_SESSIONS_LISTED sessions in all.
    expect(listed.length).toBe(MAX_OTHER_SESSIONS_LISTED - 1);
    expect(html).toContain('<p class="muted">8 findings in 4 more sessions not listed here: <code>tracetriage analyze');
    expect(html).toContain('<p class="muted">6 more findings not listed here: <code>tracetriage analyze');
  });
});

describe('waterfallSvg', () => {
  const bars = (w: Waterfall): string[] => [...waterfallSvg(w, 'spans').matchAll(/<rect ([^>]*)\/>/g)].map((m) => m[1]!);
  const cases: Array<[string, Waterfall, string[]]> = [
    [
      'bars placed by start and duration on the axis, the I/O and error spans marked',
      {
        totalMs: 1000,
        spans: [
          span({ startMs: 0, durationMs: 1000, turnIo: true }),
          span({ depth: 1, startMs: 250, durationMs: 500, status: 'ERROR', error: 'E: boom' }),
          span({ depth: 2, startMs: 500, durationMs: 0 }),
        ],
        omitted: 0,
      },
      ['class="bar io" x="320" y="24" width="580" height="12" rx="2"', 'class="bar err" x="465" y="44" width="290" height="12" rx="2"', 'class="bar" x="610" y="64" width="1.5" height="12" rx="2"'],
    ],
    [
      'unknown start across the axis, unfinished from its start, dashed',
      { totalMs: 1000, spans: [span({ startMs: null, durationMs: null }), span({ startMs: 900, durationMs: null })], omitted: 0 },
      ['class="bar unknown" x="320" y="24" width="580" height="12" rx="2"', 'class="bar unknown" x="842" y="44" width="58" height="12" rx="2"'],
    ],
    ['a trace of 0 ms: every bar a line at the start', { totalMs: 0, spans: [span({ startMs: 0, durationMs: 0 })], omitted: 0 }, ['class="bar" x="320" y="24" width="1.5" height="12" rx="2"']],
  ];
  it.each(cases)('%s', (_, waterfall, expected) => {
    expect(bars(waterfall)).toEqual(expected);
  });

  it('names each span in its tooltip, indents by depth and says what was left out', () => {
    const svg = waterfallSvg(
      { totalMs: 2000, spans: [span({ name: 'tool <x>', depth: 3, startMs: 10, durationMs: 1500, status: 'ERROR', error: 'Timeout: "30 s"', turnIo: true })], omitted: 151 },
      'Spans of turn 2',
    );
    expect(svg).toContain('<title>tool &lt;x&gt; · TOOL · 1.50 s · starts at 10 ms · span sp · the turn&#39;s input and output · error: Timeout: &quot;30 s&quot;</title>');
    expect(svg).toContain('<text x="40" y="34" class="err">✗ tool &lt;x&gt;</text>');
    expect(svg).toContain('aria-label="Spans of turn 2: 1 span, 2.00 s"');
    expect(svg).toContain('<p class="muted">151 spans not shown (a waterfall draws at most 1).</p>');
  });

  it('says so when there is nothing to draw', () => {
    expect(waterfallSvg({ totalMs: null, spans: [], omitted: 0 }, 'x')).toBe('<p class="muted">No spans to draw.</p>');
  });
});

describe('the samples report', () => {
  it('shows every session, the strip of each, and one bar per span', async () => {
    const selection = selectRules({}, []);
    const data = await reportInputs(
      ['samples/'].map((p) => join(REPO_ROOT, p)),
      { rules: selection.rules, severityOverride: selection.severityOverride, maxSessions: 20, config: null, rejected: () => 0 },
    );
    const html = reportHtml(data);
    expect(markupProblems(html)).toEqual([]);
    const strip = (n: number): string[] => [...html.matchAll(new RegExp(`<a class="st-([a-z-]+)" href="#s${n}-t(\\d+)"`, 'g'))].map((m) => `${m[2]}:${m[1]}`);
    expect(strip(1)).toEqual(['1:passed', '2:passed', '3:root-cause', '4:inherited', '5:inherited']);
    expect([2, 3, 4].map((n) => strip(n).length)).toEqual([2, 3, 2]);
    const spans = data.sessions.flatMap((s) => s.turnList).reduce((n, t) => n + t.waterfall.spans.length, 0);
    expect(html.match(/<rect class="bar/g)).toHaveLength(spans);
    expect(html.match(/<li class="finding /g)!.length).toBeGreaterThanOrEqual(data.findings.length);
    expect(html).toContain('<div class="box root-cause" id="s1-root1">\n<h3>Root cause at <a href="#s1-t3">turn 3</a></h3>');
  });

  it('is the golden file, from the real binary', async () => {
    const run = await runCliAsync(['report', 'samples/', '--format', 'html']);
    // samples/README.md is not a trace export.
    expect(run.stderr).toBe('tracetriage: 1 file(s) skipped: not trace exports\n');
    expect(run.status).toBe(0);
    expectGolden('report.html', run.stdout);
  });
});
