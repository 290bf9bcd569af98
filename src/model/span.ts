import { Attributes, flattenOtlpAttributes } from './attributes.js';
import { isNoParent, normalizeId } from './ids.js';
import type { Span, SpanEvent, SpanFormat, SpanStatus } from './types.js';
import { EXPECTED_EPOCH_NS, TimeReader } from './times.js';
import { isText } from './spilled-text.js';
import { isObject, num, str, type Json } from './values.js';

const EXPECTED_EVENT_TIME = `${EXPECTED_EPOCH_NS} (or microseconds)`;

/** Event times below this are microseconds (16 digits) rather than nanoseconds (19 digits). */
const MICROSECOND_LIMIT = 1e17;

/**
 * Tells which version wrote a span (mlflow-trace-formats.md §2.8), from its keys alone.
 * Returns `none` for a span that carries no identifying key (a partial `--extract-fields` span).
 */
export function detectSpanFormat(span: Json): SpanFormat {
  if (isObject(span.context)) {
    const id = str(span.context.span_id) ?? '';
    return id.startsWith('0x') ? 'v2-0x' : 'v2';
  }
  if (!('start_time_unix_nano' in span) && !('span_id' in span)) return 'none';
  if (Array.isArray(span.attributes)) return 'otlp';
  const traceId = str(span.trace_id) ?? '';
  if (traceId.startsWith('tr-') || traceId.startsWith('trace:/')) return 'v3.5.0';
  if ('trace_state' in span || !('events' in span)) return 'v3-proto';
  if (span.parent_span_id === '') return 'ts-sdk';
  if (isObject(span.attributes) && Object.values(span.attributes).some((v) => !isText(v))) {
    return 'ts-sdk';
  }
  return 'v3';
}

/** Maps every status spelling to `OK | ERROR | UNSET`; returns null for an unknown one. */
export function normalizeStatus(code: unknown): SpanStatus | null {
  switch (code) {
    case 'OK':
    case 'STATUS_CODE_OK':
    case 1:
      return 'OK';
    case 'ERROR':
    case 'STATUS_CODE_ERROR':
    case 2:
      return 'ERROR';
    case 'UNSET':
    case 'STATUS_CODE_UNSET':
    case 0:
    case undefined:
    case null:
    case '':
      return 'UNSET';
    default:
      return null;
  }
}

/**
 * Ids already normalized in this trace: every span repeats the trace id, and siblings repeat
 * their parent's id, so each distinct id is decoded once.
 */
export type IdCache = Map<string, string>;

function cachedId(raw: string, cache: IdCache): string {
  let hex = cache.get(raw);
  if (hex === undefined) {
    hex = normalizeId(raw);
    cache.set(raw, hex);
  }
  return hex;
}

/**
 * Normalizes one span of any version into the model. Unusable times (see {@link TimeReader}) are
 * null and a warning in `times`, at `path`, the span's JSONPath; an end before the start is an
 * unknown end.
 */
export function normalizeSpan(raw: Json, index: number, format: SpanFormat, ids: IdCache = new Map(), times = new TimeReader(), path = `$.data.spans[${index}]`): Span {
  const v2 = format === 'v2' || format === 'v2-0x';
  const context = v2 && isObject(raw.context) ? raw.context : undefined;
  const rawSpanId = str(context ? context.span_id : raw.span_id);
  const rawTraceId = str(context ? context.trace_id : raw.trace_id);
  const rawParent = v2 ? raw.parent_id : raw.parent_span_id;
  const statusObj = isObject(raw.status) ? raw.status : undefined;
  // The schema admits only known spellings, so null cannot reach here from a checked record.
  const status = normalizeStatus(v2 ? raw.status_code : statusObj?.code);

  let attributes: Attributes;
  if (Array.isArray(raw.attributes)) attributes = new Attributes(flattenOtlpAttributes(raw.attributes), false);
  else attributes = new Attributes(isObject(raw.attributes) ? raw.attributes : {}, format !== 'ts-sdk');

  const [startKey, endKey] = v2 ? ['start_time', 'end_time'] : ['start_time_unix_nano', 'end_time_unix_nano'];
  const startTimeNs = times.epochNs(num(raw[startKey]), raw[startKey], `${path}.${startKey}`);
  let endTimeNs = times.epochNs(num(raw[endKey]), raw[endKey], `${path}.${endKey}`);
  if (startTimeNs !== null && endTimeNs !== null && endTimeNs < startTimeNs) {
    endTimeNs = times.reject(raw[endKey], `${path}.${endKey}`, `an end at or after the span's start (${String(raw[startKey])})`);
  }

  return {
    index,
    spanId: rawSpanId ? cachedId(rawSpanId, ids) : '',
    parentId: isNoParent(rawParent) || typeof rawParent !== 'string' ? null : cachedId(rawParent, ids),
    otelTraceId: rawTraceId ? cachedId(rawTraceId, ids) : null,
    name: str(raw.name) ?? '',
    startTimeNs,
    endTimeNs,
    status: status ?? 'UNSET',
    statusMessage: str(v2 ? raw.status_message : statusObj?.message) ?? '',
    events: normalizeEvents(raw.events, v2, times, `${path}.events`),
    attributes,
  };
}

function normalizeEvents(events: unknown, v2: boolean, times: TimeReader, path: string): SpanEvent[] {
  if (!Array.isArray(events)) return [];
  const out: SpanEvent[] = [];
  events.forEach((event: unknown, index) => {
    if (!isObject(event)) return;
    const key = v2 ? (event.timestamp != null ? 'timestamp' : 'time_unix_nano') : event.time_unix_nano != null ? 'time_unix_nano' : 'timestamp';
    const read = num(event[key]);
    const unit = read === null ? null : read < MICROSECOND_LIMIT ? 'us' : 'ns';
    const t = times.epochNs(read === null || unit === 'ns' ? read : read * 1000, event[key], `${path}[${index}].${key}`, EXPECTED_EVENT_TIME);
    let attributes: Record<string, unknown> = {};
    if (Array.isArray(event.attributes)) attributes = flattenOtlpAttributes(event.attributes);
    else if (isObject(event.attributes)) attributes = event.attributes;
    out.push({
      name: str(event.name) ?? '',
      timeNs: t,
      timeUnit: t === null ? null : unit,
      attributes,
    });
  });
  return out;
}
