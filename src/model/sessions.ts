import type { ScorerErrorDigest, TraceDigest, VerdictDigest } from './digest-types.js';

/**
 * What grouping traces into sessions reads of each: a digest has it all; the `sessions` listing
 * keeps only this much of each trace, as columns (`engine/session-turns.ts`).
 */
export interface SessionTurn {
  traceId: string;
  sessionId: string | null;
  user: string | null;
  experimentId: string | null;
  requestTimeMs: number | null;
  rootStartNs: number | null;
  durationMs: number | null;
  state: TraceDigest['state'];
  errorSpanCount: number;
  assessments: { failing: number; counts: { scorerErrors: number } };
}

/** One session: its turns in order and what a row of `sessions` shows. */
export interface Session<T extends SessionTurn = TraceDigest> {
  id: string;
  /** Turn order (see {@link compareTurns}). */
  turns: T[];
  summary: SessionSummary;
}

/** The numbers of one session. */
export interface SessionSummary {
  sessionId: string;
  /** The user of the first turn that names one. */
  user: string | null;
  /** The MLflow experiments its turns belong to (one, almost always), sorted. */
  experiments: string[];
  turns: number;
  /** Time of the first turn (request time, else root start), ms since the epoch. */
  firstTimeMs: number | null;
  /** Time of the last turn. */
  lastTimeMs: number | null;
  /** From the first turn's start to the last turn's end (its time plus its duration). */
  durationMs: number | null;
  /** Turns with an ERROR span or an ERROR trace state. */
  turnsWithErrors: number;
  /** Effective verdicts with polarity `fail`, session-level ones included. */
  failingAssessments: number;
  scorerErrors: number;
}

/** Digests grouped: the sessions, and the traces that have none. */
export interface SessionGroups<T extends SessionTurn = TraceDigest> {
  /** Sorted by first time, then id (see {@link sortSessions} for other orders). */
  sessions: Session<T>[];
  /** Traces without a session, in turn order: counted and listed, never dropped. */
  withoutSession: T[];
  /** Traces read more than once (same trace id twice in the inputs): only the first is kept. */
  duplicates: number;
}

/** The time a turn is placed at: MLflow's request time, else its root span's start. */
export function turnTimeMs(d: Pick<TraceDigest, 'requestTimeMs' | 'rootStartNs'>): number | null {
  return d.requestTimeMs ?? (d.rootStartNs === null ? null : d.rootStartNs / 1e6);
}

/**
 * Turn order: request time, then root start time, then trace id (code-point order); a missing
 * time sorts after every known one. MLflow's own session views order by request time too
 * (`timestamp_ms`), and the order of the files or of the records in them never matters.
 */
export function compareTurns(a: Pick<TraceDigest, 'requestTimeMs' | 'rootStartNs' | 'traceId'>, b: Pick<TraceDigest, 'requestTimeMs' | 'rootStartNs' | 'traceId'>): number {
  return compareNullable(a.requestTimeMs, b.requestTimeMs) || compareNullable(a.rootStartNs, b.rootStartNs) || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0);
}

/**
 * {@link compareTurns} over two rows of columns (times as numbers, NaN for none), for what keeps
 * traces as columns: the trace ids (`traceIdAt`) are made only when both times tie.
 */
