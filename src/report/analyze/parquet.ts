import type { Finding } from '../../engine/analyze/findings.js';
import { parquetChunks, type ParquetColumn, type ParquetRow } from '../parquet/writer.js';
import { analyzeDocument, findingJson } from './analyze.js';
import type { AnalyzeReport } from './analyze.js';
import { tallyFindings } from './tally.js';

/**
 * The columns of `analyze --format parquet`: one row per finding, the fields of a finding of
 * `--format json` under the same names, then its role. Lists and objects (related turns, evidence)
 * are JSON text columns.
 */
export const FINDING_COLUMNS: readonly ParquetColumn[] = [
  { name: 'rule_id', type: 'string', nullable: false },
  { name: 'message_id', type: 'string', nullable: false },
  { name: 'severity', type: 'string', nullable: false },
  { name: 'message', type: 'string', nullable: false },
  { name: 'session_id', type: 'string', nullable: true },
  { name: 'trace_id', type: 'string', nullable: true },
  { name: 'span_id', type: 'string', nullable: true },
  { name: 'turn', type: 'int64', nullable: true },
  { name: 'path', type: 'string', nullable: true },
  { name: 'related_turns', type: 'json', nullable: false },
  { name: 'evidence', type: 'json', nullable: false },
  { name: 'suggestion', type: 'string', nullable: true },
  { name: 'fingerprint', type: 'string', nullable: false },
  { name: 'role', type: 'string', nullable: true },
];

/** The key of the file's metadata that holds the run's summary (`summary` of `--format json`, as JSON). */
export const SUMMARY_METADATA_KEY = 'tracetriage.analyze.summary';

/**
 * `analyze --format parquet`: the findings in the engine's order as a Parquet file, written row
 * group by row group as the findings are read back (never all held); the summary of `--format json`
 * (with `schema_version`) goes in the file's key-value metadata.
 */
export function* analyzeParquetChunks(report: AnalyzeReport, version: string): Generator<Uint8Array> {
  const { schema_version, summary } = analyzeDocument(report, tallyFindings(report.findings), [], []);
  yield* parquetChunks(FINDING_COLUMNS, rowsOf(report.findings), {
    metadata: [{ key: SUMMARY_METADATA_KEY, value: JSON.stringify({ schema_version, summary }) }],
    createdBy: `tracetriage version ${version}`,
  });
}

function* rowsOf(findings: Iterable<Finding>): Generator<ParquetRow> {
  for (const f of findings) yield { ...findingJson(f), role: f.role };
}
