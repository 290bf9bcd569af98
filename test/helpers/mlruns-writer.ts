/**
 * Writes MLflow file stores for tests with plain file writes, in the layout of
 * `mlflow/store/tracking/file_store.py`: `<exp>/meta.yaml`, `<exp>/traces/<id>/trace_info.yaml`,
 * one file per metadata key and tag (the raw value, no newline), `assessments/<id>.yaml`, and
 * `artifacts/traces.json`. YAML is written as text the way PyYAML writes it (sorted keys, quoted
 * strings where YAML 1.1 would read something else), not with the reader's own library.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Writes `text` at `path`, creating folders. */
export function put(path: string, text: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** `<root>/<relDir>/meta.yaml` of an experiment. */
export function writeExperiment(root: string, relDir: string, id: string, name: string, options: { artifactLocation?: string; deleted?: boolean } = {}): void {
  put(
    join(root, relDir, 'meta.yaml'),
    [
      `artifact_location: ${options.artifactLocation ?? `file://${join(root, relDir)}`}`,
      'creation_time: 1768682049562',
      `experiment_id: '${id}'`,
      'last_update_time: 1768682049562',
      `lifecycle_stage: ${options.deleted === true ? 'deleted' : 'active'}`,
      `name: ${name}`,
      '',
    ].join('\n'),
  );
}

/** A single-quoted YAML scalar, as PyYAML quotes strings. */
export const q = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** A V3 `trace_info.yaml` (MLflow 3.2+), keys sorted as PyYAML sorts them. */
export function v3Info(fields: {
  traceId: string;
  experimentId: string;
  requestTime: string;
  state: string;
  durationMs?: number;
  requestPreview?: string;
  responsePreview?: string;
  clientRequestId?: string;
}): string {
  const lines: string[] = [];
  if (fields.clientRequestId !== undefined) lines.push(`client_request_id: ${q(fields.clientRequestId)}`);
  if (fields.durationMs !== undefined) lines.push(`execution_duration_ms: ${fields.durationMs}`);
  if (fields.requestPreview !== undefined) lines.push(`request_preview: ${q(fields.requestPreview)}`);
  lines.push(`request_time: ${q(fields.requestTime)}`);
  if (fields.responsePreview !== undefined) lines.push(`response_preview: ${q(fields.responsePreview)}`);
  lines.push(`state: ${fields.state}`, `trace_id: ${fields.traceId}`, 'trace_location:', '  mlflow_experiment:', `    experiment_id: ${q(fields.experimentId)}`, '  type: MLFLOW_EXPERIMENT', '');
  return lines.join('\n');
}

/** A V2 `trace_info.yaml` (MLflow 2.x – 3.1). */
export function v2Info(fields: { requestId: string; experimentId: string; timestampMs: number; durationMs: number | null; status: string }): string {
  return [
    'assessments: []',
    `execution_time_ms: ${fields.durationMs === null ? 'null' : fields.durationMs}`,
    `experiment_id: ${q(fields.experimentId)}`,
    `request_id: ${fields.requestId}`,
    `status: ${fields.status}`,
    `timestamp_ms: ${fields.timestampMs}`,
    '',
  ].join('\n');
}

/** One trace folder: info text, metadata and tags (one file each), assessments (YAML texts by id), spans. */
export function writeTrace(
  traceDir: string,
  parts: { info: string; metadata?: Record<string, string>; tags?: Record<string, string>; assessments?: Record<string, string>; spans?: unknown[] | null },
): void {
  put(join(traceDir, 'trace_info.yaml'), parts.info);
  for (const [key, value] of Object.entries(parts.metadata ?? {})) put(join(traceDir, 'request_metadata', key), value);
  for (const [key, value] of Object.entries(parts.tags ?? {})) put(join(traceDir, 'tags', key), value);
  for (const [id, text] of Object.entries(parts.assessments ?? {})) put(join(traceDir, 'assessments', `${id}.yaml`), text);
  if (parts.spans !== null && parts.spans !== undefined) put(join(traceDir, 'artifacts', 'traces.json'), JSON.stringify({ spans: parts.spans }));
}

/** A minimal 3.x span (root when `parent` is null). */
export function span(name: string, spanId: string, parent: string | null, status: 'STATUS_CODE_OK' | 'STATUS_CODE_ERROR' = 'STATUS_CODE_OK'): Record<string, unknown> {
  return {
    trace_id: 'AAAAAAAAAAAAAAAAAAAAAA==',
    span_id: spanId,
    parent_span_id: parent,
    name,
    start_time_unix_nano: 1768682049000000000,
    end_time_unix_nano: 1768682050000000000,
    attributes: { 'mlflow.spanType': '"CHAIN"' },
    events: [],
    status: { code: status, message: '' },
  };
}
