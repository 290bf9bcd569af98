import type { VerdictDigest } from '../../model/digest-types.js';
import type { ErrorFacts } from '../../model/facts-errors.js';
import { cut } from '../../shared/text.js';
import type { Turn } from '../api.js';
import type { SuspectSignal } from './suspects.js';

/** Why a turn failed: one entry per kind of evidence, each pointing at its place in the trace. */
export type FailureReason =
  | { kind: 'traceState'; label: string; path: string }
  | { kind: 'error'; label: string; error: ErrorFacts }
  | { kind: 'assessment'; label: string; verdict: VerdictDigest; path: string }
  /** A judge-free clue (see `suspectSignals`): it may sit in another turn's trace (the user's push-back). */
  | { kind: 'suspect'; label: string; signal: SuspectSignal; path: string };

/** A turn's failure, or null when the turn did not fail. */
export interface TurnFailure {
  turn: Turn;
  reasons: FailureReason[];
  /** The error signatures of the turn (see `errorSignature`), de-duplicated, in span order. */
  signatures: string[];
  /** One line saying why: the first reason of each kind, e.g. `correctness = false: States a 60-day…`. */
  summary: string;
  /** True when every reason is a judge-free clue: the turn is suspect, not known to have failed. */
  suspectOnly: boolean;
}

/** Longest rationale or error message quoted in a summary. */
const QUOTE_CHARS = 120;

/**
 * Whether a turn failed, and why: trace state ERROR, a failed span or an exception event that was
 * not recovered (`ErrorFacts.recovered`), or an
 * effective per-turn verdict with polarity `fail` (after triage: superseded judges and judges a
 * human overruled do not count). A scorer error is not a failure of the turn (the judge failed,
 * not the app), and session-level verdicts are about the session, not this turn.
 */
export function turnFailure(turn: Turn): TurnFailure | null {
  const reasons: FailureReason[] = [];
  const { digest, facts } = turn;
  for (const verdict of turn.verdicts) {
    if (!verdict.effective || verdict.polarity !== 'fail') continue;
    reasons.push({ kind: 'assessment', label: verdictLabel(verdict), verdict, path: `${facts.assessmentsPath}[${verdict.index}]` });
  }
  // A recovered error (a retry that succeeded, in a turn that answered) is not the turn's failure.
  const errors = facts.errors.filter((e) => e.recovered === null);
  for (const error of errors) reasons.push({ kind: 'error', label: errorLabel(error), error });
  if (digest.state === 'ERROR') reasons.push({ kind: 'traceState', label: 'trace state ERROR', path: facts.statePath });
  if (reasons.length === 0) return null;
  const signatures = [...new Set(errors.map((e) => e.signature))];
  const firstOfKind = (kind: FailureReason['kind']) => reasons.find((r) => r.kind === kind);
  const summary = [firstOfKind('assessment'), firstOfKind('error'), firstOfKind('traceState')]
    .filter((r): r is FailureReason => r !== undefined)
    // The trace state says nothing the error span does not already say.
    .filter((r, _, all) => r.kind !== 'traceState' || !all.some((o) => o.kind === 'error'))
    .map((r) => r.label)
    .join('; ');
  return { turn, reasons, signatures, summary, suspectOnly: false };
}

/**
 * A turn's failure with its judge-free clues added as reasons (after the others), or, for a turn
 * that did not fail, its clues alone (`suspectOnly`); null when there is neither.
 */
export function withSuspicion(failure: TurnFailure | null, turn: Turn, signals: readonly SuspectSignal[] | undefined): TurnFailure | null {
  if (signals === undefined || signals.length === 0) return failure;
  const reasons: FailureReason[] = signals.map((signal) => ({ kind: 'suspect', label: `${signal.label} [${signal.strength}]`, signal, path: signal.path ?? turn.facts.ioPath ?? '$' }));
  if (failure !== null) return { ...failure, reasons: [...failure.reasons, ...reasons] };
  return { turn, reasons, signatures: [], summary: suspicionText(reasons), suspectOnly: true };
}

/** `no assessment; suspected from: …` with each clue and its strength. */
export function suspicionText(reasons: readonly FailureReason[]): string {
  return `no assessment; suspected from: ${reasons
    .filter((r) => r.kind === 'suspect')
    .map((r) => r.label)
    .join('; ')}`;
}

/** `correctness = false: States a 60-day refund window…` */
export function verdictLabel(v: VerdictDigest): string {
  return v.rationale === null || v.rationale === '' ? `${v.name} = ${v.value}` : `${v.name} = ${v.value}: ${quote(v.rationale)}`;
}

/** `span create_refund_request failed: RefundRejectedError: 422 refund_window_expired…` */
export function errorLabel(e: ErrorFacts): string {
  const what = e.type === null ? e.message : e.message === '' ? e.type : `${e.type}: ${e.message}`;
  return what === '' ? `span ${e.spanName} failed` : `span ${e.spanName} failed: ${quote(what)}`;
}

/** A text cut to {@link QUOTE_CHARS} code points on one line. */
export function quote(text: string): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  return cut(flat, QUOTE_CHARS);
}
