import { decodeAttributeValue } from '../attributes.js';
import type { ForeignReader } from './index.js';
import type { ForeignAssessment, ForeignBatch, ForeignSpan, ForeignTraceInfo, NanoDigits } from './types.js';
import { fnv1a64, isRecord, nanosFromIso, problem, text } from './values.js';

/**
 * A Langfuse trace with its observations and scores, in the three shapes Langfuse writes one:
 * - the UI's "Download trace as JSON" (legacy, `downloadLegacyTraceAsJson`) and the tRPC
 *   `traces.byIdWithObservationsAndScores` body: `{trace: {…, scores}, observations: […]}`;
 * - the UI's server-side download (`/api/traces/{id}/download`, `buildTraceExport`):
 *   `{observations: […], scores: […]}`, trace facts repeated on each observation;
 * - the public API's `GET /api/public/traces/{id}` (`TraceWithFullDetails` in fern/apis/server):
 *   the trace object with `observations` and `scores` embedded as full objects.
 * Observations become spans under one synthetic root span per trace that carries the trace's
 * own name and input/output, as MLflow holds a trace's request and response on its root.
 */
export const langfuseReader: ForeignReader = {
  format: 'langfuse',
  matches: isLangfuseTrace,
  read: readLangfuse,
};

function isObservation(value: unknown): boolean {
  return isRecord(value) && typeof value.id === 'string' && typeof value.startTime === 'string' && typeof value.type === 'string';
}

function isLangfuseTrace(value: unknown): boolean {
  if (!isRecord(value) || !Array.isArray(value.observations)) return false;
  const observations = value.observations;
  if (!observations.every(isObservation)) return false;
  if (isRecord(value.trace)) return typeof value.trace.id === 'string' && typeof value.trace.timestamp === 'string';
  if ('trace' in value) return false;
  if (typeof value.id === 'string') return typeof value.timestamp === 'string' && Array.isArray(value.scores);
  return observations.length > 0 && Array.isArray(value.scores);
}

interface Group {
  rawId: string;
  trace: Record<string, unknown> | null;
  observations: { value: Record<string, unknown>; path: string }[];
}

function readLangfuse(value: unknown): ForeignBatch {
  const batch: ForeignBatch = { format: 'langfuse', spans: [], traces: {}, problems: [] };
  if (!isRecord(value) || !Array.isArray(value.observations)) {
    batch.problems.push(problem('$', 'a Langfuse trace export {trace, observations}', value));
    return batch;
  }
  const trace = isRecord(value.trace) ? value.trace : typeof value.id === 'string' ? value : null;
  const groups = new Map<string, Group>();
  const groupOf = (rawId: string): Group => {
    let group = groups.get(rawId);
    if (!group) groups.set(rawId, (group = { rawId, trace: trace && trace.id === rawId ? trace : null, observations: [] }));
    return group;
  };
  if (trace && typeof trace.id === 'string') groupOf(trace.id);
  value.observations.forEach((raw, i) => {
    const path = `$.observations[${i}]`;
    if (!isRecord(raw) || typeof raw.id !== 'string' || raw.id === '') {
      batch.problems.push(problem(`${path}.id`, 'an observation id', isRecord(raw) ? raw.id : raw));
      return;
    }
    const rawTraceId = text(raw.traceId) ?? text(trace?.id);
    if (rawTraceId === undefined) {
      batch.problems.push(problem(`${path}.traceId`, "the id of the observation's trace", raw.traceId));
      return;
    }
    groupOf(rawTraceId).observations.push({ value: raw, path });
  });
  const scores = [...(Array.isArray(trace?.scores) ? trace.scores : []), ...(Array.isArray(value.scores) ? value.scores : [])];
  for (const group of groups.values()) readGroup(group, scores, batch);
  return batch;
}

