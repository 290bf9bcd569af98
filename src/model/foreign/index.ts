import { otelConsoleReader } from './otel-console.js';
import { otlpJsonReader, otlpOtherSignals } from './otlp.js';
import { jaegerReader } from './jaeger.js';
import { langfuseReader } from './langfuse.js';
import { nearMisses } from './near-misses.js';
import type { ForeignBatch, ForeignFormat } from './types.js';
import { zipkinReader } from './zipkin.js';

export type { ForeignAssessment, ForeignBatch, ForeignEvent, ForeignFormat, ForeignProblem, ForeignSpan, ForeignTraceInfo } from './types.js';
export { FOREIGN_LABELS } from './types.js';
export { mlflowTraceJson, renderSpan, traceJson, type RenderedSpan } from './mlflow-json.js';

/**
 * A reader of one format: `matches` decides from a parsed record's shape alone (keys and value
 * types, never a file name) and must not match an MLflow record; `read` maps the record into spans
 * and trace facts, reporting what it had to leave out.
 */
export interface ForeignReader {
  format: ForeignFormat;
  matches(value: unknown): boolean;
  read(value: unknown): ForeignBatch;
}

/**
 * A kind of file tracetriage does not read but can name: `describe` returns the one line a user
 * sees for the whole file (what it is, what to do instead), or null when the record is not one.
 */
export interface ForeignRecogniser {
  describe(value: unknown): string | null;
}

const readers: ForeignReader[] = [otlpJsonReader, otelConsoleReader, jaegerReader, zipkinReader, langfuseReader];
const recognisers: ForeignRecogniser[] = [otlpOtherSignals, ...nearMisses];

/** The reader for a record, if one reads it. */
export function readerFor(value: unknown): ForeignReader | null {
  for (const reader of readers) if (reader.matches(value)) return reader;
  return null;
}

/** The one line naming a record of a known kind that is not read, if it is one. */
export function describeUnread(value: unknown): string | null {
  for (const recogniser of recognisers) {
    const line = recogniser.describe(value);
    if (line !== null) return line;
  }
  return null;
}
