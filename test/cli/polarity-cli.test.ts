import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, runCliAsync, type Workspace } from '../helpers/make-inputs.js';
import { conversation, hexOf, spanIdOf, traceIdOf } from '../helpers/trace-builder.js';

// What a reader sees of an inferred polarity (src/model/scorers.ts, `readVerdict`): the JSON
// says the basis, the text, Markdown and HTML lines say when it was the name or the rationale.

const SESSION = 's-polarity';
const retriever = spanIdOf(`${SESSION}/turn-1`, { name: 'retrieve_policy' });
const traces = conversation(SESSION, [
  {
    user: 'What is the refund window for a carry-on bag?',
    answer: 'You can get a refund within 60 days.',
    spans: [
      {
        name: 'retrieve_policy',
        parent: hexOf(`span/${SESSION}/turn-1/agent`, 16),
        type: 'RETRIEVER',
        start: 100,
        inputs: { query: 'refund window carry-on' },
        outputs: [{ page_content: 'Refunds within 60 days.', metadata: { doc_uri: 'kb://policies/refund-policy-2023.md' } }],
      },
    ],
    assessments: [
      { name: 'stale_context', value: true, spanId: retriever, rationale: 'A 2024 version of the policy replaced this document.' },
      { name: 'answer_check', value: 'partial', rationale: 'The answer is incorrect: the policy allows 30 days.' },
      { name: 'correctness', value: 'no', rationale: 'States 60 days.' },
      { name: 'helpfulness', value: 3 },
    ],
  },
  { user: 'So I can still return it on day 45, right?', answer: 'Yes, day 45 is within the window.' },
]);
const turn1 = traceIdOf({ key: `${SESSION}/turn-1` });

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
  ws.write('dump.json', JSON.stringify({ traces, next_page_token: null }));
});
afterAll(() => ws.cleanup());

describe('polarity basis in the commands', () => {
  it('session --format json: polarity_basis on every verdict', async () => {
    const run = await runCliAsync(['session', SESSION, ws.path('dump.json'), '--format', 'json']);
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout) as { turns: Array<{ assessments: Array<{ name: string; polarity: string; polarity_basis: string }> }> };
    expect(doc.turns[0]!.assessments.map((a) => [a.name, a.polarity, a.polarity_basis])).toEqual([
      ['stale_context', 'fail', 'name'],
      ['answer_check', 'fail', 'rationale'],
      ['correctness', 'fail', 'table'],
      ['helpfulness', 'unknown', 'none'],
    ]);
  });

  it('trace (text) notes the inferred readings only', async () => {
    const run = await runCliAsync(['trace', turn1, ws.path('dump.json')]);
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n').filter((l) => /^ {2}(FAIL|PASS|UNKNOWN)/u.test(l));
    expect(lines.map((l) => [l.trim().split(/\s+/u)[1], l.includes('[polarity read from its name]'), l.includes('[polarity read from its rationale]')])).toEqual([
      ['stale_context', true, false],
      ['answer_check', false, true],
      ['correctness', false, false],
      ['helpfulness', false, false],
    ]);
  });

  it('session (text and markdown) notes them beside the source', async () => {
    const [text, md] = await Promise.all([runCliAsync(['session', SESSION, ws.path('dump.json')]), runCliAsync(['session', SESSION, ws.path('dump.json'), '--format', 'markdown'])]);
    expect([text.status, md.status]).toEqual([0, 0]);
    expect(text.stdout).toContain(`stale_context = true (LLM_JUDGE, span ${retriever}, polarity read from its name)`);
    expect(text.stdout).toContain('answer_check = "partial" (LLM_JUDGE, polarity read from its rationale)');
    expect(md.stdout).toContain('| stale_context | true | fail (polarity read from its name) | LLM_JUDGE |');
    expect(md.stdout).toContain('| answer_check | "partial" | fail (polarity read from its rationale) | LLM_JUDGE |');
  });

  it('report (markdown and html) notes them on the failing turn', async () => {
    const [md, html] = await Promise.all([runCliAsync(['report', ws.path('dump.json'), '--format', 'markdown']), runCliAsync(['report', ws.path('dump.json'), '--format', 'html'])]);
    expect(md.stdout).toContain(`(LLM_JUDGE openai\\:/gpt-4o-mini, on span \`${retriever}\`, polarity read from its name)`);
    expect(md.stdout).toContain('(LLM_JUDGE openai\\:/gpt-4o-mini, polarity read from its rationale)');
    expect(html.stdout).toContain(`(LLM_JUDGE, span <code>${retriever}</code>, polarity read from its name)`);
    expect(html.stdout).toContain('(LLM_JUDGE, polarity read from its rationale)');
  });
});
