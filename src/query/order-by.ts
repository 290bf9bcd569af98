import type { TraceInfo } from '../model/types.js';
import { QuerySyntaxError } from './errors.js';
import { compareStrings } from './compare-strings.js';

/** Where an order-by key reads its value. */
export type OrderSource = 'attribute' | 'tag' | 'metadata';

/** The attributes a trace can be ordered by, after aliases (`timestamp` → `timestamp_ms`, ...). */
export type OrderAttribute = 'timestamp_ms' | 'execution_time_ms' | 'end_time_ms' | 'status' | 'request_id' | 'experiment_id';

/** One parsed `--order-by` key. */
export interface OrderKey {
  /** The key as MLflow resolves it: `timestamp_ms`, `tag.mlflow.traceName`, `metadata.mlflow.sourceRun`. */
  key: string;
  descending: boolean;
  source: OrderSource;
  /** The attribute, or the tag / metadata key. */
  name: string;
  /** True for the tie-breakers MLflow appends (`timestamp_ms DESC`, then `request_id ASC`). */
  implicit: boolean;
}

/**
 * Order-by attribute keys of MLflow 3.6 (`SearchTraceUtils.VALID_ORDER_BY_ATTRIBUTE_KEYS`,
 * mlflow/utils/search_utils.py) and what each resolves to (`_replace_key_to_tag_or_metadata`:
 * `name` is the `mlflow.traceName` tag, `run_id` the `mlflow.sourceRun` metadata). Keys are
 * case-sensitive there, as here. `end_time(_ms)` passes MLflow's parser but its SQL store then
 * fails (`SqlTraceInfo` has no such column); here it orders by request time + duration.
 */
const ATTRIBUTES: Record<string, { source: OrderSource; name: string }> = {
  experiment_id: { source: 'attribute', name: 'experiment_id' },
  timestamp: { source: 'attribute', name: 'timestamp_ms' },
  timestamp_ms: { source: 'attribute', name: 'timestamp_ms' },
  execution_time: { source: 'attribute', name: 'execution_time_ms' },
  execution_time_ms: { source: 'attribute', name: 'execution_time_ms' },
  end_time: { source: 'attribute', name: 'end_time_ms' },
  end_time_ms: { source: 'attribute', name: 'end_time_ms' },
  status: { source: 'attribute', name: 'status' },
  request_id: { source: 'attribute', name: 'request_id' },
  name: { source: 'tag', name: 'mlflow.traceName' },
  run_id: { source: 'metadata', name: 'mlflow.sourceRun' },
};

/** Names people reach for that MLflow spells otherwise. */
const HINTS: Record<string, string> = { trace_id: 'request_id', state: 'status', duration: 'execution_time_ms', request_time: 'timestamp_ms' };

/**
 * Entity prefixes. `attribute`/`attributes`/`trace`, `tag`/`tags` and `request_metadata`/`metadata`
 * are MLflow's (`SearchTraceUtils._ALTERNATE_IDENTIFIERS`); MLflow's in-memory and file stores
 * order by attributes only, its SQL store also by tags and request metadata (a join per key).
 */
const ENTITIES: Record<string, OrderSource> = {
  attribute: 'attribute',
  attributes: 'attribute',
  trace: 'attribute',
  tag: 'tag',
  tags: 'tag',
  metadata: 'metadata',
  request_metadata: 'metadata',
};

/**
 * Parses `--order-by` values, each `<key> [ASC|DESC]` or several of them separated by commas (the
 * CLI splits on `,`; here not inside quotes or backticks). Direction words are case-insensitive,
 * the default is ASC; keys may be backticked or quoted (``tag.`mlflow.traceName` ``). Then, as
 * MLflow's SQL store does (mlflow/store/tracking/sqlalchemy_store.py,
 * `_get_orderby_clauses_for_search_traces`), a key given twice is an error and `timestamp_ms DESC`
 * and `request_id ASC` are appended unless already present. Throws `QuerySyntaxError` (what
 * `order-by`) whose text is the value at fault.
 */
