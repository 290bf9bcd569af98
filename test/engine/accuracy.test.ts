import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/analyze/findings.js';
import rule from '../../src/rules/error-propagation.js';
import type { RuleModule } from '../../src/rules/api.js';
import { runRule } from '../helpers/rule-tester.js';
import { conversation, spanIdOf, type AssessmentSpec, type ChatTurnSpec, type SpanSpec } from '../helpers/trace-builder.js';

// A labelled corpus of sessions, each class of issue 14 in several sizes and places, with and
// without assessments: the root-cause turn `error-propagation` names must be the labelled one, and
// a clean session must get no root. It is made here, so it guards the classes against regressions;
// it is no measure of real traffic (the corpus is kept apart so the rules are not tuned to
// it). The numbers are printed (`node node_modules/vitest/vitest.mjs run test/engine/accuracy.test.ts`).

type Turn = Omit<ChatTurnSpec, 'key' | 'session'>;
interface Labelled {
  name: string;
  /** The turn where it went wrong, or null for a clean session. */
  root: number | null;
  traces: Array<Record<string, unknown>>;
}

const pass: AssessmentSpec[] = [{ name: 'correctness', value: true }];
const wrong = (why: string): AssessmentSpec[] => [{ name: 'correctness', value: false, rationale: why }];
const doc = (year: number) => ({ id: `returns-policy-${year}#c0`, uri: `kb://help/returns-policy-${year}.md`, metadata: { updated: `${year}-02-01` } });
const QUESTIONS = [
  'Where is my order right now?',
  'Can I change the delivery address?',
  'Do you ship to Portugal as well?',
  'How long does standard delivery take?',
  'Can I pay with PayPal at checkout?',
  'Is the carry-on bag machine washable?',
  'What colours does the backpack come in?',
];
const ANSWERS = [
  'Your order shipped yesterday and arrives on Friday.',
  'Yes, you can change it in your account until it ships.',
  'Yes, we ship to Portugal within 3 to 5 working days.',
  'Standard delivery takes 2 to 4 working days in the EU.',
  'Yes, PayPal is accepted at checkout for every order.',
  'No, wipe it with a damp cloth; the frame must stay dry.',
  'It comes in black, navy and forest green this season.',
];
const plain = (i: number, judged: boolean): Turn => ({ user: QUESTIONS[i % QUESTIONS.length]!, answer: ANSWERS[i % ANSWERS.length]!, ...(judged ? { assessments: pass } : {}) });

/** A wrong policy answer at `root` from the outdated document, carried by the next turns that retrieve it again. */
function staleChain(n: number, root: number, judged: boolean): Labelled {
  const session = `stale-${n}-${root}-${judged ? 'j' : 'f'}`;
  const turns: Turn[] = [];
  for (let t = 1; t <= n; t++) {
    if (t < root) turns.push(plain(t, judged));
    else if (t === root)
      turns.push({
        user: 'What is your return policy for unused items?',
        answer: 'Unused items can be returned within 60 days of delivery.',
        docs: [doc(2023)],
        ...(judged ? { assessments: wrong('Says 60 days; the policy allows 30.') } : {}),
      });
    else
      turns.push({
        user: `So a return on day ${30 + t * 5} still works?`,
        answer: `Yes, day ${30 + t * 5} is inside the 60-day return window.`,
        docs: [doc(2023)],
        ...(judged ? { assessments: wrong('Builds on the 60-day window.') } : {}),
      });
  }
  // What a dump of the app holds beside it: a customer answered from the current policy.
  const other = conversation(`${session}-other`, [
    { user: 'What is your return policy?', answer: 'Unused items can be returned within 30 days of delivery.', docs: [doc(2024)], ...(judged ? { assessments: pass } : {}) },
  ]);
  return { name: `outdated document at turn ${root} of ${n}${judged ? '' : ', no judge'}`, root, traces: [...conversation(session, turns), ...other] };
}

/** A tool that fails at `root` and again later with the same error. */
function errorChain(n: number, root: number, judged: boolean): Labelled {
  const session = `err-${n}-${root}-${judged ? 'j' : 'f'}`;
  const timeout = (s: number) => ({ name: 'lookup_order', type: 'TimeoutError', message: `order service timed out after ${s}s (request ${(s * 7919).toString(16)}a1b2c3)` });
  const turns: Turn[] = [];
  for (let t = 1; t <= n; t++) {
    if (t === root || t === n)
      turns.push({
        user: `Please look up order AC-${t} for me.`,
        answer: 'The order service is not answering at the moment.',
        history: [],
        toolError: timeout(30 + t),
        ...(judged ? { assessments: wrong('No order status given.') } : {}),
      });
    else turns.push({ ...plain(t, judged), history: [] });
  }
  return { name: `same tool error at turn ${root} and ${n} of ${n}${judged ? '' : ', no judge'}`, root, traces: conversation(session, turns) };
}

