import { DocumentCatalog } from '../../model/documents.js';
import type { PageInput, RuleMeta, Severity } from '../../rules/api.js';
import { SpillFile } from '../../ingest/spill.js';
import { finishFinding, type FinishContext } from '../analyze/findings.js';
import { RawFindingSpill } from '../analyze/finding-spill.js';
import type { ActiveRule } from '../analyze/rule-runner.js';
import { SessionStage, type StagedTrace } from '../analyze/session-stage.js';
import { compareTurns } from '../../model/sessions.js';
import type { Rejection } from '../read/read-events.js';
import type { SourcedLine } from '../../ingest/line-reader.js';

export type { SourcedLine };
import { provenanceOf } from '../read/guard.js';
import { CONTEXT_BUCKET, parseDigestLine, SCALE_FORMAT, ScaleLineError, type DigestLine, type PartialLine, type TraceLine } from './lines.js';

/** A trace line and where it was read. */
type Located = TraceLine & { at: Pick<SourcedLine, 'source' | 'line' | 'offset'> };

/** Options of {@link reduceDigests}. */
export interface ReduceOptions {
  rules: readonly ActiveRule[];
  severityOverride?: ReadonlyMap<string, Severity>;
  /** Told of each problem as it happens (a line that is not a digest line, a rule that threw); also written as lines. */
  onProblem?: (rejection: Rejection) => void;
}

/** What a reduce did, besides the lines it wrote. */
export interface ReduceSummary {
  sessions: number;
  withoutSession: number;
  traces: number;
  duplicates: number;
  problems: number;
}

/** Input a reduce cannot take: out of order, or a rule that cannot run split. The run stops. */
export class ScaleInputError extends Error {
  override name = 'ScaleInputError';
}

/**
 * The reduce half of `analyze` (docs/scale-out.md), over digest lines sorted by bucket, then
 * session (context lines, bucket -1, first; `contextLines` may bring them from elsewhere): each
 * session visited by the session visitors as soon as its last line is read, so memory holds the
 * largest session, the part's traces without a session (the dump visitor needs them) and one
 * location per trace. Writes the part's result for `merge`: its sessions, findings (worded and
 * located), traces without a session, the rules' dump-level state, problems and counts. Out-of-order
 * input (a bucket that goes down, a session that comes back) throws a {@link ScaleInputError}.
 */
export async function reduceDigests(lines: AsyncIterable<SourcedLine>, options: ReduceOptions, emit: (line: PartialLine) => void | Promise<void>): Promise<ReduceSummary> {
  const spill = new SpillFile();
  try {
    return await reduceInto(lines, options, emit, spill);
  } finally {
    spill.close();
  }
}

