import { digestOptionsOf, type TriageConfig } from '../engine/config.js';
import type { ExitVerdict } from '../engine/outcome.js';
import { readSession, readSessions, sessionReport, sessionsView } from '../engine/session-reader.js';
import type { TraceDigest } from '../model/digest-types.js';
import type { Session, SessionSortKey } from '../model/sessions.js';
import { compileFilter } from '../query/filter/compile.js';
import type { FormatOptions } from '../report/format.js';
import { SESSION_FORMATS, type SessionFormat } from '../report/session/formats.js';
import type { SessionReport } from '../report/session/session.js';
import { SESSIONS_FORMATS, type SessionsFormat } from '../report/sessions/formats.js';
import { configOf } from './config.js';
import { formatWith } from './output.js';
import { engineRead, logHooks, ProblemLog, type Input, type ReadingOptions, type ReadProblems } from './read.js';

/** Options of {@link listSessions}. */
export interface ListSessionsOptions extends ReadingOptions {
  /** Session and user keys, carriers, scorer polarity; default none. */
  config?: TriageConfig;
  /** `id`; `first` or `last` time (oldest first); `turns`, `errors` or `failing` (most first). Default `first`. */
  sort?: SessionSortKey;
  /** An MLflow filter applied to traces before grouping (docs/search-filters.md). */
  filterString?: string;
  /** Worker threads for the per-trace digests; the list is the same for any number. Default 1. */
  jobs?: number;
}

/** Every session of the inputs, and the traces without one: what `tracetriage sessions` lists. */
export interface SessionList {
  /** In `sort` order; each with its numbers in `summary` and its turns' digests. */
  sessions: Session[];
  sort: SessionSortKey;
  /** Traces without a session, by request time. */
  withoutSession: TraceDigest[];
  /** Copies of traces already read, left out. */
  duplicates: number;
  exit: ExitVerdict;
  problems: ReadProblems;
}

/** Lists the sessions of the inputs with their numbers (turns, errors, failing assessments, scorer errors). */
export async function listSessions(inputs: Input | readonly Input[], options: ListSessionsOptions = {}): Promise<SessionList> {
  const config = configOf(options.config);
  const read = engineRead(inputs, options);
  const filter = options.filterString === undefined || options.filterString.trim() === '' ? null : compileFilter(options.filterString);
  const log = new ProblemLog(options.onEvent);
  const groups = await readSessions(read.inputs, { ...read.options, ...logHooks(log), filter, digest: digestOptionsOf(config), jobs: options.jobs ?? 1 });
  const sort = options.sort ?? 'first';
  return { ...sessionsView(groups, sort), exit: log.verdict(), problems: log.problems };
}

/** The formats of {@link formatSessions}: as `sessions --format`. */
export type { SessionsFormat };

/** A session list as `sessions --format <format>` prints it. */
export function formatSessions(list: SessionList, format: SessionsFormat, options: FormatOptions = {}): string {
  return formatWith(SESSIONS_FORMATS, list, format, options);
}

/** Options of {@link getSession}. */
export interface GetSessionOptions extends ReadingOptions {
  config?: TriageConfig;
  /** Keep whole texts (by default long texts are cut with a marker when formatted). */
  full?: boolean;
}

/**
 * One session looked up: `found` with the session turn by turn; `missing` when no trace has the id
 * (or, asked for none, no trace has a session); `ambiguous` when asked for none and the inputs
 * hold several (name one: `listSessions` lists them).
 */
export type SessionLookup =
  | { status: 'found'; session: SessionReport; sessionsSeen: number; exit: ExitVerdict; problems: ReadProblems }
  | { status: 'missing' | 'ambiguous'; session: null; sessionsSeen: number; exit: ExitVerdict; problems: ReadProblems };

/**
 * Rebuilds one session turn by turn, as `tracetriage session <id>` does: what the user said, what
 * the app answered, the I/O span and carrier, errors, assessments with rationale. With `id` null,
 * the one session the inputs hold.
 */
export async function getSession(inputs: Input | readonly Input[], id: string | null, options: GetSessionOptions = {}): Promise<SessionLookup> {
  const config = configOf(options.config);
  const read = engineRead(inputs, options);
  const log = new ProblemLog(options.onEvent);
  const full = options.full === true;
  const found = await readSession(read.inputs, id, { ...read.options, ...logHooks(log), full, digest: digestOptionsOf(config) });
  const { sessionsSeen } = found;
  if (id === null && sessionsSeen > 1) {
    // The CLI refuses to guess (a usage error, exit 2); so does the API, saying what to do instead.
    const exit: ExitVerdict = { code: 2, reason: `the inputs hold ${sessionsSeen} sessions: name one (listSessions lists them)` };
    return { status: 'ambiguous', session: null, sessionsSeen, exit, problems: log.problems };
  }
  if (found.session === null) {
    const missing = id === null ? 'the inputs hold no session' : `session ${JSON.stringify(id)} is not in the inputs`;
    return { status: 'missing', session: null, sessionsSeen, exit: log.verdict({ missing }), problems: log.problems };
  }
  const session: SessionReport = sessionReport({ ...found, session: found.session }, full);
  return { status: 'found', session, sessionsSeen, exit: log.verdict(), problems: log.problems };
}

/** The formats of {@link formatSession}: as `session --format`. */
export type { SessionFormat };

/** A session as `session <id> --format <format>` prints it (Markdown for a bug ticket). */
export function formatSession(session: SessionReport, format: SessionFormat, options: FormatOptions = {}): string {
  return formatWith(SESSION_FORMATS, session, format, options);
}