/** A tool that timed out once and worked on the retry, in every turn: a clean session. */
function recovered(n: number, judged: boolean): Labelled {
  const session = `retry-${n}-${judged ? 'j' : 'f'}`;
  const turns: Turn[] = [];
  for (let t = 1; t <= n; t++) {
    const agent = spanIdOf(`${session}/turn-${t}`, { name: 'agent' });
    const spans: SpanSpec[] = [
      {
        id: `c${t}`.padEnd(16, '1'),
        name: 'lookup_order',
        parent: agent,
        type: 'TOOL',
        start: 200,
        end: 400,
        status: 'ERROR',
        inputs: {},
        exception: { type: 'TimeoutError', message: 'timed out after 30s' },
      },
      { id: `c${t}`.padEnd(16, '2'), name: 'lookup_order', parent: agent, type: 'TOOL', start: 420, end: 480, status: 'OK', inputs: {}, outputs: { ok: true } },
    ];
    turns.push({ ...plain(t, judged), spans });
  }
  return { name: `a retry that worked in each of ${n} turns${judged ? '' : ', no judge'}`, root: null, traces: conversation(session, turns) };
}

/** The user pushes back on the answer of `root`. */
function pushback(n: number, root: number, judged: boolean): Labelled {
  const session = `push-${n}-${root}-${judged ? 'j' : 'f'}`;
  const turns: Turn[] = [];
  for (let t = 1; t <= n; t++) {
    if (t === root) turns.push({ user: 'How long is the warranty on the bag?', answer: 'The bag has a one-year warranty.', ...(judged ? { assessments: wrong('The warranty is two years.') } : {}) });
    else if (t === root + 1) turns.push({ user: "That's wrong, the box says two years.", answer: 'You are right: the warranty is two years.', ...(judged ? { assessments: pass } : {}) });
    else turns.push(plain(t, judged));
  }
  return { name: `push-back on turn ${root} of ${n}${judged ? '' : ', no judge'}`, root, traces: conversation(session, turns) };
}

function clean(n: number, judged: boolean): Labelled {
  return {
    name: `clean, ${n} turns${judged ? '' : ', no judge'}`,
    root: null,
    traces: conversation(
      `clean-${n}-${judged ? 'j' : 'f'}`,
      Array.from({ length: n }, (_, i) => plain(i + 1, judged)),
    ),
  };
}

const corpus: Labelled[] = [];
for (const judged of [true, false]) {
  for (const [n, root] of [
    [3, 1],
    [4, 2],
    [5, 3],
    [6, 2],
  ] as const)
    corpus.push(staleChain(n, root, judged));
  for (const [n, root] of [
    [3, 1],
    [5, 2],
  ] as const)
    corpus.push(errorChain(n, root, judged));
  for (const [n, root] of [
    [2, 1],
    [4, 2],
  ] as const)
    corpus.push(pushback(n, root, judged));
  for (const n of [2, 4]) corpus.push(recovered(n, judged), clean(n, judged));
}

/** The first bad turn a finding names: a root cause, else the first isolated or suspect turn. */
function namedRoot(findings: readonly Finding[], session: string): number | null {
  const mine = findings.filter((f) => f.sessionId === session && f.turn !== null);
  const root = mine.find((f) => f.role === 'rootCause') ?? mine.find((f) => f.messageId === 'isolatedFailure' || f.messageId === 'suspectTurn');
  return root?.turn ?? null;
}

describe('error-propagation on a labelled corpus', () => {
  const results = corpus.map((c) => {
    const { findings } = runRule(rule as unknown as RuleModule as never, c.traces);
    const session = (c.traces[0]!.info as { trace_metadata: Record<string, string> }).trace_metadata['mlflow.trace.session']!;
    return { ...c, named: namedRoot(findings, session) };
  });

  it('names the labelled root of every failing session and no root in a clean one', () => {
    const failing = results.filter((r) => r.root !== null);
    const cleanOnes = results.filter((r) => r.root === null);
    const rate = (list: typeof results): string => `${list.filter((r) => r.named === r.root).length}/${list.length}`;
    const judgeFree = (r: (typeof results)[number]): boolean => r.name.endsWith('no judge');
    console.log(
      `root exact: ${rate(failing)} failing sessions (judged ${rate(failing.filter((r) => !judgeFree(r)))}, no judge ${rate(failing.filter(judgeFree))}); ` +
        `clean sessions without a root: ${rate(cleanOnes)}`,
    );
    expect(results.filter((r) => r.named !== r.root).map((r) => `${r.name}: named ${r.named}, labelled ${r.root}`)).toEqual([]);
  });
});
