import type { DigestLine } from '../../engine/scale/lines.js';
import type { ParquetColumn, ParquetRow } from '../parquet/writer.js';

/**
 * Digest lines as a Parquet table (`tracetriage digest --format parquet`, docs/scale-out.md): the
 * columns an engine routes and sorts by, typed (`bucket`, `session`, `time`, `kind`, `trace_id`),
 * and the line itself, as `reduce` reads it, in the JSON column `line`. An engine that keeps its
 * data as Parquet shuffles on the typed columns and pipes the `line` texts to `reduce`.
 */
export const DIGEST_COLUMNS: readonly ParquetColumn[] = [
  { name: 'bucket', type: 'int64', nullable: false },
  { name: 'session', type: 'string', nullable: true },
  { name: 'time', type: 'double', nullable: true },
  { name: 'kind', type: 'string', nullable: false },
  { name: 'trace_id', type: 'string', nullable: true },
  { name: 'line', type: 'json', nullable: false },
];

/** A digest line as a row of {@link DIGEST_COLUMNS}. */
export function digestRow(line: DigestLine): ParquetRow {
  const trace = line.kind === 'trace';
  return {
    bucket: line.bucket,
    session: trace ? line.session : null,
    time: trace ? line.time : null,
    kind: line.kind,
    trace_id: trace ? line.traceId : null,
    line,
  };
}
