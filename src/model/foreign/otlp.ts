import { flattenOtlpAttributes } from '../attributes.js';
import type { ForeignReader, ForeignRecogniser } from './index.js';
import { addProblem, decodeOtelId, nanosFromOtlp, objectOf, spanKindName } from './values.js';
import type { ForeignBatch, ForeignEvent, ForeignSpan } from './types.js';

/**
 * OTLP/JSON: an `ExportTraceServiceRequest` (or `TracesData`, the same shape) as the OTLP/HTTP
 * JSON exporters send it, the Collector's file exporter writes it (one request per line) and its
 * `otlpjsonfile` receiver reads it. Both JSON mappings occur: the OTLP/JSON spec's (camelCase
 * keys, hex ids, enums as numbers) and protobuf's canonical one as Python's `MessageToJson` or a
 * protobuf library writes it (snake_case keys when field names are preserved, base64 ids, enums
 * by name). Pre-1.0 producers say `instrumentationLibrarySpans`; Grafana Tempo's trace API wraps
 * the same resource spans in `batches`. One request may hold spans of many traces, and one trace's
 * spans may arrive in many requests.
 *
 * The instrumentation scope has no place in the neutral span; its name and version are kept in
 * the attributes `otel.scope.name` / `otel.scope.version`, the keys OTel's Zipkin and Jaeger
 * exporters use for it, unless the span already has them.
 */
export const otlpJsonReader: ForeignReader = {
  format: 'otlp-json',
  matches(value) {
    const top = unwrapResult(objectOf(value)).top;
    if (!top) return false;
    const list = pick(top, 'resourceSpans', 'resource_spans');
    if (Array.isArray(list)) return true;
    // Tempo's `batches` is a common word: it is OTLP only when its items are resource spans.
    const batches = top['batches'];
    return Array.isArray(batches) && batches.length > 0 && batches.every((b) => SCOPE_KEYS.some((k) => Array.isArray(objectOf(b)?.[k])));
  },
  read(value) {
    const batch: ForeignBatch = { format: 'otlp-json', spans: [], problems: [] };
    const { top: found, base } = unwrapResult(objectOf(value));
    const top = found ?? {};
    const key = 'resourceSpans' in top ? 'resourceSpans' : 'resource_spans' in top ? 'resource_spans' : 'batches';
    const list = top[key];
    if (!Array.isArray(list)) {
      addProblem(batch, `${base}.${key}`, 'an array of resource spans', list);
      return batch;
    }
    list.forEach((item, i) => readResourceSpans(item, `${base}.${key}[${i}]`, batch));
    return batch;
  },
};

/**
 * Jaeger's API v3 (`/api/v3/traces/{id}`, grpc-gateway JSON) answers with the OTLP request in
 * `result` (jaegerquery's apiv3/snapshots/GetTrace.json): read through it.
 */
function unwrapResult(top: Record<string, unknown> | null): { top: Record<string, unknown> | null; base: string } {
  const inner = top !== null && Object.keys(top).length === 1 ? objectOf(top['result']) : null;
  if (inner !== null && (Array.isArray(inner['resourceSpans']) || Array.isArray(inner['resource_spans']))) return { top: inner, base: '$.result' };
  return { top, base: '$' };
}

const SCOPE_KEYS = ['scopeSpans', 'scope_spans', 'instrumentationLibrarySpans', 'instrumentation_library_spans'];

/** OTLP files of the other signals: named in one line, since tracetriage reads traces only. */
export const otlpOtherSignals: ForeignRecogniser = {
  describe(value) {
    const top = objectOf(value);
    if (!top) return null;
    for (const [camel, snake, what] of OTHER_SIGNALS) {
      if (Array.isArray(top[camel]) || Array.isArray(top[snake])) {
        return `OTLP/JSON ${what}, not traces: tracetriage reads traces; export the traces (resourceSpans) of the same application instead`;
      }
    }
    return null;
  },
};

