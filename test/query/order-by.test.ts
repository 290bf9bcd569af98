import { describe, expect, it } from 'vitest';
import { emptyInfo } from '../../src/model/info.js';
import type { TraceInfo } from '../../src/model/types.js';
import { QuerySyntaxError } from '../../src/query/errors.js';
import { compareInfos, parseOrderBy, type OrderKey } from '../../src/query/order-by.js';
import { fixtureTraces } from '../helpers/fixture-traces.js';
import { thrown } from '../helpers/thrown.js';

/**
 * Ten traces of the fixtures under short names (request time ms, duration ms, state, name tag,
 * experiment, tags.environment, metadata mlflow.trace.session):
 * A 844221… 1795494551878   6 OK    agent      2313…   test
 * B d3511…  1795494547907  34 ERROR error_root 2481…
 * C 9a62…   1795494547826  58 OK    agent      2481…   test
 * D tr-0518 1795494419859  46 ERROR error_root 4006…
 * E tr-5fea 1795494419740  62 OK    agent      4006…   test  session-123
 * F tr-cfa1 1795494567166 119 OK    agent      5786…   test  session-123
 * G tr-0af7 1760000000000 900 OK    (none)     1
 * H tr-e8fd 1795494693100  58 OK    pipeline   9558…
 * I tr-fffb 1795494448587  63 ERROR error_root 3898…
 * J tr-65fd 1795494448390 114 OK    agent      3898…   test  session-123
 */
const files: Array<[string, 'record' | 'read']> = [
  ['v2.19_trace_ok.json', 'record'],
  ['v2.22_trace_error.json', 'record'],
  ['v2.22_trace_ok_chat_messages.json', 'record'],
  ['v3.6_cli_traces_search_output_json.json', 'read'],
  ['v3.5.0-equivalent_trace_ok_assessments_session.json', 'record'],
  ['v3.6_trace_otel_ingested_genai_openinference.json', 'record'],
  ['v3.6_trace_span_events_microsecond_timestamps.json', 'record'],
  ['v3.4_cli_traces_search_output_json.json', 'read'],
];
const infos: TraceInfo[] = (await Promise.all(files.map(([f, via]) => fixtureTraces(f, via)))).flat().map((t) => t.info);
const NAMES: Record<string, string> = {
  '844221753fab44e2af0ba28057036bad': 'A',
  d3511c9ea8e0437a95589caa181d1541: 'B',
  '9a62b6314808422996c687383a6ad4aa': 'C',
  'tr-0518806ea3e1bc6d2c78973da68756aa': 'D',
  'tr-5fea91443bc8bda79ff15a5ab90fff94': 'E',
  'tr-cfa18bac7f27690f74ba5efa978c09ab': 'F',
  'tr-0af7651916cd43dd8448eb211c80319c': 'G',
  'tr-e8fd07e17bfd2bf2dbe182bc48b16be6': 'H',
  'tr-fffbeddaa789c9f4e4122a9f1cde99ce': 'I',
  'tr-65fdb3d481f2413b2268e8e2394d64a5': 'J',
};

const order = (clauses: string[], list: readonly TraceInfo[] = infos): string =>
  [...list]
    .sort(compareInfos(parseOrderBy(clauses)))
    .map((i) => NAMES[i.traceId ?? ''] ?? i.traceId ?? '-')
    .join(' ');

