import type { Assessment, AssessmentError } from './types.js';
import { depthBeyond } from './depth.js';
import { TimeReader } from './times.js';
import { isObject, str, stringMap, type Json } from './values.js';

/**
 * The assessments of a raw info object (`info.assessments`), empty entries (`{}`, written by
 * `--extract-fields` placeholders) left out; each keeps its position for JSONPaths. Unusable
 * times are null and a warning in `times`, at `path` (the assessment list's JSONPath) `[index]`.
 */
export function assessmentsOf(rawInfo: Json | undefined, times = new TimeReader(), path = '$.info.assessments'): Assessment[] {
  const out: Assessment[] = [];
  const raw = rawInfo?.assessments;
  if (!Array.isArray(raw)) return out;
  raw.forEach((item, index) => {
    if (isObject(item) && Object.keys(item).length > 0) out.push(normalizeAssessment(item, index, times, `${path}[${index}]`));
  });
  return out;
}

/**
 * Normalizes one assessment from 3.x proto names (`assessment_name`, `create_time` RFC 3339,
 * `expectation.serialized_value`) or 2.x dataclass names (`name`, `create_time_ms`, top-level
 * `error`), mlflow-trace-formats.md §2.3 and §3; `path` is its JSONPath, for time warnings.
 */
export function normalizeAssessment(raw: Json, index: number, times = new TimeReader(), path = `$.info.assessments[${index}]`): Assessment {
  const feedback = isObject(raw.feedback) ? raw.feedback : undefined;
  const expectation = isObject(raw.expectation) ? raw.expectation : undefined;
  const source = isObject(raw.source) ? raw.source : undefined;
  let kind: Assessment['kind'] = 'unknown';
  let value: unknown = null;
  if (feedback) {
    kind = 'feedback';
    value = feedback.value ?? null;
  } else if (expectation) {
    kind = 'expectation';
    value = expectationValue(expectation);
  }
  const sourceType = str(source?.source_type) ?? 'SOURCE_TYPE_UNSPECIFIED';
  return {
    index,
    assessmentId: str(raw.assessment_id),
    name: str(raw.assessment_name) ?? str(raw.name) ?? '',
    traceId: str(raw.trace_id),
    spanId: str(raw.span_id) || null,
    sourceType: sourceType === 'AI_JUDGE' ? 'LLM_JUDGE' : sourceType,
    sourceId: str(source?.source_id),
    createTimeMs: assessmentTime(raw, 'create_time', times, path),
    lastUpdateTimeMs: assessmentTime(raw, 'last_update_time', times, path),
    kind,
    value,
    error: assessmentError(feedback?.error) ?? assessmentError(raw.error),
    rationale: str(raw.rationale),
    metadata: stringMap(raw.metadata),
    valid: raw.valid !== false,
    overrides: str(raw.overrides),
  };
}

/** 2.x writes `<key>_ms` (epoch ms), 3.x `<key>` (RFC 3339); the first present is read. */
function assessmentTime(raw: Json, key: 'create_time' | 'last_update_time', times: TimeReader, path: string): number | null {
  const ms = raw[`${key}_ms`];
  if (ms !== undefined && ms !== null) return times.epochMs(ms, `${path}.${key}_ms`);
  return times.rfc3339(raw[key], `${path}.${key}`);
}

/** Lists and dicts are stored as `serialized_value` JSON text (`ExpectationValue._need_serialization`). */
function expectationValue(expectation: Json): unknown {
  if ('value' in expectation) return expectation.value;
  const serialized = isObject(expectation.serialized_value) ? expectation.serialized_value : undefined;
  const text = str(serialized?.value);
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    // A serialized value that is not JSON is kept as the text the file holds.
    return text;
  }
  // Nesting beyond the record's depth bound stays text too (see depth.ts).
  return depthBeyond(value) === null ? value : text;
}

function assessmentError(value: unknown): AssessmentError | null {
  if (!isObject(value)) return null;
  const error = {
    code: str(value.error_code),
    message: str(value.error_message),
    stackTrace: str(value.stack_trace),
  };
  return error.code === null && error.message === null && error.stackTrace === null ? null : error;
}
