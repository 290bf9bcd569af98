import type { ModelCallFacts } from '../../model/facts.js';
import type { EvidenceInput, SessionInput } from '../api.js';
import { plural } from '../../shared/plural.js';

/** Why the first turn of a session in the dump may not be the first turn of its conversation. */
export interface MissingStart {
  /** The first turn's model call whose input carries earlier exchanges, and how many; null when none does. */
  carried: { call: ModelCallFacts; messages: number } | null;
  /** Inputs holding the session's traces that are one page of a longer search. */
  pagedSources: readonly string[];
}

/**
 * What says that turns before the session's first turn in the dump are missing: its model input
 * carries earlier user/assistant messages (`ModelCallFacts.priorMessages`), or the session comes
 * from one page of a longer search. Null when nothing does. Verdicts at that first turn are then
 * relative to what the dump holds: the cause of a failure there may lie in the missing turns.
 */
export function missingStart(session: SessionInput): MissingStart | null {
  const first = session.turns[0];
  if (first === undefined) return null;
  let carried: MissingStart['carried'] = null;
  for (const call of first.facts.modelCalls) {
    if (call.priorMessages !== null && call.priorMessages > 0) {
      carried = { call, messages: call.priorMessages };
      break;
    }
  }
  if (carried === null && session.pagedSources.length === 0) return null;
  return { carried, pagedSources: session.pagedSources };
}

/** `6 earlier messages`: how many messages the first turn's model input carries from before it. */
export function earlierMessages(n: number): string {
  return plural(n, 'earlier message');
}

/** Why turns are missing, in a few words: `its model input carries 6 earlier messages`, `it comes from one page of a search (p1.json)`. */
export function missingReason(m: MissingStart): string {
  const parts: string[] = [];
  if (m.carried !== null) parts.push(`its model input carries ${earlierMessages(m.carried.messages)}`);
  if (m.pagedSources.length > 0) {
    const shown = m.pagedSources.slice(0, 3).join(', ');
    const more = m.pagedSources.length - 3;
    parts.push(`the session comes from one page of a search (${shown}${more > 0 ? ` and ${more} more` : ''})`);
  }
  return parts.join('; ');
}

/**
 * The evidence entry (kind `missingTurns`) that marks a finding at the session's first turn as
 * depending on turns the dump lacks: machines find the mark by its kind.
 */
export function missingTurnsEvidence(session: SessionInput, m: MissingStart): EvidenceInput {
  const first = session.turns[0]!;
  return {
    traceId: first.digest.traceId,
    spanId: m.carried?.call.spanId ?? null,
    path: m.carried?.call.path ?? null,
    kind: 'missingTurns',
    label: `turns before turn ${first.number} are not in the dump: ${missingReason(m)}`,
  };
}