function readGroup(group: Group, scores: unknown[], batch: ForeignBatch): void {
  const traceId = langfuseTraceId(group.rawId);
  const first = group.observations[0]?.value;
  const trace = group.trace ?? {};
  const rootId = fnv1a64(`langfuse-trace:${group.rawId}`);
  const spans = group.observations.map(({ value }) => observationSpan(value, traceId, rootId));
  const name = text(trace.name) ?? text(first?.traceName) ?? 'trace';
  const starts = spans.map((s) => s.startNs).filter((t): t is NanoDigits => t !== null);
  const ends = spans.flatMap((s) => [s.startNs, s.endNs]).filter((t): t is NanoDigits => t !== null);
  const startNs = nanosFromIso(trace.timestamp) ?? (starts.length > 0 ? starts.reduce(minDigits) : null);
  const input = decoded(trace.input);
  const output = decoded(trace.output);
  const resource = resourceOf(first);
  batch.spans.push({
    traceId,
    spanId: rootId,
    parentId: null,
    name,
    startNs,
    endNs: ends.length > 0 ? ends.reduce(maxDigits) : startNs,
    status: 'UNSET',
    statusMessage: '',
    attributes: {
      'mlflow.spanType': 'UNKNOWN',
      'langfuse.trace.id': group.rawId,
      ...(input !== undefined ? { 'mlflow.spanInputs': input } : {}),
      ...(output !== undefined ? { 'mlflow.spanOutputs': output } : {}),
    },
    events: [],
    ...(resource ? { resource } : {}),
  });
  for (const span of spans) batch.spans.push(resource && !span.resource ? { ...span, resource } : span);
  batch.traces![traceId] = traceInfo(group, trace, first, scores);
}

function traceInfo(group: Group, trace: Record<string, unknown>, first: Record<string, unknown> | undefined, scores: unknown[]): ForeignTraceInfo {
  const pick = (key: string): string | undefined => text(trace[key]) ?? text(first?.[key]);
  const name = text(trace.name) ?? text(first?.traceName);
  const sessionId = pick('sessionId');
  const userId = pick('userId');
  const tagList = Array.isArray(trace.tags) ? trace.tags : Array.isArray(first?.tags) ? first.tags : [];
  const metadata: Record<string, string> = { 'langfuse.trace.id': group.rawId };
  for (const key of ['environment', 'release', 'version'] as const) {
    const value = pick(key);
    if (value) metadata[`langfuse.${key}`] = value;
  }
  const traceMetadata = decoded(trace.metadata);
  if (traceMetadata !== undefined && !(isRecord(traceMetadata) && Object.keys(traceMetadata).length === 0)) {
    metadata['langfuse.trace.metadata'] = typeof traceMetadata === 'string' ? traceMetadata : JSON.stringify(traceMetadata);
  }
  // The legacy download holds scores on the trace, the API on the trace and the body alike.
  const seen = new Set<string>();
  const assessments: ForeignAssessment[] = [];
  for (const score of scores) {
    if (!isRecord(score) || (text(score.traceId) ?? group.rawId) !== group.rawId) continue;
    if (typeof score.id === 'string') {
      if (seen.has(score.id)) continue;
      seen.add(score.id);
    }
    const assessment = assessmentOf(score);
    if (assessment) assessments.push(assessment);
  }
  return {
    ...(name ? { name } : {}),
    ...(sessionId ? { sessionId } : {}),
    ...(userId ? { userId } : {}),
    ...(tagList.length > 0 ? { tags: { 'langfuse.tags': JSON.stringify(tagList) } } : {}),
    metadata,
    ...(assessments.length > 0 ? { assessments } : {}),
  };
}

/**
 * A Langfuse trace id as 32 hex digits: an OTel id (32 hex) as it is, a UUID without its dashes;
 * any other id (Langfuse accepts any string) as two FNV-1a 64-bit hashes of it, prefixed `0:` and
 * `1:`. The original id is kept in the trace metadata `langfuse.trace.id`.
 */
export function langfuseTraceId(id: string): string {
  const compact = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(id) ? id.replace(/-/g, '') : id;
  return /^[0-9a-fA-F]{32}$/.test(compact) ? compact.toLowerCase() : fnv1a64(`0:${id}`) + fnv1a64(`1:${id}`);
}

