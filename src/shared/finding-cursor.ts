/**
 * Findings (anything with a session id) read in step with the sessions (report order): the
 * findings of each session, one session at a time, then the rest. Relies on the order
 * `AnalyzeReport.findings` promises (a session's findings together, sessions in `sessions` order,
 * then the findings without a listed session), so that a format holds one session and its
 * findings at a time, never a map of every session's.
 */
export class FindingCursor<T extends { readonly sessionId: string | null }> {
  private readonly iterator: Iterator<T>;
  private ahead: IteratorResult<T>;

  constructor(findings: Iterable<T>) {
    this.iterator = findings[Symbol.iterator]();
    this.ahead = this.iterator.next();
  }

  /** The findings of session `id` that come next (none when the next finding is another's). */
  take(id: string): T[] {
    const out: T[] = [];
    while (!this.ahead.done && this.ahead.value.sessionId === id) out.push(this.advance());
    return out;
  }

  /** The findings after the last one taken. */
  *rest(): Generator<T> {
    while (!this.ahead.done) yield this.advance();
  }

  private advance(): T {
    const f = this.ahead.value as T;
    this.ahead = this.iterator.next();
    return f;
  }
}
