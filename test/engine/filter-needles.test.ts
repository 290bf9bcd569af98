import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filteredTraces } from '../../src/engine/read/filtered.js';
import { readTraces, type ReadEvent } from '../../src/engine/read/read.js';
import { searchTraces } from '../../src/engine/search/search.js';
import { compileFilter } from '../../src/query/filter/compile.js';
import { parseOrderBy } from '../../src/query/order-by.js';
import { infoSelects, spanSubjects } from '../../src/engine/read/filtered.js';
import { REPO_ROOT } from '../helpers/make-inputs.js';

// A filter with `span.*` clauses leaves a record out unparsed when its bytes lack a text the
// clauses need (`CompiledFilter.mayMatchBytes`): that must never leave out a trace the parsed
// spans would keep.

describe('CompiledFilter.mayMatchBytes', () => {
  const bytes = (text: string): Buffer => Buffer.from(text);
  // A span as the Python SDK writes it (JSON text in strings), the TypeScript SDK (values), OTLP.
  const python = bytes('{"data": {"spans": [{"name": "agent", "attributes": {"mlflow.spanType": "\\"TOOL\\"", "mlflow.spanFunctionName": "\\"lookup_order\\"", "n": "5"}}]}}');
  const ts = bytes('{"data": {"spans": [{"name": "agent", "attributes": {"mlflow.spanType": "TOOL", "mlflow.spanFunctionName": "lookup_order"}}]}}');
  const otlp = bytes('{"trace": {"spans": [{"name": "agent", "attributes": [{"key": "mlflow.spanFunctionName", "value": {"string_value": "lookup_order"}}]}]}}');

  /** Filters and whether each shape of the span above may hold a trace they keep. */
  const cases: Array<[string, boolean]> = [
    ["span.attributes.mlflow.spanFunctionName = 'lookup_order'", true],
    ["span.attributes.mlflow.spanFunctionName = 'lookup_refund'", false],
    ["span.attributes.other.key = 'lookup_order'", false],
    ["span.attributes.mlflow.spanFunctionName IN ('nope', 'lookup_order')", true],
    ["span.attributes.mlflow.spanFunctionName IN ('nope', 'other')", false],
    ["span.name = 'agent'", true],
    ["span.name = 'planner'", false],
    // Every clause's texts (AND), info clauses apart.
    ["span.name = 'agent' AND span.name = 'planner'", false],
    ["span.name = 'agent' AND trace.status = 'OK'", true],
  ];

  it('needs the key and the value of an attribute compared with = or IN, the name, the type', () => {
    for (const [name, record] of [
      ['Python SDK', python],
      ['TypeScript SDK', ts],
      ['OTLP', otlp],
    ] as const) {
      for (const [filter, may] of cases) expect(compileFilter(filter).mayMatchBytes(record), `${name}: ${filter}`).toBe(may);
    }
    for (const [filter, may] of [
      ["span.type = 'TOOL'", true],
      ["span.type = 'LLM'", false],
      // A number stored as JSON, compared as text.
      ["span.attributes.n = '5'", true],
    ] as const) {
      expect(compileFilter(filter).mayMatchBytes(python), filter).toBe(may);
    }
  });

  it('rules nothing out where a text may be written otherwise, or is not needed', () => {
    const none = bytes('{}');
    for (const filter of [
      "span.status = 'ERROR'", // STATUS_CODE_ERROR, or 2
      "span.name != 'agent'",
      "span.name NOT IN ('agent')",
      "span.name LIKE 'age%'",
      "span.name ILIKE 'AGENT'",
      "span.name RLIKE 'ag.nt'",
      "span.attributes.x LIKE '%y%'",
      "span.content LIKE '%agent%'",
      "span.name = 'caf\u00e9'", // \u00e9 under ensure_ascii
      "span.name = 'a/b'", // \/ for some encoders
      "span.name = 'a<b'", // \u003c for Go's
      'span.name = \'say "hi"\'',
      "span.name = ''",
      "span.attributes.`caf\u00e9` = 'x'", // the value alone is needed
      "trace.status = 'OK'",
      "metadata.`mlflow.trace.session` = 's1'",
    ]) {
      const compiled = compileFilter(filter);
      const needsValue = filter.startsWith('span.attributes.`caf');
      expect(compiled.mayMatchBytes(none), filter).toBe(!needsValue);
    }
    expect(compileFilter('').mayMatchBytes(bytes('{}'))).toBe(true);
  });
});

