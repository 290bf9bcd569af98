import { DUMP_SOURCE } from './read/guard.js';
import type { FrameEvent, SummaryEvent } from './read/read-events.js';

// The exit status of every reading command, decided in one place from what the read came to and
// what the command adds. Pure: the CLI sets it as the process's status, the API reports it as data.

/** A process exit status: 0 clean, 1 something to look at, 2 the run could not do its job. */
export type ExitCode = 0 | 1 | 2;

/** The status and why, as the closing line says it. */
export interface ExitVerdict {
  code: ExitCode;
  reason: string;
}

/** What a run read, counted from its events: the reading half of the exit status. */
export interface ReadOutcome {
  /** Traces read (kept by a filter or not). */
  traces: number;
  /** Records rejected, `internal` ones included. */
  rejected: number;
  /** Records rejected with code `internal` (an unexpected exception on that trace). */
  internal: number;
  /**
   * Internal errors that belong to no one trace (a rule on the whole dump, a report's session that
   * could not be drawn): part of the output is left out, and said so.
   */
  partFailures?: number;
  /** Inputs that could not be read, or not to the end (`read-error` notes). */
  unreadable: number;
  /** Sources that were valid exports holding no trace (`{"traces": []}`, `[]`). */
  emptyExports: number;
  /** Inputs of a kind tracetriage does not read (`unsupported` notes: MLflow's table output, an SQLite store, a zip). */
  unsupported: number;
}

/** What a command adds to the reading half. */
export interface CommandOutcome {
  /** What was asked for and is not in the inputs (`--session`, a session or trace id), said as a sentence. */
  missing?: string | null;
  /** `analyze`: the `--fail-on` level, and whether a finding reached it. */
  failOn?: { level: string; failed: boolean } | null;
  /**
   * `analyze`: the dump holds part of the conversations, said as a sentence ({@link partialDump}):
   * its verdicts are relative to what it holds, so the run is not clean whatever `--fail-on` says.
   */
  partial?: string | null;
}

/** What {@link partialDump} reads of a finding. */
interface FindingMark {
  ruleId: string;
  messageId: string;
  evidence: ReadonlyArray<{ kind: string }>;
}

/**
 * The reason an analysis of a partial dump is not clean, or null: inputs that are one page of a
 * longer search and sessions that start mid-conversation (rule `partial-dump`), and verdicts marked
 * as depending on turns the dump lacks (evidence `missingTurns`). Turning the rule off and the
 * marks' rule off is how a run on a partial dump on purpose comes back clean.
 */
export function partialDump(findings: Iterable<FindingMark>): string | null {
  let pages = 0;
  let sessions = 0;
  let marked = 0;
  for (const f of findings) {
    if (f.ruleId === 'partial-dump' && f.messageId === 'pagedExport') pages++;
    else if (f.ruleId === 'partial-dump' && f.messageId === 'firstTurnMissing') sessions++;
    else if (f.evidence.some((e) => e.kind === 'missingTurns')) marked++;
  }
  const parts = [
    pages > 0 ? `${pages === 1 ? 'an input is' : `${pages} inputs are`} one page of a longer search` : null,
    sessions > 0 ? `${sessions === 1 ? '1 session starts' : `${sessions} sessions start`} mid-conversation` : null,
    marked > 0 ? `${marked === 1 ? '1 verdict depends' : `${marked} verdicts depend`} on turns it lacks` : null,
  ].filter((s) => s !== null);
  return parts.length === 0 ? null : `the dump is partial (${parts.join('; ')}): its verdicts are relative to what it holds`;
}

/**
 * The one exit-status rule of every reading command (README "Exit codes"):
 * 2 when the run could not do its job — an input could not be read or is of a kind not read, no trace at all could be
 * read (an empty input, a file that is not an export, MLflow's table output; a valid export that
 * holds zero traces is not this), or a trace hit an internal error;
 * 1 when the inputs hold something to look at — what was asked for is not there, a finding at or
 * above `--fail-on`, a partial dump (`analyze`, whatever `--fail-on`), records that could not be
 * read as traces;
 * 0 otherwise. The first reason in that order is the one the closing line gives.
 */
