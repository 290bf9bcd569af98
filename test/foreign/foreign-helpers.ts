import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { ForeignReader } from '../../src/model/foreign/index.js';
import { mlflowTraceJson } from '../../src/model/foreign/index.js';
import type { ForeignProblem, ForeignSpan, ForeignTraceInfo } from '../../src/model/foreign/types.js';
import { summarizeIo } from '../../src/model/messages.js';
import { normalizeRecord } from '../../src/model/normalize.js';
import { turnIo } from '../../src/model/turn-io.js';
import type { Trace } from '../../src/model/types.js';

/** A fixture under test/fixtures/foreign/, parsed. */
export function foreignFixture(path: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/foreign/${path}`, import.meta.url), 'utf8')) as unknown;
}

/** An MLflow fixture under test/fixtures/, parsed. */
export function mlflowFixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as unknown;
}

/** The records of a parsed file as the plumbing hands them over: a top-level array element by element. */
export function recordsOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

export interface Joined {
  spans: Map<string, ForeignSpan[]>;
  infos: Record<string, ForeignTraceInfo>;
  problems: ForeignProblem[];
}

/** Every record read by `reader` (which must match each), spans joined by trace id. */
export function readFile(reader: ForeignReader, value: unknown): Joined {
  const joined: Joined = { spans: new Map(), infos: {}, problems: [] };
  for (const record of recordsOf(value)) {
    expect(reader.matches(record)).toBe(true);
    const batch = reader.read(record);
    expect(batch.format).toBe(reader.format);
    for (const span of batch.spans) {
      const list = joined.spans.get(span.traceId) ?? [];
      list.push(span);
      joined.spans.set(span.traceId, list);
    }
    Object.assign(joined.infos, batch.traces ?? {});
    joined.problems.push(...batch.problems);
  }
  return joined;
}

/** A joined trace written as the MLflow export and read back as every command reads it. */
export function modelTrace(joined: Joined, traceId: string): Trace {
  const spans = joined.spans.get(traceId);
  expect(spans, `trace ${traceId}`).toBeDefined();
  const result = normalizeRecord(JSON.parse(mlflowTraceJson(traceId, spans!, joined.infos[traceId])) as unknown);
  if ('problem' in result) throw new Error(`not read back: ${JSON.stringify(result.problem)}`);
  return result.trace;
}

/** The turn's input and output as the reports show them (user text, assistant text). */
export function turnText(trace: Trace): { span: string | null; input: string | null; output: string | null } {
  const io = turnIo(trace);
  return {
    span: io.spanName,
    input: io.input ? summarizeIo(io.input.value, io.input.carrier, { side: 'input', full: true }).userText : null,
    output: io.output ? summarizeIo(io.output.value, io.output.carrier, { side: 'output', full: true }).assistantText : null,
  };
}

/** `[name, spanId, parentId, status, statusMessage]` of each span in file order. */
export function spanRows(spans: readonly ForeignSpan[]): [string, string, string | null, string, string][] {
  return spans.map((s) => [s.name, s.spanId, s.parentId, s.status, s.statusMessage]);
}