describe('ordering the fixtures', () => {
  it('reads the ten traces', () => {
    expect(
      infos
        .map((i) => NAMES[i.traceId ?? ''])
        .sort()
        .join(''),
    ).toBe('ABCDEFGHIJ');
  });

  const cases: Array<[string[], string]> = [
    [[], 'H F A B C I J D E G'], // MLflow's default: timestamp_ms DESC, then request_id
    [['timestamp_ms DESC'], 'H F A B C I J D E G'],
    [['timestamp_ms'], 'G E D J I C B A F H'], // ASC is the default direction
    [['timestamp asc'], 'G E D J I C B A F H'],
    [['trace.timestamp_ms Asc'], 'G E D J I C B A F H'],
    [['attribute.`timestamp_ms` ASC'], 'G E D J I C B A F H'],
    // C and H both took 58 ms: the timestamp_ms DESC tie-breaker puts H first.
    [['execution_time_ms'], 'A B D H C E I J F G'],
    [['execution_time DESC'], 'G F J I E H C D B A'],
    [['end_time_ms DESC'], 'H F A B C I J D E G'],
    [['status'], 'B I D H F A C J E G'],
    [['status DESC'], 'H F A C J E G B I D'],
    // name is the mlflow.traceName tag; G has none and comes last both ways.
    [['name'], 'F A C J E B I D H G'],
    [['name DESC'], 'H B I D F A C J E G'],
    [['tag.`mlflow.traceName` DESC'], 'H B I D F A C J E G'],
    [['tags.environment DESC, timestamp_ms ASC'], 'E J C A F G D I B H'],
    [['metadata.`mlflow.trace.session`'], 'F J E H A B C I D G'],
    [['request_metadata."mlflow.trace.session" DESC'], 'F J E H A B C I D G'],
    [['experiment_id'], 'G A B C I J D E F H'],
    [['request_id'], 'A C B D G E J F H I'],
    [['request_id DESC'], 'I H F J E G D B C A'],
    [['status DESC, execution_time_ms ASC'], 'A H C E J F G B D I'],
    [['status DESC', 'execution_time_ms'], 'A H C E J F G B D I'],
    [['status DESC,execution_time_ms', ''], 'A H C E J F G B D I'],
  ];
  it.each(cases)('%j → %s', (clauses, expected) => {
    expect(order(clauses)).toBe(expected);
  });

  it('ties on every key only for the same trace twice, and then keeps input order (stable)', () => {
    const compare = compareInfos(parseOrderBy(['name']));
    const e = infos.find((i) => NAMES[i.traceId ?? ''] === 'E')!;
    const copy = { ...e };
    expect(compare(e, copy)).toBe(0);
    expect([copy, e].sort(compare)[0]).toBe(copy);
  });
});

describe('missing values and odd ids', () => {
  const info = (traceId: string | null, patch: Partial<TraceInfo>): TraceInfo => ({ ...emptyInfo(), traceId, ...patch });
  const list = [
    info('a', { requestTimeMs: 10, durationMs: null, experimentId: '1000', tags: { k: '9' } }),
    info('b', { requestTimeMs: null, durationMs: 5, experimentId: '99' }),
    info('c', { requestTimeMs: 30, durationMs: 7, experimentId: null, tags: { k: '10' } }),
    info(null, { requestTimeMs: 20, durationMs: 5, experimentId: '0099', tags: { k: '\u{10000}' } }),
    info('\u{1F600}', { requestTimeMs: 20, durationMs: 9, tags: { k: '\uffff' } }),
  ];
  const cases: Array<[string[], string]> = [
    [[], 'c 😀 - a b'], // a null time last; equal times by request_id, a null id last
    [['timestamp_ms ASC'], 'a 😀 - c b'],
    [['execution_time_ms ASC'], '- b c 😀 a'], // nulls last whichever the direction, here and in the tie-breaker
    [['execution_time_ms DESC'], '😀 c - b a'],
    [['experiment_id'], '- b a c 😀'], // ids as numbers: 0099 = 99 < 1000
    [['tag.k'], 'c a 😀 - b'], // tags as text by code point: '10' < '9' < U+FFFF < U+10000 (UTF-16 order would swap the last two)
    [['request_id'], 'a b c 😀 -'],
  ];
  const label = (i: TraceInfo): string => i.traceId ?? '-';
  it.each(cases)('%j → %s', (clauses, expected) => {
    expect(
      [...list]
        .sort(compareInfos(parseOrderBy(clauses)))
        .map(label)
        .join(' '),
    ).toBe(expected);
  });
});

