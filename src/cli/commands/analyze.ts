import type { CommandModule } from 'yargs';
import { analysisFacts, analysisOutcome } from '../../engine/analyze/view.js';
import { analyzeInputsStreamed } from '../../engine/analyze/analyze.js';
import { exitVerdict } from '../../engine/outcome.js';
import { SEVERITIES } from '../../shared/severity.js';
import { sarifTool } from '../../engine/analyze/rule-set.js';
import type { AnalyzeReport } from '../../report/analyze/analyze.js';
import { ANALYZE_FORMAT_NAMES, ANALYZE_FORMATS, type AnalyzeFormat } from '../../report/analyze/formats.js';
import { textOptions } from '../color.js';
import { analysisOptions } from '../analysis-options.js';
import { configOption, loadConfig } from '../config.js';
import { missingHint } from '../exit-code.js';
import { ProblemReporter } from '../problems.js';
import { stopProgress } from '../progress.js';
import { inputsOf, inputsPositional, parallelism, parallelOptions, scannerOptions, traceProgressHooks, writeOut, type ParallelArgs } from '../run-read.js';

const FAIL_ON = [...SEVERITIES, 'none'] as const;

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
    configOption(parallelOptions(inputsPositional(y)))
      .option('format', {
        choices: ANALYZE_FORMAT_NAMES,
        default: 'text' as const,
        describe: 'text for people, json for machines (schemas/analyze-output.schema.json), junit for CI test reports, sarif for code scanning (docs/ci.md)',
      })
      .option('fail-on', {
        choices: FAIL_ON,
        default: 'error' as const,
        describe: 'exit 1 when a finding is at or above this severity (error > warn > info); none: findings never do (rejected records and a partial dump still exit 1)',
      })
      // Not `array: true`: an array option swallows the inputs after it (`--rule x file.json`).
      .option('rule', {
        type: 'string',
        describe: 'run only this rule (repeat, or separate ids with commas; tracetriage rules lists them)',
        coerce: (v: string | string[]) =>
          [v]
            .flat()
            .flatMap((s) => String(s).split(','))
            .map((s) => s.trim())
            .filter((s) => s !== ''),
      })
      .option('session', { type: 'string', describe: 'analyse only this session (repeat for more; ids matched exactly)', coerce: (v: string | string[]) => [v].flat().map(String) })
      .option('filter-string', { type: 'string', describe: 'MLflow filter applied to traces first, e.g. "timestamp_ms > 1731000000000" (docs/search-filters.md)' })
      .example('$0 analyze samples/', 'every session of the samples: the refund session went wrong at turn 3')
      .example('$0 analyze samples/ --verbose', 'every finding with its location and evidence (--quiet: errors only)')
      .example('$0 analyze <export.json> --fail-on warn', 'gate CI: exit 1 on any warning or error')
      .example('$0 analyze samples/ --rule error-propagation --session sess-refund-7f3a --format json', 'one rule, one session, as JSON')
      .example('$0 analyze <export.json> --format junit > tracetriage.xml', 'a JUnit report for the CI server: a test suite per session, a test case per turn')
      .example('$0 analyze <export.json> --format sarif > tracetriage.sarif', 'a SARIF 2.1.0 log for code-scanning tools'),
  handler: async (args) => {
    const config = await loadConfig(args.config);
    const inputs = inputsOf(args.inputs);
    const problems = new ProblemReporter();
    // The findings stay in the engine's temporary file while the formatter reads them.
    const command = await analyzeInputsStreamed(
      inputs,
      {
        stdin: process.stdin,
        ...scannerOptions(args),
        ...parallelism(args),
        ...traceProgressHooks(inputs),
        onEvent: problems.onEvent,
        onTrace: problems.onTrace,
        ...(await analysisOptions(args, config)),
      },
      async (result) => {
        stopProgress();
        const facts = analysisFacts(result, args['fail-on']);
        const command = missingHint(analysisOutcome(result, facts, args.session), 'tracetriage sessions lists them');
        const report: AnalyzeReport = {
          ...facts,
          rejected: problems.rejectedCount,
          config: config.source,
          exit: exitVerdict(problems.outcome, command),
        };
        for (const chunk of ANALYZE_FORMATS[args.format](report, { ...textOptions(), tool: sarifTool(report.rules) })) await writeOut(chunk);
        return command;
      },
    );
    problems.finish();
    // The text form's summary line states the status already; the others get it on stderr.
    problems.close(command, args.format === 'text');
  },
};