const OTHER_SIGNALS: ReadonlyArray<readonly [string, string, string]> = [
  ['resourceLogs', 'resource_logs', 'logs'],
  ['resourceMetrics', 'resource_metrics', 'metrics'],
  ['resourceProfiles', 'resource_profiles', 'profiles'],
];

function readResourceSpans(item: unknown, path: string, batch: ForeignBatch): void {
  const rs = objectOf(item);
  if (!rs) {
    addProblem(batch, path, 'a resource spans object', item);
    return;
  }
  const resource = readResource(rs['resource'], `${path}.resource`, batch);
  const scopeKey = SCOPE_KEYS.find((k) => k in rs);
  if (scopeKey === undefined) return;
  const scopes = rs[scopeKey];
  if (!Array.isArray(scopes)) {
    addProblem(batch, `${path}.${scopeKey}`, 'an array of scope spans', scopes);
    return;
  }
  scopes.forEach((scopeItem, j) => {
    const scopePath = `${path}.${scopeKey}[${j}]`;
    const ss = objectOf(scopeItem);
    if (!ss) {
      addProblem(batch, scopePath, 'a scope spans object', scopeItem);
      return;
    }
    const scope = objectOf(ss['scope']) ?? objectOf(pick(ss, 'instrumentationLibrary', 'instrumentation_library'));
    const spans = ss['spans'];
    if (spans === undefined) return;
    if (!Array.isArray(spans)) {
      addProblem(batch, `${scopePath}.spans`, 'an array of spans', spans);
      return;
    }
    spans.forEach((spanItem, k) => {
      const span = readSpan(spanItem, `${scopePath}.spans[${k}]`, batch, scope);
      if (span) batch.spans.push(resource ? { ...span, resource } : span);
    });
  });
}

function readResource(value: unknown, path: string, batch: ForeignBatch): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  const resource = objectOf(value);
  if (!resource) {
    addProblem(batch, path, 'a resource object', value);
    return undefined;
  }
  return attributesOf(resource, `${path}.attributes`, batch);
}

function readSpan(value: unknown, path: string, batch: ForeignBatch, scope: Record<string, unknown> | null): ForeignSpan | null {
  const s = objectOf(value);
  if (!s) {
    addProblem(batch, path, 'a span object', value);
    return null;
  }
  const [traceKey, rawTrace] = entry(s, 'traceId', 'trace_id');
  const [spanKey, rawSpan] = entry(s, 'spanId', 'span_id');
  const traceId = decodeOtelId(rawTrace, 16);
  const spanId = decodeOtelId(rawSpan, 8);
  if (traceId === null || spanId === null) {
    if (traceId === null) addProblem(batch, `${path}.${traceKey}`, 'a trace id (32 hex digits or base64 of 16 bytes)', rawTrace);
    if (spanId === null) addProblem(batch, `${path}.${spanKey}`, 'a span id (16 hex digits or base64 of 8 bytes)', rawSpan);
    return null;
  }
  const [parentKey, rawParent] = entry(s, 'parentSpanId', 'parent_span_id');
  let parentId: string | null = null;
  // An empty or all-zero parent is OTLP's "no parent"; anything else must decode.
  if (rawParent !== undefined && rawParent !== null && rawParent !== '' && !/^(?:0x)?0+$/i.test(String(rawParent))) {
    parentId = decodeOtelId(rawParent, 8);
    if (parentId === null) addProblem(batch, `${path}.${parentKey}`, 'a parent span id (16 hex digits or base64 of 8 bytes), or none', rawParent);
  }
  const name = typeof s['name'] === 'string' ? s['name'] : '';
  const attributes = attributesOf(s, `${path}.attributes`, batch);
  const scopeName = typeof scope?.['name'] === 'string' ? scope['name'] : '';
  if (scopeName !== '' && !('otel.scope.name' in attributes)) attributes['otel.scope.name'] = scopeName;
  const scopeVersion = scope?.['version'];
  if (scopeName !== '' && typeof scopeVersion === 'string' && scopeVersion !== '' && !('otel.scope.version' in attributes)) {
    attributes['otel.scope.version'] = scopeVersion;
  }
  const span: ForeignSpan = {
    traceId,
    spanId,
    parentId,
    name,
    startNs: time(s, 'startTimeUnixNano', 'start_time_unix_nano', path, batch),
    endNs: time(s, 'endTimeUnixNano', 'end_time_unix_nano', path, batch),
    ...readStatus(s['status'], `${path}.status`, batch),
    attributes,
    events: readEvents(s['events'], `${path}.events`, batch),
  };
  if (s['kind'] !== undefined) {
    const kind = spanKindName(s['kind']);
    if (kind !== undefined) span.kind = kind;
    else addProblem(batch, `${path}.kind`, 'a span kind (0-5 or SPAN_KIND_*)', s['kind']);
  }
  return span;
}