/**
 * A Langfuse observation id as 16 hex digits: an OTel span id (16 hex, what the SDKs from v3 on
 * write) as it is; any other id (the UUIDs of SDK v2 and of the public ingestion API) as the
 * FNV-1a 64-bit hash of the id text. The original id is kept in `langfuse.observation.id`.
 */
export function langfuseSpanId(id: string): string {
  return /^[0-9a-fA-F]{16}$/.test(id) ? id.toLowerCase() : fnv1a64(id);
}

/** Observation types (packages/shared/src/domain/observations.ts) as MLflow span types. */
const SPAN_TYPES: Readonly<Record<string, string>> = {
  AGENT: 'AGENT',
  TOOL: 'TOOL',
  CHAIN: 'CHAIN',
  RETRIEVER: 'RETRIEVER',
  EMBEDDING: 'EMBEDDING',
};

function observationSpan(o: Record<string, unknown>, traceId: string, rootId: string): ForeignSpan {
  const id = o.id as string;
  const type = typeof o.type === 'string' ? o.type : '';
  const input = decoded(o.input);
  const output = decoded(o.output);
  const startNs = nanosFromIso(o.startTime);
  // An EVENT is a point in time; Langfuse leaves its end empty or equal to its start.
  const endNs = nanosFromIso(o.endTime) ?? (type === 'EVENT' ? startNs : null);
  const attributes: Record<string, unknown> = {
    'mlflow.spanType': type === 'GENERATION' ? (isChat(input) ? 'CHAT_MODEL' : 'LLM') : (SPAN_TYPES[type] ?? 'UNKNOWN'),
    'langfuse.observation.type': type,
    'langfuse.observation.id': id,
    ...(input !== undefined ? { 'mlflow.spanInputs': input } : {}),
    ...(output !== undefined ? { 'mlflow.spanOutputs': output } : {}),
  };
  const optional: [string, unknown][] = [
    ['langfuse.observation.level', text(o.level)],
    ['langfuse.observation.status_message', text(o.statusMessage)],
    ['gen_ai.request.model', text(o.model)],
    ['langfuse.observation.model.parameters', decoded(o.modelParameters)],
    ['mlflow.chat.tokenUsage', tokenUsage(o)],
    ['langfuse.observation.cost_details', o.costDetails],
    ['langfuse.observation.metadata', metadataWithoutResource(decoded(o.metadata))],
    ['langfuse.observation.prompt.name', text(o.promptName)],
    ['langfuse.observation.prompt.version', o.promptVersion],
    ['langfuse.observation.version', text(o.version)],
    ['langfuse.observation.completion_start_time', text(o.completionStartTime)],
  ];
  for (const [key, value] of optional) if (!isEmpty(value)) attributes[key] = value;
  const error = o.level === 'ERROR';
  const parent = text(o.parentObservationId);
  return {
    traceId,
    spanId: langfuseSpanId(id),
    parentId: parent ? langfuseSpanId(parent) : rootId,
    name: text(o.name) ?? type,
    startNs,
    endNs,
    status: error ? 'ERROR' : 'UNSET',
    statusMessage: error ? (text(o.statusMessage) ?? '') : '',
    attributes,
    events: [],
  };
}

/** A chat model's input: a list of `{role, content}` messages, or `{messages: [...]}`. */
function isChat(input: unknown): boolean {
  const list = isRecord(input) && Array.isArray(input.messages) ? input.messages : input;
  return Array.isArray(list) && list.length > 0 && list.every((m) => isRecord(m) && typeof m.role === 'string');
}

/**
 * Token counts as MLflow's `mlflow.chat.tokenUsage`: Langfuse's `usageDetails` (keys `input`,
 * `output`, `total`, or the OpenAI names a caller sent), else the v1 `usage` object, else the UI's
 * `inputUsage` / `outputUsage` / `totalUsage`. Absent when nothing was counted.
 */
