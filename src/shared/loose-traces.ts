/** A trace without a session, and the findings about it in the findings' order. */
export interface LooseTrace<T> {
  traceId: string;
  findings: T[];
}

/**
 * The traces without a session, each once, with the findings about them (those with no session
 * and a trace): the traces in `traceIds` order (an id listed twice, as empty ids may be, takes
 * its first place), then each trace a finding names that the list does not, in the order of its
 * first finding. In memory: what a format falls back on when the engine did not hand it the
 * traces already grouped (`AnalyzeReport.withoutSessionTraces`), which it must match.
 */
export function looseTraces<T extends { readonly sessionId: string | null; readonly traceId: string | null }>(traceIds: Iterable<string>, findings: Iterable<T>): LooseTrace<T>[] {
  const out: LooseTrace<T>[] = [];
  const byId = new Map<string, LooseTrace<T>>();
  const place = (traceId: string): LooseTrace<T> => {
    let trace = byId.get(traceId);
    if (trace === undefined) {
      trace = { traceId, findings: [] };
      byId.set(traceId, trace);
      out.push(trace);
    }
    return trace;
  };
  for (const id of traceIds) place(id);
  for (const f of findings) if (f.sessionId === null && f.traceId !== null) place(f.traceId).findings.push(f);
  return out;
}
