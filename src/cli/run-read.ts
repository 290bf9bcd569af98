import { availableParallelism } from 'node:os';
import type { Argv } from 'yargs';
import type { FilteredOptions } from '../engine/read/filtered.js';
import type { SummaryEvent } from '../engine/read/read-events.js';
import { escapeInvisible, safeLines, safeText } from '../shared/escape/terminal.js';
import { where } from '../report/validate/validate.js';
import { readSummaries, type SummaryOptions } from '../engine/read/read-summaries.js';
import { internalEvent } from '../engine/read/guard.js';
import { inputBytes, type OpenOptions } from '../ingest/sources.js';
import { AtomicFileWriter } from '../ingest/text-file.js';
import { BINARY_FORMATS } from '../report/format.js';
import { CliError } from './errors.js';
import type { ParallelOptions } from '../engine/read/trace-task.js';
import { verbosity } from './output-options.js';
import { OutcomeCounter, type ReadOutcome } from '../engine/outcome.js';
import { beforeStdout, runningProgress, startProgress, stopProgress, writeErr, writeNote, type ReadProgress } from './progress.js';

/**
 * yargs drops a bare `-` from positional lists, so main.ts swaps it for this token (a NUL byte
 * cannot occur in a path) and it is swapped back here.
 */
export const STDIN_ARG = '\u0000stdin';

/** Options every reading command shares. */
export interface ReadArgs {
  inputs: string[];
  format: string;
  jobs?: number | undefined;
  'max-record-mb'?: number | undefined;
}

/** Declares the positional inputs and the options every reading command shares; `formats` are the command's registry's. */
export function readingOptions<T, F extends string>(y: Argv<T>, formats: readonly F[]) {
  return inputsPositional(y).option('format', { choices: formats, default: formats[0]!, describe: 'output format' }).option('jobs', {
    type: 'number',
    describe: 'worker threads (default: 1 on up to 2 cores, else one per core up to 4); big JSON Lines files are read by ranges in parallel',
  });
}

/**
 * Worker threads by default: none on one or two cores, else one per core, at most four.
 * A big JSON Lines file is read as line ranges by the workers; other inputs are cut by the main
 * thread and their records handed to workers only when the main thread keeps a core of its own.
 * Measured on two cores and a 1 GB export: one thread 2.3 s and 140 MB peak; `--jobs 2` 1.8 s and
 * 200-235 MB (three V8 heaps). The default keeps the smaller footprint there.
 */
export function defaultJobs(): number {
  const cores = availableParallelism();
  return cores <= FEW_CORES ? 1 : Math.min(MAX_DEFAULT_JOBS, cores);
}

/** Up to this many cores, one thread by default (a worker's heap costs more than it saves there). */
const FEW_CORES = 2;
/** Worker threads by default at most: beyond four, reading waits on the disk and JSON.parse, not on threads. */
const MAX_DEFAULT_JOBS = 4;

/** `--jobs` and `--worker-threshold-mb` as `analyze`, `report` and `sessions` take them. */
export interface ParallelArgs {
  jobs?: number | undefined;
  'worker-threshold-mb'?: number | undefined;
}

/**
 * Declares `--jobs` for a command whose per-trace stage (parse, normalize, digest, facts, trace
 * rules) runs in worker threads, and the hidden `--worker-threshold-mb` (tests use 0 to reach the
 * workers with small files).
 */
export function parallelOptions<T>(y: Argv<T>) {
  return y
    .option('jobs', {
      type: 'number',
      describe: 'worker threads for the per-trace stage (parse, digest, facts, trace rules); the output is the same for any number (default: 1 on up to 2 cores, else one per core up to 4)',
    })
    .option('worker-threshold-mb', { type: 'number', describe: 'with --jobs > 1, workers start after this many MB (default 4; JSON Lines files from 16 MB are read by ranges)', hidden: true });
}

/** What the engine takes of `--jobs`: the threads, the threshold, and the note a run that stays on one thread gives with --verbose. */
export function parallelism(args: ParallelArgs): ParallelOptions {
  const mb = args['worker-threshold-mb'];
  return {
    jobs: args.jobs ?? defaultJobs(),
    ...(mb === undefined ? {} : { workerThresholdBytes: Math.max(0, Math.round(mb * 1e6)) }),
    onSingleThread: (reason) => {
      if (verbosity() === 'verbose') writeNote(`tracetriage: --jobs ${args.jobs ?? defaultJobs()}: one thread: ${safeText(reason)}\n`);
    },
  };
}

function batchJobs(jobs: number): number {
  return availableParallelism() > jobs ? jobs : 1;
}

