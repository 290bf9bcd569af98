import type { AnalyzeOptions } from '../engine/analyze/analyze.js';
import { analysisSelection } from '../engine/analyze/view.js';
import { UnknownRuleError } from '../engine/analyze/rule-set.js';
import type { TriageConfig } from './config.js';
import { CliError } from './errors.js';
import { filterOption } from './filter-option.js';
import type { ProblemReporter } from './problems.js';
import { scannerOptions, traceProgressHooks } from './run-read.js';
import type { Argv } from 'yargs';
import { SEVERITIES } from '../shared/severity.js';
import { ANALYZE_FORMAT_NAMES } from '../report/analyze/formats.js';

/** The arguments `analyze` and `report` share: which rules, which sessions, which traces. */
export interface AnalysisArgs {
  rule?: string[] | undefined;
  session?: string[] | undefined;
  'filter-string'?: string | undefined;
}

/**
 * What `analyze` and `report` hand the engine besides the reading hooks: the rules (the config's
 * settings, then `--rule`; an unknown id is a usage error), the config's digest keys, the
 * `--filter-string` compiled once, the `--session` selection.
 */
export async function analysisOptions(args: AnalysisArgs, config: TriageConfig): Promise<Pick<AnalyzeOptions, 'rules' | 'severityOverride' | 'digest' | 'filter' | 'sessions'>> {
  const filter = await filterOption(args['filter-string']);
  try {
    return analysisSelection(config, { rules: args.rule, sessions: args.session, filter });
  } catch (error) {
    if (error instanceof UnknownRuleError) throw new CliError(`--rule: ${error.message}`, 'usage');
    throw error;
  }
}

/** The ids `--rule` was given: repeated, or separated with commas. */
function ruleIds(v: string | string[]): string[] {
  return [v]
    .flat()
    .flatMap((s) => String(s).split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `--rule`, as every command that runs the rules takes it; `describe` says what it does there. */
export function ruleOption<T>(y: Argv<T>, describe: string) {
  // Not `array: true`: an array option swallows the inputs after it (`--rule x file.json`).
  return y.option('rule', { type: 'string', describe, coerce: ruleIds });
}

/** What `--fail-on` takes. */
export const FAIL_ON = [...SEVERITIES, 'none'] as const;

/** `--format` and `--fail-on` of `analyze`, which `merge` prints the same way. */
export function analyzeOutputOptions<T>(y: Argv<T>) {
  return y
    .option('format', {
      choices: ANALYZE_FORMAT_NAMES,
      default: 'text' as const,
      describe:
        'text for people, json for machines (schemas/analyze-output.schema.json), junit for CI test reports, sarif for code scanning (docs/ci.md), parquet for data tools (one row per finding; needs -o/--output-file or a redirect, docs/parquet.md)',
    })
    .option('fail-on', {
      choices: FAIL_ON,
      default: 'error' as const,
      describe: 'exit 1 when a finding is at or above this severity (error > warn > info); none: findings never do (rejected records and a partial dump still exit 1)',
    });
}

/**
 * What `analyze`, `report` and `digest` hand the engine for a read that runs the rules: stdin, the
 * scanner and store options, the progress hooks, the problem reporter's events, then
 * {@link analysisOptions}.
 */
export async function analysisReading(args: AnalysisArgs & Parameters<typeof scannerOptions>[0], inputs: readonly string[], problems: ProblemReporter, config: TriageConfig) {
  return {
    stdin: process.stdin,
    ...scannerOptions(args),
    ...traceProgressHooks(inputs),
    onEvent: problems.onEvent,
    onTrace: problems.onTrace,
    ...(await analysisOptions(args, config)),
  };
}
