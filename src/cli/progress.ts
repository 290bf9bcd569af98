import type { FrameEvent, SummaryEvent, TraceEvent } from '../engine/read/read-events.js';
import { cut, NO_MARK } from '../shared/text.js';
import { plural } from '../shared/plural.js';
import { notesWanted } from './output-options.js';

/** What the progress decision looks at: `--progress` / `--no-progress`, the environment, stderr. */
export interface ProgressInput {
  flag: boolean | undefined;
  env: Readonly<Record<string, string | undefined>>;
  stream: { isTTY?: boolean | undefined };
}

/**
 * Whether a progress bar may be drawn on stderr. Never when stderr is not a terminal (a pipe, a
 * file, a CI log: `\r` redraws would pile up there), whatever the flag says. On a terminal:
 * `--no-progress` → no; `--progress` → yes; otherwise no in CI (`CI` set, not `0`/`false`: a CI
 * job given a pseudo-terminal still keeps its log) and on a `dumb` terminal (no erase-line), yes
 * elsewhere.
 */
export function progressWanted({ flag, env, stream }: ProgressInput): boolean {
  if (stream.isTTY !== true) return false;
  if (flag !== undefined) return flag;
  const ci = (env.CI ?? '').trim().toLowerCase();
  if (ci !== '' && ci !== '0' && ci !== 'false') return false;
  return env.TERM !== 'dumb';
}

/** What the bar shows. */
export interface ProgressState {
  /** Input bytes read so far. */
  bytes: number;
  /** All the input's bytes, or null when unknown (stdin, or sizes not asked for). */
  total: number | null;
  /** Traces read, or null when the read does not say (readers that only report frame events). */
  traces: number | null;
  elapsedMs: number;
}

const BAR_CELLS = 20;
/** A read shorter than this never shows a bar (it would only flicker). */
const SHOW_AFTER_MS = 1000;
/** How often the bar redraws. */
const REDRAW_MS = 100;
/** stderr's width when the terminal does not say. */
const DEFAULT_COLUMNS = 80;

/**
 * The bar's line for a state, at most `columns - 1` wide (writing the last column makes some
 * terminals wrap, and a wrapped line cannot be erased with `\r`):
 * `reading  42% ████████░░░░░░░░░░░░ 512.0/1219.0 MB · 210 MB/s · 1200 traces · 2 s`, or, with
 * no total, `reading 512.0 MB · 210 MB/s · 1200 traces · 2 s`. Our own text only: no input name.
 */
