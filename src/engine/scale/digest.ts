import { DocumentCatalog } from '../../model/documents.js';
import { sessionIdOf } from '../../model/session-keys.js';
import { turnTimeMs } from '../../model/sessions.js';
import type { PageInput } from '../../rules/api.js';
import type { AnalyzeOptions } from '../analyze/analyze.js';
import { analyzeTrace, sightingsOf } from '../analyze/analyze-trace.js';
import { TraceAdmission } from '../analyze/admission.js';
import { TraceRuleRunner } from '../analyze/rule-runner.js';
import { storable } from '../analyze/finding-spill.js';
import { filteredTraces } from '../read/filtered.js';
import { spillingScanner } from '../read/read.js';
import { faultPoint, internalRejection, provenanceOf } from '../read/guard.js';
import { bucketOf, CONTEXT_BUCKET, SCALE_FORMAT, type DigestLine } from './lines.js';

/** Options of {@link digestInputs}. */
export interface DigestInputsOptions extends Omit<AnalyzeOptions, 'onInternal'> {
  /** Buckets the sessions are spread over (see `bucketOf`); every task of a run must use the same. */
  buckets: number;
  /** This task's number among the tasks of a run, in the order of their inputs (see `TraceLine.read`). */
  task?: number;
}

/**
 * The map half of `analyze` (docs/scale-out.md): each trace of the inputs read, selected, digested,
 * its facts taken and its trace visitors run, exactly as `analyze` does while reading, and written
 * as a line with its session's bucket; then the lines about the whole input (pages of a search,
 * the newest documents, problems, counts). `emit` gets each line in input order.
 */
export async function digestInputs(inputs: readonly string[], options: DigestInputsOptions, emit: (line: DigestLine) => void | Promise<void>): Promise<void> {
  const runner = new TraceRuleRunner(options.rules);
  const digestOptions = options.digest ?? {};
  const admission = new TraceAdmission(options.sessions);
  const catalog = new DocumentCatalog();
  const pages = new Map<string, PageInput>();
  let rejected = 0;
  const context: DigestLine[] = [];
  let position = 0;
  const onEvent = options.onEvent;
  for await (const event of filteredTraces(inputs, {
    ...options,
    scanner: spillingScanner(options.scanner),
    onEvent: (e) => {
      if (e.type === 'note' && e.note.kind === 'next-page-token' && !pages.has(e.note.source)) pages.set(e.note.source, { source: e.note.source, token: e.note.token ?? '' });
      if (e.type === 'rejected') {
        rejected++;
        context.push({ bucket: CONTEXT_BUCKET, v: SCALE_FORMAT, kind: 'problem', rejection: withoutStack(e.rejection) });
      }
      onEvent?.(e);
    },
  })) {
    const { trace } = event;
    const { source, index, offset, length, line, within } = event.provenance;
    const provenance = { source, index, offset, length, line, ...(within !== undefined ? { within } : {}) };
    if (!admission.admit({ traceId: trace.traceId, sessionId: () => sessionIdOf(trace, digestOptions.sessionKeys) })) continue;
    let analyzed;
    try {
      faultPoint('digest', trace.traceId);
      analyzed = analyzeTrace(trace, provenance, digestOptions, runner);
    } catch (error) {
      // As in `analyze`: the trace is left out, said, and the run goes on.
      admission.failed(trace.traceId);
      const rejection = internalRejection(provenanceOf(provenance), 'analyze', error);
      onEvent?.({ type: 'rejected', rejection });
      rejected++;
      context.push({ bucket: CONTEXT_BUCKET, v: SCALE_FORMAT, kind: 'problem', rejection: withoutStack(rejection) });
      continue;
    }
    const { digest, facts, findings } = analyzed;
    for (const sighting of sightingsOf(analyzed)) catalog.add(sighting);
    await emit({
      bucket: bucketOf(digest.sessionId ?? digest.traceId, options.buckets),
      session: digest.sessionId,
      time: turnTimeMs(digest),
      kind: 'trace',
      v: SCALE_FORMAT,
      read: [options.task ?? 0, position++],
      traceId: digest.traceId,
      digest,
      facts,
      findings: findings.map(storable),
    });
  }
  for (const page of pages.values()) await emit({ bucket: CONTEXT_BUCKET, v: SCALE_FORMAT, kind: 'page', page });
  const sightings = catalog.sightings();
  if (sightings.length > 0) await emit({ bucket: CONTEXT_BUCKET, v: SCALE_FORMAT, kind: 'documents', sightings });
  for (const line of context) await emit(line);
  const { traces, duplicates, outsideSelection } = admission;
  await emit({ bucket: CONTEXT_BUCKET, v: SCALE_FORMAT, kind: 'tally', traces, duplicates, outsideSelection, rejected });
}

/** A rejection as a line carries it: the stack stays on the machine that had it (`--debug` there). */
function withoutStack(rejection: import('../read/read-events.js').Rejection) {
  const { stack: _, ...rest } = rejection;
  return rest;
}
