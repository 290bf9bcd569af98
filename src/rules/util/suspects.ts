import type { DocumentFacts } from '../../model/facts-documents.js';
import type { SessionInput, Turn } from '../api.js';
import { quote } from './failures.js';
import { phraseMatcher } from './phrases.js';

/**
 * Judge-free signals that a turn went wrong. Most production sessions carry no assessment; what
 * they do carry is the user's next message, the app's own answer and the documents it retrieved.
 * Each signal is a clue with a strength, never a verdict: a turn is suspect only when its clues
 * add up to {@link SUSPECT_SCORE} (one medium clue, or two weak ones).
 */
export type SignalKind = 'userPushedBack' | 'userRephrased' | 'answerApologises' | 'answerCouldNot' | 'answerEmpty' | 'outdatedDocument' | 'retiredDocument' | 'olderDocument';

/** How much a clue weighs: `weak` (1) needs company, `medium` (2) makes a turn suspect on its own. */
export type Strength = 'weak' | 'medium';

/** One clue against a turn, with where to see it. */
export interface SuspectSignal {
  kind: SignalKind;
  strength: Strength;
  /** What it shows, in a few words (trace text in it is quoted and cut). */
  label: string;
  /** Where it is: the turn it sits in may be a later one (the user's push-back). */
  traceId: string;
  spanId: string | null;
  path: string | null;
  /** The documents it is about (outdated, retired or older ones), by id: later turns retrieving them inherit the suspicion. */
  documents: DocumentFacts[];
}

/** Options of the signals (the rule's options, see docs/rules/error-propagation.md). */
export interface SuspectOptions {
  pushbackPhrases: readonly string[];
  apologyPhrases: readonly string[];
  inabilityPhrases: readonly string[];
  retiredMarkers: readonly string[];
  /** Days a document must be older than every other one retrieved with it to count (weak). */
  olderDays: number;
}

/** Score a turn's clues must reach to make it suspect. */
export const SUSPECT_SCORE = 2;
const WEIGHT: Record<Strength, number> = { weak: 1, medium: 2 };
/** Word overlap (Jaccard) from which a user message repeats the previous one. */
const REPHRASE_OVERLAP = 0.6;
/** Words of at least this many letters make the comparison; a message needs {@link MIN_WORDS} of them. */
const MIN_WORD_CHARS = 3;
const MIN_WORDS = 3;

/** The user rejects, corrects or retries the previous answer (English defaults; the config adds other languages). */
export const DEFAULT_PUSHBACK_PHRASES: readonly string[] = [
  "that's wrong",
  'that is wrong',
  "that's not right",
  'that is not right',
  "that's not correct",
  'that is not correct',
  "that's incorrect",
  "that's not true",
  'wrong answer',
  "you're wrong",
  'you are wrong',
  'are you sure',
  'are you certain',
  'I said',
  'I already said',
  'I already told you',
  'not what I asked',
  'try again',
  "didn't work",
  'did not work',
  "doesn't work",
  'does not work',
  "isn't working",
  'is not working',
  'still failing',
  'still fails',
  'still not working',
  'still broken',
  "still doesn't",
  'still does not',
  "didn't help",
  'did not help',
  'check again',
  'double-check',
];
/** The answer apologises (weak alone: "sorry to hear that" is courtesy). */
export const DEFAULT_APOLOGY_PHRASES: readonly string[] = ["I'm sorry", 'I am sorry', 'I apologize', 'I apologise', 'my apologies', 'sorry for the confusion', 'my mistake', 'I was wrong'];
/** The answer says it could not do what was asked, or blames a failure. */
export const DEFAULT_INABILITY_PHRASES: readonly string[] = [
  "I can't",
  'I cannot',
  'I can not',
  "I couldn't",
  'I could not',
  'I was unable',
  "I wasn't able",
  'I was not able',
  "I'm unable",
  'I am unable',
  "I'm not able",
  'I am not able',
  'we were unable',
  "we couldn't",
  'something went wrong',
  'an error occurred',
  'temporary system issue',
  'temporary issue',
  'technical issue',
  'technical difficulties',
  'try again later',
  'try again in',
  "I don't have access",
  'I do not have access',
  "I don't know",
  'I do not know',
];
/** Lifecycle words that mark a retrieved document as no longer current. */
export const DEFAULT_RETIRED_MARKERS: readonly string[] = ['archived', 'deprecated', 'superseded', 'obsolete', 'outdated', 'retired', 'expired', 'withdrawn'];

/**
 * The clues against each turn of a session, by turn number, and the turns they make suspect. A
 * turn with an effective per-turn verdict that passes is left alone: a judge that read the turn
 * outranks a clue.
 */
export function suspectSignals(session: SessionInput, options: SuspectOptions): Map<number, SuspectSignal[]> {
  const pushback = phraseMatcher(options.pushbackPhrases);
  const apology = phraseMatcher(options.apologyPhrases);
  const inability = phraseMatcher(options.inabilityPhrases);
  const retired = retiredMatcher(options.retiredMarkers);
  const out = new Map<number, SuspectSignal[]>();
  for (const [i, turn] of session.turns.entries()) {
    if (judgedPass(turn)) continue;
    const signals: SuspectSignal[] = [];
    const next = session.turns[i + 1];
    if (next !== undefined) signals.push(...userClues(turn, next, pushback));
    signals.push(...answerClues(turn, apology, inability));
    signals.push(...documentClues(turn, session, options, retired));
    const score = signals.reduce((n, s) => n + WEIGHT[s.strength], 0);
    if (score >= SUSPECT_SCORE) out.set(turn.number, signals);
  }
  return out;
}

