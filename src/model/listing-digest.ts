import type { DigestProvenance, ErrorSpanDigest, ExpectationDigest, ScorerCount, ScorerErrorDigest, TraceDigest, TurnTexts, VerdictDigest } from './digest-types.js';

/**
 * The digest a listing keeps: ids, times, state and counts, without the excerpts (texts, tool
 * calls, rationales, values, error messages, expectations). An excerpt cut from a long decoded
 * value can keep the whole value alive (V8 slices strings), so a listing of every session of a
 * dump holds these, not full digests: memory then grows with the counts, not with the text.
 *
 * Built field by field (a copy made with `...` got a hidden class of its own from V8, hundreds of
 * bytes per digest), its empty parts shared by every listing digest (never written to), and its
 * repeated strings (session, user, experiment, format, carriers) passed through `intern`, so a
 * listing of a million traces holds each once.
 */
export function listingDigest(d: TraceDigest, intern: (text: string) => string = (text) => text): TraceDigest {
  const t = d.turn;
  const a = d.assessments;
  const internOrNull = (text: string | null): string | null => (text === null ? null : intern(text));
  const digest: TraceDigest = {
    traceId: d.traceId,
    sessionId: internOrNull(d.sessionId),
    user: internOrNull(d.user),
    experimentId: internOrNull(d.experimentId),
    requestTimeMs: d.requestTimeMs,
    rootStartNs: d.rootStartNs,
    durationMs: d.durationMs,
    state: d.state,
    format: intern(d.format),
    provenance: d.provenance === null ? null : listingProvenance(d.provenance, intern),
    turn: {
      selection: t.selection,
      spanId: t.spanId,
      spanName: internOrNull(t.spanName),
      depth: t.depth,
      wrapperChain: NO_WRAPPERS,
      root: t.root === null ? null : { spanId: t.root.spanId, name: intern(t.root.name), path: intern(t.root.path) },
      truncated: t.truncated,
      answerSpan: t.answerSpan === null ? null : { spanId: t.answerSpan.spanId, name: intern(t.answerSpan.name) },
      input: t.input === null ? null : { carrier: intern(t.input.carrier), key: intern(t.input.key) },
      output: t.output === null ? null : { carrier: intern(t.output.carrier), key: intern(t.output.key) },
      texts: t.texts.cut ? CUT_TEXTS : NO_TEXTS,
    },
    errors: NO_ERRORS,
    errorSpanCount: d.errorSpanCount,
    recoveredErrorCount: d.recoveredErrorCount,
    assessments: {
      verdicts: NO_VERDICTS,
      scorerErrors:
        a.scorerErrors.length === 0
          ? NO_SCORER_ERRORS
          : a.scorerErrors.map((e) => ({
              index: e.index,
              name: intern(e.name),
              level: e.level,
              levelBasis: e.levelBasis,
              code: e.code === null ? null : intern(e.code),
              message: null,
              spanId: e.spanId,
              superseded: e.superseded,
            })),
      expectations: NO_EXPECTATIONS,
      omitted: a.omitted,
      failing: a.failing,
      counts: a.counts,
      scorers: a.scorers.length === 0 ? NO_SCORERS : a.scorers,
    },
    tokenUsage: d.tokenUsage,
  };
  if (d.sessionConflict !== undefined) digest.sessionConflict = d.sessionConflict;
  return digest;
}

function listingProvenance(p: DigestProvenance, intern: (text: string) => string): DigestProvenance {
  const kept: DigestProvenance = { source: intern(p.source), index: p.index, offset: p.offset, length: p.length, line: p.line };
  if (p.within !== undefined) kept.within = intern(p.within);
  return kept;
}

// The empty parts every listing digest shares.
const NO_WRAPPERS: string[] = [];
const NO_TEXTS: TurnTexts = { userText: '', answerText: '', toolCalls: [], cut: false };
const CUT_TEXTS: TurnTexts = { userText: '', answerText: '', toolCalls: [], cut: true };
const NO_ERRORS: ErrorSpanDigest[] = [];
const NO_VERDICTS: VerdictDigest[] = [];
const NO_SCORER_ERRORS: ScorerErrorDigest[] = [];
const NO_EXPECTATIONS: ExpectationDigest[] = [];
const NO_SCORERS: ScorerCount[] = [];