export function parseOrderBy(clauses: readonly string[]): OrderKey[] {
  const keys: OrderKey[] = [];
  for (const text of clauses) {
    // MLflow's CLI takes an empty --order-by as none.
    if (text.trim() === '') continue;
    for (const part of splitClauses(text)) {
      const key = parseClause(text, part.start, part.end);
      if (keys.some((k) => k.key === key.key)) {
        throw new QuerySyntaxError(`expected each order-by key once, found ${key.key} a second time`, 'order-by', text, firstNonSpace(text, part.start) + 1);
      }
      keys.push(key);
    }
  }
  if (!keys.some((k) => k.key === 'timestamp_ms')) keys.push(implicit('timestamp_ms', true));
  if (!keys.some((k) => k.key === 'request_id')) keys.push(implicit('request_id', false));
  return keys;
}

function implicit(name: OrderAttribute, descending: boolean): OrderKey {
  return { key: name, descending, source: 'attribute', name, implicit: true };
}

/** The comma-separated clauses of one value, as [start, end) ranges; commas in quotes or backticks stay. */
function splitClauses(text: string): Array<{ start: number; end: number }> {
  const parts: Array<{ start: number; end: number }> = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (i === text.length || (quote === null && c === ',')) {
      parts.push({ start, end: i });
      start = i + 1;
    } else if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '`' || c === '"' || c === "'") quote = c;
  }
  return parts;
}

function firstNonSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/** One `<key> [ASC|DESC]` clause in text[start, end). */
function parseClause(text: string, start: number, end: number): OrderKey {
  const fail = (message: string, at: number): never => {
    throw new QuerySyntaxError(message, 'order-by', text, at + 1);
  };
  const keyStart = firstNonSpace(text, start);
  if (keyStart >= end) fail("expected an order-by key such as 'timestamp_ms DESC', found an empty clause", Math.min(keyStart, text.length));
  // The key: anything up to whitespace, quoted runs included; the first dot outside quotes ends the entity.
  let i = keyStart;
  let quote: string | null = null;
  let quoteAt = -1;
  let dot = -1;
  while (i < end) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '`' || c === '"' || c === "'") {
      quote = c;
      quoteAt = i;
    } else if (/\s/.test(c)) break;
    else if (c === '.' && dot < 0) dot = i;
    i++;
  }
  if (quote !== null) fail(`expected a closing ${quote} for the key, found the end of the clause`, quoteAt);
  const keyEnd = i;

  let descending = false;
  const dirStart = firstNonSpace(text, keyEnd);
  if (dirStart < end) {
    let dirEnd = dirStart;
    while (dirEnd < end && !/\s/.test(text[dirEnd]!)) dirEnd++;
    const word = text.slice(dirStart, dirEnd);
    const lower = word.toLowerCase();
    if (lower !== 'asc' && lower !== 'desc') fail(`expected ASC or DESC after the key, found '${word}'`, dirStart);
    descending = lower === 'desc';
    const rest = firstNonSpace(text, dirEnd);
    if (rest < end) fail(`expected the end of the clause or a comma after ${word}, found '${text.slice(rest, end).trim()}'`, rest);
  }
  return { ...resolveKey(text, keyStart, keyEnd, dot, fail), descending, implicit: false };
}

/** Turns the key text[start, end) into where its value comes from. */
function resolveKey(text: string, start: number, end: number, dot: number, fail: (message: string, at: number) => never): Omit<OrderKey, 'descending' | 'implicit'> {
  if (dot < 0) return attribute(unquote(text.slice(start, end)), start, fail);
  const entity = unquote(text.slice(start, dot));
  const name = unquote(text.slice(dot + 1, end));
  const source = Object.hasOwn(ENTITIES, entity) ? ENTITIES[entity] : undefined;
  if (source === undefined) {
    return fail(`expected an order-by entity attribute, trace, tag, tags, metadata or request_metadata before '.', found '${entity}'`, start);
  }
  if (source === 'attribute') return attribute(name, dot + 1, fail);
  if (name === '') return fail(`expected a ${source} key after '${entity}.', found nothing`, dot + 1);
  return { key: `${source}.${name}`, source, name };
}

