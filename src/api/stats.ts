import { exitVerdict, OutcomeCounter, type ExitVerdict } from '../engine/outcome.js';
import type { SummaryEvent } from '../engine/read-events.js';
import { StatsCollector, type StatsReport } from '../engine/stats.js';
import { readSummaries } from '../engine/summaries.js';
import { ValidateCollector, type ValidateResult } from '../engine/validate.js';
import { statsText } from '../report/stats.js';
import { validateJson, validateText } from '../report/validate.js';
import { joined, styleOf, type FormatOptions } from './output.js';
import { engineRead, type Input, type ReadingOptions } from './read.js';

/** Options of {@link stats} and {@link validate}. */
export interface SummaryReadOptions extends ReadingOptions {
  /** Worker threads; big JSON Lines files are read by ranges in parallel. Default 1 (this thread only). */
  jobs?: number;
}

/** Reads every summary of the inputs into `consume`; the read's exit verdict. */
async function eachSummary(inputs: Input | readonly Input[], options: SummaryReadOptions, consume: (event: SummaryEvent) => void): Promise<ExitVerdict> {
  const read = engineRead(inputs, options);
  const counter = new OutcomeCounter();
  const jobs = options.jobs ?? 1;
  for await (const event of readSummaries(read.inputs, { ...read.options, jobs, batchJobs: 1 })) {
    if (event.type !== 'summary') options.onEvent?.(event);
    consume(event);
    counter.add(event);
  }
  return exitVerdict(counter.outcome);
}

/** `stats`' counts, and the status the CLI would exit with. */
export interface Stats extends StatsReport {
  exit: ExitVerdict;
}

/** Counts traces, spans, sessions, formats, errors and assessments per source and in total, as `tracetriage stats` does. */
export async function stats(inputs: Input | readonly Input[], options: SummaryReadOptions = {}): Promise<Stats> {
  const collector = new StatsCollector();
  const exit = await eachSummary(inputs, options, (event) => collector.add(event));
  return { ...collector.report(), exit };
}

/** Counts as `stats --format <format>` prints them. */
export function formatStats(report: Stats, format: 'text' | 'json', options: FormatOptions = {}): string {
  if (format === 'text') return joined([statsText(report, styleOf(options))]);
  const { exit: _exit, ...counts } = report;
  return joined([JSON.stringify(counts, null, 2) + '\n']);
}

/** `validate`'s result, and the status the CLI would exit with. */
export interface Validation extends ValidateResult {
  exit: ExitVerdict;
}

/** Checks every record, as `tracetriage validate` does: each rejected one with file, line, record, byte offset, JSON path and reason. */
export async function validate(inputs: Input | readonly Input[], options: SummaryReadOptions = {}): Promise<Validation> {
  const collector = new ValidateCollector();
  const exit = await eachSummary(inputs, options, (event) => collector.add(event));
  return { ...collector.done(), exit };
}

/** Options of {@link formatValidate}. */
export interface ValidateFormatOptions {
  /** List trace warnings (orphan spans, cycles, NaN tokens…) in the text form; default true. */
  warnings?: boolean;
  /** Columns the text may take (long lines wrap); default 0, no limit. */
  width?: number;
}

/** A validation as `validate --format <format>` prints it. */
export function formatValidate(result: Validation, format: 'text' | 'json', options: ValidateFormatOptions = {}): string {
  if (format === 'json') return joined([JSON.stringify(validateJson(result, result.exit.code), null, 2) + '\n']);
  return joined([validateText(result, { warnings: options.warnings ?? true, width: options.width })]);
}
