import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTrace, type TraceSpec } from '../helpers/trace-builder.js';
import { makeWorkspace, runCliAsync, type Workspace } from '../helpers/make-inputs.js';
import { expectInertMarkdown, mdNodes } from '../helpers/markdown-inert.js';

// Text that cannot break what it lands in, from the real binary. One export whose every text
// field is hostile Markdown goes through every command with a Markdown format: the output parses
// (micromark + GFM) to no link, image, mention, reference, autolink, HTML or math from trace text,
// and every table keeps its columns. One export whose texts are emoji at every UTF-16 offset goes
// through every command that cuts text: no output holds a lone surrogate.

/** Every construct a Markdown renderer (GitHub, GitLab) could make live, plus table and block breakers. */
const H = [
  '@team @org/devs #12 !1 ~label %milestone &3 ^4 :smile:',
  '$x^2$ costs $5 https://evil.example/x www.evil.example mail@evil.example',
  '<b>bold</b><img src=x onerror=alert(1)><script>alert(1)</script> &amp;',
  '[link](http://evil.example) ![img](http://evil.example/i.png) [ref][r] [^fn]',
  '| pipe || `tick` ``` *em* _em_ ~~del~~ \\ {+ add +}',
  '- item',
  '# heading',
  '1. ordered',
].join('\n');

const SESSION = 'sess @team #12 $x$ https://evil.example <b>|';
const USER = 'user @all #3 www.evil.example';

function hostileTrace(key: string, time: number): TraceSpec {
  return {
    key,
    session: SESSION,
    user: USER,
    time,
    state: 'ERROR',
    metadata: { custom: H },
    tags: { note: H },
    spans: [
      {
        id: 'a0a0a0a0a0a0a0a0',
        name: `agent ${H}`,
        type: 'AGENT',
        inputs: { messages: [{ role: 'user', content: `${H} ${'y'.repeat(700)}` }] },
        outputs: {
          choices: [
            {
              message: {
                role: 'assistant',
                content: H,
                tool_calls: [{ id: 'c1', type: 'function', function: { name: `tool ${H}`, arguments: JSON.stringify({ q: H }) } }],
              },
            },
          ],
        },
        status: 'ERROR',
        statusMessage: H,
        end: 50,
      },
      {
        name: `tool ${H}`,
        parent: 'a0a0a0a0a0a0a0a0',
        type: 'TOOL',
        status: 'ERROR',
        statusMessage: H,
        exception: { type: `Err ${H}`, message: H },
        attributes: { [`key ${H}`]: H },
        start: 5,
        end: 20,
      },
    ],
    assessments: [
      { name: `judge ${H}`, value: H, rationale: H, source: 'LLM_JUDGE', sourceId: `model ${H}` },
      { name: 'correctness', value: false, rationale: H, source: 'LLM_JUDGE', sourceId: H },
      { name: `broken ${H}`, error: { code: `CODE ${H}`, message: H }, source: 'LLM_JUDGE', sourceId: H },
      { name: `expected ${H}`, expectation: H, source: 'HUMAN', sourceId: H },
      { name: `session ${H}`, value: 'no', rationale: H, source: 'LLM_JUDGE', session: SESSION },
    ],
  };
}

let ws: Workspace;
let hostileFile: string;
let hostileTraceId: string;
let emojiFile: string;
let emojiTraceIds: string[];

beforeAll(() => {
  ws = makeWorkspace('tracetriage-hostile-text-');
  const traces = [makeTrace(hostileTrace('h1', 1_800_000_000_000)), makeTrace(hostileTrace('h2', 1_800_000_060_000))];
  hostileTraceId = (traces[0]!.info as { trace_id: string }).trace_id;
  hostileFile = ws.write('hostile.jsonl', traces.map((t) => JSON.stringify(t)).join('\n') + '\n');
  // An astral character at every UTF-16 parity: with 0 or 1 ASCII letters first, any cut by
  // UTF-16 unit lands inside a surrogate pair in one of the two traces, whatever its length.
  // Flags and a ZWJ family are there for the grapheme side of the cut.
  const emoji = (lead: number, units = 800): string => 'a'.repeat(lead) + '😀🇫🇷👨‍👩‍👧𝒳'.repeat(units);
  const emojiTraces = [0, 1, 2, 3].map((lead) => {
    const E = emoji(lead);
    const spec = hostileTrace(`e${lead}`, 1_800_000_000_000 + lead * 60_000);
    return makeTrace({
      ...spec,
      session: `sess-emoji-${lead % 2}`,
      user: emoji(lead, 40),
      metadata: { custom: E },
      tags: { note: E },
      spans: spec.spans!.map((s) => ({
        ...s,
        name: `${s.name.split(' ')[0]} ${emoji(lead, 30)}`,
        ...(s.inputs ? { inputs: { messages: [{ role: 'user', content: E }] } } : {}),
        ...(s.outputs ? { outputs: { choices: [{ message: { role: 'assistant', content: E } }] } } : {}),
        statusMessage: E,
        ...(s.exception ? { exception: { type: 'Err', message: E } } : {}),
        ...(s.attributes ? { attributes: { key: E } } : {}),
      })),
      assessments: [
        { name: 'correctness', value: false, rationale: E, source: 'LLM_JUDGE', sourceId: 'judge' },
        { name: 'broken', error: { code: 'E', message: E }, source: 'LLM_JUDGE', sourceId: 'judge' },
        { name: 'expected', expectation: E, source: 'HUMAN', sourceId: 'h' },
      ],
    });
  });
  emojiTraceIds = emojiTraces.map((t) => (t.info as { trace_id: string }).trace_id);
  emojiFile = ws.write('emoji.jsonl', emojiTraces.map((t) => JSON.stringify(t)).join('\n') + '\n');
});

