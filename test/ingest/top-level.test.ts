import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findValue } from '../../src/ingest/top-level.js';
import { TopK } from '../../src/engine/search/top-k.js';
import { readInfoFast } from '../../src/engine/read/fast-info.js';
import { makePageToken, readPageToken, type PageScope } from '../../src/engine/search/page-token.js';
import { QuerySyntaxError } from '../../src/query/errors.js';
import { fixturePath } from '../helpers/fixture-traces.js';

const slice = (text: string, path: string[]): string | null => {
  const bytes = Buffer.from(text);
  const r = findValue(bytes, path);
  return r === null ? null : bytes.toString('utf8', r.start, r.end);
};

describe('findValue: a value located in a record without parsing it', () => {
  it.each([
    ['{"info": {"a": 1}, "data": {"spans": []}}', ['info'], '{"a": 1}'],
    ['{"data": {"spans": [{"x": "}"}]}, "info": {"a": "\\"{"}}', ['info'], '{"a": "\\"{"}'],
    ['{"info": {"a": 1}, "data": {"spans": [1, 2]}}', ['data', 'spans'], '[1, 2]'],
    ['  {\n  "info" :\n {}\n}', ['info'], '{}'],
    ['{"info": null}', ['info'], 'null'],
    ['{"info": 12.5e3, "x": 1}', ['info'], '12.5e3'],
    // The value is whole even if the record is cut after it: the full parse reports the cut.
    ['{"info": {"a": 1}', ['info'], '{"a": 1}'],
    ['{"infox": {}, "info": "s"}', ['info'], '"s"'],
    ['{"trace": {"trace_info": {}, "spans": []}}', ['trace', 'spans'], '[]'],
  ])('%s at %j is %s', (text, path, expected) => {
    expect(slice(text, path)).toBe(expected);
  });

  it.each([
    ['[{"info": {}}]', ['info']],
    ['{"data": {}}', ['info']],
    ['{}', ['info']],
    ['{"info" {}}', ['info']],
    ['{"data": {"spans": [1, 2}, "info": {}}', ['info']],
    ['{"info": {"a": 1', ['info']],
    ['{"a": "unterminated', ['info']],
  ])('%s has no %j (null, so the caller parses the record)', (text, path) => {
    expect(slice(text, path)).toBeNull();
  });

  it('finds string ends past runs of backslashes of every length, as JSON.parse reads them', () => {
    // Keys and values ending in 0..5 backslashes, quotes escaped or not, beside the info.
    for (let run = 0; run <= 5; run++) {
      const tricky = `${'\\'.repeat(run)}"}{${'\\'.repeat(run)}`;
      const info = { [tricky]: tricky, a: [tricky, { b: tricky }] };
      const text = JSON.stringify({ [tricky]: { info: tricky }, info, data: { spans: [tricky] } });
      const found = slice(text, ['info']);
      expect(found, `run of ${run}`).not.toBeNull();
      expect(JSON.parse(found!)).toEqual(info);
      expect(JSON.parse(slice(text, ['data', 'spans'])!)).toEqual([tricky]);
    }
    // A quote escaped by the last backslash of an odd run never ends the string: cut there, no value.
    expect(slice('{"info": "a\\\\\\"', ['info'])).toBeNull();
  });

  it('finds the info of a real 3.6 trace and reads it like the full model', () => {
    const bytes = readFileSync(fixturePath('v3.6_trace_ok_assessments_session.json'));
    const fast = readInfoFast(bytes);
    expect(fast?.info.traceId).toBe('tr-5fea91443bc8bda79ff15a5ab90fff94');
    expect(fast?.info.metadata['mlflow.trace.session']).toBe('session-123');
    expect(fast?.assessments.map((a) => a.name)).toEqual(['helpfulness', 'expected_response', 'safety', 'expected_facts', 'correctness']);
  });

  it('answers null for an info that does not parse alone (NaN), so the full path reports it', () => {
    expect(readInfoFast(Buffer.from('{"info": {"x": NaN}, "data": {}}'))).toBeNull();
    expect(readInfoFast(Buffer.from('{"info": [1], "data": {}}'))).toBeNull();
  });
});

describe('TopK keeps the best items under a comparator', () => {
  it.each([
    [3, [5, 1, 4, 1, 9, 2, 6], [1, 1, 2]],
    [10, [3, 2, 1], [1, 2, 3]],
    [1, [7, 3, 8], [3]],
    [0, [1, 2], []],
  ])('capacity %i over %j', (capacity, items, expected) => {
    const top = new TopK<number>(capacity, (a, b) => a - b);
    for (const item of items) top.offer(item);
    expect(top.sorted()).toEqual(expected);
  });

  it('agrees with a full sort on 2 000 seeded values', () => {
    let seed = 7;
    const values = Array.from({ length: 2000 }, () => (seed = (seed * 48271) % 2147483647) % 500);
    const top = new TopK<number>(37, (a, b) => a - b);
    for (const v of values) top.offer(v);
    expect(top.sorted()).toEqual([...values].sort((a, b) => a - b).slice(0, 37));
    expect(top.rejects(499)).toBe(true);
  });
});

describe('page tokens', () => {
  const scope: PageScope = { inputs: ['a.json'], filter: "status = 'OK'", order: [], experimentIds: [], runId: null };

  it('round-trips an offset for the same search', () => {
    expect(readPageToken(makePageToken(200, scope), scope)).toBe(200);
  });

  it.each([
    ['another filter', makePageToken(100, { ...scope, filter: '' }), 'made for another search'],
    ['garbage', 'not a token!', 'not a token this tool wrote'],
    ['no offset', Buffer.from('{"offset": -1}').toString('base64'), 'no valid offset'],
  ])('refuses %s', (_name, token, message) => {
    expect(() => readPageToken(token, scope)).toThrow(QuerySyntaxError);
    expect(() => readPageToken(token, scope)).toThrow(message);
  });
});
