/**
 * A stored trace info (the file store's `trace_info.yaml`, V2 or V3) turned into the V3 `info` that
 * `mlflow traces search --output json` prints. Pure: no file system, so the SQLite reader can
 * assemble its rows with the same functions.
 */

/** The fields of a trace info that are not maps or lists, as MLflow's V3 `TraceInfo` holds them. */
export interface CoreInfo {
  /** Which `trace_info.yaml` shape it came from. */
  shape: 'V2' | 'V3';
  traceId: string;
  experimentId: string;
  requestTimeMs: number;
  /** Null while a trace is in progress (MLflow then prints no `execution_duration_ms`). */
  executionDurationMs: number | null;
  state: string;
  /** Absent keys stay absent: MLflow prints a preview only when one was stored (V2 never has one). */
  requestPreview?: string;
  responsePreview?: string;
  clientRequestId?: string;
  /** V2's inline `assessments:` list (always empty in stores seen so far). */
  inlineAssessments: unknown[];
}

/** Why a trace info cannot be read: what is wrong, where, and what was expected. */
export interface InfoProblem {
  message: string;
  jsonPath: string;
  expected: string;
  found?: string;
}

/** V3 states (`TraceState`), and V2 statuses mapped the way `TraceStatus.to_state` maps them. */
export const TRACE_STATES: readonly string[] = ['STATE_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS'];
const V2_STATUS_TO_STATE: Readonly<Record<string, string>> = {
  TRACE_STATUS_UNSPECIFIED: 'STATE_UNSPECIFIED',
  OK: 'OK',
  ERROR: 'ERROR',
  IN_PROGRESS: 'IN_PROGRESS',
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

const describe = (value: unknown): string => (value === undefined ? 'nothing' : value instanceof Date ? value.toISOString() : (JSON.stringify(value) ?? String(value)));

/**
 * Reads a parsed `trace_info.yaml` (either shape; MLflow's `TraceInfo.from_dict` hands any dict with
 * `request_id` to the V2 reader) into the V3 fields. `folderExperimentId` stands in when a V3 file
 * has no `trace_location` (MLflow itself would refuse the file; the folder says the same thing).
 * Returns the fields and warnings (values read but odd), or the problem that makes the file unusable.
 */
export function coreInfoFromYaml(doc: unknown, folderExperimentId: string): { info: CoreInfo; warnings: string[] } | { problem: InfoProblem } {
  if (!isRecord(doc)) {
    return { problem: { message: 'trace_info.yaml is not a mapping of keys to values', jsonPath: '$', expected: 'a YAML mapping', found: describe(doc) } };
  }
  return 'request_id' in doc ? fromV2(doc, folderExperimentId) : fromV3(doc, folderExperimentId);
}

const missing = (key: string, shape: string): { problem: InfoProblem } => ({
  problem: {
    message: `trace_info.yaml has no \`${key}\` (a ${shape} trace info needs ${shape === 'V2' ? 'request_id, timestamp_ms and status' : 'trace_id, request_time and state'})`,
    jsonPath: `$.${key}`,
    expected: key,
  },
});

const wrong = (key: string, expected: string, value: unknown): { problem: InfoProblem } => ({
  problem: { message: `trace_info.yaml: \`${key}\` is ${describe(value)}, expected ${expected}`, jsonPath: `$.${key}`, expected, found: describe(value) },
});

function fromV2(doc: Record<string, unknown>, folderExperimentId: string): { info: CoreInfo; warnings: string[] } | { problem: InfoProblem } {
  const warnings: string[] = [];
  const { request_id: id, timestamp_ms: time, execution_time_ms: duration, status } = doc;
  if (id === undefined || id === null) return missing('request_id', 'V2');
  if (typeof id !== 'string' || id === '') return wrong('request_id', 'a trace id string', id);
  if (time === undefined || time === null) return missing('timestamp_ms', 'V2');
  if (!isEpochMs(time)) return wrong('timestamp_ms', 'milliseconds since the epoch (an integer)', time);
  if (status === undefined || status === null) return missing('status', 'V2');
  const state = typeof status === 'string' ? V2_STATUS_TO_STATE[status] : undefined;
  if (state === undefined) return wrong('status', `one of ${Object.keys(V2_STATUS_TO_STATE).join(', ')}`, status);
  // V2 writes 0 or null for a trace still in progress; MLflow keeps null as "no duration".
  if (duration !== undefined && duration !== null && !isDurationMs(duration)) {
    return wrong('execution_time_ms', 'a duration in milliseconds (an integer) or null', duration);
  }
  let inlineAssessments: unknown[] = [];
  if (Array.isArray(doc.assessments)) inlineAssessments = doc.assessments;
  else if (doc.assessments !== undefined && doc.assessments !== null) {
    warnings.push(`trace_info.yaml: \`assessments\` is ${describe(doc.assessments)}, expected a list; not read`);
  }
  return {
    info: {
      shape: 'V2',
      traceId: id,
      experimentId: experimentIdOf(doc.experiment_id) ?? folderExperimentId,
      requestTimeMs: time,
      executionDurationMs: typeof duration === 'number' ? duration : null,
      state,
      inlineAssessments,
    },
    warnings,
  };
}

function fromV3(doc: Record<string, unknown>, folderExperimentId: string): { info: CoreInfo; warnings: string[] } | { problem: InfoProblem } {
  const warnings: string[] = [];
  const { trace_id: id, request_time: time, execution_duration_ms: duration, state } = doc;
  if (id === undefined || id === null) return missing('trace_id', 'V3');
  if (typeof id !== 'string' || id === '') return wrong('trace_id', 'a trace id string', id);
  if (time === undefined || time === null) return missing('request_time', 'V3');
  const requestTimeMs = requestTimeOf(time);
  if (requestTimeMs === null) return wrong('request_time', 'an RFC 3339 time such as 2025-08-18T19:13:41.894Z', time);
  if (state === undefined || state === null) return missing('state', 'V3');
  if (typeof state !== 'string' || !TRACE_STATES.includes(state)) return wrong('state', `one of ${TRACE_STATES.join(', ')}`, state);
  if (duration !== undefined && duration !== null && !isDurationMs(duration)) {
    return wrong('execution_duration_ms', 'a duration in milliseconds (an integer) or null', duration);
  }
  const location = isRecord(doc.trace_location) ? doc.trace_location : undefined;
  const experiment = location !== undefined && isRecord(location.mlflow_experiment) ? location.mlflow_experiment : undefined;
  let experimentId = experimentIdOf(experiment?.experiment_id);
  if (experimentId === undefined) {
    experimentId = folderExperimentId;
    warnings.push(`trace_info.yaml has no trace_location.mlflow_experiment.experiment_id; the experiment folder's id ${folderExperimentId} is used`);
  }
  const info: CoreInfo = {
    shape: 'V3',
    traceId: id,
    experimentId,
    requestTimeMs,
    executionDurationMs: typeof duration === 'number' ? duration : null,
    state,
    inlineAssessments: [],
  };
  for (const [key, field] of [
    ['request_preview', 'requestPreview'],
    ['response_preview', 'responsePreview'],
    ['client_request_id', 'clientRequestId'],
  ] as const) {
    const value = doc[key];
    if (typeof value === 'string') info[field] = value;
    else if (value !== undefined && value !== null) warnings.push(`trace_info.yaml: \`${key}\` is ${describe(value)}, expected a string; not read`);
  }
  return { info, warnings };
}

const isEpochMs = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);
const isDurationMs = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