/** The positional inputs (and the hidden `--max-record-mb`) of every command that reads traces. */
/** What every reading command's inputs may be. */
export const INPUTS_DESCRIPTION =
  'files, directories, .gz, .tar(.gz), MLflow stores (mlflow.db, sqlite:///mlflow.db, mlruns/), or - for stdin; MLflow exports, or OTLP/JSON, OpenTelemetry console, Jaeger, Zipkin, Langfuse files';

export function inputsPositional<T>(y: Argv<T>) {
  return maxRecordOption(y).positional('inputs', {
    type: 'string',
    array: true,
    demandOption: true,
    default: undefined,
    describe: INPUTS_DESCRIPTION,
  });
}

/**
 * The options every reading command has: the store's experiments to read (named as MLflow's own
 * CLI names them), and the hidden `--max-record-mb` (tests use it to reach the oversized path).
 */
export function maxRecordOption<T>(y: Argv<T>) {
  return y
    .option('experiment-id', {
      type: 'string',
      array: true,
      describe: 'in an MLflow store (mlflow.db, mlruns/), read only this experiment (repeat for more); default: every active one',
    })
    .option('experiment-name', { type: 'string', array: true, describe: 'in an MLflow store, read only the experiment of this name (repeat for more)' })
    .option('max-record-mb', {
      type: 'number',
      describe: 'records larger than this are parsed span by span (default 268; 33.5 for the commands that never print a record, which keep its long strings in a temporary file)',
      hidden: true,
    });
}

/** What every reading command passes on: scanner options from `--max-record-mb`, the experiments to read from a store. */
export function scannerOptions(args: { 'max-record-mb'?: number | undefined; 'experiment-id'?: Array<string | number> | undefined; 'experiment-name'?: Array<string | number> | undefined }): {
  scanner?: { maxRecordBytes: number };
  experimentIds?: string[];
  experimentNames?: string[];
} {
  const mb = args['max-record-mb'];
  const ids = args['experiment-id']?.map(String);
  const names = args['experiment-name']?.map(String);
  return {
    ...(mb === undefined ? {} : { scanner: { maxRecordBytes: Math.max(1, Math.round(mb * 1e6)) } }),
    ...(ids !== undefined && ids.length > 0 ? { experimentIds: ids } : {}),
    ...(names !== undefined && names.length > 0 ? { experimentNames: names } : {}),
  };
}

/** The inputs as the engine names them (`-` for stdin). */
export function inputsOf(inputs: readonly string[]): string[] {
  return inputs.map((input) => (input === STDIN_ARG ? '-' : input));
}

/**
 * The reader's `onRead` hook for the progress bar, and the inputs' total size handed to the bar
 * once known. The sizes are summed while the read runs (a directory of many files is not stat'ed
 * before the first byte is read); without a bar there is neither hook nor sizing, so a read into
 * a pipe costs nothing more. `progress` is the read's: by default the one running (started by
 * the command's `ProblemReporter`).
 */
export function readProgressHooks(inputs: readonly string[], progress: ReadProgress = runningProgress()): Pick<OpenOptions, 'onRead'> {
  if (!progress.running) return {};
  void inputBytes(inputs).then((total) => progress.setTotal(total));
  return { onRead: progress.addBytes };
}

/** {@link readProgressHooks}, and the `onTrace` hook, for a read through `filteredTraces`. */
export function traceProgressHooks(inputs: readonly string[], progress: ReadProgress = runningProgress()): Pick<FilteredOptions, 'onRead' | 'onTrace'> {
  if (!progress.running) return {};
  return { ...readProgressHooks(inputs, progress), onTrace: progress.addTrace };
}

/**
 * Feeds every summary event of the inputs to `consume`, with a progress bar on stderr for a big
 * or slow read on a terminal (a percentage once the inputs' size is known); stdin is the only
 * process stream read. A summary `consume` throws on becomes that trace's `internal` rejection.
 * Returns what the read came to, for the exit status.
 */
