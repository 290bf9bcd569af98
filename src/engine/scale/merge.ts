import { DocumentCatalog } from '../../model/documents.js';
import { compareNullable, compareTurns } from '../../model/sessions.js';
import type { PageInput, RuleMeta, Severity } from '../../rules/api.js';
import { SpillFile, type SpillRef } from '../../ingest/spill.js';
import { spillSpool } from '../../ingest/spill-log.js';
import type { AnalyzedSession, AnalyzeResult } from '../analyze/analyze.js';
import { finishFinding, type Finding } from '../analyze/findings.js';
import { TraceLocations } from '../analyze/locations.js';
import { SpilledFindings, type FindingList } from '../analyze/finding-spill.js';
import { StreamedLooseTraces } from '../analyze/loose-traces.js';
import type { ActiveRule } from '../analyze/rule-runner.js';
import { SessionVisitor, turnOf } from '../analyze/session-stage.js';
import { provenanceOf } from '../read/guard.js';
import type { Rejection } from '../read/read-events.js';
import { CONTEXT_BUCKET, parseDigestLine, parsePartialLine, ScaleLineError, type PartialLine } from './lines.js';
import { ScaleInputError, type SourcedLine } from './reduce.js';

/** Options of {@link mergePartials}. */
export interface MergeOptions {
  rules: readonly ActiveRule[];
  severityOverride?: ReadonlyMap<string, Severity>;
  /** Told of each problem: those the digests and reduces carried, in order, then the merge's own. */
  onProblem?: (rejection: Rejection) => void;
}

/** The start of a context line (bucket -1), as `digest` writes it: trace lines are passed over unread. */
const CONTEXT_START = `{"bucket":${CONTEXT_BUCKET},`;

/**
 * The last step of a scale-out run (docs/scale-out.md): the parts `reduce` wrote, and the context
 * lines of the digests (bucket -1: pages, counts, problems; other lines are passed over), merged
 * into the result one `analyze` over every input gives: sessions in report order, the dump
 * visitor run on the rules' merged state and every trace without a session, findings
 * de-duplicated and sorted. A session in two parts (the digest lines were not routed by bucket)
 * or parts made with other rules throw a {@link ScaleInputError}. `use` gets the result as
 * `analyzeInputsStreamed` gives it; the findings' temporary file is deleted when it settles.
 */
export async function mergePartials<T>(
  parts: ReadonlyArray<AsyncIterable<SourcedLine>>,
  context: ReadonlyArray<AsyncIterable<SourcedLine>>,
  options: MergeOptions,
  use: (result: AnalyzeResult<FindingList>) => T | Promise<T>,
): Promise<T> {
  const spill = new SpillFile();
  try {
    return await use(await merge(parts, context, options, spill));
  } finally {
    spill.close();
  }
}

