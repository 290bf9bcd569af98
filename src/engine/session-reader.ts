import { DistinctStrings } from '../ingest/distinct-strings.js';
import { digestTrace, sessionTurnOf, turnTexts } from '../model/digest.js';
import type { DigestOptions, TraceDigest, TurnTexts } from '../model/digest-types.js';
import { listingDigest } from '../model/listing-digest.js';
import { sessionIdOf } from '../model/session-keys.js';
import { SessionTurnRows } from './session-turns.js';
import { StringTable } from '../shared/string-table.js';
import { groupSessions, makeSession, sessionView, sortSessions, type Session, type SessionGroups, type SessionSortKey, type SessionTurn, type SessionView } from '../model/sessions.js';
import { turnFacts } from '../model/facts.js';
import { turnIo } from '../model/turn-io.js';
import { filteredTraces, type FilteredOptions } from './read/filtered.js';
import { spillingScanner } from './read/read.js';
import { faultPoint, internalEvent } from './read/guard.js';
import type { TraceEvent } from './read/read-events.js';
import { readSummaries } from './read/read-summaries.js';
import {
  digestProvenance,
  rethrown,
  selectedWork,
  selectionSpec,
  selectorOf,
  taskThreads,
  thrownData,
  type ParallelOptions,
  type SelectionSpec,
  type TaskWork,
  type ThrownData,
} from './read/trace-task.js';

/** Options of {@link readSessions} and {@link readSession}: reading, selection, digest options. */
export interface SessionReadOptions extends FilteredOptions, ParallelOptions {
  digest?: Omit<DigestOptions, 'provenance'>;
}

/** Excerpt length for the `sessions` listing, which shows no text: digests stay tiny. */
export const LISTING_TEXT_CHARS = 200;

/**
 * Reads the inputs into sessions for a listing. Each trace is digested and dropped as it arrives,
 * and only its listing digest (ids, times, counts: `listingDigest`) is kept, so memory holds
 * counts, never payloads or excerpts. What the API's `listSessions` returns.
 */
export async function readSessions(inputs: readonly string[], options: SessionReadOptions): Promise<SessionGroups> {
  const kept: TraceDigest[] = [];
  const strings = new StringTable();
  const intern = (text: string): string => strings.intern(text);
  await readListing(inputs, options, 'digest', (digest) => kept.push(listingDigest(digest, intern)));
  return groupSessions(kept);
}

/**
 * {@link readSessions} keeping of each trace only what the `sessions` command prints from (a
 * `SessionTurn`: ids, times, state and three counts), in a temporary file (`SessionTurnRows`: the
 * caller closes it), and making only that of each trace (`sessionTurnOf`), not a whole digest.
 */
export async function readSessionTurns(inputs: readonly string[], options: SessionReadOptions): Promise<SessionTurnRows> {
  const rows = new SessionTurnRows();
  try {
    await readListing(inputs, options, 'turn', (turn) => rows.push(turn));
  } catch (error) {
    rows.close();
    throw error;
  }
  return rows;
}

/** What a listing makes of each trace: its digest (for a listing: short excerpts), or only its `SessionTurn`. */
type ListingShape = 'digest' | 'turn';
type ListingItem<S extends ListingShape> = S extends 'digest' ? TraceDigest : SessionTurn;

