import type { ReportSession } from '../../engine/report/data.js';

/**
 * What a whole-report renderer is told for one session that it could not draw, and how tests
 * reach that path: the CLI turns a failure into an `internal` problem (exit 2, named on stderr),
 * and passes the test fault of the `render` stage as `probe`.
 */
export interface SessionGuard {
  failed(sessionId: string, error: unknown): void;
  /** Called before drawing each turn (by trace id); throws where a test asks it to. */
  probe?(traceId: string): void;
}

/**
 * Draws one session, or, when drawing it throws (a bug, or a value no check foresaw), says so in
 * its place and tells the guard: one session never costs the report, as one trace never costs a
 * run. A failure is told once per session, however many times a budgeted report re-draws it.
 */
export function guardSession<T>(s: ReportSession, guard: SessionGuard | undefined, told: Set<string>, draw: () => T, instead: (message: string) => T): T {
  try {
    for (const t of s.turnList) guard?.probe?.(t.traceId);
    return draw();
  } catch (error) {
    if (!told.has(s.id)) {
      told.add(s.id);
      guard?.failed(s.id, error);
    }
    return instead(`this session could not be drawn (internal error: ${error instanceof Error ? error.message : String(error)})`);
  }
}
