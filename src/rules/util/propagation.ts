import type { ModelCallFacts } from '../../model/facts.js';
import type { DocumentFacts } from '../../model/facts-documents.js';
import type { ErrorFacts } from '../../model/facts-errors.js';
import type { EvidenceInput, SessionInput, Turn } from '../api.js';
import { quote, suspicionText, turnFailure, withSuspicion, type FailureReason, type TurnFailure } from './failures.js';
import { phraseMatcher } from './phrases.js';
import { suspectSignals, type SuspectOptions } from './suspects.js';

/** What ties a later failing turn to an earlier one. `userDidNotCorrect` only ever supports one of these. */
export type LinkKind = 'sameErrorSignature' | 'answerInHistory' | 'sameDocuments';

/** One piece of link evidence, with the 1-based turn it sits in (for sorting). */
export interface LinkEvidence extends EvidenceInput {
  traceId: string;
  turn: number;
}

/** A later failing turn `to` built on an earlier failing turn `from`. */
export interface Link {
  from: number;
  to: number;
  /** The kinds that hold, in {@link LINK_ORDER}. */
  kinds: LinkKind[];
  /** Shared error signatures, shared document labels (each at most {@link MAX_SHARED}). */
  signatures: string[];
  documents: string[];
  /** The model call of `to` whose input holds `from`'s answer. */
  modelCall: ModelCallFacts | null;
  /** The first turn in `from + 1 .. to` whose user pushed back, or null. */
  correctedAt: number | null;
  evidence: LinkEvidence[];
}

/** `to` carried `from`'s answer in its model input, but the user had pushed back: not a link. */
export interface BlockedLink {
  from: number;
  to: number;
  correctedAt: number;
  evidence: LinkEvidence[];
}

/** A failing turn with no earlier cause, and the later failing turns that build on it. */
export interface Chain {
  root: number;
  /** Later failing turns reachable from the root over links, ascending. */
  explained: number[];
  /** Links into the explained turns from the root or another explained turn, by `to`, then `from`. */
  links: Link[];
}

/** What {@link findPropagation} finds in one session. */
export interface Propagation {
  /** Failing turns by 1-based number, ascending. */
  failures: Map<number, TurnFailure>;
  links: Link[];
  blocked: BlockedLink[];
  /** The root of each failing turn: the earliest root among the turns it is linked to, else itself. */
  rootOf: Map<number, number>;
  /** One chain per root, by root. */
  chains: Chain[];
  /** Turn numbers whose user text pushes back, with the phrase found. */
  corrections: Map<number, string>;
}

/** The order a link's kinds are listed in: what was carried forward (answer, documents) before what recurred (an error). */
export const LINK_ORDER: readonly LinkKind[] = ['answerInHistory', 'sameDocuments', 'sameErrorSignature'];
/** Earlier failing turns a failing turn is compared with: chains longer than this still meet their root through the turns between. */
export const MAX_LOOKBACK = 50;
/** Shared signatures or documents kept per link. */
export const MAX_SHARED = 5;

/**
 * Phrases that say the user rejects the previous answer; matched case-insensitively on word
 * boundaries (a straight apostrophe also matches a curly one). Heuristic by design: a false
 * positive only stops a history-only link, it never creates one.
 */
export const DEFAULT_CORRECTION_PHRASES: readonly string[] = [
  "that's wrong",
  'that is wrong',
  "that's not right",
  'that is not right',
  "that's not correct",
  'that is not correct',
  "that's incorrect",
  'incorrect',
  "that's not true",
  'no,',
  'you said',
  'actually',
  'not what I asked',
  "you're wrong",
  'you are wrong',
  'are you sure',
];

/** A test for a user text: the first correction phrase it contains, or null (see `phraseMatcher`). */
export const correctionMatcher = phraseMatcher;

/** What a failing turn offers to links, indexed once. */
interface Indexed {
  turn: Turn;
  errorsBySignature: Map<string, ErrorFacts>;
  documents: Map<string, DocumentFacts>;
  /** History key to the first model call whose input holds it. */
  history: Map<string, ModelCallFacts>;
}

