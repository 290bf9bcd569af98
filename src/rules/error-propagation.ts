import type { EvidenceInput, SessionInput } from './api.js';
import { cut, NO_MARK } from '../shared/text.js';
import { defineRule } from './api.js';
import { quote, verdictLabel } from './util/failures.js';
import { DEFAULT_APOLOGY_PHRASES, DEFAULT_INABILITY_PHRASES, DEFAULT_PUSHBACK_PHRASES, DEFAULT_RETIRED_MARKERS } from './util/suspects.js';
import { missingReason, missingStart, missingTurnsEvidence } from './util/partial.js';
import {
  DEFAULT_CORRECTION_PHRASES,
  failureEvidence,
  failurePlace,
  failureText,
  findPropagation,
  sortedLinkEvidence,
  type LinkEvidence,
  type BlockedLink,
  type Chain,
  type Link,
  type Propagation,
} from './util/propagation.js';

/** Evidence entries a finding carries at most; the rest are counted in a last `omitted` entry. */
const MAX_EVIDENCE = 60;
/** Turns named in a message at most. */
const MAX_NAMED_TURNS = 8;

/** A verdict at the first turn of a session that misses earlier turns: why, and the `missingTurns` evidence (rules/util/partial.ts). */
type Mark = { reason: string; evidence: EvidenceInput[] } | null;

interface Options {
  correctionPhrases: string[];
  suspectSignals: boolean;
  pushbackPhrases: string[];
  apologyPhrases: string[];
  inabilityPhrases: string[];
  retiredMarkers: string[];
  olderDays: number;
}

/** A phrase list option's schema. */
const phrases = (description: string) => ({ description, type: 'array', items: { type: 'string', minLength: 1 } });

/**
 * The question a person asks of a failed conversation is not "which turns failed" but "where did
 * it go wrong": the visible failure is often a later turn that only repeated or acted on an
 * earlier bad answer. This rule links each failing turn to the earlier failing turns it built on
 * (the same error, the earlier answer sent back to the model, the same retrieved documents,
 * with the user not pushing back) and reports the first bad turn of each chain with the
 * evidence, the turns it explains, the failures that stayed isolated, and the failing
 * session-level assessments with the root causes that account for them.
 */
