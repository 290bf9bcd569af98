import type { AnalyzeOptions } from '../engine/analyze/analyze.js';
import { analysisSelection } from '../engine/analyze/view.js';
import { UnknownRuleError } from '../engine/analyze/rule-set.js';
import type { TriageConfig } from './config.js';
import { CliError } from './errors.js';
import { filterOption } from './filter-option.js';

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
