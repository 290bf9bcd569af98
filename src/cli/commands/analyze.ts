import { createRequire } from 'node:module';
import type { CommandModule } from 'yargs';
import { analysisFacts, analyzeInputs } from '../../engine/analyze.js';
import { SEVERITIES } from '../../shared/severity.js';
import { ruleById } from '../../engine/rule-set.js';
import { analyzeJsonChunks, analyzeText, type AnalyzeReport } from '../../report/analyze.js';
import { analyzeJunitChunks } from '../../report/junit.js';
import { analyzeSarifChunks, type SarifTool } from '../../report/sarif.js';
import { safeText } from '../../shared/escape/terminal.js';
import { stdoutStyle } from '../color.js';
import { analysisOptions } from '../analysis-options.js';
import { configOption, loadConfig } from '../config.js';
import { exitVerdict, partialDump, type CommandOutcome } from '../exit-code.js';
import { ProblemReporter } from '../problems.js';
import { stopProgress } from '../progress.js';
import { inputsOf, inputsPositional, scannerOptions, traceProgressHooks, writeOut } from '../run-read.js';

const FAIL_ON = [...SEVERITIES, 'none'] as const;
const FORMATS = ['text', 'json', 'junit', 'sarif'] as const;

// The SARIF log names the tool's version; report/ reads no files, so it is read here (as main.ts does for --version).
const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

interface Args {
  inputs: string[];
  format: (typeof FORMATS)[number];
  'fail-on': (typeof FAIL_ON)[number];
  rule?: string[] | undefined;
  session?: string[] | undefined;
  'filter-string'?: string | undefined;
  config?: string | boolean | undefined;
  'max-record-mb'?: number | undefined;
}

const FORMATTERS: Record<Args['format'], (report: AnalyzeReport) => Iterable<string>> = {
  text: (report) => [analyzeText(report, stdoutStyle())],
  json: analyzeJsonChunks,
  junit: analyzeJunitChunks,
  sarif: (report) => analyzeSarifChunks(report, { version, rules: report.rules.map(metaOf) }),
};

function metaOf(id: string): SarifTool['rules'][number] {
  const rule = ruleById(id);
  if (rule === undefined) throw new Error(`analyze ran rule ${JSON.stringify(id)}, which the rule table does not have`);
  return rule.meta;
}

/** `tracetriage analyze <inputs..>`: run the rules over every session; exit 1 at `--fail-on`. */
export const analyzeCommand: CommandModule<object, Args> = {
  command: 'analyze <inputs..>',
  describe:
    'Run the rules over every session: where each conversation went wrong (root-cause turn, the turns that inherited it, the evidence; with or without LLM-judge assessments: without, from errors that were not recovered and clues such as a user pushing back or an outdated document), scorer errors, instrumentation problems',
  builder: (y) =>
    configOption(inputsPositional(y))
      .option('format', {
        choices: FORMATS,
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
        coerce: (v: string | string[]) => [v].flat().flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter((s) => s !== ''),
      })
      .option('session', { type: 'string', describe: 'analyse only this session (repeat for more; ids matched exactly)', coerce: (v: string | string[]) => [v].flat().map(String) })
      .option('filter-string', { type: 'string', describe: "MLflow filter applied to traces first, e.g. \"timestamp_ms > 1731000000000\" (docs/search-filters.md)" })
      .example('$0 analyze samples/', 'every session of the samples: the refund session went wrong at turn 3')
      .example('$0 analyze <export.json> --fail-on warn', 'gate CI: exit 1 on any warning or error')
      .example('$0 analyze samples/ --rule error-propagation --session sess-refund-7f3a --format json', 'one rule, one session, as JSON')
      .example('$0 analyze <export.json> --format junit > tracetriage.xml', 'a JUnit report for the CI server: a test suite per session, a test case per turn')
      .example('$0 analyze <export.json> --format sarif > tracetriage.sarif', 'a SARIF 2.1.0 log for code-scanning tools'),
  handler: async (args) => {
    const config = await loadConfig(args.config);
    const inputs = inputsOf(args.inputs);
    const problems = new ProblemReporter();
    const result = await analyzeInputs(inputs, {
      stdin: process.stdin,
      ...scannerOptions(args),
      ...traceProgressHooks(inputs),
      onEvent: problems.onEvent,
      onTrace: problems.onTrace,
      ...(await analysisOptions(args, config)),
    });
    stopProgress();
    const facts = analysisFacts(result, args['fail-on']);
    const { failOn, failed } = facts;
    const command: CommandOutcome = {
      missing: args.session && result.sessions.length === 0 ? noSession(args.session) : null,
      failOn: failOn === 'none' ? null : { level: failOn, failed },
      partial: partialDump(result.findings),
    };
    const report: AnalyzeReport = {
      ...facts,
      rejected: problems.rejectedCount,
      config: config.source,
      exit: exitVerdict(problems.outcome, command),
    };
    for (const chunk of FORMATTERS[args.format](report)) await writeOut(chunk);
    problems.finish();
    // The text form's summary line states the status already; the others get it on stderr.
    problems.close(command, args.format === 'text');
  },
};

/** The closing reason when no `--session` id is in the inputs. */
export function noSession(ids: readonly string[]): string {
  const list = ids.map((s) => safeText(JSON.stringify(s))).join(', ');
  const what = ids.length === 1 ? `session ${list} is not in the inputs` : `none of the sessions ${list} is in the inputs`;
  return `${what}; tracetriage sessions lists them`;
}