describe('parseOrderBy', () => {
  const key = (k: string, descending: boolean, source: OrderKey['source'], name: string, implicit = false): OrderKey => ({
    key: k,
    descending,
    source,
    name,
    implicit,
  });
  const tail = [key('timestamp_ms', true, 'attribute', 'timestamp_ms', true), key('request_id', false, 'attribute', 'request_id', true)];
  const cases: Array<[string[], OrderKey[]]> = [
    [[], tail],
    [['timestamp ASC'], [key('timestamp_ms', false, 'attribute', 'timestamp_ms'), tail[1]!]],
    [['request_id DESC'], [key('request_id', true, 'attribute', 'request_id'), tail[0]!]],
    [['name'], [key('tag.mlflow.traceName', false, 'tag', 'mlflow.traceName'), ...tail]],
    [['run_id desc'], [key('metadata.mlflow.sourceRun', true, 'metadata', 'mlflow.sourceRun'), ...tail]],
    [['  tags.`a b,c`   DESC  '], [key('tag.a b,c', true, 'tag', 'a b,c'), ...tail]],
    [['tags.mlflow.traceName'], [key('tag.mlflow.traceName', false, 'tag', 'mlflow.traceName'), ...tail]],
    [['attributes.end_time'], [key('end_time_ms', false, 'attribute', 'end_time_ms'), ...tail]],
    [['experiment_id DESC'], [key('experiment_id', true, 'attribute', 'experiment_id'), ...tail]],
  ];
  it.each(cases)('%j', (clauses, expected) => {
    expect(parseOrderBy(clauses)).toEqual(expected);
  });

  const keys = 'experiment_id, timestamp, timestamp_ms, execution_time, execution_time_ms, end_time, end_time_ms, status, request_id, name, run_id';
  const invalid: Array<[string[], string, string, number]> = [
    [['timestamp_ms DOWN'], 'timestamp_ms DOWN', "expected ASC or DESC after the key, found 'DOWN'", 14],
    [['timestamp_ms DESC extra'], 'timestamp_ms DESC extra', "expected the end of the clause or a comma after DESC, found 'extra'", 19],
    [['trace_id'], 'trace_id', `expected an order-by attribute (${keys}) or tag.<key> / metadata.<key>, found 'trace_id' (did you mean request_id?)`, 1],
    [['status, TIMESTAMP_MS'], 'status, TIMESTAMP_MS', `expected an order-by attribute (${keys}) or tag.<key> / metadata.<key>, found 'TIMESTAMP_MS'`, 9],
    [['trace.state'], 'trace.state', `expected an order-by attribute (${keys}) or tag.<key> / metadata.<key>, found 'state' (did you mean status?)`, 7],
    [['constructor.x'], 'constructor.x', "expected an order-by entity attribute, trace, tag, tags, metadata or request_metadata before '.', found 'constructor'", 1],
    [['span.name'], 'span.name', "expected an order-by entity attribute, trace, tag, tags, metadata or request_metadata before '.', found 'span'", 1],
    [['timestamp_ms,'], 'timestamp_ms,', "expected an order-by key such as 'timestamp_ms DESC', found an empty clause", 14],
    [['status, , name'], 'status, , name', "expected an order-by key such as 'timestamp_ms DESC', found an empty clause", 9],
    [['tag.`mlflow.traceName DESC'], 'tag.`mlflow.traceName DESC', 'expected a closing ` for the key, found the end of the clause', 5],
    [['tag. DESC'], 'tag. DESC', "expected a tag key after 'tag.', found nothing", 5],
    [['timestamp, timestamp_ms DESC'], 'timestamp, timestamp_ms DESC', 'expected each order-by key once, found timestamp_ms a second time', 12],
    [['name', 'tag.`mlflow.traceName`'], 'tag.`mlflow.traceName`', 'expected each order-by key once, found tag.mlflow.traceName a second time', 1],
  ];
  it.each(invalid)('%j: %s', (clauses, text, message, column) => {
    const error = thrown(() => parseOrderBy(clauses));
    expect(error).toBeInstanceOf(QuerySyntaxError);
    expect(error).toMatchObject({ message, what: 'order-by', text, column });
  });
});
