import type { Comparator, Comparison } from './parse.js';

/**
 * What a filter key reads, once aliases are resolved. `info` targets are decided by the trace
 * info and its assessments; `span` targets need the spans (each clause holds if some span of the
 * trace satisfies it).
 */
export type KeyTarget =
  | { scope: 'info'; kind: 'number'; attribute: 'timestamp_ms' | 'execution_time_ms' | 'end_time_ms' }
  | { scope: 'info'; kind: 'attribute'; attribute: 'request_id' | 'status' | 'client_request_id' }
  | { scope: 'info'; kind: 'tag'; key: string }
  | { scope: 'info'; kind: 'metadata'; key: string }
  | { scope: 'info'; kind: 'assessment'; type: 'feedback' | 'expectation'; name: string }
  | { scope: 'span'; kind: 'span-field'; field: 'name' | 'type' | 'status' }
  | { scope: 'span'; kind: 'span-content' }
  | { scope: 'span'; kind: 'span-attribute'; attribute: string };

/** A resolved key: what it reads, and the rules MLflow 3.6 applies to it. */
export interface ResolvedKey {
  target: KeyTarget;
  /** The comparators MLflow accepts for this key, in message order. */
  comparators: readonly Comparator[];
  /** Numeric keys take unquoted numbers; every other key takes quoted strings. */
  numeric: boolean;
  /** How a refused comparator is reported (MLflow's wording for the key's kind, plus a hint). */
  badComparator: (comparator: Comparator) => string;
  /** How a number on a string key is reported. */
  badNumber: (text: string) => string;
}

// The sets below are `SearchTraceUtils`' (mlflow/utils/search_utils.py, MLflow 3.6):
// VALID_NUMERIC_ATTRIBUTE_COMPARATORS, VALID_STRING_ATTRIBUTE_COMPARATORS, VALID_TAG_COMPARATORS,
// VALID_SPAN_ATTRIBUTE_COMPARATORS, VALID_SPAN_CONTENT_COMPARATORS.
const NUMERIC: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
const STRINGS: readonly Comparator[] = ['=', '!=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE'];
const TAGS: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE', 'RLIKE'];
const CONTENT: readonly Comparator[] = ['LIKE', 'ILIKE'];

/** `VALID_SEARCH_ATTRIBUTE_KEYS`, in the order messages list them. */
export const ATTRIBUTE_KEYS: readonly string[] = [
  'request_id',
  'timestamp',
  'timestamp_ms',
  'execution_time',
  'execution_time_ms',
  'end_time',
  'end_time_ms',
  'status',
  'client_request_id',
  'name',
  'run_id',
  'text',
];

const NUMERIC_KEYS: ReadonlyMap<string, 'timestamp_ms' | 'execution_time_ms' | 'end_time_ms'> = new Map([
  ['timestamp', 'timestamp_ms'],
  ['timestamp_ms', 'timestamp_ms'],
  ['execution_time', 'execution_time_ms'],
  ['execution_time_ms', 'execution_time_ms'],
  ['end_time', 'end_time_ms'],
  ['end_time_ms', 'end_time_ms'],
]);

/** Entity prefixes and their aliases (`_IDENTIFIERS`, `_ALTERNATE_IDENTIFIERS`). */
const ENTITIES: ReadonlyMap<string, 'attribute' | 'tag' | 'metadata' | 'span' | 'feedback' | 'expectation'> = new Map([
  ['attribute', 'attribute'],
  ['attributes', 'attribute'],
  ['trace', 'attribute'],
  ['tag', 'tag'],
  ['tags', 'tag'],
  ['metadata', 'metadata'],
  ['request_metadata', 'metadata'],
  ['span', 'span'],
  ['feedback', 'feedback'],
  ['expectation', 'expectation'],
]);

/** Every entity prefix, aliases included, in the order messages list them. */
export const ENTITY_NAMES: readonly string[] = [...ENTITIES.keys()];