/**
 * Finds the failing turns of a session (`turnFailure`), links each to the earlier failing turns
 * it builds on, and groups them into chains by root. Pure and deterministic: the same session
 * gives the same result, every list in turn order.
 */
export function findPropagation(session: SessionInput, options: { correctionPhrases: readonly string[]; suspects?: SuspectOptions | null }): Propagation {
  const suspects = options.suspects ? suspectSignals(session, options.suspects) : new Map();
  const matches = correctionMatcher(options.correctionPhrases);
  const corrections = new Map<number, string>();
  for (const t of session.turns) {
    // The user text is the analysis excerpt (ANALYSIS_TEXT_CHARS): a push-back that only comes
    // after it is not seen, which can only leave a history link standing, as without a check.
    const phrase = matches(t.digest.turn.texts.userText);
    if (phrase !== null) corrections.set(t.number, phrase);
  }
  const correctionTurns = [...corrections.keys()];
  const failures = new Map<number, TurnFailure>();
  const indexed: Indexed[] = [];
  const links: Link[] = [];
  const blocked: BlockedLink[] = [];
  const rootOf = new Map<number, number>();
  for (const turn of session.turns) {
    const failure = withSuspicion(turnFailure(turn), turn, suspects.get(turn.number));
    if (failure === null) continue;
    failures.set(turn.number, failure);
    const here = index(failure);
    let root = turn.number;
    for (const earlier of indexed.slice(-MAX_LOOKBACK)) {
      const j = firstAfter(correctionTurns, earlier.turn.number);
      const correctedAt = j !== undefined && j <= turn.number ? j : null;
      const found = link(earlier, here, correctedAt, session);
      if (found === null) continue;
      if ('kinds' in found) {
        links.push(found);
        root = Math.min(root, rootOf.get(earlier.turn.number) ?? earlier.turn.number);
      } else blocked.push(found);
    }
    rootOf.set(turn.number, root);
    indexed.push(here);
  }
  return { failures, links, blocked, rootOf, chains: chains(failures, links, rootOf), corrections };
}

/** The first value of an ascending list greater than `after` (binary search: sessions can be long). */
function firstAfter(sorted: readonly number[], after: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo];
}

function index(failure: TurnFailure): Indexed {
  const { turn } = failure;
  const errorsBySignature = new Map<string, ErrorFacts>();
  // A recovered error is not part of the turn's failure, so it links nothing either.
  for (const e of turn.facts.errors) if (e.recovered === null && !errorsBySignature.has(e.signature)) errorsBySignature.set(e.signature, e);
  const history = new Map<string, ModelCallFacts>();
  for (const call of turn.facts.modelCalls) for (const key of call.historyKeys) if (!history.has(key)) history.set(key, call);
  // A turn only suspected offers the documents its clues are about: sharing an unremarkable
  // document with it says nothing of inheriting its fault.
  const documents = failure.suspectOnly ? failure.reasons.flatMap((r) => (r.kind === 'suspect' ? r.signal.documents : [])) : turn.facts.documents;
  return { turn, errorsBySignature, documents: new Map(documents.map((d) => [d.id, d])), history };
}

