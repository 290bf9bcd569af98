import type { Polarity } from './scorers.js';

/**
 * What a scorer's name and a judge's rationale say about polarity, for values no table row
 * decides (src/model/scorers.ts, `readVerdict`). Both are data below, so the docs can list them
 * and a reader can check a case by eye; both are meant to be conservative: a name or a
 * rationale that says nothing clear leaves the value unknown.
 */

/**
 * Words that name a problem a scorer looks for: a scorer called after one of them detects that
 * problem, so "yes", `true` or a high score means the problem was found (a fail). Whole words of
 * the name only (`user_frustration`, `StaleContext`, `prompt-injection` split into words), so
 * `harmless` or `biased_sample_size` are read word by word, not by substring.
 */
export const PROBLEM_WORDS: readonly string[] = [
  'frustration',
  'frustrated',
  'frustrating',
  'stale',
  'staleness',
  'outdated',
  'toxicity',
  'toxic',
  'leak',
  'leaks',
  'leakage',
  'leaked',
  'pii',
  'hallucination',
  'hallucinations',
  'hallucinated',
  'harmful',
  'harm',
  'jailbreak',
  'jailbroken',
  'injection',
  'bias',
  'biased',
  'profanity',
  'profane',
  'offensive',
  'insult',
  'hate',
  'unsafe',
  'violation',
  'violations',
  'misuse',
  'contradiction',
  'contradictions',
];

/**
 * Words that turn a problem name into the problem's absence (`no_hallucination`, `non_toxic`,
 * `pii_free`, `stale_ok`, `pii_safe`) or into a check for it (`toxicity_check`): such a scorer
 * says whether the text is clear of the problem, and "yes" is a pass, as MLflow's own scorers
 * and its `@scorer` examples write a check that passed.
 */
export const ABSENCE_WORDS: readonly string[] = ['no', 'non', 'not', 'without', 'free', 'zero', 'absent', 'absence', 'ok', 'safe', 'clean', 'check', 'checks', 'passed'];

/** The values a detector's "found" and "not found" are written as, lowercase (compared trimmed). */
export const DETECTOR_LABELS: { readonly found: readonly string[]; readonly notFound: readonly string[] } = {
  found: ['yes', 'true', 'high', 'detected', 'present', 'found'],
  notFound: ['no', 'false', 'none', 'low', 'absent', 'not_detected', 'not detected'],
};

const PROBLEMS = new Set(PROBLEM_WORDS);
const ABSENCE = new Set(ABSENCE_WORDS);

/** The words of a name: camelCase and every run of other characters split, lowercased. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/gu, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/gu, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/u)
    .filter((w) => w !== '');
}

/**
 * What a scorer's name says: `detects` when it names a problem (see {@link PROBLEM_WORDS}),
 * `absence` when it names a problem's absence or a check for it (one of {@link ABSENCE_WORDS}
 * beside it), null when it says neither (`helpfulness`, `answer_check`).
 */
export function nameMeaning(name: string): 'detects' | 'absence' | null {
  const words = nameWords(name);
  if (!words.some((w) => PROBLEMS.has(w))) return null;
  return words.some((w) => ABSENCE.has(w)) ? 'absence' : 'detects';
}

/**
 * A detector's value read: the problem found is a fail, not found a pass. Booleans and the labels
 * above as written; numbers on the scale they fall in: [0, 1] (above 0.5 fails, below passes),
 * (1, 5] (above 3 fails, below passes); the middle of a scale and anything else stay unknown.
 * A lone 1 reads as the top of a 0–1 scale: a 1–5 scorer whose 1 means "none" needs a config row
 * (`pass_at_most`).
 */
export function detectorPolarity(value: unknown): Polarity {
  if (typeof value === 'boolean') return value ? 'fail' : 'pass';
  if (typeof value === 'string') {
    const label = value.trim().toLowerCase();
    if (DETECTOR_LABELS.found.includes(label)) return 'fail';
    if (DETECTOR_LABELS.notFound.includes(label)) return 'pass';
    return 'unknown';
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'unknown';
  const middle = value >= 0 && value <= 1 ? 0.5 : value > 1 && value <= 5 ? 3 : null;
  if (middle === null || value === middle) return 'unknown';
  return value > middle ? 'fail' : 'pass';
}

/**
 * Phrases of a rationale that say the judged answer is wrong, and that it is right. Only a
 * verb of being (or "not") directly before the word counts: "the answer is incorrect", "not
 * supported by the context"; a word alone ("hallucination", "correct") is too often quoted,
 * negated or about something else.
 */
export const RATIONALE_CUES: { readonly fail: readonly RegExp[]; readonly pass: readonly RegExp[] } = {
  fail: [
    /\b(?:is|was|are|were)\s+(?:factually\s+|entirely\s+|partly\s+|partially\s+)?(?:incorrect|wrong|inaccurate|unsupported|misleading|fabricated|hallucinated|outdated)\b/iu,
    /\bnot\s+(?:supported|grounded|correct|accurate|relevant|faithful)\b/iu,
    /\b(?:does|did)\s+not\s+(?:answer|address|match|follow|satisfy)\b/iu,
    /\bfail(?:s|ed)?\s+to\s+(?:answer|address|follow|mention|satisfy)\b/iu,
  ],
  pass: [
    /\b(?:is|was|are|were)\s+(?:factually\s+|fully\s+|entirely\s+)?(?:correct|accurate|supported|grounded|faithful)\b/iu,
    /\bcorrectly\s+(?:answers|answered|states|stated|identifies|identified)\b/iu,
  ],
};

/** Characters of a rationale searched: a verdict's reason is said early, and the search stays bounded. */
const RATIONALE_CHARS = 4000;

/**
 * What a rationale says of the answer: `fail` when only failing phrases appear, `pass` when only
 * passing ones do, `unknown` when neither or both (a rationale weighing both sides is no verdict).
 */
export function rationalePolarity(rationale: string | null | undefined): Polarity {
  if (!rationale) return 'unknown';
  const text = rationale.length > RATIONALE_CHARS ? rationale.slice(0, RATIONALE_CHARS) : rationale;
  const fail = RATIONALE_CUES.fail.some((re) => re.test(text));
  const pass = RATIONALE_CUES.pass.some((re) => re.test(text));
  return fail === pass ? 'unknown' : fail ? 'fail' : 'pass';
}