export function progressLine(state: ProgressState, columns: number): string {
  const { bytes, total, traces, elapsedMs } = state;
  const parts: string[] = [];
  if (total !== null && total > 0) {
    const fraction = Math.min(1, bytes / total);
    const filled = Math.round(fraction * BAR_CELLS);
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    parts.push(`reading ${percent} ${'█'.repeat(filled)}${'░'.repeat(BAR_CELLS - filled)} ${mb(bytes)}/${mb(total)} MB`);
  } else parts.push(`reading ${mb(bytes)} MB`);
  const seconds = elapsedMs / 1000;
  if (seconds > 0) parts.push(`${rate(bytes / 1e6 / seconds)} MB/s`);
  if (traces !== null) parts.push(plural(traces, 'trace'));
  parts.push(`${Math.floor(seconds)} s`);
  const line = parts.join(' · ');
  const width = Math.max(0, columns - 1);
  return cut(line, width, NO_MARK);
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function rate(perSecond: number): string {
  return perSecond < 10 ? perSecond.toFixed(1) : perSecond.toFixed(0);
}

/** `\r` to the line's start, then erase the line: how a redraw and a clear begin. */
export const ERASE_LINE = '\r\u001b[2K';

/** Where and when the bar draws; tests give a fake clock and a string sink. */
export interface BarOptions {
  write: (text: string) => void;
  now: () => number;
  /** The terminal's width now (it may be resized while reading). */
  columns: () => number;
  /** The input's size, if known at the start (see `setTotal`). */
  total: number | null;
  /** A total at least this big shows the bar at once (default 64 MB). */
  bigBytes?: number;
  /** Otherwise the bar shows once the read has lasted this long (default 1 s). */
  delayMs?: number;
  /** At most one redraw per this many ms (default 100: ten a second). */
  intervalMs?: number;
}

/**
 * A one-line progress bar: drawn with `\r` + erase-line so it stays on one line, only once the
 * input is big or the read is slow (a quick run never flickers), redrawn at most ten times a
 * second, erased before anything else is written to the terminal and at the end.
 */
export class ProgressBar {
  private readonly start: number;
  private readonly bigBytes: number;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private bytes = 0;
  private total: number | null;
  private traces: number | null = null;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private stopped = false;

  constructor(private readonly options: BarOptions) {
    this.start = options.now();
    this.total = options.total;
    this.bigBytes = options.bigBytes ?? 64e6;
    this.delayMs = options.delayMs ?? SHOW_AFTER_MS;
    this.intervalMs = options.intervalMs ?? REDRAW_MS;
  }

  /** New counts; redraws if the bar is due. */
  update(bytes: number, traces: number | null): void {
    this.bytes = bytes;
    this.traces = traces;
    this.tick();
  }

  /** The input's size, once known (the sizes of a directory's files are summed while it is read). */
  setTotal(total: number | null): void {
    this.total = total;
  }

  /** Redraws if due (a timer calls this, so the time and rate move while one big record is read). */
  tick(): void {
    if (this.stopped) return;
    const now = this.options.now();
    const elapsedMs = now - this.start;
    const { total } = this;
    if (!(total !== null && total >= this.bigBytes) && elapsedMs < this.delayMs) return;
    if (now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    this.drawn = true;
    this.options.write(ERASE_LINE + progressLine({ bytes: this.bytes, total, traces: this.traces, elapsedMs }, this.options.columns()));
  }

  /** Erases the bar if it is on screen (before another line is written); the next tick redraws it. */
  clear(): void {
    if (!this.drawn) return;
    this.options.write(ERASE_LINE);
    this.drawn = false;
    this.lastDraw = Number.NEGATIVE_INFINITY;
  }

  /** Erases the bar for good. */
  stop(): void {
    this.clear();
    this.stopped = true;
  }
}

/**
 * Bytes and traces read, from the events every reader yields: a source's bytes count once it
 * ends; within a source, the end of the last record seen. (Offsets count unpacked bytes: for a
 * `.gz` that is more than its size on disk.) Once a reader reports the bytes it reads itself
 * (`addBytes`, from the `onRead` hook: raw bytes, what a total from file sizes counts), those are
 * counted instead. Traces count from the events, or from `addTrace` (the `onTrace` hook of a
 * reader whose traces the command does not see).
 */
export class ReadCounter {
  private finished = 0;
  private inSource = 0;
  private raw: number | null = null;
  /** Null until a trace is seen: readers that report frame events only cannot say. */
  traces: number | null = null;

  /** Takes any event of a read (frame, summary or trace). */
  add(event: FrameEvent | SummaryEvent | TraceEvent): void {
    switch (event.type) {
      case 'summary':
      case 'trace':
        this.traces = (this.traces ?? 0) + 1;
        this.reached(event.provenance.offset + event.provenance.length);
        break;
      case 'rejected':
        this.reached(event.rejection.provenance.offset + event.rejection.provenance.length);
        break;
      case 'source-start':
        this.inSource = 0;
        break;
      case 'source-end':
        this.finished += event.bytes;
        this.inSource = 0;
        break;
      case 'note':
        break;
    }
  }

  /** Bytes read from the inputs as they are on disk or on stdin, as the reader reads them. */
  addBytes(bytes: number): void {
    this.raw = (this.raw ?? 0) + bytes;
  }

  /** One more trace read. */
  addTrace(): void {
    this.traces = (this.traces ?? 0) + 1;
  }

  /** Bytes read so far. */
  get bytes(): number {
    return this.raw ?? this.finished + this.inSource;
  }

  private reached(end: number): void {
    if (end > this.inSource) this.inSource = end;
  }
}

/** A read's progress: counts events, drives the bar. A no-op when there is no bar. */
export interface ReadProgress {
  /** False for the no-op: nothing is drawn, so a reader need not report anything (nor the inputs be sized). */
  readonly running: boolean;
  /** Give it every event of the read. */
  add(event: FrameEvent | SummaryEvent | TraceEvent): void;
  /** Give it the raw bytes the reader reads (its `onRead` hook; see `ReadCounter`). */
  addBytes(bytes: number): void;
  /** Give it each trace read, where the events do not carry them (a reader's `onTrace` hook). */
  addTrace(): void;
  /** The input's size in bytes, once known: the bar then shows a percentage. */
  setTotal(total: number | null): void;
}

interface Active {
  bar: ProgressBar;
  timer: NodeJS.Timeout;
  progress: ReadProgress;
}

/** The bar on stderr, if one is running: one process, one stderr, one bar. */
let active: Active | null = null;

/** `--progress` / `--no-progress`, as main.ts parsed it (a global option). */
let progressFlag: boolean | undefined;

/** Records the global `--progress` / `--no-progress` flag (main.ts, before any command runs). */
export function setProgressFlag(flag: boolean | undefined): void {
  progressFlag = flag;
}

const NO_PROGRESS: ReadProgress = {
  running: false,
  add: () => undefined,
  addBytes: () => undefined,
  addTrace: () => undefined,
  setTotal: () => undefined,
};

/**
 * Starts the progress of a read on stderr when {@link progressWanted} allows it, and returns
 * what to feed the read's events to. `total` is the input's size in bytes when known.
 */
export function startProgress(total: number | null = null): ReadProgress {
  stopProgress();
  // `--quiet` keeps stderr for errors: no bar either.
  if (!notesWanted() || !progressWanted({ flag: progressFlag, env: process.env, stream: process.stderr })) return NO_PROGRESS;
  const bar = new ProgressBar({
    write: (text) => process.stderr.write(text),
    now: () => performance.now(),
    columns: () => process.stderr.columns || DEFAULT_COLUMNS,
    total,
  });
  // The timer only redraws: it must not keep a finished process alive.
  const timer = setInterval(() => bar.tick(), REDRAW_MS).unref();
  const counter = new ReadCounter();
  const progress: ReadProgress = {
    running: true,
    add: (event) => {
      counter.add(event);
      bar.update(counter.bytes, counter.traces);
    },
    addBytes: (bytes) => {
      counter.addBytes(bytes);
      bar.update(counter.bytes, counter.traces);
    },
    addTrace: () => {
      counter.addTrace();
      bar.update(counter.bytes, counter.traces);
    },
    setTotal: (total) => bar.setTotal(total),
  };
  active = { bar, timer, progress };
  return progress;
}

/**
 * The progress of the read under way (the one `ProblemReporter` started for a command), or the
 * no-op when no bar runs: how a command hands the reader's hooks to the bar it did not start.
 */
export function runningProgress(): ReadProgress {
  return active?.progress ?? NO_PROGRESS;
}

/** Erases the bar for good (the read is over, or the command failed). */
export function stopProgress(): void {
  if (active === null) return;
  clearInterval(active.timer);
  active.bar.stop();
  active = null;
}

/** Writes to stderr, erasing the bar first so a line never lands in the middle of it. */
export function writeErr(text: string): void {
  active?.bar.clear();
  process.stderr.write(text);
}

/**
 * Writes a note or a warning to stderr (something the run did or skipped, not an error): as
 * {@link writeErr}, but not under `--quiet`, which keeps stderr for errors.
 */
export function writeNote(text: string): void {
  if (notesWanted()) writeErr(text);
}

/**
 * Called before output goes to stdout: when stdout is the terminal too, the bar stops for good,
 * since output and bar on one screen would overwrite each other. (Output to a file or a pipe
 * leaves the bar running.)
 */
export function beforeStdout(): void {
  if (process.stdout.isTTY === true) stopProgress();
}
