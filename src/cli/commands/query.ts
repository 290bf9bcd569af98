import type { CommandModule } from 'yargs';
import { filteredTraces, type FilteredOptions } from '../../engine/read/filtered.js';
import { faultPoint, internalEvent } from '../../engine/read/guard.js';
import { compileFilter } from '../../query/filter/compile.js';
import { createJq, type JqOutput, type JqRunner } from '../../query/jq.js';
import { parseQuery } from '../../query/pipeline/parse.js';
import { formatRow } from '../../query/pipeline/run.js';
import type { QueryRow } from '../../query/pipeline/types.js';
import { safeLines, safeText } from '../../shared/escape/terminal.js';
import { CliError } from '../errors.js';
import { ProblemReporter } from '../problems.js';
import { writeErr, writeNote } from '../progress.js';
import { inputsOf, maxRecordOption, scannerOptions, STDIN_ARG, traceProgressHooks, writeOut } from '../run-read.js';

interface Args {
  query: string;
  inputs?: string[] | undefined;
  values: boolean;
  'filter-string'?: string | undefined;
  jq?: string | undefined;
  'max-record-mb'?: number | undefined;
}

/** Traces handed to jq per call (the runner batches again by size). */
const JQ_BATCH = 64;

/** `tracetriage query '<jsonpath> [| stage ...]' <inputs..>`, or `query --jq '<program>' <inputs..>`. */
export const queryCommand: CommandModule<object, Args> = {
  command: 'query <query> [inputs..]',
  describe: 'Select with RFC 9535 JSONPath over each trace, then pick / where / unique / count / group_by / sort_by / limit; or --jq',
  builder: (y) =>
    maxRecordOption(y)
      .positional('query', { type: 'string', demandOption: true, describe: "'<jsonpath> [| stage ...]' (docs/query.md); with --jq, the first input" })
      .positional('inputs', { type: 'string', array: true, describe: 'files, directories, .gz, .tar(.gz), or - for stdin' })
      .option('values', { type: 'boolean', default: false, describe: 'print bare values instead of {"trace_id", "path", "value"}' })
      .option('filter-string', { type: 'string', describe: 'first keep the traces an MLflow filter matches (as in search)' })
      .option('jq', { type: 'string', describe: 'hand each trace to real jq 1.8.2 (wasm) instead; every positional is then an input' })
      .example(`$0 query '$.data.spans[?@.status.code == "STATUS_CODE_ERROR"] | group_by(name) | count' <dumps/>`, 'error span names counted across a whole archive')
      .example(`$0 query '$.info.assessments[*] | where(feedback.value = "false") | pick(assessment_name, rationale)' samples/`, 'failing assessments with their rationale')
      .example(`$0 query --jq '.info.trace_id' <export.json>`, 'the same with jq'),
  handler: async (args) => {
    const positionals = [args.query, ...(args.inputs ?? [])];
    const jqProgram = args.jq;
    const inputs = inputsOf(jqProgram === undefined ? (args.inputs ?? []) : positionals);
    if (inputs.length === 0) throw new CliError('name at least one input (a file, a directory, or - for stdin)', 'usage');
    if (jqProgram === undefined && args.query === STDIN_ARG) throw new CliError("the query comes first: tracetriage query '<jsonpath>' <inputs..>", 'usage');
    const filterText = args['filter-string'] ?? '';
    const problems = new ProblemReporter();
    const options: FilteredOptions = {
      stdin: process.stdin,
      ...scannerOptions(args),
      ...traceProgressHooks(inputs),
      filter: filterText.trim() === '' ? null : compileFilter(filterText),
      onEvent: problems.onEvent,
      onTrace: problems.onTrace,
    };
    if (jqProgram !== undefined) await runJq(await createJq(jqProgram), inputs, options);
    else await runPipeline(args.query, args.values, inputs, options);
    problems.finish();
    problems.close();
  },
};

async function runPipeline(text: string, values: boolean, inputs: readonly string[], options: FilteredOptions): Promise<void> {
  const program = parseQuery(text);
  const run = program.start();
  const print = async (rows: readonly QueryRow[]): Promise<void> => {
    if (rows.length > 0) await writeOut(rows.map((row) => formatRow(row, values) + '\n').join(''));
  };
  for await (const { trace, value, bytes, provenance } of filteredTraces(inputs, options)) {
    let rows: readonly QueryRow[] = [];
    // One trace that breaks the query is that trace's `internal` rejection; the others still run.
    try {
      faultPoint('render', trace.traceId);
      rows = run.pushTrace(trace.traceId, value, bytes);
    } catch (error) {
      options.onEvent?.(internalEvent(provenance, 'render', error));
    }
    await print(rows);
    // A limit reached before any aggregation: nothing more can change the output (leaving the
    // loop closes the reader and its files).
    if (run.done) break;
  }
  await print(run.finish());
  for (const w of run.warnings) writeNote(`tracetriage: ${safeText(w.trace_id)}: ${safeText(w.message)}\n`);
}

async function runJq(jq: JqRunner, inputs: readonly string[], options: FilteredOptions): Promise<void> {
  let batch: Array<{ traceId: string; text: string }> = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const outputs: JqOutput[] = await jq.push(batch.map((b) => b.text));
    const lines: string[] = [];
    for (const out of outputs) {
      if (out.kind === 'value') lines.push(out.json + '\n');
      else if (out.kind === 'stderr') writeErr(safeLines(out.text));
      else writeErr(`tracetriage: jq: trace ${safeText(batch[out.index]?.traceId ?? '?')}: ${safeText(out.message)}\n`);
    }
    if (lines.length > 0) await writeOut(lines.join(''));
    batch = [];
  };
  try {
    for await (const { trace, bytes, value } of filteredTraces(inputs, options)) {
      // The record's own text, so jq sees 19-digit integers as written, not as rounded doubles
      // (a record too big for one string was read span by span: only its parsed value exists).
      batch.push({ traceId: trace.traceId, text: bytes.length > 0 ? bytes.toString('utf8') : JSON.stringify(value) });
      if (batch.length >= JQ_BATCH) await flush();
    }
    await flush();
  } finally {
    jq.close();
  }
}
