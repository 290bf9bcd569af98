import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/span-tree-integrity.js';
import { fixtureValue } from '../helpers/make-inputs.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { chatTurn, makeTrace, traceIdOf } from '../helpers/trace-builder.js';

const A = 'a0a0a0a0a0a0a0a0';
const B = 'b0b0b0b0b0b0b0b0';
const C = 'c0c0c0c0c0c0c0c0';
const D = 'd0d0d0d0d0d0d0d0';
const GONE = 'ffffffffffffffff';

const extractFields = (fixtureValue('v3.6_cli_traces_search_extract_fields.json').traces as Array<Record<string, unknown>>)[0]!;

ruleTester(rule, {
  valid: [
    { name: 'a chat turn: one root, every parent present', traces: [chatTurn({ key: 'ok', user: 'Where is my order AC-1?', answer: 'It shipped yesterday.', docs: [{ id: 'd1' }] })] },
    {
      name: 'a deep chain',
      traces: [
        makeTrace({
          key: 'chain',
          spans: [
            { id: A, name: 'a' },
            { id: B, parent: A, name: 'b' },
            { id: C, parent: B, name: 'c' },
          ],
        }),
      ],
    },
    { name: 'a trace without spans has no tree to judge', traces: [makeTrace({ key: 'nospans', spans: [] })] },
    // --extract-fields keeps span names without ids or parents: every span looks like a root.
    { name: 'a partial trace (--extract-fields output) is skipped', traces: [extractFields] },
  ],
  invalid: [
    {
      name: 'an orphan heading a subtree',
      traces: [
        makeTrace({
          key: 'orphan',
          session: 'sess-o',
          spans: [
            { id: A, name: 'agent' },
            { id: B, parent: GONE, name: 'remote_tool' },
            { id: C, parent: B, name: 'http_call' },
          ],
        }),
      ],
      errors: [
        {
          messageId: 'orphanSpan',
          sessionId: 'sess-o',
          traceId: traceIdOf({ key: 'orphan' }),
          spanId: B,
          turn: 1,
          path: '$.data.spans[1]',
          severity: 'warn',
          message: `Span "remote_tool" (${B}) names parent ${GONE}, which is not in the trace: it and the 1 span below it are cut off from the root.`,
          evidenceKinds: ['orphanSpan'],
          suggestion: /trace had ended \(state OK\)/,
        },
      ],
    },
    {
      name: 'a second root',
      traces: [
        makeTrace({
          key: 'roots',
          session: 'sess-r',
          spans: [
            { id: A, name: 'agent' },
            { id: B, name: 'background_job', start: -50 },
          ],
        }),
      ],
      errors: [
        {
          messageId: 'multipleRoots',
          traceId: traceIdOf({ key: 'roots' }),
          spanId: B,
          turn: 1,
          path: '$.data.spans[1]',
          message: `The trace has 2 root spans: "background_job" (${B}) has no parent, besides the first root "agent"; MLflow reads the trace's request and response from the first root only.`,
          evidenceKinds: ['extraRoot', 'firstRoot'],
        },
      ],
    },
    {
      name: 'a parent cycle below a good root, with a span hanging from it',
      traces: [
        makeTrace({
          key: 'cycle',
          session: 'sess-c',
          spans: [
            { id: A, name: 'agent' },
            { id: B, parent: C, name: 'step_b' },
            { id: C, parent: B, name: 'step_c' },
            { id: D, parent: C, name: 'leaf' },
          ],
        }),
      ],
      errors: [
        {
          messageId: 'spanCycle',
          traceId: traceIdOf({ key: 'cycle' }),
          spanId: B,
          turn: 1,
          path: '$.data.spans[1]',
          severity: 'error',
          message: `Parent cycle: "step_b" (${B}) → "step_c" (${C}) → "step_b" (${B}) (each span names the next as its parent); these spans and 1 below them (3 in all) are reached from no root.`,
          evidenceKinds: ['cycleMember', 'cycleMember'],
        },
      ],
    },
    {
      name: 'a span that is its own parent',
      traces: [
        makeTrace({
          key: 'self',
          spans: [
            { id: A, name: 'agent' },
            { id: B, parent: B, name: 'loop' },
          ],
        }),
      ],
      errors: [{ messageId: 'spanCycle', spanId: B, message: `Parent cycle: "loop" (${B}) → "loop" (${B}) (each span names the next as its parent); this span is reached from no root.` }],
    },
    {
      name: 'a span id used twice',
      traces: [
        makeTrace({
          key: 'dup',
          spans: [
            { id: A, name: 'agent' },
            { id: B, parent: A, name: 'search' },
            { id: B, parent: A, name: 'search_retry' },
          ],
        }),
      ],
      errors: [
        {
          messageId: 'duplicateSpanId',
          spanId: B,
          path: '$.data.spans[2]',
          severity: 'warn',
          message: `Span id ${B} is used by 2 spans ("search", "search_retry"): children and span-level assessments naming it are hung under the first, "search", which may not be the one they meant.`,
          evidenceKinds: ['duplicateUse', 'duplicateUse'],
        },
      ],
    },
    {
      name: 'no root at all: the cycle is reported too, and the no-root finding first',
      traces: [
        makeTrace({
          key: 'noroot',
          spans: [
            { id: A, parent: B, name: 'a' },
            { id: B, parent: A, name: 'b' },
            { id: C, parent: GONE, name: 'c' },
          ],
        }),
      ],
      errors: [
        {
          messageId: 'spanCycle',
          spanId: A,
          path: '$.data.spans[0]',
          severity: 'error',
        },
        {
          messageId: 'noRoot',
          spanId: null,
          path: '$.data.spans',
          severity: 'warn',
          message: 'No root span: each of the 3 spans names a parent (1 orphan, 2 spans on or below a cycle), so the trace has no top span to read its request and response from.',
          evidenceKinds: ['topSpan', 'topSpan', 'topSpan'],
        },
        { messageId: 'orphanSpan', spanId: C },
      ],
    },
  ],
});

describe('span-tree-integrity bounds', () => {
  it('reports 20 problems one by one, then one count of the rest', () => {
    const spans = [{ id: A, name: 'agent' }, ...Array.from({ length: 25 }, (_, i) => ({ id: (i + 1).toString(16).padStart(16, '0'), parent: GONE, name: `lost_${i}` }))];
    const { findings } = runRule(rule, [makeTrace({ key: 'many', spans })]);
    expect(findings.filter((f) => f.messageId === 'orphanSpan')).toHaveLength(20);
    const more = findings.filter((f) => f.messageId === 'moreProblems');
    expect(more.map((f) => f.message)).toEqual(['And 5 more span tree problems in this trace (5 orphanSpan), not listed one by one.']);
    expect(more[0]!.evidence).toHaveLength(5);
  });

  it('finds nothing in the upstream MLflow fixtures that have span ids', () => {
    const files = ['v2.19_trace_ok.json', 'v2.22_trace_error.json', 'v3.4_trace_ok_assessments_session.json', 'v3.6_trace_error.json', 'v3.6_trace_otel_ingested_genai_openinference.json'];
    const { findings } = runRule(
      rule,
      files.map((f) => fixtureValue(f)),
    );
    expect(findings.map((f) => f.message)).toEqual([]);
  });
});