export default defineRule<'rootCause' | 'suspectedRootCause' | 'inheritedFailure' | 'isolatedFailure' | 'suspectTurn' | 'sessionAssessmentFailed' | 'traceFailed' | 'traceSuspect', Options>({
  meta: {
    id: 'error-propagation',
    type: 'problem',
    description: 'Finds the turn where a conversation went wrong and the later failing turns that built on it, with the evidence linking them.',
    severity: 'error',
    messages: {
      rootCause: 'Turn {{turn}} is where the conversation went wrong{{partial}}: {{failure}} {{later}} on it: {{how}}.',
      suspectedRootCause: 'Turn {{turn}} is where the conversation likely went wrong{{partial}} ({{failure}}). {{later}} on it: {{how}}.',
      inheritedFailure: 'Turn {{turn}} builds on the failure that started at turn {{root}}: {{how}}. Its own failure: {{failure}}',
      isolatedFailure: 'Turn {{turn}} failed, but nothing later built on it: {{why}}{{partial}}. Its failure: {{failure}}',
      suspectTurn: 'Turn {{turn}} is suspect ({{failure}}); nothing later built on it: {{why}}{{partial}}.',
      sessionAssessmentFailed: 'Session-level assessment {{name}} = {{value}} (logged on turn {{on}}) fails the session; {{causes}}.',
      traceFailed: 'This trace failed (it has no session id, so it is read as a conversation of one turn). Its failure: {{failure}}',
      traceSuspect: 'This trace is suspect (it has no session id, so it is read as a conversation of one turn; {{failure}}).',
    },
    roles: { rootCause: 'rootCause', suspectedRootCause: 'rootCause', inheritedFailure: 'inherited' },
    // A root found from clues alone is a lead, not a verdict: it warns, and a lone suspect turn informs.
    messageSeverity: { suspectedRootCause: 'warn', inheritedFailure: 'warn', isolatedFailure: 'warn', suspectTurn: 'info', sessionAssessmentFailed: 'warn', traceSuspect: 'info' },
    suggestions: {
      rootCause: 'Start at turn {{turn}}: {{advice}}.',
      suspectedRootCause: 'Read turn {{turn}} first (no judge scored it): {{advice}}.',
      inheritedFailure: 'Fix turn {{root}} first: this turn fails because it built on it.',
      sessionAssessmentFailed: '{{advice}}',
    },
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        correctionPhrases: {
          description: 'Phrases in a later user message that reject the earlier answer (case-insensitive, word-bounded); a history-only link across such a message does not count.',
          type: 'array',
          items: { type: 'string', minLength: 1 },
        },
        suspectSignals: { description: 'Find suspect turns from what the traces hold when no judge failed them (the clues below); false turns it off.', type: 'boolean' },
        pushbackPhrases: phrases('Phrases in a user message that reject, correct or retry the previous answer (case-insensitive, word-bounded): the previous turn is suspect (medium).'),
        apologyPhrases: phrases('Phrases of an answer that apologises (weak: needs another clue).'),
        inabilityPhrases: phrases('Phrases of an answer that says it could not do what was asked, or blames a failure (medium).'),
        retiredMarkers: phrases("Words in a retrieved document's lifecycle metadata (status, archived, deprecated, …) that mark it no longer current (medium)."),
        olderDays: { description: 'Days a retrieved document must be older than every other one retrieved with it to count (weak).', type: 'integer', minimum: 1 },
      },
    },
    defaultOptions: {
      correctionPhrases: [...DEFAULT_CORRECTION_PHRASES],
      suspectSignals: true,
      pushbackPhrases: [...DEFAULT_PUSHBACK_PHRASES],
      apologyPhrases: [...DEFAULT_APOLOGY_PHRASES],
      inabilityPhrases: [...DEFAULT_INABILITY_PHRASES],
      retiredMarkers: [...DEFAULT_RETIRED_MARKERS],
      olderDays: 365,
    },
  },
  create(context) {
    return {
      sessionExit(session) {
        const o = context.options;
        const suspects = o.suspectSignals
          ? { pushbackPhrases: o.pushbackPhrases, apologyPhrases: o.apologyPhrases, inabilityPhrases: o.inabilityPhrases, retiredMarkers: o.retiredMarkers, olderDays: o.olderDays }
          : null;
        const p = findPropagation(session, { correctionPhrases: o.correctionPhrases, suspects });
        if (session.sessionless) {
          reportSessionless(p);
          return;
        }
        const into = byTurn(p.links, (l) => l.to);
        const blocked = byTurn(p.blocked, (b) => b.from);
        // Partial dumps (issue 14): at the first turn the dump holds, when turns before it are
        // missing, a root or an isolated failure is only the first bad turn the dump has.
        const start = missingStart(session);
        const markAt = (k: number): Mark => (start === null || k !== session.turns[0]?.number ? null : { reason: missingReason(start), evidence: [missingTurnsEvidence(session, start)] });
        for (const chain of p.chains) {
          if (chain.explained.length > 0) reportChain(chain, p, into, markAt(chain.root));
          else reportIsolated(chain.root, p, session, blocked.get(chain.root) ?? [], markAt(chain.root));
        }
        reportSessionVerdicts(session, p);
      },
    };

    function reportChain(chain: Chain, p: Propagation, into: ReadonlyMap<number, Link[]>, mark: Mark): void {
      const failure = p.failures.get(chain.root)!;
      const root = failure.turn;
      context.report({
        messageId: failure.suspectOnly ? 'suspectedRootCause' : 'rootCause',
        ...failurePlace(failure),
        relatedTurns: chain.explained,
        data: {
          turn: chain.root,
          partial: mark === null ? '' : ` as far as the dump shows (it is the first bad turn the dump holds; earlier turns are missing, and the cause may lie there: ${mark.reason})`,
          failure: failure.suspectOnly ? failureText(failure) : sentence(failureText(failure)),
          later: `${capitalize(turnList(chain.explained))} ${chain.explained.length === 1 ? 'builds' : 'build'}`,
          how: chainHow(chain),
          advice: chainAdvice(chain),
        },
        evidence: boundedLinks(
          [...failureEvidence(failure), ...(mark?.evidence ?? [])],
          chain.links.flatMap((l) => l.evidence),
          root.digest.traceId,
        ),
      });
      for (const n of chain.explained) {
        const mine = p.failures.get(n)!;
        const rootOfN = p.rootOf.get(n)!;
        // A turn reached from several roots is told once, under its earliest root.
        if (rootOfN !== chain.root) continue;
        const own = into.get(n) ?? [];
        context.report({
          messageId: 'inheritedFailure',
          ...failurePlace(mine),
          relatedTurns: [rootOfN, ...own.map((l) => l.from)],
          data: { turn: n, root: rootOfN, how: turnHow(own), failure: sentence(failureText(mine)) },
          evidence: boundedLinks(
            failureEvidence(mine),
            own.flatMap((l) => l.evidence),
            mine.turn.digest.traceId,
          ),
        });
      }
    }

    function reportIsolated(k: number, p: Propagation, session: SessionInput, blocked: readonly BlockedLink[], mark: Mark): void {
      const failure = p.failures.get(k)!;
      const later = session.turns.filter((t) => t.number > k);
      const passed = later.filter((t) => !p.failures.has(t.number)).map((t) => t.number);
      const failed = later.filter((t) => p.failures.has(t.number)).map((t) => t.number);
      const why: string[] = [];
      if (later.length === 0) why.push('it is the last turn');
      else if (failed.length === 0) why.push(passed.length === 1 ? 'the later turn passed' : `the ${passed.length} later turns passed`);
      else {
        const causes = failed.slice(0, MAX_NAMED_TURNS).map((n) => {
          const r = p.rootOf.get(n)!;
          return r === n ? `turn ${n}: its own root` : `turn ${n}: root turn ${r}`;
        });
        const more = failed.length - MAX_NAMED_TURNS;
        why.push(`later failures have other causes (${causes.join('; ')}${more > 0 ? `; and ${more} more` : ''})`);
        if (passed.length > 0) why.push(`${turnList(passed)} passed`);
      }
      for (const b of blocked.slice(0, MAX_NAMED_TURNS)) why.push(`turn ${b.to} carried its answer, but the user had pushed back at turn ${b.correctedAt}`);
      context.report({
        messageId: failure.suspectOnly ? 'suspectTurn' : 'isolatedFailure',
        ...failurePlace(failure),
        data: {
          turn: k,
          why: why.join('; '),
          partial: mark === null ? '' : `; but earlier turns are missing, so it may itself build on one of them (the first bad turn the dump holds: ${mark.reason})`,
          failure: failure.suspectOnly ? failureText(failure) : sentence(failureText(failure)),
        },
        evidence: boundedLinks(
          [...failureEvidence(failure), ...(mark?.evidence ?? [])],
          blocked.flatMap((b) => b.evidence),
          failure.turn.digest.traceId,
        ),
      });
    }

    /**
     * A trace without a session is a one-turn conversation: its failure (if any) is said as the
     * trace's, without "turn 1", "the last turn" or a session-level verdict it has no session for.
     */
    function reportSessionless(p: Propagation): void {
      for (const chain of p.chains) {
        const failure = p.failures.get(chain.root)!;
        context.report({
          messageId: failure.suspectOnly ? 'traceSuspect' : 'traceFailed',
          ...failurePlace(failure),
          data: { failure: failure.suspectOnly ? failureText(failure) : sentence(failureText(failure)) },
          evidence: failureEvidence(failure),
        });
      }
    }

    function reportSessionVerdicts(session: SessionInput, p: Propagation): void {
      const roots = p.chains.map((c) => c.root);
      // MLflow logs session-level feedback on the session's first trace (`evaluate_session_level_scorers`,
      // mlflow/genai/evaluation/session_utils.py); the path is taken from the turn it actually sits on.
      for (const { turn: on, traceId, entry } of session.sessionVerdicts) {
        if (!entry.effective || entry.polarity !== 'fail') continue;
        const turn = session.turns[on - 1];
        // The turn is always there (sessionView numbers the turns it lists); skip rather than guess a path.
        if (turn === undefined) continue;
        const path = `${turn.facts.assessmentsPath}[${entry.index}]`;
        const suspected = roots.filter((r) => p.failures.get(r)!.suspectOnly);
        const causes =
          roots.length === 0
            ? 'no turn failed on its own, so no root cause can be named: the assessment is the only signal'
            : `${roots.length === 1 ? `its root cause is turn ${roots[0]}` : `its root causes are ${turnList(roots)}`}${
                suspected.length === 0
                  ? ''
                  : ` (${suspected.length === roots.length && roots.length === 1 ? 'suspected' : `${turnList(suspected)} suspected`} from clues, no judge failed ${suspected.length === 1 ? 'it' : 'them'})`
              }`;
        context.report({
          messageId: 'sessionAssessmentFailed',
          sessionId: session.id,
          traceId,
          spanId: entry.spanId,
          path,
          relatedTurns: roots,
          data: {
            name: entry.name,
            value: entry.value,
            on,
            causes,
            advice:
              roots.length === 0
                ? 'Read the conversation as a whole (tracetriage session <id>): the judge saw a problem no single turn shows, such as a goal not reached.'
                : `Start at ${turnList(roots)}; the session-level judgement follows from it.`,
          },
          evidence: bounded(
            [
              { traceId, spanId: entry.spanId, path, kind: 'sessionAssessment', label: verdictLabel(entry) },
              ...roots.map((r): EvidenceInput => {
                const f = p.failures.get(r)!;
                return { ...failurePlace(f), kind: 'rootCause', label: `turn ${r}: ${quote(failureText(f))}` };
              }),
            ],
            traceId,
          ),
        });
      }
    }
  },
});