function link(k: Indexed, n: Indexed, correctedAt: number | null, session: SessionInput): Link | BlockedLink | null {
  const from = k.turn.number;
  const to = n.turn.number;
  const at = (t: Turn) => ({ traceId: t.digest.traceId, turn: t.number });
  const signatures = [...n.errorsBySignature.keys()].filter((s) => k.errorsBySignature.has(s)).slice(0, MAX_SHARED);
  const documents = [...n.documents.values()].filter((d) => k.documents.has(d.id)).slice(0, MAX_SHARED);
  const answerKey = k.turn.facts.answerKey;
  const modelCall = answerKey === null ? null : (n.history.get(answerKey) ?? null);
  if (signatures.length === 0 && documents.length === 0 && modelCall === null) return null;
  const evidence: LinkEvidence[] = [];
  if (modelCall !== null) {
    evidence.push({ ...at(n.turn), spanId: modelCall.spanId, path: modelCall.path, kind: 'answerInHistory', label: `turn ${from}'s answer is in the input of "${modelCall.name}" in turn ${to}` });
  }
  const correction = correctedAt === null ? null : session.turns[correctedAt - 1];
  const correctedEvidence = (): LinkEvidence[] =>
    correction === undefined || correction === null
      ? []
      : [{ ...at(correction), path: correction.facts.ioPath, kind: 'userCorrected', label: `the user pushed back at turn ${correction.number}: "${quote(correction.digest.turn.texts.userText)}"` }];
  if (signatures.length === 0 && documents.length === 0 && correctedAt !== null) {
    // The user rejected the answer: a later failure carrying it in history did not inherit it by acceptance.
    return { from, to, correctedAt, evidence: [...evidence, ...correctedEvidence()] };
  }
  for (const d of documents) {
    evidence.push({ ...at(n.turn), spanId: d.spanId, path: d.path, kind: 'sameDocuments', label: `turn ${to} retrieves ${d.label} again, as turn ${from} did` });
  }
  for (const s of signatures) {
    const mine = n.errorsBySignature.get(s)!;
    const theirs = k.errorsBySignature.get(s)!;
    evidence.push({ ...at(k.turn), spanId: theirs.spanId, path: theirs.path, kind: 'sameErrorSignature', label: `turn ${from}'s span "${theirs.spanName}" fails with ${quote(s)}` });
    evidence.push({ ...at(n.turn), spanId: mine.spanId, path: mine.path, kind: 'sameErrorSignature', label: `turn ${to}'s span "${mine.spanName}" fails with the same error as turn ${from}` });
  }
  if (correctedAt !== null) evidence.push(...correctedEvidence());
  else if (modelCall !== null || documents.length > 0) {
    // Only where content was carried forward: a repeated timeout is not something a user corrects.
    const span = to === from + 1 ? `turn ${to}` : `turns ${from + 1}–${to}`;
    evidence.push({ ...at(n.turn), path: n.turn.facts.ioPath, kind: 'userDidNotCorrect', label: `the user did not push back on turn ${from}'s answer in ${span}` });
  }
  const kinds = LINK_ORDER.filter((kind) => (kind === 'answerInHistory' ? modelCall !== null : kind === 'sameDocuments' ? documents.length > 0 : signatures.length > 0));
  return { from, to, kinds, signatures, documents: documents.map((d) => d.label), modelCall, correctedAt, evidence };
}

function chains(failures: ReadonlyMap<number, TurnFailure>, links: readonly Link[], rootOf: ReadonlyMap<number, number>): Chain[] {
  const next = new Map<number, number[]>();
  const into = new Map<number, Link[]>();
  for (const l of links) {
    const outward = next.get(l.from) ?? next.set(l.from, []).get(l.from)!;
    outward.push(l.to);
    const inward = into.get(l.to) ?? into.set(l.to, []).get(l.to)!;
    inward.push(l);
  }
  const out: Chain[] = [];
  for (const number of failures.keys()) {
    if (rootOf.get(number) !== number) continue;
    const reached = new Set<number>();
    const stack = [...(next.get(number) ?? [])];
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (reached.has(t)) continue;
      reached.add(t);
      stack.push(...(next.get(t) ?? []));
    }
    const explained = [...reached].sort((a, b) => a - b);
    const member = (t: number) => t === number || reached.has(t);
    // `into` lists each turn's links by `from` ascending, as they were found.
    out.push({ root: number, explained, links: explained.flatMap((t) => (into.get(t) ?? []).filter((l) => member(l.from))) });
  }
  return out;
}

type ErrorReason = Extract<FailureReason, { kind: 'error' }>;

/**
 * The error a turn's failure started from: the deepest failed span. The spans above it that fail
 * with the same error only passed it up, as a model timeout that reaches the HTTP root does.
 */
function originError(f: TurnFailure): ErrorReason | undefined {
  // Depth comes from the digest's error spans; an error past the digest's bound counts as shallowest.
  const depth = new Map(f.turn.digest.errors.map((e) => [e.spanId, e.depth ?? -1]));
  const deep = (r: ErrorReason) => depth.get(r.error.spanId) ?? -1;
  let origin: ErrorReason | undefined;
  for (const r of f.reasons) if (r.kind === 'error' && (origin === undefined || deep(r) > deep(origin))) origin = r;
  return origin;
}

