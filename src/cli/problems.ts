import { DUMP_SOURCE } from '../engine/read/guard.js';
import type { FrameEvent } from '../engine/read/read-events.js';
import { safeLines, safeText } from '../shared/escape/terminal.js';
import { where } from '../report/validate/validate.js';
import { exitVerdict, OutcomeCounter, type CommandOutcome, type ExitCode, type ReadOutcome } from '../engine/outcome.js';
import { applyVerdict } from './exit-code.js';
import { startProgress, stopProgress, writeErr, writeNote, type ReadProgress } from './progress.js';
import { verbosity } from './output-options.js';

/** Rejected records named on stderr (`--verbose`: all of them). */
const SHOWN = 10;

function shown(): number {
  return verbosity() === 'verbose' ? Number.POSITIVE_INFINITY : SHOWN;
}

/**
 * What a command that prints traces (search, get, query) says on stderr about input it could not
 * use: the first rejected records with file, line, record and byte offset, every unreadable input,
 * and a closing count, so stdout stays clean JSON and nothing is dropped silently. It also runs
 * the read's progress bar (see `progress.ts`), since it sees the read's events and owns the
 * lines that must not land in the middle of the bar: made at the start of the read, `finish`ed
 * at its end.
 */
export class ProblemReporter {
  private rejected = 0;
  private readErrors = 0;
  private skipped = 0;
  private readonly progress: ReadProgress;
  private readonly counter = new OutcomeCounter();

  constructor() {
    this.progress = startProgress();
  }

  /** Takes every frame event of the read; writes the ones a person must hear about. */
  readonly onEvent = (event: FrameEvent): void => {
    this.progress.add(event);
    this.counter.add(event);
    if (event.type === 'rejected' && event.rejection.provenance.source === DUMP_SOURCE) {
      // A rule that failed on the whole dump: no record was lost, a rule's dump-level findings were.
      const r = event.rejection;
      this.say(safeText(r.message));
      if (r.stack !== undefined && process.argv.includes('--debug')) writeErr(`${safeLines(r.stack)}\n`);
    } else if (event.type === 'rejected') {
      this.rejected++;
      const r = event.rejection;
      // An internal error is always named (it is a bug to report), with its stack under --debug.
      if (this.rejected <= shown() || r.code === 'internal') {
        this.say(`${where(r.provenance)}: ${safeText(r.message)} [${r.code}]`);
        if (r.stack !== undefined && process.argv.includes('--debug')) writeErr(`${safeLines(r.stack)}\n`);
      }
    } else if (event.type === 'note') {
      const { note } = event;
      if (note.kind === 'read-error' || note.kind === 'unsupported') {
        this.readErrors++;
        this.say(`${safeText(note.source)}: ${safeText(note.message)}`);
      } else if (note.kind === 'skipped') this.skipped++;
      else if (
        note.kind === 'utf16' ||
        note.kind === 'partly-read' ||
        note.kind === 'not-traces' ||
        note.kind === 'truncated-strings' ||
        note.kind === 'unclosed-envelope' ||
        note.kind === 'next-page-token' ||
        note.kind === 'empty' ||
        note.kind === 'no-traces' ||
        note.kind === 'trailing-bytes' ||
        note.kind === 'empty-archive'
      ) {
        this.note(`${safeText(note.source)}: ${note.kind}: ${safeText(note.message)}`);
      }
    }
  };

  /** Told of each trace read that the command does not hand over as an event (`onTrace` of a reader). */
  readonly onTrace = (): void => {
    this.counter.addTrace();
    if (this.progress.running) this.progress.addTrace();
  };

  /** Traces read that only the command saw (search and get count their own records). */
  addTraces(n: number): void {
    for (let i = 0; i < n; i++) this.counter.addTrace();
  }

  /** What the read came to so far. */
  get outcome(): ReadOutcome {
    return this.counter.outcome;
  }

  /**
   * The run's exit status (see `exit-code.ts`), set as the process's: the closing line goes to
   * stderr when it is not 0, unless `said` (the command's own output already states it).
   */
  close(command: CommandOutcome = {}, said = false): ExitCode {
    const verdict = exitVerdict(this.counter.outcome, command);
    applyVerdict(verdict, said);
    return verdict.code;
  }

  /** Records rejected so far. */
  get rejectedCount(): number {
    return this.rejected;
  }

  /**
   * Ends the progress bar, writes the closing count (if anything was left out) and returns true
   * when an input could not be read.
   */
  finish(): boolean {
    stopProgress();
    if (this.rejected > shown()) this.say(`… and ${this.rejected - SHOWN} more rejected records (--verbose lists all)`);
    if (this.rejected > 0) {
      this.say(`${this.rejected} record(s) could not be read as traces and were left out (tracetriage validate lists them all)`);
    }
    if (this.skipped > 0) this.note(`${this.skipped} file(s) skipped: not trace exports`);
    return this.readErrors > 0;
  }

  private say(line: string): void {
    writeErr(`tracetriage: ${line}\n`);
  }

  /** A note, not an error: left out under `--quiet`. */
  private note(line: string): void {
    writeNote(`tracetriage: ${line}\n`);
  }
}