const experimentIdOf = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined;

/**
 * A V3 `request_time`: the RFC 3339 string MLflow writes (protobuf's Timestamp JSON form), or an
 * integer of milliseconds; a YAML timestamp a hand-edited file left unquoted arrives as a Date.
 */
function requestTimeOf(value: unknown): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (isEpochMs(value)) return value;
  return typeof value === 'string' ? parseRfc3339Ms(value) : null;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Milliseconds of an RFC 3339 time as protobuf's `Timestamp.FromJsonString` then `ToMilliseconds`
 * read it (sub-millisecond digits dropped toward the past), or null when it is not one.
 */
export function parseRfc3339Ms(text: string): number | null {
  const m = RFC3339.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 2025-02-30 over to March: a changed day means the date does not exist.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  const nanos = Number((m[7] ?? '').padEnd(9, '0'));
  const zone = m[8]!;
  const offsetMinutes = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return date.getTime() - offsetMinutes * 60_000 + Math.floor(nanos / 1_000_000);
}

/**
 * A time as protobuf's Timestamp JSON prints it, which is what MLflow's `request_time`,
 * `create_time` and `last_update_time` are: UTC, `Z`, and a fraction only when there is one
 * (`2026-11-24T04:26:59.859Z`, but `2026-11-24T04:26:59Z` on a whole second).
 */
export function protoTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.replace(/\.000Z$/, 'Z') : iso;
}

/**
 * The V3 `info` in the key order of `TraceInfo.to_dict` (protobuf field order, with the previews and
 * `execution_duration_ms` appended by MLflow after the proto fields); empty maps and lists are left
 * out, as MessageToDict leaves them out.
 */
export function assembleInfo(core: CoreInfo, traceMetadata: Record<string, string>, tags: Record<string, string>, assessments: unknown[]): Record<string, unknown> {
  const info: Record<string, unknown> = { trace_id: core.traceId };
  if (core.clientRequestId !== undefined) info.client_request_id = core.clientRequestId;
  info.trace_location = { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: core.experimentId } };
  info.request_time = protoTimestamp(core.requestTimeMs);
  info.state = core.state;
  if (Object.keys(traceMetadata).length > 0) info.trace_metadata = traceMetadata;
  if (assessments.length > 0) info.assessments = assessments;
  if (Object.keys(tags).length > 0) info.tags = tags;
  if (core.requestPreview !== undefined) info.request_preview = core.requestPreview;
  if (core.responsePreview !== undefined) info.response_preview = core.responsePreview;
  if (core.executionDurationMs !== null) info.execution_duration_ms = core.executionDurationMs;
  return info;
}

/** Assessment keys in the order `Assessment.to_dictionary` (MessageToDict, proto field order) prints them. */
const ASSESSMENT_KEYS = [
  'assessment_id',
  'assessment_name',
  'trace_id',
  'span_id',
  'source',
  'create_time',
  'last_update_time',
  'expectation',
  'feedback',
  'rationale',
  'error',
  'metadata',
  'overrides',
  'valid',
];

/** An assessment mapping with its keys in MLflow's print order; keys MLflow may add later follow. */
export function orderAssessment(assessment: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ASSESSMENT_KEYS) if (key in assessment) out[key] = assessment[key];
  for (const [key, value] of Object.entries(assessment)) if (!(key in out)) out[key] = value;
  return out;
}