/** Reads the inputs and hands what `shape` makes of each trace to `keep`, in input order. */
async function readListing<S extends ListingShape>(inputs: readonly string[], options: SessionReadOptions, shape: S, keep: (item: ListingItem<S>) => void): Promise<void> {
  const digestOptions = { textChars: LISTING_TEXT_CHARS, ...options.digest };
  const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
  if (jobs === 1) {
    for await (const event of filteredTraces(inputs, { ...options, scanner: spillingScanner(options.scanner) })) {
      try {
        faultPoint('digest', event.trace.traceId);
        keep(listingItem(event, digestOptions, shape));
      } catch (error) {
        options.onEvent?.(internalEvent(event.provenance, 'digest', error));
      }
    }
    return;
  }
  // The same per trace in worker threads, taken here in input order.
  const task: ListingTask = { kind: 'listing', shape, digest: digestOptions, selection: selectionSpec(options) };
  for await (const event of readSummaries<ListingOutcome | null>(inputs, { ...options, ...taskThreads(options, jobs), task })) {
    if (event.type !== 'summary') {
      options.onEvent?.(event);
      continue;
    }
    options.onTrace?.();
    const outcome = event.summary;
    if (outcome === null) continue;
    if ('thrown' in outcome) options.onEvent?.(internalEvent(event.provenance, 'digest', rethrown(outcome.thrown)));
    else {
      // A worker's line range counts from its own start: the reader moved the event's provenance to the file's.
      if ('provenance' in outcome.item) outcome.item.provenance = digestProvenance(event.provenance);
      keep(outcome.item as ListingItem<S>);
    }
  }
}

/** What `shape` makes of one trace (a digest made for a listing is cut to a listing digest only by the caller). */
function listingItem<S extends ListingShape>(event: TraceEvent, options: DigestOptions, shape: S): ListingItem<S> {
  return (shape === 'digest' ? digestOf(event, options) : sessionTurnOf(event.trace, options)) as ListingItem<S>;
}

/** The per-trace stage of `sessions` as data for a worker thread: what to make of each trace, the digest options and the selection. */
export interface ListingTask {
  kind: 'listing';
  shape: ListingShape;
  digest: Omit<DigestOptions, 'provenance'>;
  selection: SelectionSpec;
}

/** A trace's listing digest or `SessionTurn`, or what making it threw. */
export type ListingOutcome = { item: TraceDigest | SessionTurn } | { thrown: ThrownData };

/** The per-record work of `sessions`: what {@link readListing} does on one trace, done ahead. */
export async function listingWork(task: ListingTask): Promise<TaskWork<ListingOutcome | null>> {
  return selectedWork(await selectorOf(task.selection), (event): ListingOutcome => {
    try {
      faultPoint('digest', event.trace.traceId);
      const item = listingItem(event, task.digest, task.shape);
      return { item: task.shape === 'digest' ? listingDigest(item as TraceDigest) : item };
    } catch (error) {
      return { thrown: thrownData(error) };
    }
  });
}

/** One session as `session <id>` reads it. */
export interface SessionRead {
  /** Null when no trace of the inputs has the session id. */
  session: Session | null;
  /** With `full`: each turn's whole texts, by digest. */
  fullTexts: Map<TraceDigest, TurnTexts>;
  /** Sessions seen in the inputs (to say how many there were when the one asked for is not). */
  sessionsSeen: number;
  /** Copies of a trace already read, left out. */
  duplicates: number;
  /**
   * Set when turns before the session's first turn in the inputs are missing: that turn's model
   * input carries earlier user/assistant messages, or its traces come from one page of a longer
   * search (a `next-page-token` note). Null when nothing says so.
   */
  partial: { earlierMessages: number | null; pagedSources: string[] } | null;
}

/**
 * Reads the inputs and keeps the digests of one session's traces only (ids compare exactly).
 * With `full`, the whole texts of those turns are made while each trace is in hand, so nothing
 * is read twice; other sessions' traces are dropped right after their session id is known.
 */
