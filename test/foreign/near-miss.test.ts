import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeUnread, readerFor } from '../../src/model/foreign/index.js';
import { foreignFixture, mlflowFixture, recordsOf } from './foreign-helpers.js';

/** Which reader takes a record, or which recogniser names it (its line's first words), or neither. */
function verdict(record: unknown): string {
  const reader = readerFor(record);
  if (reader) return `read: ${reader.format}`;
  const line = describeUnread(record);
  return line === null ? 'none' : `named: ${line.split(':')[0]}`;
}

const LANGFUSE_EXPORT = foreignFixture('langfuse/google-adk-2025-08-28.trace.json');
const langfuseTrace = (LANGFUSE_EXPORT as { trace: Record<string, unknown> }).trace;

const cases: [string, unknown, string][] = [
  ['Langfuse trace download {trace, observations}', LANGFUSE_EXPORT, 'read: langfuse'],
  [
    'Langfuse trace list (observations as ids)',
    { data: [{ ...langfuseTrace, htmlPath: '/p', observations: ['bded677884f031ce'], scores: [] }], meta: { page: 1, limit: 50, totalItems: 1, totalPages: 1 } },
    'named: a Langfuse trace list',
  ],
  ['Langfuse observation list', { data: [{ id: 'o', traceId: 't', type: 'SPAN', startTime: '2025-01-01T00:00:00Z' }], meta: { cursor: 'x' } }, 'named: a Langfuse observation list'],
  ['Jaeger single trace', foreignFixture('jaeger/jaeger-ui_genai-trace.json'), 'read: jaeger'],
  ['Jaeger trace list', foreignFixture('jaeger/jaeger_api-traces-response.json'), 'read: jaeger'],
  ['Jaeger empty answer', { data: [], total: 0, limit: 0, offset: 0, errors: null }, 'read: jaeger'],
  ['Jaeger span (anonymizer list element)', recordsOf(foreignFixture('jaeger/jaeger_anonymizer-span-list.json'))[0], 'read: jaeger'],
  [
    'Jaeger API v3 (OTLP in result)',
    {
      result: {
        resourceSpans: [
          { resource: {}, scopeSpans: [{ scope: {}, spans: [{ traceId: '00000000000000000000000000000001', spanId: '0000000000000002', name: 'foobar', kind: 2, status: { code: 2 } }] }] },
        ],
      },
    },
    'read: otlp-json',
  ],
  ['Zipkin v2 span', recordsOf(foreignFixture('zipkin/skew.json'))[0], 'read: zipkin-v2'],
  ['Zipkin v2 list in one record', foreignFixture('zipkin/skew.json'), 'read: zipkin-v2'],
  [
    'Phoenix dataframe record',
    { name: 'llm', span_kind: 'LLM', 'context.span_id': 'a', 'context.trace_id': 'b', 'attributes.llm.model_name': 'gpt-4o' },
    'named: Phoenix spans in its own shape (dataframe or REST span list)',
  ],
  [
    'Phoenix REST span page',
    { data: [{ id: 'x', name: 'llm', context: { span_id: 'a', trace_id: 'b' }, span_kind: 'LLM' }], next_cursor: null },
    'named: Phoenix spans in its own shape (dataframe or REST span list)',
  ],
  ['a Langfuse observation alone (hex ids like a Zipkin span)', (LANGFUSE_EXPORT as { observations: unknown[] }).observations[0], 'none'],
  ['plain object with a trace key', { trace: { foo: 1 } }, 'none'],
];

describe('near misses: each shape goes to exactly one reader, one recogniser, or neither', () => {
  it.each(cases)('%s', (_label, record, expected) => {
    expect(verdict(record)).toBe(expected);
  });

  const mlflow = readdirSync(new URL('../fixtures/', import.meta.url)).filter((f) => f.endsWith('.json'));
  it.each(mlflow)('MLflow fixture %s: no reader, no recogniser (every record)', (file) => {
    const value = mlflowFixture(file);
    const top = Array.isArray(value) ? value : isTraceList(value) ? [value, ...(value as { traces: unknown[] }).traces] : [value];
    // Each MLflow span alone too: a span list saved by itself reaches the readers span by span.
    const records = [...top, ...top.flatMap(spansOf)];
    expect(records.length).toBeGreaterThan(top.length);
    expect(records.map(verdict)).toEqual(records.map(() => 'none'));
  });
});

function spansOf(record: unknown): unknown[] {
  const r = record as { data?: { spans?: unknown }; spans?: unknown; trace?: { spans?: unknown } } | null;
  const spans = r?.data?.spans ?? r?.spans ?? r?.trace?.spans;
  return Array.isArray(spans) ? spans : [];
}

function isTraceList(value: unknown): boolean {
  return value !== null && typeof value === 'object' && Array.isArray((value as { traces?: unknown }).traces);
}
