import type { TraceDigest } from '../model/digest-types.js';
import type { DocumentCatalog } from '../model/documents.js';
import type { TurnFacts } from '../model/facts.js';
import type { SessionView, TurnView } from '../model/sessions.js';
import type { Assessment, Span, Trace } from '../model/types.js';
import type { Severity } from '../shared/severity.js';

/** See {@link RuleMeta.roles}. */
export type FindingRole = 'rootCause' | 'inherited';

// How much a finding matters (src/shared/severity.ts holds the order); `off` (config only) turns a rule off.
export type { Severity };

/**
 * What a rule is, declared before it runs (STYLE.md, "declare before you detect"): `rules`, the
 * docs test and SARIF read it without running the rule.
 */
export interface RuleMeta<M extends string = string> {
  /** Kebab-case noun for the problem; equals the file name and `docs/rules/<id>.md`. */
  id: string;
  /** `problem`: the conversation or the trace is wrong; `suggestion`: the data could be better. */
  type: 'problem' | 'suggestion';
  /** One sentence for `tracetriage rules`. */
  description: string;
  severity: Severity;
  /** Message templates by id; `{{name}}` is replaced by `data.name`. */
  messages: Readonly<Record<M, string>>;
  /**
   * What a message's findings are in the story of a session, where it is one the reports build
   * on: `rootCause` (where a conversation went wrong, found or suspected), `inherited` (a later
   * turn that failed because it built on one). Reporters read roles, never message ids.
   */
  roles?: Readonly<Partial<Record<M, FindingRole>>>;
  /** Default severities of messages that differ from the rule's (a config severity applies to all). */
  messageSeverity?: Readonly<Partial<Record<M, Severity>>>;
  /** Suggestion templates by message id, filled from the same data. */
  suggestions?: Readonly<Partial<Record<M, string>>>;
  /** JSON Schema of the options object (draft-07, `additionalProperties: false`); checked at config load. */
  schema?: Readonly<Record<string, unknown>>;
  /** Option values used where the config gives none. */
  defaultOptions?: Readonly<Record<string, unknown>>;
}

/** One piece of evidence: where a person can go to see it, and what it shows. */
export interface EvidenceInput {
  /** Trace id; defaults to the finding's trace. */
  traceId?: string | null;
  spanId?: string | null;
  /** JSONPath into the exported trace. */
  path?: string | null;
  /** A camelCase kind (`sameDocument`, `answerInHistory`, …), for machines. */
  kind: string;
  /** What it shows, in a few words (trace text in it is escaped by every reporter). */
  label: string;
}

/** What `context.report` takes: facts, never wording or severity. */
export interface ReportDescriptor<M extends string = string> {
  messageId: M;
  data?: Readonly<Record<string, string | number>>;
  /** The trace the finding is about; a session-level finding may have none. */
  traceId?: string | null;
  spanId?: string | null;
  /** JSONPath into the exported trace. */
  path?: string | null;
  /** The session, for findings that have no trace (the engine finds it from the trace otherwise). */
  sessionId?: string | null;
  /** Other turns the finding covers (1-based), e.g. the turns a root cause explains. */
  relatedTurns?: readonly number[];
  evidence?: readonly EvidenceInput[];
  /** Extra identity for the fingerprint when one place can have several findings of a message. */
  key?: string;
}

/** The context a rule's `create` receives. */
export interface RuleContext<M extends string = string, O = Record<string, unknown>> {
  readonly id: string;
  /** The rule's options: defaults laid under the config's. */
  readonly options: O;
  /** Records a finding; an unknown message id or a missing template field throws. */
  report(descriptor: ReportDescriptor<M>): void;
}

/** A trace as the trace visitors see it: the whole normalized trace, its digest and facts. */
export interface TraceInput {
  trace: Trace;
  digest: TraceDigest;
  facts: TurnFacts;
}

/** A turn of a session as the session visitors see it: the turn view plus the trace's facts. */
export interface Turn extends TurnView {
  facts: TurnFacts;
}

/**
 * A session as the session visitors see it. A trace without a session is visited too, alone, as
 * a session of one turn with `sessionless: true` and `id` `''` (its findings are located with no
 * session and no turn): the per-turn rules (failures, errors, I/O) see it like any turn, a rule
 * that needs two turns finds nothing, and a rule about sessions as such skips it.
 */
