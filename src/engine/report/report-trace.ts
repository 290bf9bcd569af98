import { digestAndIo } from '../../model/digest.js';
import type { DigestOptions, TraceDigest } from '../../model/digest-types.js';
import type { Trace } from '../../model/types.js';
import { waterfallOf, type Waterfall } from '../../model/waterfall.js';
import { MAX_WATERFALL_SPANS, REPORT_TEXT_CHARS } from './data.js';

/** What the report keeps of a trace until its session is chosen (in a temporary file). */
export interface ReportTrace {
  digest: TraceDigest;
  waterfall: Waterfall;
}

/** The report's per-trace work, beside the analysis's (in the main thread or a worker): its digest, longer excerpts, and waterfall. */
export function reportTrace(trace: Trace, digest: Omit<DigestOptions, 'provenance'> = {}): ReportTrace {
  const { digest: d, io } = digestAndIo(trace, { ...digest, textChars: REPORT_TEXT_CHARS });
  return { digest: d, waterfall: waterfallOf(trace, io.spanIndex, MAX_WATERFALL_SPANS) };
}