describe('a selection tells whether its info can leave a record out', () => {
  it.each([
    ["span.attributes.mlflow.spanFunctionName = 'lookup_order'", true, {}, false],
    ["span.name = 'agent' AND span.type = 'TOOL'", true, {}, false],
    ["span.name = 'agent' AND trace.status = 'OK'", false, {}, true],
    ["trace.status = 'OK'", false, {}, true],
    ["feedback.correctness = 'no'", false, {}, true],
    // A scope leaves records out by their info whatever the filter.
    ["span.name = 'agent'", true, { experimentIds: ['7'] }, true],
    ["span.name = 'agent'", true, { runId: 'r1' }, true],
    ["span.name = 'agent'", true, { modelId: 'm-1' }, true],
  ] as const)('%s (scope %j): spans only %s, info selects %s', (text, spansOnly, scope, selects) => {
    const filter = compileFilter(text);
    expect(filter.spansOnly).toBe(spansOnly);
    expect(infoSelects({ ...scope, filter })).toBe(selects);
  });

  it('with no filter, only a scope selects by the info', () => {
    expect(infoSelects({})).toBe(false);
    expect(infoSelects({ experimentIds: ['1'] })).toBe(true);
  });
});

describe('a record left out by its bytes is one the parsed spans would leave out', () => {
  let dir: string;
  let chat: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracetriage-needles-'));
    chat = join(dir, 'chat.jsonl');
    execFileSync(process.execPath, [join(REPO_ROOT, 'bench', 'gen-chat.mjs'), '--out', chat, '--bytes', '6e5', '--quiet'], { stdio: 'ignore' });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Filters on the span names, types and function names the inputs hold (and some they do not). */
  async function filtersOf(inputs: string[]): Promise<string[]> {
    const names = new Set<string>();
    const types = new Set<string>();
    const functions = new Set<string>();
    for await (const event of readTraces(inputs) as AsyncGenerator<ReadEvent>) {
      if (event.type !== 'trace') continue;
      for (const span of event.trace.spans) {
        names.add(span.name);
        const type = span.attributes.getString('mlflow.spanType');
        if (type !== undefined) types.add(type);
        const fn = span.attributes.getString('mlflow.spanFunctionName');
        if (fn !== undefined) functions.add(fn);
      }
    }
    const quote = (v: string): string => `'${v.replace(/'/g, "\\'")}'`;
    const pick = (set: Set<string>): string[] => [...set].slice(0, 6);
    return [
      ...pick(names).map((n) => `span.name = ${quote(n)}`),
      ...pick(types).map((t) => `span.type = ${quote(t)}`),
      ...pick(functions).map((f) => `span.attributes.mlflow.spanFunctionName = ${quote(f)}`),
      `span.name IN (${pick(names).slice(0, 3).map(quote).join(', ')})`,
      "span.name = 'no_such_span'",
      `span.type = 'TOOL' AND span.attributes.mlflow.spanFunctionName = ${quote([...functions][0] ?? 'x')}`,
    ];
  }

  for (const [name, inputs] of [
    ['the samples', () => [join(REPO_ROOT, 'samples')]],
    ['the test fixtures (every MLflow version, other tracers, stores)', () => [join(REPO_ROOT, 'test', 'fixtures')]],
    ['a generated chat export', () => [chat]],
  ] as const) {
    it(`${name}: search and the selection keep what the model's filter keeps`, async () => {
      const filters = await filtersOf(inputs());
      expect(filters.length).toBeGreaterThan(6);
      let kept = 0;
      for (const text of filters) {
        const filter = compileFilter(text);
        const expected: string[] = [];
        for await (const event of readTraces(inputs()) as AsyncGenerator<ReadEvent>) {
          if (event.type === 'trace' && filter.matchesSpans(spanSubjects(event.trace, event.value))) expected.push(event.trace.traceId);
        }
        const selected: string[] = [];
        for await (const event of filteredTraces(inputs(), { filter })) selected.push(event.trace.traceId);
        expect(selected, text).toEqual(expected);
        const found = await searchTraces(inputs(), { filter, order: parseOrderBy([]), maxResults: 1_000_000 });
        expect(found.matched, text).toBe(expected.length);
        expect(found.hits.map((h) => h.traceId).sort(), text).toEqual([...expected].sort());
        kept += expected.length;
      }
      expect(kept).toBeGreaterThan(0);
    }, 120_000);
  }
});