/** The span keys (`_SUPPORTED_SPAN_ATTRIBUTES` + `content` + `attributes.<key>`). */
const SPAN_FIELDS: ReadonlySet<string> = new Set(['name', 'type', 'status']);

const TRACE_STATES = 'OK, ERROR, IN_PROGRESS, STATE_UNSPECIFIED';

/** Known mistakes and what to write instead. */
const ATTRIBUTE_HINTS: ReadonlyMap<string, string> = new Map([
  ['state', `use status (values ${TRACE_STATES})`],
  ['trace_id', 'use request_id (the trace id, tr-...)'],
  ['execution_duration', 'use execution_time_ms'],
  ['execution_duration_ms', 'use execution_time_ms'],
  ['request_time', 'use timestamp_ms'],
  ['session', 'use metadata.`mlflow.trace.session`'],
  ['user', 'use metadata.`mlflow.trace.user`'],
]);

const list = (items: readonly string[]): string => items.map((c) => `'${c}'`).join(', ');

/**
 * Resolves the key of one comparison as MLflow 3.6's `SearchTraceUtils._get_identifier` does: no
 * prefix means an attribute; a known entity prefix (or alias) is split off once, so everything
 * after it is the key, dots included (`tag.mlflow.traceName` and ``tag.`mlflow.traceName` `` name
 * the same tag). Aliases: `timestamp` → `timestamp_ms`, `execution_time` → `execution_time_ms`,
 * `end_time` → `end_time_ms`, `name` → tag `mlflow.traceName`, `run_id` → metadata
 * `mlflow.sourceRun`, `text` → `span.content` (`_replace_key_to_tag_or_metadata`).
 *
 * `fail(message, column)` reports an unknown key at the 1-based column of the faulty segment.
 */
export function resolveKey(comparison: Comparison, fail: (message: string, column: number) => never): ResolvedKey {
  const { segments, segmentColumns } = comparison.identifier;
  const head = segments[0] ?? '';
  const headColumn = segmentColumns[0] ?? comparison.column;
  if (segments.length === 1) return attributeKey(head, headColumn, fail);
  const entity = ENTITIES.get(head);
  const key = segments.slice(1).join('.');
  const keyColumn = segmentColumns[1] ?? headColumn;
  if (entity === undefined) {
    return fail(`Invalid entity type '${head}'. Valid values are ${ENTITY_NAMES.join(', ')}.`, headColumn);
  }
  const label = `${head}.${key}`;
  switch (entity) {
    case 'attribute':
      return attributeKey(key, keyColumn, fail);
    case 'tag':
    case 'metadata':
      return stringKey({ scope: 'info', kind: entity, key }, TAGS, (c) => `Invalid comparator '${c}' for ${label}, not one of ${list(TAGS)}.`, entity);
    case 'feedback':
    case 'expectation':
      return stringKey(
        { scope: 'info', kind: 'assessment', type: entity, name: key },
        STRINGS,
        (c) => `${label} comparator '${c}' not one of ${list(STRINGS)}.`,
        entity,
        ` (${entity} values are compared as JSON text: '4', 'true', '"good"')`,
      );
    case 'span':
      return spanKey(segments.slice(1), key, segmentColumns.slice(1), fail);
  }
}

