import { exitVerdict, OutcomeCounter, type ExitVerdict } from '../engine/outcome.js';
import type { SummaryEvent } from '../engine/read/read-events.js';
import { StatsCollector, type StatsReport } from '../engine/stats.js';
import { readSummaries } from '../engine/read/read-summaries.js';
import { ValidateCollector, type ValidateResult } from '../engine/validate.js';
import type { FormatOptions } from '../report/format.js';
import { STATS_FORMATS, type StatsFormat } from '../report/stats/formats.js';
import { VALIDATE_FORMATS, type ValidateFormat, type ValidateFormatOptions } from '../report/validate/formats.js';
import { formatWith } from './output.js';
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
  try {
    const exit = await eachSummary(inputs, options, (event) => collector.add(event));
    return { ...collector.report(), exit };
  } finally {
    collector.close();
  }
}

/** Counts as `stats --format <format>` prints them. */
export function formatStats(report: Stats, format: StatsFormat, options: FormatOptions = {}): string {
  const { exit: _exit, ...counts } = report;
  return formatWith(STATS_FORMATS, counts, format, options);
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

/** Options of {@link formatValidate}: `warnings` lists trace warnings in the text form (default true). */
export type { ValidateFormatOptions };

/** A validation as `validate --format <format>` prints it. */
export function formatValidate(result: Validation, format: ValidateFormat, options: ValidateFormatOptions = {}): string {
  return formatWith(VALIDATE_FORMATS, result, format, options);
}
