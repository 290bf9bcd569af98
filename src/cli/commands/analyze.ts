import type { CommandModule } from 'yargs';
import { analyzeInputs } from '../../engine/analyze.js';
import { atLeast } from '../../engine/findings.js';
import { selectRules } from '../../engine/rule-set.js';
import { analyzeJsonChunks, analyzeText, type AnalyzeReport } from '../../report/analyze.js';
import { compileFilter } from '../../query/filter/compile.js';
import { configOption, loadConfig } from '../config.js';
import { CliError } from '../errors.js';
import { ProblemReporter } from '../problems.js';
import { inputsOf, inputsPositional, scannerOptions, writeOut } from '../run-read.js';

const FAIL_ON = ['error', 'warn', 'info', 'none'] as const;

interface Args {
  inputs: string[];
  format: 'text' | 'json';
  'fail-on': (typeof FAIL_ON)[number];
  rule?: string[] | undefined;
  session?: string[] | undefined;
  'filter-string'?: string | undefined;
  config?: string | boolean | undefined;
  'max-record-mb'?: number | undefined;
}

const FORMATTERS: Record<Args['format'], (report: AnalyzeReport) => Iterable<string>> = {
  text: (report) => [analyzeText(report)],
  json: analyzeJsonChunks,
};

/** `tracetriage analyze <inputs..>`: run the rules over every session; exit 1 at `--fail-on`. */
export const analyzeCommand: CommandModule<object, Args> = {
  command: 'analyze <inputs..>',
  describe: 'Run the rules over every session: where each conversation went wrong (root-cause turn, the turns that inherited it, the evidence), scorer errors, instrumentation problems',
  builder: (y) =>
    configOption(inputsPositional(y))
      .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'text for people, json for machines (schemas/analyze-output.schema.json)' })
      .option('fail-on', {
        choices: FAIL_ON,
        default: 'error' as const,
        describe: 'exit 1 when a finding is at or above this severity (error > warn > info); none: always 0',
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
      .example('$0 analyze export.json --fail-on warn', 'gate CI: exit 1 on any warning or error')
      .example('$0 analyze samples/ --rule error-propagation --session sess-refund-7f3a --format json', 'one rule, one session, as JSON'),
  handler: async (args) => {
    const config = await loadConfig(args.config);
    let selection;
    try {
      selection = selectRules(config.rules, args.rule ?? []);
    } catch (error) {
      if (error instanceof RangeError) throw new CliError(`--rule: ${error.message}`, 'usage');
      throw error;
    }
    const filterText = args['filter-string'] ?? '';
    const problems = new ProblemReporter();
    const result = await analyzeInputs(inputsOf(args.inputs), {
      stdin: process.stdin,
      ...scannerOptions(args),
      filter: filterText.trim() === '' ? null : compileFilter(filterText),
      onEvent: problems.onEvent,
      digest: { extraCarriers: config.carriers, sessionKeys: config.sessionKeys, userKeys: config.userKeys, overrides: config.scorers },
      rules: selection.rules,
      severityOverride: selection.severityOverride,
      ...(args.session ? { sessions: args.session.map(String) } : {}),
    });
    const failOn = args['fail-on'];
    const failed = failOn !== 'none' && result.findings.some((f) => atLeast(f.severity, failOn));
    const report: AnalyzeReport = {
      findings: result.findings,
      sessions: result.sessions.map((s) => ({ id: s.sessionId, turns: s.turns, user: s.user, turnTraceIds: s.turnTraceIds })),
      tracesWithoutSession: result.withoutSession,
      withoutSessionTraceIds: result.withoutSessionTraceIds,
      traces: result.traces,
      duplicates: result.duplicates,
      outsideSelection: result.outsideSelection,
      rejected: problems.rejectedCount,
      rules: result.rules,
      config: config.source,
      failOn,
      failed,
    };
    for (const chunk of FORMATTERS[args.format](report)) await writeOut(chunk);
    const unreadable = problems.finish();
    if (args.session && result.sessions.length === 0) {
      process.stderr.write(`tracetriage: none of the sessions ${args.session.map((s) => JSON.stringify(s)).join(', ')} is in the inputs (tracetriage sessions lists them)\n`);
    }
    process.exitCode = unreadable ? 2 : failed ? 1 : 0;
  },
};
