import type { CommandModule } from 'yargs';
import { reduceDigests, ScaleInputError } from '../../engine/scale/reduce.js';
import { concatLines } from '../../ingest/line-reader.js';
import { selectRules, UnknownRuleError } from '../../engine/analyze/rule-set.js';
import type { TriageConfig } from '../../engine/config.js';
import { reduceVerdict } from '../../engine/outcome.js';
import { configOption, loadConfig } from '../config.js';
import { CliError } from '../errors.js';
import { applyVerdict } from '../exit-code.js';
import { linesOf } from '../line-input.js';
import { ProblemReporter } from '../problems.js';
import { LineWriter } from '../scale-output.js';
import { ruleOption } from '../analysis-options.js';
import { RULE_DESCRIPTION } from './digest.js';

interface Args {
  inputs?: string[] | undefined;
  context?: string[] | undefined;
  rule?: string[] | undefined;
  config?: string | boolean | undefined;
}

/** `tracetriage reduce`: the session stage over sorted digest lines, for one part of the buckets (docs/scale-out.md). */
export const reduceCommand: CommandModule<object, Args> = {
  command: 'reduce [inputs..]',
  describe:
    "Scale-out, step 2 of 3 (docs/scale-out.md): digest lines sorted by bucket, then session, in (files, or stdin); the session rules run on each session as it ends; the part's sessions, findings and dump-level state out, for merge. Fails on lines out of order",
  builder: (y) =>
    configOption(ruleOption(y, RULE_DESCRIPTION))
      .positional('inputs', { type: 'string', array: true, describe: 'files of sorted digest lines, read one after the other as one sorted stream (default: stdin)' })
      .option('context', { type: 'string', array: true, describe: 'files holding the lines of bucket -1 (pages, documents) of every digest task, when the part was not given them' })
      .example(
        '$0 digest samples/ | LC_ALL=C sort -t: -k2,2n -k3 | $0 reduce > part.jsonl',
        'the whole run as one part, sorted by bucket then session on one machine (an engine sorts its own way: docs/scale-out.md)',
      ),
  handler: async (args) => {
    const config = await loadConfig(args.config);
    const problems = new ProblemReporter();
    const out = new LineWriter();
    const sources = (args.inputs ?? []).length > 0 ? args.inputs! : ['-'];
    try {
      const summary = await reduceDigests(
        concatLines([...(args.context ?? []).map((c) => linesOf(c)), ...sources.map((s) => linesOf(s))]),
        { ...rulesOf(config, args.rule), onProblem: (rejection) => problems.onEvent({ type: 'rejected', rejection }) },
        (line) => out.write(line),
      );
      await out.end();
      problems.finish();
      // An empty part (no session fell in its buckets) is a clean run, not "no trace read".
      applyVerdict(reduceVerdict(summary.problems, problems.rejectedCount));
    } catch (error) {
      if (error instanceof ScaleInputError) throw new CliError(error.message, 'input');
      throw error;
    }
  },
};

/** The rules of a scale-out step: the config's settings, then `--rule`. */
export function rulesOf(config: TriageConfig, rule: readonly string[] | undefined) {
  try {
    const selection = selectRules(config.rules, rule ?? []);
    return { rules: selection.rules, severityOverride: selection.severityOverride };
  } catch (error) {
    if (error instanceof UnknownRuleError) throw new CliError(`--rule: ${error.message}`, 'usage');
    throw error;
  }
}