export function exitVerdict(read: ReadOutcome, command: CommandOutcome = {}): ExitVerdict {
  const records = (n: number): string => `${n} record${n === 1 ? '' : 's'}`;
  if (read.traces === 0 && read.emptyExports === 0) {
    const why = [
      read.unreadable > 0 ? `${read.unreadable} input${read.unreadable === 1 ? '' : 's'} unreadable` : null,
      read.unsupported > 0 ? `${read.unsupported} input${read.unsupported === 1 ? '' : 's'} of a kind it does not read` : null,
      read.rejected > 0 ? `${records(read.rejected)} rejected` : null,
    ].filter((s) => s !== null);
    return { code: 2, reason: `no trace could be read from the inputs: ${why.length > 0 ? why.join(', ') : 'they hold no records'}` };
  }
  if (read.unreadable > 0) {
    return { code: 2, reason: `${read.unreadable === 1 ? 'an input' : `${read.unreadable} inputs`} could not be read to the end` };
  }
  if (read.unsupported > 0) {
    // An input named on the command line that is not a trace export (a store, MLflow's table) is
    // not read at all: the answer would silently miss it, as with an unreadable file.
    return { code: 2, reason: `${read.unsupported === 1 ? 'an input is' : `${read.unsupported} inputs are`} of a kind tracetriage does not read` };
  }
  if (read.internal > 0) {
    const n = read.internal;
    return { code: 2, reason: `${n === 1 ? '1 trace' : `${n} traces`} left out after an internal error; --debug shows the stack` };
  }
  if ((read.partFailures ?? 0) > 0) {
    const n = read.partFailures!;
    return { code: 2, reason: `${n === 1 ? 'an internal error' : `${n} internal errors`} left part of the output out (said above); --debug shows the stack` };
  }
  if (command.missing) return { code: 1, reason: command.missing };
  if (command.failOn?.failed) return { code: 1, reason: `findings at or above ${command.failOn.level}` };
  if (command.partial) return { code: 1, reason: command.partial };
  if (read.rejected > 0) return { code: 1, reason: `${records(read.rejected)} could not be read as traces` };
  if (command.failOn) return { code: 0, reason: `nothing at or above ${command.failOn.level}` };
  return { code: 0, reason: 'clean' };
}

/** Counts a read's events into a {@link ReadOutcome}. */
export class OutcomeCounter {
  readonly outcome: ReadOutcome = { traces: 0, rejected: 0, internal: 0, unreadable: 0, emptyExports: 0, unsupported: 0 };

  /** Takes any event of the read (a summary or a trace counts as a trace read). */
  add(event: FrameEvent | SummaryEvent | { type: 'trace' }): void {
    const o = this.outcome;
    if (event.type === 'summary' || event.type === 'trace') o.traces++;
    else if (event.type === 'rejected' && event.rejection.provenance.source === DUMP_SOURCE) {
      o.partFailures = (o.partFailures ?? 0) + 1;
    } else if (event.type === 'rejected') {
      o.rejected++;
      if (event.rejection.code === 'internal') o.internal++;
    } else if (event.type === 'note') {
      if (event.note.kind === 'read-error') o.unreadable++;
      else if (event.note.kind === 'no-traces') o.emptyExports++;
      else if (event.note.kind === 'unsupported') o.unsupported++;
      else if (event.note.kind === 'not-traces' || event.note.kind === 'partly-read') o.rejected += event.note.records ?? 1;
    }
  }

  /** A trace read that the command does not see as an event (`onTrace`). */
  addTrace(): void {
    this.outcome.traces++;
  }
}

/**
 * `reduce`'s exit status, which reads no traces: 0 when the part was written whole (an empty part,
 * no session in its buckets, is clean too); with problems, 1 when lines or sessions were left out
 * (`rejectedLines`, named), 2 when only a rule failed on the part as a whole.
 */
export function reduceVerdict(problems: number, rejectedLines: number): ExitVerdict {
  if (problems === 0) return { code: 0, reason: 'clean' };
  return { code: rejectedLines > 0 ? 1 : 2, reason: `${problems} problem(s) in the part (named above); its result was written without them` };
}
