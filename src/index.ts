/**
 * tracetriage's programmatic API: the same powers as the CLI, without `process`.
 *
 * @packageDocumentation
 */
export { readTraces } from './engine/read.js';
export type { ReadOptions } from './engine/read.js';
export type { FrameEvent, ReadEvent, Rejection, RejectionCode, SourceNote, SummaryEvent } from './engine/read-events.js';
export { readSummaries } from './engine/summaries.js';
export type { SummaryOptions } from './engine/summaries.js';
export { summarize } from './engine/summary.js';
export type { TraceSummary } from './engine/summary.js';
export { StatsCollector } from './engine/stats.js';
export type { Counts, StatsReport } from './engine/stats.js';
export { ValidateCollector } from './engine/validate.js';
export type { ValidateResult, LocatedWarning } from './engine/validate.js';
export { normalizeRecord } from './model/normalize.js';
export { sessionIdOf } from './model/session.js';
export { Attributes, decodeAttributeValue } from './model/attributes.js';
export type * from './model/types.js';
export type { Provenance, RawRecord } from './ingest/record.js';
