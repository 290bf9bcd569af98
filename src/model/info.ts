import type { InfoFormat, TraceInfo, TraceState } from './types.js';
import { TimeReader } from './times.js';
import { isObject, str, stringMap, type Json } from './values.js';

/** Maps V3 `state` and V2 `status` spellings to one state. */
export function normalizeState(value: unknown): TraceState {
  switch (value) {
    case 'OK':
      return 'OK';
    case 'ERROR':
      return 'ERROR';
    case 'IN_PROGRESS':
      return 'IN_PROGRESS';
    default:
      return 'UNSPECIFIED';
  }
}

/** An empty info, for `traces.json` artifacts that carry spans only. */
export function emptyInfo(): TraceInfo {
  return {
    format: 'none',
    traceId: null,
    clientRequestId: null,
    experimentId: null,
    requestTimeMs: null,
    durationMs: null,
    state: 'UNSPECIFIED',
    metadata: {},
    tags: {},
    requestPreview: null,
    responsePreview: null,
  };
}

/**
 * Normalizes a TraceInfo of any version: V2 (`request_id`, `timestamp_ms`, `execution_time_ms`,
 * `status`, `request_metadata`), V3 (`trace_id`, RFC 3339 `request_time`, `execution_duration_ms`,
 * `state`, `trace_metadata`) and REST / TS-SDK (`execution_duration: "0.062s"`, metadata possibly
 * as `[{key, value}]`). `rest` marks infos that came in a REST body. Times go through `times`
 * (an unusable one is null and a warning there, at `path`, the info's JSONPath in the record).
 */
export function normalizeInfo(raw: Json, rest = false, times = new TimeReader(), path = '$.info'): TraceInfo {
  const v2 = 'request_id' in raw && !('trace_id' in raw);
  const format: InfoFormat = rest ? 'rest' : v2 ? 'v2' : 'v3';
  if (v2) {
    return {
      format,
      traceId: str(raw.request_id),
      clientRequestId: str(raw.client_request_id),
      experimentId: str(raw.experiment_id),
      requestTimeMs: times.epochMs(raw.timestamp_ms, `${path}.timestamp_ms`),
      durationMs: times.durationMs(raw.execution_time_ms, `${path}.execution_time_ms`),
      state: normalizeState(raw.status),
      metadata: stringMap(raw.request_metadata),
      tags: stringMap(raw.tags),
      requestPreview: null,
      responsePreview: null,
    };
  }
  const location = isObject(raw.trace_location) ? raw.trace_location : undefined;
  const experiment = location && isObject(location.mlflow_experiment) ? location.mlflow_experiment : undefined;
  return {
    format,
    traceId: str(raw.trace_id),
    clientRequestId: str(raw.client_request_id),
    experimentId: str(experiment?.experiment_id) ?? str(raw.experiment_id),
    requestTimeMs: times.rfc3339(raw.request_time, `${path}.request_time`),
    durationMs:
      raw.execution_duration_ms !== undefined && raw.execution_duration_ms !== null
        ? times.durationMs(raw.execution_duration_ms, `${path}.execution_duration_ms`)
        : times.durationMs(raw.execution_duration, `${path}.execution_duration`),
    state: normalizeState(raw.state ?? raw.status),
    metadata: stringMap(raw.trace_metadata ?? raw.request_metadata),
    tags: stringMap(raw.tags),
    requestPreview: str(raw.request_preview),
    responsePreview: str(raw.response_preview),
  };
}