function judgedPass(turn: Turn): boolean {
  return turn.verdicts.some((v) => v.effective && v.polarity === 'pass') && !turn.verdicts.some((v) => v.effective && v.polarity === 'fail');
}

function userClues(turn: Turn, next: Turn, pushback: (text: string) => string | null): SuspectSignal[] {
  const text = next.digest.turn.texts.userText;
  const at = { traceId: next.digest.traceId, spanId: null, path: next.facts.ioPath, documents: [] };
  const phrase = pushback(text);
  if (phrase !== null) {
    return [{ ...at, kind: 'userPushedBack', strength: 'medium', label: `the user pushed back at turn ${next.number} ("${phrase}"): "${quote(text)}"` }];
  }
  if (overlap(turn.digest.turn.texts.userText, text) >= REPHRASE_OVERLAP) {
    return [{ ...at, kind: 'userRephrased', strength: 'weak', label: `the user asked again at turn ${next.number}: "${quote(text)}"` }];
  }
  return [];
}

function answerClues(turn: Turn, apology: (text: string) => string | null, inability: (text: string) => string | null): SuspectSignal[] {
  const { answerText, toolCalls } = turn.digest.turn.texts;
  const at = { traceId: turn.digest.traceId, spanId: turn.digest.turn.answerSpan?.spanId ?? turn.digest.turn.spanId, path: turn.facts.ioPath, documents: [] };
  if (answerText.trim() === '') {
    // An answer that is only tool calls is an agent step, not an empty answer; no output at all is `no-turn-io`'s.
    return toolCalls.length === 0 && turn.digest.turn.output !== null ? [{ ...at, kind: 'answerEmpty', strength: 'medium', label: `turn ${turn.number} answered with an empty message` }] : [];
  }
  const out: SuspectSignal[] = [];
  const cannot = inability(answerText);
  if (cannot !== null) out.push({ ...at, kind: 'answerCouldNot', strength: 'medium', label: `the answer says it could not ("${cannot}"): "${quote(answerText)}"` });
  const sorry = apology(answerText);
  if (sorry !== null) out.push({ ...at, kind: 'answerApologises', strength: 'weak', label: `the answer apologises ("${sorry}")` });
  return out;
}

function documentClues(turn: Turn, session: SessionInput, options: SuspectOptions, retired: (entry: string) => boolean): SuspectSignal[] {
  const out: SuspectSignal[] = [];
  for (const doc of turn.facts.documents) {
    const at = { traceId: turn.digest.traceId, spanId: doc.spanId, path: doc.path, documents: [doc] };
    const newer = session.documents.newerThan(doc.age);
    if (newer !== null) {
      const mine = doc.age.versionText ?? doc.age.updated;
      const theirs = newer.age.versionText ?? newer.age.updated;
      out.push({
        ...at,
        kind: 'outdatedDocument',
        strength: 'medium',
        label: `turn ${turn.number} retrieved ${doc.label}${mine === null ? '' : ` (${mine})`}, but the dump holds a newer version: ${newer.label}${theirs === null ? '' : ` (${theirs})`} in trace ${newer.traceId}`,
      });
      continue;
    }
    const marker = doc.age.lifecycle.find(retired);
    if (marker !== undefined) {
      out.push({ ...at, kind: 'retiredDocument', strength: 'medium', label: `turn ${turn.number} retrieved ${doc.label}, marked "${marker}" in its metadata` });
      continue;
    }
    if (doc.behindDays !== null && doc.behindDays >= options.olderDays) {
      out.push({
        ...at,
        kind: 'olderDocument',
        strength: 'weak',
        label: `turn ${turn.number} retrieved ${doc.label}${doc.age.updated === null ? '' : ` (${doc.age.updated})`}, ${doc.behindDays} days older than every other document retrieved with it`,
      });
    }
  }
  return out;
}

/**
 * A lifecycle entry (`status: archived`, `deprecated: true`, `superseded_by: x`) that marks a
 * document retired: its value holds a marker word, or its key does and its value is true.
 */
function retiredMatcher(markers: readonly string[]): (entry: string) => boolean {
  const word = phraseMatcher(markers);
  return (entry) => {
    const colon = entry.indexOf(': ');
    const key = entry.slice(0, colon);
    const value = entry.slice(colon + 2);
    if (key === 'superseded_by' || key === 'replaced_by') return true;
    if (word(value) !== null) return true;
    return word(key.replace(/_/gu, ' ')) !== null && /^(?:true|yes|1)$/iu.test(value);
  };
}

/** Jaccard overlap of two texts' words of {@link MIN_WORD_CHARS} letters or more; 0 when either has under {@link MIN_WORDS}. */
function overlap(a: string, b: string): number {
  const words = (t: string): Set<string> => new Set((t.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length >= MIN_WORD_CHARS));
  const x = words(a);
  const y = words(b);
  if (x.size < MIN_WORDS || y.size < MIN_WORDS) return 0;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  return shared / (x.size + y.size - shared);
}
