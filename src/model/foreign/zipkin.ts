import type { ForeignReader } from './index.js';
import type { ForeignBatch, ForeignProblem, ForeignSpan } from './types.js';
import { decodeOtelId, endFromDuration, isRecord, microsToNs, problem, spanKindName, text } from './values.js';

/**
 * Zipkin v2 JSON (zipkin2 `Span`, zipkin-api's `zipkin2-api.yaml`): a file is a list of spans, and
 * each element arrives as a record of its own; a record may also be a whole list (a JSON line
 * holding one). Times are microseconds; `tags` are strings; an `error` tag marks a failed span.
 */
export const zipkinReader: ForeignReader = {
  format: 'zipkin-v2',
  matches: (value) => (Array.isArray(value) ? value.length > 0 && value.every(isZipkinSpan) : isZipkinSpan(value)),
  read: readZipkin,
};

const KINDS = new Set(['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER']);

/**
 * A Zipkin span by its own keys: `traceId` and `id` as hex strings, and none of the keys that make
 * a Langfuse observation (`startTime`, `type`) or an OTLP span (`spanId`), which also carry
 * `traceId` and `id`-like fields. Times, when present, are numbers.
 */
function isZipkinSpan(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if (typeof value.traceId !== 'string' || typeof value.id !== 'string') return false;
  if (!/^[0-9a-fA-F]{1,32}$/.test(value.traceId) || !/^[0-9a-fA-F]{1,16}$/.test(value.id)) return false;
  if ('startTime' in value || 'type' in value || 'spanId' in value || 'observations' in value) return false;
  if ('timestamp' in value && typeof value.timestamp !== 'number') return false;
  if ('kind' in value && !KINDS.has(String(value.kind))) return false;
  return true;
}

function readZipkin(value: unknown): ForeignBatch {
  const batch: ForeignBatch = { format: 'zipkin-v2', spans: [], problems: [] };
  const list = Array.isArray(value) ? value : [value];
  list.forEach((raw, i) => {
    const span = readSpan(raw, Array.isArray(value) ? `$[${i}]` : '$', batch.problems);
    if (span) batch.spans.push(span);
  });
  return batch;
}

function readSpan(raw: unknown, path: string, problems: ForeignProblem[]): ForeignSpan | null {
  if (!isRecord(raw)) {
    problems.push(problem(path, 'a Zipkin v2 span object', raw));
    return null;
  }
  const traceId = decodeOtelId(raw.traceId, 16);
  if (traceId === null) {
    problems.push(problem(`${path}.traceId`, 'a hex trace id of 16 or 32 digits', raw.traceId));
    return null;
  }
  const spanId = decodeOtelId(raw.id, 8);
  if (spanId === null) {
    problems.push(problem(`${path}.id`, 'a hex span id of 16 digits', raw.id));
    return null;
  }
  const tags = isRecord(raw.tags) ? raw.tags : {};
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tags)) attributes[key] = value;
  Object.assign(attributes, endpointAttributes(raw.remoteEndpoint, 'peer'), endpointAttributes(raw.localEndpoint, 'host'));
  if (raw.shared === true) attributes['zipkin.shared'] = true;
  if (raw.debug === true) attributes['zipkin.debug'] = true;
  const kind = spanKindName(raw.kind);
  const startNs = microsToNs(raw.timestamp);
  const service = isRecord(raw.localEndpoint) ? text(raw.localEndpoint.serviceName) : undefined;
  const events = Array.isArray(raw.annotations)
    ? raw.annotations.filter(isRecord).map((a) => ({ name: typeof a.value === 'string' ? a.value : '', timeNs: microsToNs(a.timestamp), attributes: {} }))
    : [];
  return {
    traceId,
    spanId,
    parentId: decodeOtelId(raw.parentId, 8),
    name: typeof raw.name === 'string' ? raw.name : '',
    startNs,
    endNs: endFromDuration(startNs, raw.duration),
    ...statusOf(tags),
    ...(kind ? { kind } : {}),
    attributes,
    events,
    ...(service ? { resource: { 'service.name': service } } : {}),
  };
}

/**
 * The `error` tag marks a failed span, its value the message (Brave writes the exception's
 * message, or the HTTP status, and "" when there is none); OTel's Zipkin exporter also writes
 * `otel.status_code` / `otel.status_description`.
 */
function statusOf(tags: Record<string, unknown>): Pick<ForeignSpan, 'status' | 'statusMessage'> {
  const code = typeof tags['otel.status_code'] === 'string' ? tags['otel.status_code'].toUpperCase() : '';
  const description = typeof tags['otel.status_description'] === 'string' ? tags['otel.status_description'] : '';
  if ('error' in tags || code === 'ERROR') {
    const message = typeof tags.error === 'string' && tags.error !== '' ? tags.error : description;
    return { status: 'ERROR', statusMessage: message };
  }
  return code === 'OK' ? { status: 'OK', statusMessage: '' } : { status: 'UNSET', statusMessage: '' };
}

/**
 * Endpoints as OTel attributes (the pre-1.21 network names, which Zipkin-era tools know): the
 * remote service is `peer.service`, addresses are `net.peer.*` / `net.host.*`; the local service
 * is the resource's `service.name`.
 */
function endpointAttributes(endpoint: unknown, side: 'peer' | 'host'): Record<string, unknown> {
  if (!isRecord(endpoint)) return {};
  const out: Record<string, unknown> = {};
  if (side === 'peer' && typeof endpoint.serviceName === 'string') out['peer.service'] = endpoint.serviceName;
  const ip = text(endpoint.ipv4) ?? text(endpoint.ipv6);
  if (ip) out[`net.${side}.ip`] = ip;
  if (typeof endpoint.port === 'number') out[`net.${side}.port`] = endpoint.port;
  return out;
}