/** The reason a finding about a failed turn points at: its first failing assessment, else its origin error, else the trace state. */
export function headReason(f: TurnFailure): FailureReason {
  return f.reasons.find((r) => r.kind === 'assessment') ?? originError(f) ?? f.reasons[0]!;
}

/** One line saying why a turn failed: its first failing assessment and its origin error, or the trace state. */
export function failureText(f: TurnFailure): string {
  if (f.suspectOnly) return suspicionText(f.reasons);
  const assessment = f.reasons.find((r) => r.kind === 'assessment');
  const cause = originError(f) ?? f.reasons.find((r) => r.kind === 'traceState');
  const parts: string[] = [];
  for (const r of [assessment, cause]) if (r !== undefined) parts.push(r.label);
  return parts.join('; ');
}

/** Where a reason points: span id (if any) and JSONPath. */
export function reasonPlace(r: FailureReason): { spanId: string | null; path: string } {
  if (r.kind === 'error') return { spanId: r.error.spanId, path: r.error.path };
  if (r.kind === 'assessment') return { spanId: r.verdict.spanId, path: r.path };
  if (r.kind === 'suspect') return { spanId: r.signal.spanId, path: r.path };
  return { spanId: null, path: r.path };
}

/**
 * Where a finding about a failed turn points (see {@link headReason}): always in the turn's own
 * trace, so a clue that sits in a later turn (the user's push-back) points at the turn's I/O.
 */
export function failurePlace(f: TurnFailure): { traceId: string; spanId: string | null; path: string } {
  const traceId = f.turn.digest.traceId;
  const head = f.suspectOnly ? (f.reasons.find((r) => r.kind === 'suspect' && r.signal.traceId === traceId) ?? null) : headReason(f);
  return head === null ? { traceId, spanId: null, path: f.turn.facts.ioPath ?? '$' } : { traceId, ...reasonPlace(head) };
}

/** Every reason a turn failed, as evidence in `turnFailure`'s order: `failure`, or the clue's kind for a judge-free clue (in the trace it sits in). */
export function failureEvidence(f: TurnFailure): EvidenceInput[] {
  return f.reasons.map((r) => ({
    traceId: r.kind === 'suspect' ? r.signal.traceId : f.turn.digest.traceId,
    ...reasonPlace(r),
    kind: r.kind === 'suspect' ? r.signal.kind : 'failure',
    label: r.label,
  }));
}

/** The identity of a piece of evidence (what makes two the same), made once per entry: chains share links. */
const identities = new WeakMap<LinkEvidence, string>();

function identity(e: LinkEvidence): string {
  let id = identities.get(e);
  if (id === undefined) {
    id = [e.traceId, e.spanId, e.path, e.kind, e.label].join('\u0000');
    identities.set(e, id);
  }
  return id;
}

/**
 * Link evidence by turn, then kind (stable otherwise), an entry seen twice (one span shared by
 * two links) once: the first `limit` entries, and how many there are in all. A root cause's
 * chain holds the links of every turn it explains, and a session of thousands of turns has chains
 * of thousands of links of which a finding shows a few dozen: the order is found on numbers (turn,
 * then the kind's rank), identities are made once per entry, and only the shown entries are built.
 */
export function sortedLinkEvidence(evidence: readonly LinkEvidence[], limit: number): { entries: EvidenceInput[]; total: number } {
  const kinds = [...new Set(evidence.map((e) => e.kind))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = new Map(kinds.map((k, i) => [k, i]));
  // One number per entry (turn, then the kind's rank); ties keep the input order.
  const key = new Float64Array(evidence.length);
  for (const [i, e] of evidence.entries()) key[i] = e.turn * kinds.length + rank.get(e.kind)!;
  const order = evidence.map((_, i) => i);
  order.sort((a, b) => key[a]! - key[b]! || a - b);
  const seen = new Set<string>();
  const entries: EvidenceInput[] = [];
  for (const i of order) {
    const e = evidence[i]!;
    const id = identity(e);
    if (seen.has(id)) continue;
    seen.add(id);
    if (entries.length < limit) entries.push({ traceId: e.traceId, spanId: e.spanId ?? null, path: e.path ?? null, kind: e.kind, label: e.label });
  }
  return { entries, total: seen.size };
}