function readStatus(value: unknown, path: string, batch: ForeignBatch): Pick<ForeignSpan, 'status' | 'statusMessage'> {
  const status = objectOf(value);
  if (!status) {
    if (value !== undefined && value !== null) addProblem(batch, path, 'a status object', value);
    return { status: 'UNSET', statusMessage: '' };
  }
  const message = typeof status['message'] === 'string' ? status['message'] : '';
  const code = status['code'];
  if (code === undefined || code === null) return { status: 'UNSET', statusMessage: message };
  const named =
    STATUS_CODES[
      String(code)
        .toUpperCase()
        .replace(/^STATUS_CODE_/, '')
    ];
  if (named === undefined) {
    addProblem(batch, `${path}.code`, 'a status code (0-2 or STATUS_CODE_UNSET/OK/ERROR)', code);
    return { status: 'UNSET', statusMessage: message };
  }
  return { status: named, statusMessage: message };
}

const STATUS_CODES: Readonly<Record<string, ForeignSpan['status']>> = { '0': 'UNSET', '1': 'OK', '2': 'ERROR', UNSET: 'UNSET', OK: 'OK', ERROR: 'ERROR' };

function readEvents(value: unknown, path: string, batch: ForeignBatch): ForeignEvent[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    addProblem(batch, path, 'an array of events', value);
    return [];
  }
  const events: ForeignEvent[] = [];
  value.forEach((item, i) => {
    const e = objectOf(item);
    if (!e) {
      addProblem(batch, `${path}[${i}]`, 'an event object', item);
      return;
    }
    events.push({
      name: typeof e['name'] === 'string' ? e['name'] : '',
      timeNs: time(e, 'timeUnixNano', 'time_unix_nano', `${path}[${i}]`, batch),
      attributes: attributesOf(e, `${path}[${i}].attributes`, batch),
    });
  });
  return events;
}

function attributesOf(owner: Record<string, unknown>, path: string, batch: ForeignBatch): Record<string, unknown> {
  const list = owner['attributes'];
  if (list === undefined || list === null) return {};
  if (!Array.isArray(list)) {
    addProblem(batch, path, 'an array of {key, value} attributes', list);
    return {};
  }
  return flattenOtlpAttributes(list);
}

function time(owner: Record<string, unknown>, camel: string, snake: string, path: string, batch: ForeignBatch): string | null {
  const [key, value] = entry(owner, camel, snake);
  const nanos = nanosFromOtlp(value);
  if (nanos !== undefined) return nanos;
  addProblem(batch, `${path}.${key}`, 'nanoseconds since the epoch (decimal digits)', value);
  return null;
}

/**
 * The value under either mapping's key, with the key found; a missing key is named as the owner's
 * other keys are written (proto field names have `_`, OTLP/JSON's lowerCamelCase never does).
 */
function entry(owner: Record<string, unknown>, camel: string, snake: string): [string, unknown] {
  if (camel in owner) return [camel, owner[camel]];
  if (snake in owner || Object.keys(owner).some((k) => k.includes('_'))) return [snake, owner[snake]];
  return [camel, undefined];
}

function pick(owner: Record<string, unknown>, camel: string, snake: string): unknown {
  return entry(owner, camel, snake)[1];
}