async function merge(
  parts: ReadonlyArray<AsyncIterable<SourcedLine>>,
  context: ReadonlyArray<AsyncIterable<SourcedLine>>,
  options: MergeOptions,
  spill: SpillFile,
): Promise<AnalyzeResult<FindingList>> {
  const problems: Rejection[] = [];
  const problem = (rejection: Rejection): void => {
    problems.push(rejection);
    options.onProblem?.(rejection);
  };
  const badLine = (error: unknown, at: SourcedLine): void => {
    if (!(error instanceof ScaleLineError)) throw error;
    problem({
      provenance: provenanceOf({ source: at.source, index: at.line - 1, offset: at.offset, length: Buffer.byteLength(at.text), line: at.line }),
      code: 'schema',
      message: error.detail,
      at: { offset: at.offset, line: at.line },
    });
  };

  const pages = new Map<string, PageInput>();
  const tally = { traces: 0, duplicates: 0, outsideSelection: 0, tallies: 0 };
  for (const lines of context) {
    for await (const at of lines) {
      if (!at.text.startsWith(CONTEXT_START)) continue;
      try {
        const line = parseDigestLine(at.text, at.source, at.line);
        if (line.kind === 'page' && !pages.has(line.page.source)) pages.set(line.page.source, line.page);
        else if (line.kind === 'problem') problem(line.rejection);
        else if (line.kind === 'tally') {
          tally.tallies++;
          tally.traces += line.traces;
          tally.duplicates += line.duplicates;
          tally.outsideSelection += line.outsideSelection;
        }
      } catch (error) {
        badLine(error, at);
      }
    }
  }
  if (tally.tallies === 0) throw new ScaleInputError('the context has no tally line (bucket -1, "kind":"tally"): give merge the digest lines, or their lines of bucket -1, with --context');

  const rules = options.rules.map((r) => r.module.meta.id);
  const sessions: Array<Omit<AnalyzedSession, 'turnOrdinals'>> = [];
  const partOf = new Map<string, string>();
  const sessionless: Array<Extract<PartialLine, { kind: 'sessionless' }>> = [];
  const found: SpillRef[] = [];
  const states: Array<{ ruleId: string; state: unknown }> = [];
  for (const lines of parts) {
    let header = false;
    for await (const at of lines) {
      if (at.text.trim() === '') continue;
      let line: PartialLine;
      try {
        line = parsePartialLine(at.text, at.source, at.line);
      } catch (error) {
        badLine(error, at);
        continue;
      }
      if (!header) {
        if (line.kind !== 'partial')
          throw new ScaleInputError(
            `${at.source}:${at.line}: expected the header of a part ("kind":"partial") first, found "kind":${JSON.stringify(line.kind)}: is this what tracetriage reduce wrote?`,
          );
        if (line.rules.join(',') !== rules.join(','))
          throw new ScaleInputError(
            `${at.source}: made with rules ${line.rules.join(', ') || '(none)'}, merged with ${rules.join(', ') || '(none)'}: every step must run the same rules (--rule, --config)`,
          );
        header = true;
        continue;
      }
      if (line.kind === 'session') {
        const other = partOf.get(line.session.sessionId);
        if (other !== undefined) {
          throw new ScaleInputError(
            `session ${JSON.stringify(line.session.sessionId)} is in two parts (${other} and ${at.source}): route the digest lines by their bucket, so that every line of a session reaches one reduce`,
          );
        }
        partOf.set(line.session.sessionId, at.source);
        sessions.push(line.session);
      } else if (line.kind === 'sessionless') sessionless.push(line);
      else if (line.kind === 'finding') found.push(spill.append(JSON.stringify(line.finding)));
      else if (line.kind === 'state') states.push({ ruleId: line.ruleId, state: line.state });
      else if (line.kind === 'problem') problem(line.rejection);
      else if (line.kind === 'tally') tally.duplicates += line.duplicates;
      else throw new ScaleInputError(`${at.source}:${at.line}: a second header: parts are merged as files, not concatenated`);
    }
  }

  sessions.sort((a, b) => compareNullable(a.firstTimeMs, b.firstTimeMs) || (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
  const rank = new Map(sessions.map((s, i) => [s.sessionId, i]));
  const where = new TraceLocations();
  for (const s of sessions) {
    let turn = 0;
    for (const id of s.turnTraceIds) where.set(id, s.sessionId, ++turn);
  }
  const loose = sessionless.map((l) => turnOf(l.digest, l.facts)).sort((a, b) => compareTurns(a.digest, b.digest));
  for (const t of loose) where.set(t.digest.traceId, null, null);

  // The dump visitor, on the rules' state merged from every part.
  const visitor = new SessionVisitor(options.rules, new DocumentCatalog(), pages, problem);
  for (const { ruleId, state } of states) visitor.runner.load(ruleId, state);
  const dumpRaw = visitor.exitDump({ sessionCount: sessions.length, turnCount: sessions.reduce((n, s) => n + s.turns, 0), withoutSession: loose, pages: [...pages.values()] });
  const sessionRank = (id: string | null): number => (id === null ? sessions.length : (rank.get(id) ?? sessions.length));
  const finishContext = {
    meta: new Map<string, RuleMeta>(options.rules.map((r) => [r.module.meta.id, r.module.meta])),
    severityOverride: options.severityOverride ?? new Map<string, Severity>(),
    locate: (traceId: string) => where.get(traceId),
    sessionRank,
  };
  function* all(): Generator<Finding> {
    for (const ref of found) yield JSON.parse(spill.read(ref)) as Finding;
    for (const r of dumpRaw) yield finishFinding(r, finishContext);
  }
  const findings = SpilledFindings.of(all(), { sessionRank }, spill);
  return {
    findings,
    sessions: sessions.map((s) => ({ ...s, turnOrdinals: [] })),
    withoutSession: loose.length,
    withoutSessionTraceIds: loose.map((t) => t.digest.traceId),
    withoutSessionOrdinals: [],
    withoutSessionTraces: new StreamedLooseTraces(
      findings,
      loose.map((t) => t.digest.traceId),
    ),
    spool: () => spillSpool(spill),
    traces: tally.traces,
    duplicates: tally.duplicates,
    outsideSelection: tally.outsideSelection,
    rules,
    internal: problems.filter((p) => p.code === 'internal'),
  };
}
