import type { CommandModule } from 'yargs';
import { analysisFacts, analysisOutcome } from '../../engine/analyze/view.js';
import { sarifTool } from '../../engine/analyze/rule-set.js';
import { exitVerdict } from '../../engine/outcome.js';
import { mergePartials } from '../../engine/scale/merge.js';
import { ScaleInputError } from '../../engine/scale/reduce.js';
import type { AnalyzeReport } from '../../report/analyze/analyze.js';
import { ANALYZE_FORMATS, type AnalyzeFormat } from '../../report/analyze/formats.js';
import { textOptions } from '../color.js';
import { configOption, loadConfig } from '../config.js';
import { CliError } from '../errors.js';
import { linesOf } from '../line-input.js';
import { ProblemReporter } from '../problems.js';
import { refuseBinaryToTerminal, writeAll } from '../run-read.js';
import { analyzeOutputOptions, type FAIL_ON, ruleOption } from '../analysis-options.js';
import { RULE_DESCRIPTION } from './digest.js';
import { rulesOf } from './reduce.js';

interface Args {
  parts: string[];
  context?: string[] | undefined;
  format: AnalyzeFormat;
  'fail-on': (typeof FAIL_ON)[number];
  rule?: string[] | undefined;
  config?: string | boolean | undefined;
}

/** `tracetriage merge <parts..> --context <digests..>`: the parts of a scale-out run as one `analyze` output (docs/scale-out.md). */
export const mergeCommand: CommandModule<object, Args> = {
  command: 'merge <parts..>',
  describe:
    "Scale-out, step 3 of 3 (docs/scale-out.md): the parts reduce wrote, and the digests' lines of bucket -1 (--context), merged into the output one analyze over every input gives (text, json, junit, sarif), with its exit status",
  builder: (y) =>
    analyzeOutputOptions(configOption(ruleOption(y, RULE_DESCRIPTION)))
      .positional('parts', { type: 'string', array: true, demandOption: true, describe: 'the files reduce wrote, one per part (- for stdin)' })
      .option('context', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'files holding the digest lines of bucket -1 (the digests themselves will do: their other lines are passed over): counts, pages, problems',
      })
      .example('$0 merge part.jsonl --context digests.jsonl', "what analyze samples/ prints, from the part and the digests of reduce's and digest's examples"),
  handler: async (args) => {
    refuseBinaryToTerminal(args.format);
    const config = await loadConfig(args.config);
    const problems = new ProblemReporter();
    try {
      const command = await mergePartials(
        args.parts.map((p) => linesOf(p)),
        (args.context ?? []).map((c) => linesOf(c)),
        { ...rulesOf(config, args.rule), onProblem: (rejection) => problems.onEvent({ type: 'rejected', rejection }) },
        async (result) => {
          problems.addTraces(result.traces);
          const facts = analysisFacts(result, args['fail-on']);
          const command = analysisOutcome(result, facts, undefined);
          const report: AnalyzeReport = { ...facts, rejected: problems.rejectedCount, config: config.source, exit: exitVerdict(problems.outcome, command) };
          await writeAll(ANALYZE_FORMATS[args.format](report, { ...textOptions(), tool: sarifTool(report.rules) }));
          return command;
        },
      );
      problems.finish();
      problems.close(command, args.format === 'text');
    } catch (error) {
      if (error instanceof ScaleInputError) throw new CliError(error.message, 'input');
      throw error;
    }
  },
};
