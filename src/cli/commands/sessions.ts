import type { CommandModule } from 'yargs';
import { digestOptionsOf } from '../../engine/config.js';
import { readSessionTurns } from '../../engine/session-reader.js';
import { SESSION_SORT_KEYS, type SessionSortKey } from '../../model/sessions.js';
import { SESSIONS_FORMAT_NAMES, SESSIONS_FORMATS, type SessionsFormat } from '../../report/sessions/formats.js';
import { textOptions } from '../color.js';
import { configOption, loadConfig } from '../config.js';
import { filterOption } from '../filter-option.js';
import { ProblemReporter } from '../problems.js';
import { stopProgress } from '../progress.js';
import { inputsOf, inputsPositional, parallelism, parallelOptions, scannerOptions, traceProgressHooks, writeAll, type ParallelArgs } from '../run-read.js';

interface Args extends ParallelArgs {
  inputs: string[];
  sort: SessionSortKey;
  format: SessionsFormat;
  'filter-string'?: string | undefined;
  config?: string | undefined;
  'max-record-mb'?: number | undefined;
}

/** `tracetriage sessions <inputs..>`: one row per session, then the traces without one. */
export const sessionsCommand: CommandModule<object, Args> = {
  command: 'sessions <inputs..>',
  describe: 'List the sessions in the inputs: user, turns, time span, turns with errors, failing assessments, scorer errors',
  builder: (y) =>
    configOption(parallelOptions(inputsPositional(y)))
      .option('sort', {
        choices: SESSION_SORT_KEYS,
        default: 'first' as const,
        describe: 'id; first or last time (oldest first); turns, errors (turns with errors) or failing (failing assessments), most first',
      })
      .option('format', { choices: SESSIONS_FORMAT_NAMES, default: 'text' as const, describe: 'text for people, json for machines (schemas/sessions-output.schema.json)' })
      .option('filter-string', { type: 'string', describe: 'MLflow filter applied to traces before grouping, e.g. "status = \'ERROR\'" (docs/search-filters.md)' })
      .example('$0 sessions samples/', 'the four sample sessions and the trace without one')
      .example('$0 sessions samples/ --sort failing', 'sessions with the most failing assessments first')
      .example('$0 sessions samples/ --format json', 'the same as JSON'),
  handler: async (args) => {
    const filter = await filterOption(args['filter-string']);
    const config = await loadConfig(args.config);
    const inputs = inputsOf(args.inputs);
    const problems = new ProblemReporter();
    const groups = await readSessionTurns(inputs, {
      stdin: process.stdin,
      ...scannerOptions(args),
      ...parallelism(args),
      ...traceProgressHooks(inputs),
      filter,
      onEvent: problems.onEvent,
      onTrace: problems.onTrace,
      digest: digestOptionsOf(config),
    });
    stopProgress();
    try {
      await writeAll(SESSIONS_FORMATS[args.format](groups.view(args.sort), textOptions()));
    } finally {
      groups.close();
    }
    problems.finish();
    problems.close();
  },
};