afterAll(() => ws.cleanup());

/** The bold words and HTML the session, trace and report renderers write themselves. */
const OWN = {
  html: [/^<!-- -->$/u, /^<br>$/u, /^<span>$/u, /^<\/span>$/u, /^<\/details>$/u, /^<details><summary>Turn \d+: what the user said and the answer<\/summary>$/u],
  strong:
    /^(error|fail|pass|unknown|root cause|\d+ root causes?|Root cause: turn \d+|Why it failed:|User:?|Answer:?|Tool calls|Assessments|Scorer errors|Error spans|Findings on this turn|Suggestion:|State:|Request time:|Duration:|Session:|User:|Turn I\/O span:|\(turn I\/O\))$/u,
};

describe('Markdown outputs keep hostile trace text inert', () => {
  const commands: Array<[string, () => string[]]> = [
    ['session --format markdown', () => ['session', SESSION, hostileFile, '--format', 'markdown']],
    ['session --format markdown --full', () => ['session', SESSION, hostileFile, '--format', 'markdown', '--full']],
    ['trace --format markdown --attributes', () => ['trace', hostileTraceId, hostileFile, '--format', 'markdown', '--attributes']],
    ['trace --format markdown --attributes --full', () => ['trace', hostileTraceId, hostileFile, '--format', 'markdown', '--attributes', '--full']],
    ['report --format markdown', () => ['report', hostileFile, '--format', 'markdown']],
    ['report --format markdown --session', () => ['report', hostileFile, '--format', 'markdown', '--session', SESSION]],
  ];
  it.each(commands)(
    '%s',
    async (_name, args) => {
      const run = await runCliAsync(args());
      expect(run.stderr).not.toMatch(/Error:|at .*\.js:\d+/u);
      expect(run.status).toBe(0);
      // Not vacuous: the hostile text is there, escaped.
      expect(run.stdout).toContain('\\@<!-- -->team');
      const tree = expectInertMarkdown(run.stdout, OWN);
      // GitLab's references and GitHub's math, which a CommonMark parser does not see: the source
      // of every text node (code spans and fences are other nodes) has `!1`, `~label`,
      // `%milestone` and `$x` only behind a backslash.
      const texts = mdNodes(tree).filter((n) => n.type === 'text');
      expect(texts.length).toBeGreaterThan(10);
      for (const n of texts) {
        const source = run.stdout.slice(n.position!.start.offset, n.position!.end.offset);
        expect(source).not.toMatch(/(?<!\\)(?:!1|~label|%milestone|\$x)/u);
      }
    },
    120_000,
  );
});

describe('no output holds a lone surrogate when texts are emoji at every offset', () => {
  const commands: Array<[string, () => string[]]> = [
    ['session', () => ['session', 'sess-emoji-0', emojiFile]],
    ['session (odd)', () => ['session', 'sess-emoji-1', emojiFile]],
    ['session --format markdown', () => ['session', 'sess-emoji-1', emojiFile, '--format', 'markdown']],
    ['session --format json', () => ['session', 'sess-emoji-1', emojiFile, '--format', 'json']],
    ['sessions', () => ['sessions', emojiFile]],
    ['trace', () => ['trace', emojiTraceIds[1]!, emojiFile, '--attributes']],
    ['trace (even)', () => ['trace', emojiTraceIds[0]!, emojiFile, '--attributes']],
    ['trace --format markdown', () => ['trace', emojiTraceIds[1]!, emojiFile, '--format', 'markdown', '--attributes']],
    ['trace --format json', () => ['trace', emojiTraceIds[3]!, emojiFile, '--format', 'json', '--attributes']],
    ['analyze', () => ['analyze', emojiFile, '--fail-on', 'none']],
    ['analyze --format json', () => ['analyze', emojiFile, '--format', 'json', '--fail-on', 'none']],
    ['report --format markdown', () => ['report', emojiFile, '--format', 'markdown']],
    ['report --format markdown --max-bytes 20000', () => ['report', emojiFile, '--format', 'markdown', '--max-bytes', '20000']],
    ['report --format html', () => ['report', emojiFile, '--format', 'html']],
  ];
  it.each(commands)(
    '%s',
    async (_name, args) => {
      const run = await runCliAsync(args());
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('😀');
      // A lone surrogate reaches stdout as U+FFFD (UTF-8), as `\udXXX` (JSON) or `\u{dXXX}` (escaped text).
      expect(run.stdout).not.toContain('\ufffd');
      expect(run.stdout).not.toMatch(/\\ud[89a-f][0-9a-f]{2}|\\u\{d[89a-f][0-9a-f]{2}\}/iu);
      // Cuts keep grapheme clusters whole: a family or a flag is never split by a cut marker.
      expect(run.stdout).not.toMatch(/(?:👨\u200d|👨\u200d👩\u200d|🇫)(?:…|\.\.\.|\s|"|$)/u);
    },
    120_000,
  );
});