function bounded(evidence: EvidenceInput[], traceId: string): EvidenceInput[] {
  if (evidence.length <= MAX_EVIDENCE) return evidence;
  const kept = evidence.slice(0, MAX_EVIDENCE - 1);
  return [...kept, { traceId, kind: 'omitted', label: `${evidence.length - kept.length} more evidence entries left out` }];
}

/**
 * `bounded([...head, ...links sorted and de-duplicated])` without building the entries it leaves out:
 * a chain of thousands of links shows {@link MAX_EVIDENCE} of them.
 */
function boundedLinks(head: EvidenceInput[], links: readonly LinkEvidence[], traceId: string): EvidenceInput[] {
  const { entries, total } = sortedLinkEvidence(links, MAX_EVIDENCE);
  const all = head.length + total;
  if (all <= MAX_EVIDENCE) return [...head, ...entries];
  const kept = [...head, ...entries].slice(0, MAX_EVIDENCE - 1);
  return [...kept, { traceId, kind: 'omitted', label: `${all - kept.length} more evidence entries left out` }];
}

/** What ties a chain together, in a few words: `its answer in their model input, same document x.md, …`. */
function chainHow(chain: Chain): string {
  const parts: string[] = [];
  const fromRoot = turnsWith(chain.links.filter((l) => l.from === chain.root && l.kinds.includes('answerInHistory')));
  const direct = new Set(fromRoot);
  const carried = turnsWith(chain.links.filter((l) => l.from !== chain.root && l.kinds.includes('answerInHistory'))).filter((t) => !direct.has(t));
  if (fromRoot.length === chain.explained.length) parts.push(fromRoot.length === 1 ? `its answer in turn ${fromRoot[0]}'s model input` : 'its answer in their model input');
  else if (fromRoot.length > 0) parts.push(`its answer in the model input of ${turnList(fromRoot)}`);
  if (carried.length > 0) parts.push(`a later failed answer in the model input of ${turnList(carried)}`);
  const documents = unique(chain.links.flatMap((l) => l.documents)).map(basename);
  if (documents.length > 0) parts.push(`same ${documents.length === 1 ? 'document' : 'documents'} ${listed(documents, 3)}`);
  const signatures = unique(chain.links.flatMap((l) => l.signatures)).map((s) => cut(quote(s), 80, NO_MARK));
  if (signatures.length > 0) parts.push(`same ${signatures.length === 1 ? 'error' : 'errors'} ${listed(signatures, 2)}`);
  const content = chain.links.filter((l) => l.kinds.includes('answerInHistory') || l.kinds.includes('sameDocuments'));
  const corrected = unique(chain.links.map((l) => l.correctedAt).filter((j): j is number => j !== null));
  if (corrected.length > 0) parts.push(`though the user pushed back at ${turnList(corrected)}`);
  else if (content.length > 0) parts.push('the user did not correct it');
  return parts.join(', ');
}

