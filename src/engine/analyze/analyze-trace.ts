import { digestAndIo } from '../../model/digest.js';
import type { DigestOptions, DigestProvenance, TraceDigest, TurnTexts } from '../../model/digest-types.js';
import { turnFacts, type TurnFacts } from '../../model/facts.js';
import { KEY_TEXT_CHARS } from '../../model/facts-keys.js';
import { cutText } from '../../model/messages.js';
import type { Trace } from '../../model/types.js';
import type { DocumentSighting } from '../../model/documents.js';
import type { RawFinding } from './findings.js';
import type { TraceRuleRunner } from './rule-runner.js';

/** What the analysis keeps of one trace: a digest sized for a whole dump, its facts, its findings. */
export interface AnalyzedTrace {
  digest: TraceDigest;
  facts: TurnFacts;
  findings: RawFinding[];
}

/**
 * An analysed trace as the analysis keeps it: its digest and facts as the text the temporary file
 * holds, and beside it what stays in memory (ids and times to order sessions), the trace
 * visitors' findings and the documents it retrieved. Made where the trace was analysed, so a
 * worker thread hands back one flat string instead of a graph of objects to clone and stringify.
 */
export interface SerializedAnalysis {
  traceId: string;
  sessionId: string | null;
  requestTimeMs: number | null;
  rootStartNs: number | null;
  /** `JSON.stringify({ digest, facts })`, the digest's provenance null (the reader's thread sets it: see `spilledText`). */
  text: string;
  findings: RawFinding[];
  sightings: DocumentSighting[];
}

/** An analysed trace as {@link SerializedAnalysis}. */
export function serializeAnalysis(analyzed: AnalyzedTrace): SerializedAnalysis {
  const { digest, facts, findings } = analyzed;
  return {
    traceId: digest.traceId,
    sessionId: digest.sessionId,
    requestTimeMs: digest.requestTimeMs,
    rootStartNs: digest.rootStartNs,
    // The key stays where the digest has it, so a digest read back has its fields in the same order.
    text: JSON.stringify({ digest: { ...digest, provenance: null }, facts }),
    findings,
    sightings: sightingsOf(analyzed),
  };
}

/** The documents an analysed trace retrieved, as the dump's catalog of newest versions takes them. */
export function sightingsOf({ digest, facts }: Pick<AnalyzedTrace, 'digest' | 'facts'>): DocumentSighting[] {
  return facts.documents.map((d) => ({ label: d.label, age: d.age, traceId: digest.traceId, spanId: d.spanId, path: d.path }));
}

/**
 * Longest user text or answer an analysis keeps: the excerpt the digest reads to key them
 * (`KEY_TEXT_CHARS`), which is also enough to label evidence and for the judge-free clues (a
 * push-back, an answer that says it could not) that sit past a greeting.
 */
export const ANALYSIS_TEXT_CHARS = KEY_TEXT_CHARS;
/** Longest rationale or error message an analysis keeps. */
export const ANALYSIS_NOTE_CHARS = 200;

/**
 * The per-trace stage of `analyze`, a pure map (it may run in a worker): digest the trace, take
 * its facts, run the rules' trace visitors. Texts are read long enough to key them
 * ({@link ANALYSIS_TEXT_CHARS}) and copied, so a kept excerpt never holds a whole decoded payload
 * alive.
 */
export function analyzeTrace(trace: Trace, provenance: DigestProvenance | undefined, options: Omit<DigestOptions, 'provenance'>, runner: TraceRuleRunner): AnalyzedTrace {
  const { digest, io, recovered } = digestAndIo(trace, {
    ...options,
    textChars: ANALYSIS_TEXT_CHARS,
    noteChars: ANALYSIS_NOTE_CHARS,
    ...(provenance ? { provenance } : {}),
  });
  const facts = turnFacts(
    trace,
    { spanIndex: io.spanIndex, userText: digest.turn.texts.userText, answerText: digest.turn.texts.answerText, recovered },
    options.extraCarriers ? { extraCarriers: options.extraCarriers } : {},
  );
  const findings = runner.run({ trace, digest, facts });
  return { digest: keptDigest(digest), facts, findings };
}

/**
 * What the session stage keeps of a digest: everything the session visitors read, without what
 * only the trace visitors need (the wrapper chain and carriers of a turn without a wrapper root,
 * expectations) or what the facts
 * hold better (error messages: `facts.errors`), and with texts cut to
 * {@link ANALYSIS_TEXT_CHARS}. Kept for every trace of a dump, so each field counts: this took the
 * heap kept per trace from about 5.3 to 4 KB on the bench export.
 */
function keptDigest(digest: TraceDigest): TraceDigest {
  // A wrapper root's turn keeps its chain and carriers: wrapper-root-span names them when it
  // folds a session's turns. Only such turns pay for them.
  const wrapped = digest.turn.root !== null;
  return {
    ...digest,
    // `output` (a carrier and a key) stays: an empty answer is a clue only where an output was found.
    turn: {
      ...digest.turn,
      wrapperChain: wrapped ? digest.turn.wrapperChain : [],
      input: wrapped ? digest.turn.input : null,
      texts: shortTexts(digest.turn.texts),
    },
    errors: digest.errors.map((e) => ({ ...e, statusMessage: '', exception: null })),
    assessments: { ...digest.assessments, expectations: [] },
  };
}

function shortTexts(texts: TurnTexts): TurnTexts {
  // The texts are the digest's excerpts already (made at ANALYSIS_TEXT_CHARS): cutting them again
  // would cut the cut marker. Tool arguments are bounded by the digest's longer note bound.
  return {
    ...texts,
    userText: detach(texts.userText),
    answerText: detach(texts.answerText),
    toolCalls: texts.toolCalls.map((c) => ({ name: c.name, arguments: detach(cutText(c.arguments, ANALYSIS_TEXT_CHARS)) })),
  };
}

/**
 * A flat copy of a string: V8 keeps a slice as a view of its parent, and the parent of an excerpt
 * is the decoded attribute it was cut from. Concatenation, then slicing the flattened result,
 * leaves a string that owns its characters.
 */
function detach(text: string): string {
  return text === '' ? text : `${text} `.slice(0, -1);
}