function attributeKey(key: string, column: number, fail: (message: string, column: number) => never): ResolvedKey {
  const numeric = NUMERIC_KEYS.get(key);
  if (numeric !== undefined) {
    return {
      target: { scope: 'info', kind: 'number', attribute: numeric },
      comparators: NUMERIC,
      numeric: true,
      badComparator: (c) => `Invalid comparator '${c}' for the numeric attribute ${key}, not one of ${list(NUMERIC)}.`,
      badNumber: () => '',
    };
  }
  const noNumbers = (text: string): string => `Only the ${list([...NUMERIC_KEYS.keys()])} attributes support comparison with numeric values; quote ${text} to compare ${key} with it as text.`;
  switch (key) {
    case 'request_id':
    case 'status':
    case 'client_request_id':
      return {
        target: { scope: 'info', kind: 'attribute', attribute: key },
        comparators: STRINGS,
        numeric: false,
        badComparator: (c) => `Invalid comparator '${c}' for ${key}, not one of ${list(STRINGS)}.`,
        badNumber: noNumbers,
      };
    case 'name':
    case 'run_id': {
      // The SQL store rewrites these to a tag / metadata clause and then applies the tag rules,
      // so `name IN (...)` fails there although the parser lets it through
      // (tests/store/tracking/test_sqlalchemy_store.py: "name IN ('foo', 'bar')" -> "Invalid comparator 'IN'").
      const target: KeyTarget = key === 'name' ? { scope: 'info', kind: 'tag', key: 'mlflow.traceName' } : { scope: 'info', kind: 'metadata', key: 'mlflow.sourceRun' };
      const what = key === 'name' ? 'the tag mlflow.traceName' : 'the metadata mlflow.sourceRun';
      return {
        target,
        comparators: TAGS,
        numeric: false,
        badComparator: (c) => `Invalid comparator '${c}' for ${key}, not one of ${list(TAGS)} (${key} is ${what}; tags and metadata take no lists: run one search per value, or use RLIKE '^(a|b)$').`,
        badNumber: noNumbers,
      };
    }
    case 'text':
      return {
        target: { scope: 'span', kind: 'span-content' },
        comparators: CONTENT,
        numeric: false,
        badComparator: (c) => `text comparator '${c}' not one of ${list(CONTENT)} (text searches the span content: text LIKE '%refund%').`,
        badNumber: noNumbers,
      };
  }
  const hint = ATTRIBUTE_HINTS.get(key) ?? (ENTITIES.has(key) ? `${key} needs a key after it: ${key}.<name>` : entityHint(key));
  return fail(`Invalid attribute key '${key}' specified${hint ? `: ${hint}` : ''}. Valid keys are ${ATTRIBUTE_KEYS.join(', ')}.`, column);
}

/** `trace.tags.foo` → "did you mean tags.foo". */
function entityHint(key: string): string {
  const head = key.split('.')[0] ?? '';
  const entity = ENTITIES.get(head);
  return key.includes('.') && entity !== undefined && entity !== 'attribute' ? `did you mean ${key}?` : '';
}

function stringKey(target: KeyTarget, comparators: readonly Comparator[], badComparator: (c: Comparator) => string, entity: string, hint = ''): ResolvedKey {
  return {
    target,
    comparators,
    numeric: false,
    badComparator,
    // MLflow: "Expected a quoted string value for tag (e.g. 'my-value'). Got value 5"
    badNumber: (text) => `Expected a quoted string value for ${entity} (e.g. 'my-value'). Got value ${text}${hint}.`,
  };
}

function spanKey(rest: string[], key: string, columns: number[], fail: (message: string, column: number) => never): ResolvedKey {
  const field = rest[0] ?? '';
  const column = columns[0] ?? 0;
  const bad = (comparators: readonly Comparator[]) => (c: Comparator) => `span.${key} comparator '${c}' not one of ${list(comparators)}.`;
  const target: KeyTarget | null =
    rest.length === 1 && SPAN_FIELDS.has(field)
      ? { scope: 'span', kind: 'span-field', field: field as 'name' | 'type' | 'status' }
      : rest.length === 1 && field === 'content'
        ? { scope: 'span', kind: 'span-content' }
        : rest.length > 1 && field === 'attributes'
          ? { scope: 'span', kind: 'span-attribute', attribute: rest.slice(1).join('.') }
          : null;
  if (target === null) {
    // MLflow: "Invalid span attribute 'duration'. Supported attributes: name, status, type, attributes.<attribute_name>."
    return fail(`Invalid span attribute '${key}'. Supported attributes: name, status, type, content, attributes.<attribute_name>.`, column);
  }
  const comparators = target.kind === 'span-content' ? CONTENT : STRINGS;
  return stringKey(target, comparators, bad(comparators), 'span');
}