function tokenUsage(o: Record<string, unknown>): Record<string, number> | undefined {
  const sources = [o.usageDetails, o.usage, { input: o.inputUsage, output: o.outputUsage, total: o.totalUsage }];
  for (const source of sources) {
    if (!isRecord(source)) continue;
    const first = (...keys: string[]): number | undefined => {
      for (const key of keys) if (typeof source[key] === 'number' && Number.isFinite(source[key])) return source[key];
      return undefined;
    };
    const input = first('input', 'prompt_tokens', 'input_tokens');
    const output = first('output', 'completion_tokens', 'output_tokens');
    const total = first('total', 'total_tokens') ?? (input !== undefined && output !== undefined ? input + output : undefined);
    if ((input ?? 0) > 0 || (output ?? 0) > 0 || (total ?? 0) > 0) {
      return {
        ...(input !== undefined ? { input_tokens: input } : {}),
        ...(output !== undefined ? { output_tokens: output } : {}),
        ...(total !== undefined ? { total_tokens: total } : {}),
      };
    }
  }
  return undefined;
}

/** Langfuse's OTel ingestion keeps the resource's attributes in the metadata: they are the resource. */
function resourceOf(o: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const metadata = o ? decoded(o.metadata) : undefined;
  return isRecord(metadata) && isRecord(metadata.resourceAttributes) ? metadata.resourceAttributes : undefined;
}

function metadataWithoutResource(metadata: unknown): unknown {
  if (!isRecord(metadata) || !('resourceAttributes' in metadata)) return metadata;
  const { resourceAttributes: _resource, ...rest } = metadata;
  return rest;
}

/** A score as an assessment: its value by data type, its comment as the rationale. */
function assessmentOf(s: Record<string, unknown>): ForeignAssessment | null {
  const name = text(s.name);
  if (!name) return null;
  const stringValue = typeof s.stringValue === 'string' ? s.stringValue : null;
  const number = typeof s.value === 'number' ? s.value : null;
  let value: ForeignAssessment['value'];
  switch (s.dataType) {
    case 'BOOLEAN':
      value = number !== null ? number === 1 : stringValue !== null ? stringValue.toLowerCase() === 'true' : null;
      break;
    case 'CATEGORICAL':
    case 'TEXT':
    case 'CORRECTION':
      value = stringValue ?? number;
      break;
    default:
      value = number ?? stringValue;
  }
  const observationId = text(s.observationId);
  const comment = text(s.comment);
  const author = text(s.authorUserId);
  const time = text(s.timestamp);
  return {
    ...(typeof s.id === 'string' ? { id: s.id } : {}),
    name,
    value,
    ...(comment ? { rationale: comment } : {}),
    source: s.source === 'ANNOTATION' ? 'HUMAN' : s.source === 'EVAL' ? 'LLM_JUDGE' : 'CODE',
    ...(author ? { sourceId: author } : {}),
    ...(observationId ? { spanId: langfuseSpanId(observationId) } : {}),
    ...(time ? { time } : {}),
  };
}

/**
 * A Langfuse I/O or metadata value decoded: the API returns objects, the UI's export returns the
 * stored JSON text (sometimes JSON text of JSON text), so strings are decoded as MLflow decodes
 * attribute values. Null and absent are absent.
 */
function decoded(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  let result: unknown = value;
  // The UI's export can hold JSON text of JSON text of a plain string (`"\"Sure, …\""`): a
  // decoded string that is itself a JSON string literal is decoded again, a bounded number of times.
  for (let pass = 0; pass < 3 && typeof result === 'string'; pass++) {
    const next = decodeAttributeValue(result);
    if (next === result) break;
    result = next;
    if (typeof result !== 'string' || !result.trimStart().startsWith('"')) break;
  }
  return result;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.keys(value).length === 0;
}

const minDigits = (a: NanoDigits, b: NanoDigits): NanoDigits => (BigInt(a) < BigInt(b) ? a : b);
const maxDigits = (a: NanoDigits, b: NanoDigits): NanoDigits => (BigInt(a) > BigInt(b) ? a : b);
