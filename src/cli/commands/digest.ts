import type { CommandModule } from 'yargs';
import { digestInputs } from '../../engine/scale/digest.js';
import { DEFAULT_BUCKETS, MAX_BUCKETS, SCALE_FORMAT, type DigestLine } from '../../engine/scale/lines.js';
import { ParquetRowGroups } from '../../report/parquet/writer.js';
import { DIGEST_COLUMNS, digestRow } from '../../report/scale/digest-parquet.js';
import { analysisReading, ruleOption } from '../analysis-options.js';
import { configOption, loadConfig } from '../config.js';
import { CliError } from '../errors.js';
import { linesOf } from '../line-input.js';
import { ProblemReporter } from '../problems.js';
import { inputsOf, maxRecordOption, INPUTS_DESCRIPTION, refuseBinaryToTerminal, writeOut } from '../run-read.js';
import { LineWriter } from '../scale-output.js';
import { missingInputs } from '../id-inputs.js';

/** What `digest` writes. */
const DIGEST_FORMATS = ['jsonl', 'parquet'] as const;

/** Digest lines as Parquet rows (`report/scale/digest-parquet.ts`), each finished row group written as it closes. */
class ParquetOut {
  private readonly groups = new ParquetRowGroups(DIGEST_COLUMNS, { metadata: [{ key: 'tracetriage.digest.format', value: String(SCALE_FORMAT) }] });

  async write(line: DigestLine): Promise<void> {
    const bytes = this.groups.add(digestRow(line));
    if (bytes !== null) await writeOut(bytes);
  }

  async end(): Promise<void> {
    await writeOut(this.groups.end());
  }
}

/** `--rule` of the scale-out steps. */
export const RULE_DESCRIPTION = 'run only this rule (repeat, or separate ids with commas); digest, reduce and merge must be given the same';

interface Args {
  inputs?: string[] | undefined;
  'paths-from'?: string | undefined;
  buckets: number;
  task: number;
  format: (typeof DIGEST_FORMATS)[number];
  rule?: string[] | undefined;
  session?: string[] | undefined;
  'filter-string'?: string | undefined;
  config?: string | boolean | undefined;
  'max-record-mb'?: number | undefined;
}

/** `tracetriage digest <inputs..>`: the map half of analyze, for an engine to run on parts of the inputs (docs/scale-out.md). */
export const digestCommand: CommandModule<object, Args> = {
  command: 'digest [inputs..]',
  describe:
    'Scale-out, step 1 of 3 (docs/scale-out.md): read traces and write one JSON line per trace (its digest, facts and trace-rule findings) with a bucket from its session id, then lines about the whole input (bucket -1); an engine sorts them by bucket and session for reduce',
  builder: (y) =>
    configOption(ruleOption(maxRecordOption(y), RULE_DESCRIPTION))
      .positional('inputs', { type: 'string', array: true, describe: INPUTS_DESCRIPTION })
      .option('paths-from', { type: 'string', describe: 'read the inputs from this file, one path per line (- for stdin): how an engine hands a task its files' })
      .option('buckets', {
        type: 'number',
        default: DEFAULT_BUCKETS,
        describe: `buckets the sessions are spread over (1 to ${MAX_BUCKETS}); every digest task of a run must use the same number`,
      })
      .option('format', {
        choices: DIGEST_FORMATS,
        default: 'jsonl' as const,
        describe:
          'jsonl: what reduce reads; parquet: the same lines in the column line, beside typed columns bucket, session, time, kind, trace_id to route and sort by (needs -o or a redirect; docs/scale-out.md)',
      })
      .option('task', {
        type: 'number',
        default: 0,
        describe: "this task's number, in the order of the inputs over the tasks of a run: of two copies of a trace, the one of the lower task stands (as the first read does in analyze)",
      })
      .option('session', { type: 'string', describe: 'only this session (repeat for more; ids matched exactly)', coerce: (v: string | string[]) => [v].flat().map(String) })
      .option('filter-string', { type: 'string', describe: 'MLflow filter applied to traces first (docs/search-filters.md)' })
      .example('$0 digest samples/ > digests.jsonl', 'the digest lines of the samples')
      .example('ls <dumps/>*.jsonl | $0 digest --paths-from - -o part-0.jsonl', 'what a task of an engine runs on its share of the files')
      .example('$0 digest samples/ --format parquet -o digests.parquet', 'the same lines in a Parquet table, with typed columns to route and sort by'),
  handler: async (args) => {
    if (!Number.isInteger(args.buckets) || args.buckets < 1 || args.buckets > MAX_BUCKETS)
      throw new CliError(`--buckets: expected an integer from 1 to ${MAX_BUCKETS}, found ${String(args.buckets)}`, 'usage');
    if (!Number.isSafeInteger(args.task) || args.task < 0) throw new CliError(`--task: expected an integer >= 0, found ${String(args.task)}`, 'usage');
    const listed: string[] = [];
    if (args['paths-from'] !== undefined) {
      for await (const { text, source, line } of linesOf(args['paths-from'])) {
        const path = text.trim();
        if (path === '') continue;
        if (/^[a-z][a-z0-9+.-]*:\/\//iu.test(path)) throw new CliError(`${source}:${line}: ${path}: a URL; digest reads local or mounted paths (copy the object, or mount the bucket)`, 'usage');
        listed.push(path);
      }
    }
    const inputs = [...inputsOf(args.inputs ?? []), ...listed];
    if (inputs.length === 0) throw new CliError(args['paths-from'] === undefined ? `${missingInputs('digest')}, or --paths-from` : `${args['paths-from']}: no paths listed`, 'usage');
    refuseBinaryToTerminal(args.format);
    const config = await loadConfig(args.config);
    const problems = new ProblemReporter();
    const out = args.format === 'parquet' ? new ParquetOut() : new LineWriter();
    await digestInputs(
      inputs,
      {
        ...(await analysisReading(args, inputs, problems, config)),
        buckets: args.buckets,
        task: args.task,
      },
      (line) => out.write(line),
    );
    await out.end();
    problems.finish();
    problems.close();
  },
};