export interface SessionInput extends Omit<SessionView, 'turns'> {
  id: string;
  turns: Turn[];
  /** The newest version of each retrieved document the whole dump holds (any session), to tell an outdated one. */
  documents: Pick<DocumentCatalog, 'newerThan'>;
  /**
   * Inputs holding traces of this session that are one page of a longer search (their envelope
   * has a `next_page_token`): turns of the session may be on the pages not read. Empty when none.
   */
  pagedSources: readonly string[];
  /** True for a trace without a session visited as a one-turn session; its message must not speak of turns or a session. */
  sessionless: boolean;
}

/** An input that is one page of a longer search (see {@link DumpInput.pages}). */
export interface PageInput {
  source: string;
  /** Its `next_page_token` (at most the first 256 characters). */
  token: string;
}

/** Turns that can be counted without reading them and iterated, each time from the first (an array is one). */
export interface TurnList extends Iterable<Turn> {
  readonly length: number;
}

/**
 * What the dump-level visitor gets. Sessions are visited one at a time and not kept (a dump may
 * hold millions of turns): a rule that needs something of every session gathers it in
 * `sessionExit`, bounded, and reports in `dumpExit`.
 */
export interface DumpInput {
  /** Sessions visited. */
  sessionCount: number;
  /** Turns of those sessions. */
  turnCount: number;
  /**
   * Traces that have no session, in turn order, each as a turn of its own (number 1, with its
   * facts); each was also visited by the session visitors as a `sessionless` session. A list to
   * count and iterate (more than once), not an array: `analyze` reads each turn back from its
   * temporary file as the iteration reaches it, so a dump of millions of such traces is never in
   * memory at once. Keep what you need of each turn, bounded.
   */
  withoutSession: TurnList;
  /** Inputs that are one page of a longer search, in the order they were read (one entry per input). */
  pages: readonly PageInput[];
}

/**
 * What `create` returns. Two phases, which may run in different threads, so a rule keeps no state
 * from one to the other:
 * - the trace phase (`trace`, `span`, `assessment`, `traceExit`) sees each whole trace once, as it
 *   is read, in input order; state kept here must be per trace;
 * - the session phase (`session`, `turn`, `sessionExit`, `dumpExit`) runs once everything is read,
 *   over digests and facts, sessions in order and turns in order, one session in memory at a time.
 */
export interface RuleVisitors {
  trace?(input: TraceInput): void;
  span?(span: Span, input: TraceInput): void;
  assessment?(assessment: Assessment, input: TraceInput): void;
  traceExit?(input: TraceInput): void;
  session?(session: SessionInput): void;
  turn?(turn: Turn, session: SessionInput): void;
  sessionExit?(session: SessionInput): void;
  dumpExit?(dump: DumpInput): void;
  /**
   * Scale-out (docs/scale-out.md): a rule whose `dumpExit` reports from what it gathered over the
   * sessions, in its closure, must say it as JSON here, so that runs over parts of the sessions
   * (`tracetriage reduce`) can be merged into the findings of one run (`tracetriage merge`). A rule
   * with session visitors and `dumpExit` that lacks this cannot run split: `reduce` refuses it by
   * name. Return null when `dumpExit` reads only its {@link DumpInput}.
   */
  saveDump?(): unknown;
  /**
   * Adds the state another part's `saveDump` returned, before `dumpExit`; called once per part, in
   * any order, on a fresh instance. Evidence kept "for the first sessions" must come out the same
   * whatever the order: keep each item's {@link SessionOrder} and merge by it (rules/util/session-order.ts).
   */
  loadDump?(saved: unknown): void;
}

/** A rule module: its default export. */
export interface RuleModule<M extends string = string, O = Record<string, unknown>> {
  meta: RuleMeta<M>;
  create(context: RuleContext<M, O>): RuleVisitors;
}

/**
 * Identity helper that exists for type inference (arethetypeswrong's `defineCheck`): message ids
 * are checked against `meta.messages` at compile time.
 */
export function defineRule<M extends string, O = Record<string, unknown>>(rule: RuleModule<M, O>): RuleModule<M, O> {
  return rule;
}
