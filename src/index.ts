/**
 * tracetriage's programmatic API: the same powers as the CLI, without `process`.
 *
 * @packageDocumentation
 */
export { readTraces } from './engine/read.js';
export type { ReadEvent, ReadOptions, Rejection, RejectionCode, SourceNote } from './engine/read.js';
export { StatsCollector } from './engine/stats.js';
export type { Counts, StatsReport } from './engine/stats.js';
export { ValidateCollector, validateExitCode } from './engine/validate.js';
export type { ValidateResult, LocatedWarning } from './engine/validate.js';
export { normalizeRecord } from './model/normalize.js';
export { sessionIdOf } from './model/session.js';
export { Attributes, decodeAttributeValue } from './model/attributes.js';
export type * from './model/types.js';
export type { Provenance, RawRecord } from './ingest/record.js';