export async function readSession(inputs: readonly string[], asked: string | null, options: SessionReadOptions & { full?: boolean }): Promise<SessionRead> {
  const kept: TraceDigest[] = [];
  const fullTexts = new Map<TraceDigest, TurnTexts>();
  const seen = new Set<string>();
  // Every session id met, counted for the message that asks for one: bounded memory, whatever the input.
  const ids = new DistinctStrings();
  let duplicates = 0;
  const digestOptions = options.digest ?? {};
  // What tells a session cut before its first turn (as analyze's partial-dump rule reads it).
  const earlier = new Map<TraceDigest, number | null>();
  const pages = new Set<string>();
  const onEvent = options.onEvent;
  const watch = (e: Parameters<NonNullable<typeof onEvent>>[0]): void => {
    if (e.type === 'note' && e.note.kind === 'next-page-token') pages.add(e.note.source);
    onEvent?.(e);
  };
  // Without an id, the first session met is the one (`session file.jsonl`); the caller asks for an
  // id when `sessionsSeen` says the inputs hold more than one.
  let sessionId = asked;
  let sessionsSeen: number;
  try {
    for await (const event of filteredTraces(inputs, { ...options, scanner: spillingScanner(options.scanner), onEvent: watch })) {
      // Only the session id is looked at before a trace of another session is dropped.
      const id = sessionIdOf(event.trace, digestOptions.sessionKeys);
      if (id === null) continue;
      ids.add(id);
      sessionId ??= id;
      if (id !== sessionId) continue;
      const { traceId } = event.trace;
      if (traceId !== '' && seen.has(traceId)) {
        duplicates++;
        continue;
      }
      if (traceId !== '') seen.add(traceId);
      const shown = guardedDigest(event, digestOptions, options, (digest) => {
        const calls = turnFacts(
          event.trace,
          { spanIndex: null, userText: '', answerText: '', recovered: new Map() },
          digestOptions.extraCarriers ? { extraCarriers: digestOptions.extraCarriers } : {},
        ).modelCalls;
        earlier.set(digest, calls.find((c) => c.priorMessages !== null)?.priorMessages ?? null);
        if (!options.full) return;
        const io = turnIo(event.trace, digestOptions.extraCarriers ? { extraCarriers: digestOptions.extraCarriers } : {});
        fullTexts.set(digest, turnTexts(io, { full: true }));
      });
      if (shown !== null) kept.push(shown);
    }
    sessionsSeen = ids.count();
  } finally {
    ids.close();
  }
  const session = kept.length === 0 || sessionId === null ? null : makeSession(sessionId, kept);
  let partial: SessionRead['partial'] = null;
  if (session !== null) {
    const first = session.turns[0];
    const n = first === undefined ? null : (earlier.get(first) ?? null);
    const paged = [...new Set(session.turns.map((d) => d.provenance?.source).filter((s): s is string => s !== undefined && pages.has(s)))].sort();
    if ((n !== null && n > 0) || paged.length > 0) partial = { earlierMessages: n !== null && n > 0 ? n : null, pagedSources: paged };
  }
  return { session, fullTexts, sessionsSeen, duplicates, partial };
}

/**
 * The trace's digest (and `more` of its per-trace work), or null when either throws: the
 * exception is then the trace's `internal` rejection, told to `onEvent`, and the listing goes on.
 */
function guardedDigest(event: TraceEvent, options: DigestOptions, sink: Pick<FilteredOptions, 'onEvent'>, more?: (digest: TraceDigest) => void): TraceDigest | null {
  try {
    faultPoint('digest', event.trace.traceId);
    const digest = digestOf(event, options);
    more?.(digest);
    return digest;
  } catch (error) {
    sink.onEvent?.(internalEvent(event.provenance, 'digest', error));
    return null;
  }
}

function digestOf(event: TraceEvent, options: DigestOptions): TraceDigest {
  const { source, index, offset, length, line, within } = event.provenance;
  return digestTrace(event.trace, { ...options, provenance: { source, index, offset, length, line, ...(within !== undefined ? { within } : {}) } });
}

/** The `sessions` view: every session in `sort` order, and the traces without one. */
export function sessionsView<T extends SessionTurn>(groups: SessionGroups<T>, sort: SessionSortKey): { sessions: Session<T>[]; sort: SessionSortKey; withoutSession: T[]; duplicates: number } {
  return { sessions: sortSessions(groups.sessions, sort), sort, withoutSession: groups.withoutSession, duplicates: groups.duplicates };
}

/** The `session` view of a session found: its turns, whole texts with `full`, copies left out, what is missing before it. */
export function sessionReport(
  read: SessionRead & { session: Session },
  full: boolean,
): { view: SessionView; fullTexts: Map<TraceDigest, TurnTexts>; full: boolean; duplicates: number; partial: SessionRead['partial'] } {
  return { view: sessionView(read.session), fullTexts: read.fullTexts, full, duplicates: read.duplicates, partial: read.partial };
}