/** What ties one turn to the earlier turns it builds on: `the answers of turns 3 and 4 are in its model input ("Completions"), …`. */
function turnHow(own: readonly Link[]): string {
  const parts: string[] = [];
  const history = own.filter((l) => l.modelCall !== null);
  if (history.length > 0) {
    const froms = history.map((l) => l.from);
    const calls = unique(history.map((l) => `"${l.modelCall!.name}"`));
    parts.push(`${froms.length === 1 ? `turn ${froms[0]}'s answer is` : `the answers of ${turnList(froms)} are`} in its model input (${listed(calls, 3)})`);
  }
  for (const [label, froms] of [...grouped(own, (l) => l.documents.map(basename))].slice(0, 3)) parts.push(`it retrieves ${label} again (as ${turnList(froms)} did)`);
  for (const [signature, froms] of [...grouped(own, (l) => l.signatures)].slice(0, 2)) parts.push(`it fails with the same error as ${turnList(froms)} (${cut(quote(signature), 80, NO_MARK)})`);
  const corrected = unique(own.map((l) => l.correctedAt).filter((j): j is number => j !== null));
  if (corrected.length > 0) parts.push(`though the user pushed back at ${turnList(corrected)}`);
  else if (own.some((l) => l.kinds.includes('answerInHistory') || l.kinds.includes('sameDocuments'))) parts.push('the user did not push back');
  return parts.join(', ');
}

/** Each value the links share (a document, a signature), with the earlier turns that had it, in first-seen order. */
function grouped(links: readonly Link[], values: (l: Link) => readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const l of links) for (const v of unique(values(l))) (out.get(v) ?? out.set(v, []).get(v)!).push(l.from);
  return out;
}

