import type { CommandModule } from 'yargs';
import { analysisFacts, analysisOutcome } from '../../engine/analyze/view.js';
import { analyzeInputsStreamed } from '../../engine/analyze/analyze.js';
import { exitVerdict } from '../../engine/outcome.js';
import { sarifTool } from '../../engine/analyze/rule-set.js';
import type { AnalyzeReport } from '../../report/analyze/analyze.js';
import { ANALYZE_FORMATS, type AnalyzeFormat } from '../../report/analyze/formats.js';
import { textOptions } from '../color.js';
import { analysisReading, analyzeOutputOptions, type FAIL_ON, ruleOption } from '../analysis-options.js';
import { configOption, loadConfig } from '../config.js';
import { missingHint } from '../exit-code.js';
import { ProblemReporter } from '../problems.js';
import { stopProgress } from '../progress.js';
import { inputsOf, inputsPositional, parallelism, parallelOptions, refuseBinaryToTerminal, writeAll, type ParallelArgs } from '../run-read.js';

interface Args extends ParallelArgs {
  inputs: string[];
  format: AnalyzeFormat;
  'fail-on': (typeof FAIL_ON)[number];
  rule?: string[] | undefined;
  session?: string[] | undefined;
  'filter-string'?: string | undefined;
  config?: string | boolean | undefined;
  'max-record-mb'?: number | undefined;
}

/** `tracetriage analyze <inputs..>`: run the rules over every session; exit 1 at `--fail-on`. */
export const analyzeCommand: CommandModule<object, Args> = {
  command: 'analyze <inputs..>',
  describe:
    'Run the rules over every session: where each conversation went wrong (root-cause turn, the turns that inherited it, the evidence; with or without LLM-judge assessments: without, from errors that were not recovered and clues such as a user pushing back or an outdated document), scorer errors, instrumentation problems',
  builder: (y) =>
    ruleOption(analyzeOutputOptions(configOption(parallelOptions(inputsPositional(y)))), 'run only this rule (repeat, or separate ids with commas; tracetriage rules lists them)')
      .option('session', { type: 'string', describe: 'analyse only this session (repeat for more; ids matched exactly)', coerce: (v: string | string[]) => [v].flat().map(String) })
      .option('filter-string', { type: 'string', describe: 'MLflow filter applied to traces first, e.g. "timestamp_ms > 1731000000000" (docs/search-filters.md)' })
      .example('$0 analyze samples/', 'every session of the samples: the refund session went wrong at turn 3')
      .example('$0 analyze samples/ --verbose', 'every finding with its location and evidence (--quiet: errors only)')
      .example('$0 analyze <export.json> --fail-on warn', 'gate CI: exit 1 on any warning or error')
      .example('$0 analyze samples/ --rule error-propagation --session sess-refund-7f3a --format json', 'one rule, one session, as JSON')
      .example('$0 analyze <export.json> --format junit > tracetriage.xml', 'a JUnit report for the CI server: a test suite per session, a test case per turn')
      .example('$0 analyze <export.json> --format sarif > tracetriage.sarif', 'a SARIF 2.1.0 log for code-scanning tools')
      .example('$0 analyze <export.json> --format parquet -o findings.parquet', 'one row per finding as Parquet, for pandas, DuckDB, Spark'),
  handler: async (args) => {
    refuseBinaryToTerminal(args.format);
    const config = await loadConfig(args.config);
    const inputs = inputsOf(args.inputs);
    const problems = new ProblemReporter();
    // The findings stay in the engine's temporary file while the formatter reads them.
    const command = await analyzeInputsStreamed(inputs, { ...(await analysisReading(args, inputs, problems, config)), ...parallelism(args) }, async (result) => {
      stopProgress();
      const facts = analysisFacts(result, args['fail-on']);
      const command = missingHint(analysisOutcome(result, facts, args.session), 'tracetriage sessions lists them');
      const report: AnalyzeReport = {
        ...facts,
        rejected: problems.rejectedCount,
        config: config.source,
        exit: exitVerdict(problems.outcome, command),
      };
      await writeAll(ANALYZE_FORMATS[args.format](report, { ...textOptions(), tool: sarifTool(report.rules) }));
      return command;
    });
    problems.finish();
    // The text form's summary line states the status already; the others get it on stderr.
    problems.close(command, args.format === 'text');
  },
};
