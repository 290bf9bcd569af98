import type { CommandModule } from 'yargs';
import { nextPageToken, pageStart } from '../../engine/search/page-token.js';
import { faultPoint, internalEvent } from '../../engine/read/guard.js';
import { searchTraces } from '../../engine/search/search.js';
import { parseExtractFields } from '../../query/extract-fields.js';
import { HitPrinter } from '../../query/hit-text.js';
import { parseOrderBy } from '../../query/order-by.js';
import { SEARCH_FORMAT_NAMES, SEARCH_FORMATS, type HitGuard, type SearchFormat } from '../../report/search/formats.js';
import { safeText } from '../../shared/escape/terminal.js';
import { textOptions } from '../color.js';
import { filterOption } from '../filter-option.js';
import { ProblemReporter } from '../problems.js';
import { stopProgress, writeNote } from '../progress.js';
import { inputsOf, inputsPositional, readProgressHooks, scannerOptions, writeAll } from '../run-read.js';

interface Args {
  inputs: string[];
  'filter-string'?: string | undefined;
  'order-by'?: string[] | undefined;
  'max-results': number;
  'page-token'?: string | undefined;
  'extract-fields'?: string | undefined;
  'include-spans': boolean;
  output: SearchFormat;
  'experiment-id'?: string[] | undefined;
  'run-id'?: string | undefined;
  'model-id'?: string | undefined;
  'max-record-mb'?: number | undefined;
}

/** `tracetriage search <inputs..>`: the offline twin of `mlflow traces search`. */
export const searchCommand: CommandModule<object, Args> = {
  command: 'search <inputs..>',
  describe: 'Find traces with MLflow filter strings, order them, page them; prints what `mlflow traces search` prints',
  builder: (y) =>
    inputsPositional(y)
      .option('filter-string', {
        type: 'string',
        describe: `MLflow 3.6 filter, AND only, e.g. 'metadata.\`mlflow.trace.session\` = "abc" AND status = "ERROR"' (single quotes outside: bash runs \`...\` in double quotes; docs/search-filters.md)`,
      })
      .option('order-by', { type: 'string', array: true, describe: "comma-separated keys with ASC/DESC, e.g. 'timestamp_ms ASC' (default timestamp_ms DESC, then request_id)" })
      .option('max-results', { type: 'number', default: 100, describe: 'traces per page, as MLflow (default 100)' })
      .option('page-token', { type: 'string', describe: 'resume where the previous page stopped (the token it printed)' })
      .option('extract-fields', { type: 'string', describe: "comma-separated dot paths, `backticks` around dotted keys, * over lists: 'info.trace_id,data.spans.*.name'" })
      .option('include-spans', { type: 'boolean', default: true, describe: 'print spans (--no-include-spans prints "spans": [])' })
      .option('output', {
        alias: 'format',
        choices: SEARCH_FORMAT_NAMES,
        default: 'table' as const,
        describe: "table (as MLflow), json (MLflow's exact shape), jsonl (one trace per line); --format says the same, as on every other command",
      })
      .option('experiment-id', { alias: 'x', type: 'string', array: true, describe: 'keep traces of these experiments (where the trace names one)' })
      .option('run-id', { type: 'string', describe: 'keep traces of this run (metadata mlflow.sourceRun, where present)' })
      .option('model-id', { type: 'string', describe: 'keep traces of this model (metadata mlflow.modelId, where present)' })
      .option('sql-warehouse-id', { type: 'string', hidden: true, describe: 'accepted for MLflow compatibility; has no meaning offline' })
      .option('verbose', { type: 'boolean', hidden: true, describe: 'accepted for MLflow compatibility (use --debug)' })
      .check((argv) => {
        const max = argv['max-results'];
        if (!Number.isSafeInteger(max) || max < 1) throw new Error(`--max-results must be a whole number of at least 1, got ${String(max)}`);
        return true;
      })
      .example(
        `$0 search samples/ --filter-string 'metadata.\`mlflow.trace.session\` = "sess-refund-7f3a"' --order-by 'timestamp_ms ASC' --output json`,
        'one session, oldest turn first, as MLflow prints it',
      )
      .example("$0 search <dumps/> --filter-string \"status = 'ERROR'\" --extract-fields 'info.trace_id,info.request_time'", 'failed traces of a whole directory, two fields each')
      .example("$0 search <export.json> --filter-string \"span.type = 'RETRIEVER' AND feedback.correctness = 'false'\"", 'wrong answers that used a retriever'),
  handler: async (args) => {
    const inputs = inputsOf(args.inputs);
    const filterText = args['filter-string'] ?? '';
    const filter = await filterOption(filterText);
    const orderClauses = args['order-by'] ?? [];
    const order = parseOrderBy(orderClauses);
    const fields = args['extract-fields'] !== undefined ? parseExtractFields(args['extract-fields']) : null;
    const experimentIds = (args['experiment-id'] ?? [])
      .flatMap((x) => x.split(','))
      .map((x) => x.trim())
      .filter(Boolean);
    const { scope, offset } = pageStart({ inputs, filter: filterText, order: orderClauses, experimentIds, runId: args['run-id'] ?? null, pageToken: args['page-token'] });

    const problems = new ProblemReporter();
    const result = await searchTraces(inputs, {
      stdin: process.stdin,
      ...scannerOptions(args),
      ...readProgressHooks(inputs),
      filter,
      order,
      maxResults: args['max-results'],
      offset,
      experimentIds,
      runId: args['run-id'] ?? null,
      modelId: args['model-id'] ?? null,
      onEvent: problems.onEvent,
    });
    stopProgress();
    const token = nextPageToken(result.nextOffset, scope);
    for (const p of result.unprintable) {
      writeNote(`tracetriage: ${safeText(p.source)}:${p.line} record ${p.index}: matches, but is too big to print from its text; left out\n`);
    }

    problems.addTraces(result.records - result.rejected);
    const printer = new HitPrinter(fields, args['include-spans']);
    // Each hit is printed under the guard: one that breaks the printer is that trace's `internal`
    // rejection (with its provenance) and the page goes on without it.
    const guard: HitGuard = {
      probe: (traceId) => faultPoint('render', traceId),
      failed: (hit, error) => problems.onEvent(internalEvent(hit.provenance, 'render', error)),
    };
    const view = { hits: result.hits, printer, nextPageToken: token };
    await writeAll(SEARCH_FORMATS[args.output](view, { ...textOptions(), guard }));
    // jsonl has no place for the token in its output: it is said on stderr.
    if (args.output === 'jsonl' && token !== null) writeNote(`tracetriage: more traces: --page-token ${token}\n`);
    // Said on stderr, where MLflow would abort: a field no printed trace has.
    if (result.hits.length > 0) {
      for (const field of printer.unmatched()) writeNote(`tracetriage: --extract-fields: ${safeText(field.text)} matched nothing in the ${result.hits.length} trace(s) printed\n`);
    }
    problems.finish();
    problems.close();
  },
};