function chainAdvice(chain: Chain): string {
  const kinds = new Set(chain.links.flatMap((l) => l.kinds));
  const advice: string[] = [];
  const documents = unique(chain.links.flatMap((l) => l.documents)).map(basename);
  if (kinds.has('sameDocuments'))
    advice.push(`check the retrieved ${documents.length === 1 ? 'document' : 'documents'} ${listed(documents, 3)} (an outdated or wrong source?) and what the retriever ranks first`);
  if (kinds.has('answerInHistory')) advice.push(`fix turn ${chain.root}'s answer at its source; later turns trusted it`);
  if (kinds.has('sameErrorSignature')) advice.push(`fix the error turn ${chain.root} hit first; later turns hit it again`);
  return advice.join('; ');
}

/** Items grouped by a turn number, each group in the items' order. */
function byTurn<T>(items: readonly T[], turn: (item: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const item of items) (out.get(turn(item)) ?? out.set(turn(item), []).get(turn(item))!).push(item);
  return out;
}

function turnsWith(links: readonly Link[]): number[] {
  return unique(links.map((l) => l.to)).sort((a, b) => a - b);
}

/** `turn 4`, `turns 4 and 5`, `turns 4, 5 and 7`, bounded. */
function turnList(turns: readonly number[]): string {
  if (turns.length === 1) return `turn ${turns[0]}`;
  return `turns ${listed(turns.map(String), MAX_NAMED_TURNS)}`;
}

function listed(items: readonly string[], max: number): string {
  const shown = items.slice(0, max);
  const more = items.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  return shown.length <= 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** `kb://acme-help/policies/refund-policy-2023.md` reads `refund-policy-2023.md` in a message (the evidence keeps the whole label). */
function basename(label: string): string {
  const last = label
    .replace(/[?#].*$/u, '')
    .replace(/\/+$/u, '')
    .split('/')
    .at(-1);
  return last === undefined || last === '' ? label : last;
}

function sentence(text: string): string {
  return /[.!?…]$/u.test(text) ? text : `${text}.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