export async function forEachSummary(args: ReadArgs, consume: (event: SummaryEvent) => void, say: { listsRejections?: boolean } = {}): Promise<ReadOutcome> {
  const counter = new OutcomeCounter();
  const jobs = args.jobs ?? defaultJobs();
  const inputs = inputsOf(args.inputs);
  const progress = startProgress();
  const options: SummaryOptions = { stdin: process.stdin, jobs, batchJobs: batchJobs(jobs), ...scannerOptions(args), ...readProgressHooks(inputs, progress) };
  try {
    for await (const event of readSummaries(inputs, options)) {
      progress.add(event);
      // An input that cannot be read is also said on stderr, where a person or a script looks first.
      if (event.type === 'note' && (event.note.kind === 'read-error' || event.note.kind === 'unsupported')) {
        writeErr(`tracetriage: ${safeText(event.note.source)}: ${safeText(event.note.message)}\n`);
      }
      // So is an internal error (a bug to report), unless the command lists every rejection itself;
      // its stack only with --debug.
      if (event.type === 'rejected' && event.rejection.code === 'internal') {
        const r = event.rejection;
        if (say.listsRejections !== true) writeErr(`tracetriage: ${where(r.provenance)}: ${safeText(r.message)} [internal]\n`);
        if (r.stack !== undefined && process.argv.includes('--debug')) writeErr(`${safeLines(r.stack)}\n`);
      }
      take(event);
    }
  } finally {
    stopProgress();
  }
  return counter.outcome;

  function take(event: SummaryEvent): void {
    try {
      consume(event);
      counter.add(event);
    } catch (error) {
      // A summary the command cannot take is that trace's `internal` rejection, not the run's end.
      if (event.type !== 'summary') throw error;
      take(internalEvent(event.provenance, 'summary', error));
    }
  }
}

/**
 * Writes text to stdout, waiting for the pipe to drain (large outputs, `| head`). Invisible and
 * C1 characters a JSON output carries from trace content are written as `\uXXXX` (the same JSON
 * value; see `escapeInvisible`), so nothing any command prints can reorder or drive a terminal.
 * Bytes (a binary format: Parquet) are written as they are; {@link refuseBinaryToTerminal} keeps
 * them off a terminal. On a terminal the progress bar stops first: output and bar would overwrite
 * each other.
 */
export function writeOut(chunk: string | Uint8Array): Promise<void> {
  const data = typeof chunk === 'string' ? escapeInvisible(chunk) : chunk;
  if (outputFile !== null) return outputFile.write(data);
  beforeStdout();
  return new Promise((resolve, reject) => {
    process.stdout.write(data, (error) => (error ? reject(error) : resolve()));
  });
}

/** Text gathered before one write by {@link writeAll}: few system calls, and output still flows. */
const WRITE_ALL_CHARS = 64 << 10;

/**
 * Writes a formatter's chunks with {@link writeOut}, joining small text chunks into writes of
 * about {@link WRITE_ALL_CHARS} characters: a formatter yields a line or a finding at a time, and
 * one system call per chunk cost a large output more than making it.
 */
export async function writeAll(chunks: Iterable<string | Uint8Array>): Promise<void> {
  let held: string[] = [];
  let heldChars = 0;
  const flush = async (): Promise<void> => {
    if (held.length === 0) return;
    const text = held.length === 1 ? held[0]! : held.join('');
    held = [];
    heldChars = 0;
    await writeOut(text);
  };
  for (const chunk of chunks) {
    if (typeof chunk !== 'string') {
      await flush();
      await writeOut(chunk);
      continue;
    }
    held.push(chunk);
    heldChars += chunk.length;
    if (heldChars >= WRITE_ALL_CHARS) await flush();
  }
  await flush();
}

/** Refuses a binary format (Parquet) bound for a terminal, before any input is read: exit 2 with what to do instead. */
export function refuseBinaryToTerminal(format: string): void {
  if (!BINARY_FORMATS.has(format) || outputFile !== null || process.stdout.isTTY !== true) return;
  throw new CliError(`--format ${format} writes a binary file: name it with -o/--output-file <file> (or redirect stdout to a file)`, 'usage');
}

/** `-o/--output-file`: where the output goes instead of stdout, written whole at the end. */
let outputFile: AtomicFileWriter | null = null;

/** An output file as given: none for `-` (stdout, as `-o -` means to curl, tar and the rest) or an empty name. */
export function outputPath(path: string | undefined): string | undefined {
  return path === undefined || path === '' || path === STDIN_ARG ? undefined : path;
}

/** Sends every later `writeOut` to `path` (see {@link AtomicFileWriter}); `-` is stdout. */
export function setOutputFile(path: string | undefined): void {
  const file = outputPath(path);
  outputFile = file === undefined ? null : new AtomicFileWriter(file);
}

/** Whether the output goes to a file (then it is never coloured unless --color says so). */
export function outputToFile(): boolean {
  return outputFile !== null;
}

/** Puts the output file in place at the end of a run: its path and size, or null if none was written. */
export async function commitOutput(): Promise<{ path: string; bytes: number } | null> {
  const file = outputFile;
  outputFile = null;
  if (file === null) return null;
  try {
    return (await file.commit()) ? { path: file.path, bytes: file.bytes } : null;
  } catch (error) {
    throw new CliError(`cannot write ${safeText(file.path)}: ${safeText((error as Error).message)}`, 'output');
  }
}

/** Drops the output file of a run that failed: nothing half-written is left. */
export async function abortOutput(): Promise<void> {
  const file = outputFile;
  outputFile = null;
  await file?.abort();
}