async function reduceInto(lines: AsyncIterable<SourcedLine>, options: ReduceOptions, emit: (line: PartialLine) => void | Promise<void>, spill: SpillFile): Promise<ReduceSummary> {
  const documents = new DocumentCatalog();
  const pages = new Map<string, PageInput>();
  const problems: Rejection[] = [];
  const problem = (rejection: Rejection): void => {
    problems.push(rejection);
    options.onProblem?.(rejection);
  };
  const stage = new SessionStage(options.rules, spill, documents, pages, problem);
  const unmergeable = stage.runner.unmergeable();
  if (unmergeable.length > 0) {
    throw new ScaleInputError(
      `${unmergeable.length === 1 ? `rule ${unmergeable[0]!} reports` : `rules ${unmergeable.join(', ')} report`} over the whole dump from what the sessions taught ${unmergeable.length === 1 ? 'it' : 'them'}, and cannot hand that on (no saveDump): run analyze on one machine, or leave ${unmergeable.length === 1 ? 'it' : 'them'} out with --rule`,
    );
  }
  await emit({ v: SCALE_FORMAT, kind: 'partial', rules: options.rules.map((r) => r.module.meta.id) });
  const traceRaw = new RawFindingSpill(spill);
  const sessionless: Located[] = [];
  /** Traces without a session by id, at their place in `sessionless`. */
  const sessionlessIds = new Map<string, number>();
  let ordinal = 0;
  let duplicates = 0;
  let traces = 0;
  let bucket = CONTEXT_BUCKET;
  let current: { session: string; traces: Located[]; ids: Map<string, number> } | null = null;
  /** Sessions of the current bucket already visited: one coming back means the input is not grouped. */
  let done = new Set<string>();
  let where = '';

  const misshapen = (at: Located['at'], what: string, error: unknown): void =>
    problem({
      provenance: provenanceOf({ source: at.source, index: at.line - 1, offset: at.offset, length: 0, line: at.line }),
      code: 'schema',
      message: `${what}: its digest lines are not what tracetriage digest writes (${error instanceof Error ? error.message : String(error)})`,
      at: { offset: at.offset, line: at.line },
    });

  const flush = (): void => {
    if (current === null) return;
    const { session, traces: lines } = current;
    done.add(session);
    current = null;
    try {
      stage.visitSession(
        session,
        lines.map((t) => ({ digest: t.digest, facts: t.facts, ordinal: ordinal++ })),
      );
    } catch (error) {
      // Lines that pass the checks of `parseDigestLine` but whose digest is not what `digest`
      // writes (edited, or of another version): the session is left out, each line named.
      for (const { at } of lines) misshapen(at, `session ${JSON.stringify(session)} left out`, error);
      return;
    }
    for (const t of lines) traceRaw.add(t.findings);
  };

  for await (const { text, source, line, offset } of lines) {
    if (text.trim() === '') continue;
    where = `${source}:${line}`;
    let parsed: DigestLine;
    try {
      parsed = parseDigestLine(text, source, line);
    } catch (error) {
      if (!(error instanceof ScaleLineError)) throw error;
      problem({ provenance: provenanceOf({ source, index: line - 1, offset, length: Buffer.byteLength(text), line }), code: 'schema', message: error.detail, at: { offset, line } });
      continue;
    }
    if (parsed.kind !== 'trace') {
      if (bucket !== CONTEXT_BUCKET)
        throw new ScaleInputError(`${where}: a line of bucket -1 (about the whole input) after the lines of bucket ${bucket}: sort the digest lines by bucket (bucket -1 first), then session`);
      if (parsed.kind === 'page' && !pages.has(parsed.page.source)) pages.set(parsed.page.source, parsed.page);
      else if (parsed.kind === 'documents') for (const s of parsed.sightings) documents.add(s);
      continue;
    }
    if (parsed.bucket < bucket) throw new ScaleInputError(`${where}: bucket ${parsed.bucket} after bucket ${bucket}: sort the digest lines by bucket, then session`);
    if (parsed.bucket > bucket) {
      flush();
      bucket = parsed.bucket;
      done = new Set();
    }
    traces++;
    if (parsed.session === null) {
      // Traces without a session: visited one by one at the end, and handed on for the dump visitor.
      if (!keepFirstCopy(sessionless, sessionlessIds, { ...parsed, at: { source, line, offset } })) duplicates++;
      continue;
    }
    if (current === null || current.session !== parsed.session) {
      if (done.has(parsed.session)) {
        throw new ScaleInputError(
          `${where}: session ${JSON.stringify(parsed.session)} comes back after other sessions of bucket ${bucket}: its lines must be together (sort by bucket, then session); a session split over parts would be analysed as two`,
        );
      }
      flush();
      current = { session: parsed.session, traces: [], ids: new Map() };
    }
    if (!keepFirstCopy(current.traces, current.ids, { ...parsed, at: { source, line, offset } })) duplicates++;
  }
  flush();
  let loose: StagedTrace[] = [];
  try {
    const staged = sessionless.map((t) => ({ digest: t.digest, facts: t.facts, ordinal: ordinal++ }));
    stage.visitSessionless(staged.sort((a, b) => compareTurns(a.digest, b.digest)));
    loose = staged;
    for (const t of sessionless) traceRaw.add(t.findings);
  } catch (error) {
    // As for a session: lines that pass the checks but are not what `digest` writes. The traces
    // without a session are visited together, so all of them are left out, each named.
    for (const { at } of sessionless) misshapen(at, 'the traces without a session of this part left out', error);
  }

  for (const s of stage.sessions) {
    const { turnOrdinals: _, ...session } = s;
    await emit({ v: SCALE_FORMAT, kind: 'session', session: { ...session, turnTraceIds: [...s.turnTraceIds] } });
  }
  for (const { digest, facts } of loose) await emit({ v: SCALE_FORMAT, kind: 'sessionless', digest, facts });
  const meta = new Map<string, RuleMeta>(options.rules.map((r) => [r.module.meta.id, r.module.meta]));
  const context: FinishContext = {
    meta,
    severityOverride: options.severityOverride ?? new Map(),
    locate: (traceId) => stage.where.get(traceId),
    // The order is the merge's: it knows every part's sessions.
    sessionRank: () => 0,
  };
  const printed = new Set<string>();
  for (const raw of [traceRaw, stage.raw]) {
    for (const r of raw) {
      const finding = finishFinding(r, context);
      if (printed.has(finding.fingerprint)) continue;
      printed.add(finding.fingerprint);
      await emit({ v: SCALE_FORMAT, kind: 'finding', finding });
    }
  }
  for (const { ruleId, state } of stage.runner.save()) await emit({ v: SCALE_FORMAT, kind: 'state', ruleId, state });
  for (const rejection of problems) {
    const { stack: _, ...rest } = rejection;
    await emit({ v: SCALE_FORMAT, kind: 'problem', rejection: rest });
  }
  await emit({ v: SCALE_FORMAT, kind: 'tally', duplicates });
  return { sessions: stage.sessions.length, withoutSession: loose.length, traces, duplicates, problems: problems.length };
}

/**
 * Adds a trace line to a list unless it is a copy of one there (same trace id); of two copies, the
 * one read first (`TraceLine.read`) stands, whatever order the engine's sort left them in. Returns
 * false for a copy left out.
 */
function keepFirstCopy<T extends TraceLine>(list: T[], ids: Map<string, number>, line: T): boolean {
  const at = line.traceId === '' ? undefined : ids.get(line.traceId);
  if (at === undefined) {
    if (line.traceId !== '') ids.set(line.traceId, list.length);
    list.push(line);
    return true;
  }
  const kept = list[at]!;
  if (line.read[0] < kept.read[0] || (line.read[0] === kept.read[0] && line.read[1] < kept.read[1])) list[at] = line;
  return false;
}
