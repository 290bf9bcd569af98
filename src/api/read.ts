import type { Readable } from 'node:stream';
import type { FilteredOptions } from '../engine/read/filtered.js';
import { DUMP_SOURCE } from '../engine/read/guard.js';
import { exitVerdict, OutcomeCounter, type CommandOutcome, type ExitVerdict, type ReadOutcome } from '../engine/outcome.js';
import type { FrameEvent, Rejection, SourceNote } from '../engine/read/read-events.js';
import type { ReadOptions } from '../engine/read/read.js';

/**
 * One input: a path (a file, a directory, a `.gz` or `.tar(.gz)` archive, an MLflow store such
 * as `mlflow.db`, `sqlite:///mlflow.db` or `mlruns/`), `'-'` for the `stdin` option's stream, or
 * a stream itself (read as `'-'` is; one stream per call).
 */
export type Input = string | Readable;

/** What every function that reads traces takes besides its inputs. */
export interface ReadingOptions {
  /** The stream `'-'` reads; none by default (then `'-'` is an input that cannot be read). */
  stdin?: Readable;
  /** In an MLflow store, read only these experiments (ids); by default every active one. */
  experimentIds?: readonly string[];
  /** In an MLflow store, read only the experiments of these names. */
  experimentNames?: readonly string[];
  /** Records larger than this many bytes are parsed span by span (default 268 MB). */
  maxRecordBytes?: number;
  /** Told of every rejected record, note and source boundary as the read meets it. */
  onEvent?: (event: FrameEvent) => void;
}

/** What a read could not use: every rejected record and every note about a source, in input order. */
export interface ReadProblems {
  /** Records that are not readable traces, with file, line, offset and JSON path; internal errors too (code `internal`). */
  rejections: Rejection[];
  /** Facts about sources: skipped, unreadable, empty, one page of a longer search… */
  notes: SourceNote[];
  /** What the read came to, the counts the exit status is decided from. */
  outcome: ReadOutcome;
}

/** Inputs as the engine names them, and the reading options every engine call takes. */
export interface EngineRead {
  inputs: string[];
  options: ReadOptions;
}

/** Turns the API's inputs and options into the engine's: a stream becomes `'-'`. */
export function engineRead(inputs: Input | readonly Input[], options: ReadingOptions): EngineRead {
  const list = Array.isArray(inputs) ? (inputs as readonly Input[]) : [inputs as Input];
  const streams = list.filter((input): input is Readable => typeof input !== 'string');
  if (streams.length > 1 || (streams.length === 1 && options.stdin !== undefined)) {
    throw new TypeError('tracetriage reads one stream per call: pass it once, as an input or as the stdin option');
  }
  if (list.length === 0) throw new TypeError('no inputs: pass a path, a list of paths, or a stream');
  const stdin = streams[0] ?? options.stdin;
  const { maxRecordBytes, experimentIds, experimentNames } = options;
  return {
    inputs: list.map((input) => (typeof input === 'string' ? input : '-')),
    options: {
      ...(stdin !== undefined ? { stdin } : {}),
      ...(maxRecordBytes !== undefined ? { scanner: { maxRecordBytes } } : {}),
      ...(experimentIds !== undefined && experimentIds.length > 0 ? { experimentIds: [...experimentIds] } : {}),
      ...(experimentNames !== undefined && experimentNames.length > 0 ? { experimentNames: [...experimentNames] } : {}),
    },
  };
}

/**
 * Keeps what a read could not use, as data (the CLI prints the same events on stderr), and counts
 * the read's outcome as the CLI's exit status counts it.
 */
export class ProblemLog {
  readonly problems: ReadProblems;
  private readonly counter = new OutcomeCounter();

  constructor(private readonly forward?: (event: FrameEvent) => void) {
    this.problems = { rejections: [], notes: [], outcome: this.counter.outcome };
  }

  /** The read's event sink. */
  readonly onEvent = (event: FrameEvent): void => {
    this.counter.add(event);
    if (event.type === 'rejected') this.problems.rejections.push(event.rejection);
    else if (event.type === 'note') this.problems.notes.push(event.note);
    this.forward?.(event);
  };

  /** Told of each trace read that the command does not hand over as an event. */
  readonly onTrace = (): void => {
    this.counter.addTrace();
  };

  /** Traces read that only the engine call counted (search and get count their own records). */
  addTraces(n: number): void {
    for (let i = 0; i < n; i++) this.counter.addTrace();
  }

  /** Records rejected (a failure of a rule on the whole dump is no record, and not counted). */
  get rejectedRecords(): number {
    return this.problems.rejections.filter((r) => r.provenance.source !== DUMP_SOURCE).length;
  }

  /** The status the CLI would exit with, and why. */
  verdict(command: CommandOutcome = {}): ExitVerdict {
    return exitVerdict(this.counter.outcome, command);
  }
}

/** The hooks of a read through `filteredTraces` that feed a {@link ProblemLog}. */
export function logHooks(log: ProblemLog): Pick<FilteredOptions, 'onEvent' | 'onTrace'> {
  return { onEvent: log.onEvent, onTrace: log.onTrace };
}