export function compareTurnRows(columns: { requestTimeMs: Float64Array; rootStartNs: Float64Array; traceIdAt: (row: number) => string }, a: number, b: number): number {
  const { requestTimeMs, rootStartNs } = columns;
  return (
    compareNullable(nullIfNaN(requestTimeMs[a]!), nullIfNaN(requestTimeMs[b]!)) ||
    compareNullable(nullIfNaN(rootStartNs[a]!), nullIfNaN(rootStartNs[b]!)) ||
    compareIds(columns.traceIdAt(a), columns.traceIdAt(b))
  );
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A column's number, NaN standing for null. */
export function nullIfNaN(n: number): number | null {
  return Number.isNaN(n) ? null : n;
}

/** Ascending, a missing value after every known one (the order of turns and sessions). */
export function compareNullable(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a - b;
}

/**
 * Groups digests by session id, in any input order (a session spread over several files is one
 * session). A trace id seen again is a copy of the same trace (the same export passed twice, a
 * `get` file beside the search export it came from) and is counted, not added as a turn; digests
 * without a trace id are never taken for copies.
 */
export function groupSessions<T extends SessionTurn>(digests: Iterable<T>): SessionGroups<T> {
  const byId = new Map<string, T[]>();
  const withoutSession: T[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const d of digests) {
    if (d.traceId !== '') {
      if (seen.has(d.traceId)) {
        duplicates++;
        continue;
      }
      seen.add(d.traceId);
    }
    if (d.sessionId === null) withoutSession.push(d);
    else {
      const list = byId.get(d.sessionId);
      if (list) list.push(d);
      else byId.set(d.sessionId, [d]);
    }
  }
  const sessions = [...byId].map(([id, turns]) => makeSession(id, turns));
  return { sessions: sortSessions(sessions, 'first'), withoutSession: withoutSession.sort(compareTurns), duplicates };
}

/** One session from its turns, in any order. */
export function makeSession<T extends SessionTurn>(id: string, turns: readonly T[]): Session<T> {
  const ordered = [...turns].sort(compareTurns);
  return { id, turns: ordered, summary: summarize(id, ordered) };
}

function summarize(sessionId: string, turns: readonly SessionTurn[]): SessionSummary {
  let firstTimeMs: number | null = null;
  let lastTimeMs: number | null = null;
  let end: number | null = null;
  for (const d of turns) {
    const t = turnTimeMs(d);
    if (t === null) continue;
    firstTimeMs = Math.min(firstTimeMs ?? t, t);
    lastTimeMs = Math.max(lastTimeMs ?? t, t);
    end = Math.max(end ?? t, t + (d.durationMs ?? 0));
  }
  return {
    sessionId,
    user: turns.find((d) => d.user !== null)?.user ?? null,
    experiments: [...new Set(turns.flatMap((d) => (d.experimentId === null ? [] : [d.experimentId])))].sort(),
    turns: turns.length,
    firstTimeMs,
    lastTimeMs,
    durationMs: firstTimeMs === null || end === null ? null : end - firstTimeMs,
    turnsWithErrors: turns.filter(hasErrors).length,
    failingAssessments: turns.reduce((n, d) => n + d.assessments.failing, 0),
    // From the counts, not the bounded list: a turn's errors past the list's bound are still errors.
    scorerErrors: turns.reduce((n, d) => n + d.assessments.counts.scorerErrors, 0),
  };
}

/** True when the turn has an ERROR span or the trace's state is ERROR. */
export function hasErrors(d: Pick<TraceDigest, 'errorSpanCount' | 'state'>): boolean {
  return d.errorSpanCount > 0 || d.state === 'ERROR';
}

/** The orders `sessions --sort` offers. */
export const SESSION_SORT_KEYS = ['id', 'first', 'last', 'turns', 'errors', 'failing'] as const;

/** One of {@link SESSION_SORT_KEYS}. */
export type SessionSortKey = (typeof SESSION_SORT_KEYS)[number];

/**
 * Sorts sessions: `id` by id; `first` and `last` by time, oldest first; `turns`, `errors`
 * (turns with errors) and `failing` (failing assessments) most first. Ties go by first time,
 * then id, so the order is the same on every run.
 */
export function sortSessions<S extends Pick<Session<SessionTurn>, 'id' | 'summary'>>(sessions: readonly S[], key: SessionSortKey): S[] {
  return [...sessions].sort(sessionOrder<S>(key, { id: (s) => s.id, time: (s, field) => s.summary[field], count: (s, field) => s.summary[field] }));
}

/** How {@link sessionOrder} reads a session's id and the parts of its summary it orders by, whatever holds them (objects, columns). */
export interface SessionSortAccess<S> {
  id(s: S): string;
  time(s: S, field: 'firstTimeMs' | 'lastTimeMs'): number | null;
  count(s: S, field: 'turns' | 'turnsWithErrors' | 'failingAssessments'): number;
}

/** The comparison {@link sortSessions} sorts by, over sessions held in any form. */
export function sessionOrder<S>(key: SessionSortKey, access: SessionSortAccess<S>): (a: S, b: S) => number {
  const byId = (a: S, b: S): number => {
    const x = access.id(a);
    const y = access.id(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
  const tie = (a: S, b: S): number => compareNullable(access.time(a, 'firstTimeMs'), access.time(b, 'firstTimeMs')) || byId(a, b);
  const most = (field: 'turns' | 'turnsWithErrors' | 'failingAssessments') => (a: S, b: S) => access.count(b, field) - access.count(a, field) || tie(a, b);
  const compare: Record<SessionSortKey, (a: S, b: S) => number> = {
    id: byId,
    first: tie,
    last: (a, b) => compareNullable(access.time(a, 'lastTimeMs'), access.time(b, 'lastTimeMs')) || tie(a, b),
    turns: most('turns'),
    errors: most('turnsWithErrors'),
    failing: most('failingAssessments'),
  };
  return compare[key];
}

/** A session-level entry with the turn (1-based) and trace it was logged on. */
export interface OnTurn<T> {
  turn: number;
  traceId: string;
  entry: T;
}

/** One turn as `session <id>` shows it. */
export interface TurnView {
  /** 1-based. */
  number: number;
  digest: TraceDigest;
  timeMs: number | null;
  /** Time since the previous turn's time (null for the first turn or an unknown time). */
  gapMs: number | null;
  /** Per-turn verdicts (session-level ones are in {@link SessionView}). */
  verdicts: VerdictDigest[];
  /** Per-turn scorer errors. */
  scorerErrors: ScorerErrorDigest[];
}

/** A session laid out for reading: session-level assessments first, then each turn. */
export interface SessionView {
  session: Session;
  /** Session-level verdicts of every turn (MLflow logs them on the first one), with their turn. */
  sessionVerdicts: Array<OnTurn<VerdictDigest>>;
  sessionScorerErrors: Array<OnTurn<ScorerErrorDigest>>;
  turns: TurnView[];
}

/**
 * Lays a session out for `session <id>`: session-level verdicts and scorer errors gathered from
 * every turn (each with the turn it sits on, as `triageSession` does), then the turns with their
 * gap since the previous one and their own assessments.
 */
export function sessionView(session: Session): SessionView {
  const sessionVerdicts: Array<OnTurn<VerdictDigest>> = [];
  const sessionScorerErrors: Array<OnTurn<ScorerErrorDigest>> = [];
  let previous: number | null = null;
  const turns = session.turns.map((digest, i): TurnView => {
    const number = i + 1;
    const { verdicts, scorerErrors } = digest.assessments;
    for (const entry of verdicts) if (entry.level === 'session') sessionVerdicts.push({ turn: number, traceId: digest.traceId, entry });
    for (const entry of scorerErrors) if (entry.level === 'session') sessionScorerErrors.push({ turn: number, traceId: digest.traceId, entry });
    const timeMs = turnTimeMs(digest);
    const gapMs = timeMs === null || previous === null ? null : timeMs - previous;
    if (timeMs !== null) previous = timeMs;
    return {
      number,
      digest,
      timeMs,
      gapMs,
      verdicts: verdicts.filter((v) => v.level === 'turn'),
      scorerErrors: scorerErrors.filter((e) => e.level === 'turn'),
    };
  });
  return { session, sessionVerdicts, sessionScorerErrors, turns };
}
