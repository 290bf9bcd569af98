import type { AssessmentTriage } from '../model/triage.js';
import { triageAssessments } from '../model/triage.js';
import { sessionIdOf, userIdOf } from '../model/session-keys.js';
import { turnIo, type TurnIo } from '../model/turn-io.js';
import type { Trace } from '../model/types.js';
import { digestOptionsOf, type TriageConfig } from './config.js';

/** What `trace` shows of one trace beside its spans: built once, for the CLI and the API. */
export interface TraceView {
  trace: Trace;
  io: TurnIo;
  triage: AssessmentTriage;
  /** The session id (built-in keys, then the config's), or null. */
  session: string | null;
  /** The end user (built-in keys, then the config's), or null. */
  user: string | null;
}

export function traceView(trace: Trace, config: TriageConfig): TraceView {
  const digest = digestOptionsOf(config);
  return {
    trace,
    io: turnIo(trace, { extraCarriers: digest.extraCarriers }),
    triage: triageAssessments(trace.assessments, { overrides: digest.overrides }),
    session: sessionIdOf(trace, digest.sessionKeys),
    user: userIdOf(trace, digest.userKeys),
  };
}
