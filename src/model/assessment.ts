import type { Assessment, AssessmentError } from './types.js';
import { isObject, num, parseTimeMs, str, stringMap, type Json } from './values.js';

/**
 * The assessments of a raw info object (`info.assessments`), empty entries (`{}`, written by
 * `--extract-fields` placeholders) left out; each keeps its position for JSONPaths.
 */
export function assessmentsOf(rawInfo: Json | undefined): Assessment[] {
  const out: Assessment[] = [];
  const raw = rawInfo?.assessments;
  if (!Array.isArray(raw)) return out;
  raw.forEach((item, index) => {
    if (isObject(item) && Object.keys(item).length > 0) out.push(normalizeAssessment(item, index));
  });
  return out;
}

/**
 * Normalizes one assessment from 3.x proto names (`assessment_name`, `create_time` RFC 3339,
 * `expectation.serialized_value`) or 2.x dataclass names (`name`, `create_time_ms`, top-level
 * `error`), mlflow-trace-formats.md §2.3 and §3.
 */
export function normalizeAssessment(raw: Json, index: number): Assessment {
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
    createTimeMs: num(raw.create_time_ms) ?? parseTimeMs(raw.create_time),
    lastUpdateTimeMs: num(raw.last_update_time_ms) ?? parseTimeMs(raw.last_update_time),
    kind,
    value,
    error: assessmentError(feedback?.error) ?? assessmentError(raw.error),
    rationale: str(raw.rationale),
    metadata: stringMap(raw.metadata),
    valid: raw.valid !== false,
    overrides: str(raw.overrides),
  };
}

/** Lists and dicts are stored as `serialized_value` JSON text (`ExpectationValue._need_serialization`). */
function expectationValue(expectation: Json): unknown {
  if ('value' in expectation) return expectation.value;
  const serialized = isObject(expectation.serialized_value) ? expectation.serialized_value : undefined;
  const text = str(serialized?.value);
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // A serialized value that is not JSON is kept as the text the file holds.
    return text;
  }
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