function attribute(name: string, at: number, fail: (message: string, at: number) => never): Omit<OrderKey, 'descending' | 'implicit'> {
  const resolved = Object.hasOwn(ATTRIBUTES, name) ? ATTRIBUTES[name] : undefined;
  if (resolved === undefined) {
    const hint = Object.hasOwn(HINTS, name) ? ` (did you mean ${HINTS[name]}?)` : '';
    return fail(`expected an order-by attribute (${Object.keys(ATTRIBUTES).join(', ')}) or tag.<key> / metadata.<key>, found '${name}'${hint}`, at);
  }
  const { source, name: target } = resolved;
  return { key: source === 'attribute' ? target : `${source}.${target}`, source, name: target };
}

/** Removes quote characters, keeping what they enclose (as `shlex.split` does in MLflow's parser). */
function unquote(text: string): string {
  let out = '';
  let quote: string | null = null;
  for (const c of text) {
    if (quote !== null) {
      if (c === quote) quote = null;
      else out += c;
    } else if (c === '`' || c === '"' || c === "'") quote = c;
    else out += c;
  }
  return out;
}

/** A value to order by: a number, a string, or null (missing). */
type SortValue = number | string | null;

/**
 * A comparator over normalized trace infos for the given keys: each key in turn, NULLs (a
 * missing tag, an in-progress trace's duration) last whatever the direction, as MLflow's SQL
 * store sorts them (a `CASE WHEN value IS NULL THEN 1 ELSE 0` clause before each key). Strings
 * compare by code point, like SQLite's binary collation over UTF-8; experiment ids, integers in
 * MLflow's tables, compare as numbers. Ends on the trace id, so only traces with the same id (or
 * none) tie.
 */
export function compareInfos(keys: readonly OrderKey[]): (a: TraceInfo, b: TraceInfo) => number {
  const all = keys.some((k) => k.key === 'request_id') ? keys : [...keys, implicit('request_id', false)];
  const steps = all.map((k) => ({
    read: reader(k),
    sign: k.descending ? -1 : 1,
    compare: k.source === 'attribute' && k.name === 'experiment_id' ? compareIds : compareValues,
  }));
  return (a, b) => {
    for (const { read, sign, compare } of steps) {
      const x = read(a);
      const y = read(b);
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const c = compare(x, y);
      if (c !== 0) return sign * c;
    }
    return 0;
  };
}

function reader(key: OrderKey): (info: TraceInfo) => SortValue {
  if (key.source === 'tag') return (info) => own(info.tags, key.name);
  if (key.source === 'metadata') return (info) => own(info.metadata, key.name);
  switch (key.name as OrderAttribute) {
    case 'timestamp_ms':
      return (info) => info.requestTimeMs;
    case 'execution_time_ms':
      return (info) => info.durationMs;
    case 'end_time_ms':
      return (info) => (info.requestTimeMs === null || info.durationMs === null ? null : info.requestTimeMs + info.durationMs);
    case 'status':
      // The state as MLflow's tables store it.
      return (info) => (info.state === 'UNSPECIFIED' ? 'STATE_UNSPECIFIED' : info.state);
    case 'request_id':
      return (info) => info.traceId;
    case 'experiment_id':
      return (info) => info.experimentId;
  }
}

function own(map: Record<string, string>, key: string): string | null {
  return Object.hasOwn(map, key) ? (map[key] ?? null) : null;
}

function compareValues(x: number | string, y: number | string): number {
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : 0;
  return compareStrings(String(x), String(y));
}

/** Experiment ids are integers in MLflow's tables, of 18 digits: compared as digit strings, never as doubles. */
function compareIds(x: number | string, y: number | string): number {
  const a = String(x);
  const b = String(y);
  if (/^[0-9]+$/.test(a) && /^[0-9]+$/.test(b)) {
    const ta = a.replace(/^0+(?=.)/, '');
    const tb = b.replace(/^0+(?=.)/, '');
    return ta.length !== tb.length ? ta.length - tb.length : compareStrings(ta, tb);
  }
  return compareStrings(a, b);
}
