import { traceView } from '../../engine/trace.js';
import type { CommandModule } from 'yargs';
import { findTrace } from '../../engine/search/get.js';
import { faultPoint, internalEvent } from '../../engine/read/guard.js';
import { safeText } from '../../shared/escape/terminal.js';
import { TRACE_FORMAT_NAMES, TRACE_FORMATS, type TraceFormat } from '../../report/trace/formats.js';
import { textOptions } from '../color.js';
import { configOption, loadConfig } from '../config.js';
import { ProblemReporter } from '../problems.js';
import { CliError } from '../errors.js';
import { idAndInputs, shellWord } from '../id-inputs.js';
import { INPUTS_DESCRIPTION, inputsOf, maxRecordOption, readProgressHooks, scannerOptions, writeOut } from '../run-read.js';

interface Args {
  id?: string | undefined;
  inputs?: string[] | undefined;
  'trace-id'?: string | undefined;
  attributes?: boolean | undefined;
  full?: boolean | undefined;
  format: TraceFormat;
  config?: string | undefined;
  'max-record-mb'?: number | undefined;
}

/** `tracetriage trace <id> <inputs..>`: one trace's span tree, errors and triaged assessments. */
export const traceCommand: CommandModule<object, Args> = {
  command: 'trace [id] [inputs..]',
  describe: 'One trace: the span tree (type, duration, status, errors, exception events, the turn I/O span) and its assessments triaged',
  builder: (y) =>
    configOption(
      maxRecordOption(
        y
          .positional('id', {
            type: 'string',
            describe: 'the trace id (tr-… or the bare 32-hex form, or a 2.x request id); the first match in input order is shown; leave it out when the inputs hold one trace',
          })
          .positional('inputs', { type: 'string', array: true, describe: INPUTS_DESCRIPTION })
          .option('trace-id', { type: 'string', describe: 'the trace id as a flag, as mlflow traces get takes it (then every word is an input)' }),
      )
        .option('attributes', { type: 'boolean', describe: "show each span's decoded attributes" })
        .option('full', { type: 'boolean', describe: 'do not cut long values, messages, stack traces or wide trees' })
        .option('format', { choices: TRACE_FORMAT_NAMES, default: 'text' as const, describe: 'output format' }),
    )
      .example('$0 trace tr-eaad7e61ac6baaa620d497e41960925c samples/', 'where turn 5 of the refund session went wrong')
      .example('$0 trace tr-9326a5b04ef80418fd5771af1f6b56bb samples/traces --attributes', 'with every span attribute, decoded')
      .example('$0 trace tr-eaad7e61ac6baaa620d497e41960925c samples/ --format markdown > turn5.md', 'for an issue or a review')
      .example('$0 trace samples/traces/no-session-smoke-test.json', 'the one trace a file holds, without naming it'),
  handler: async (args) => {
    // The config first: a bad config fails before any input is read.
    const config = await loadConfig(args.config);
    const asked = idAndInputs('trace', args['trace-id'], [...(args.id !== undefined ? [args.id] : []), ...(args.inputs ?? [])]);
    const inputs = inputsOf(asked.inputs);
    const problems = new ProblemReporter();
    const { found, traces, more } = await findTrace(inputs, asked.id, {
      stdin: process.stdin,
      ...scannerOptions(args),
      ...readProgressHooks(inputs),
      onEvent: problems.onEvent,
    });
    problems.addTraces(traces);
    if (more === true) {
      problems.finish();
      throw new CliError(`the inputs hold more than one trace: name one (tracetriage search ${asked.inputs.map(shellWord).join(' ')} --output table lists their ids)`, 'usage');
    }
    if (found === null) {
      problems.finish();
      problems.close({ missing: asked.id === null ? 'the inputs hold no trace' : `trace ${safeText(asked.id)} is not in the inputs` });
      return;
    }
    const { trace } = found;
    let text: string | null = null;
    // What this one trace breaks is its `internal` rejection, with its provenance: exit 2.
    try {
      faultPoint('render', trace.traceId);
      const options = { ...textOptions(), attributes: args.attributes === true, full: args.full === true };
      text = [...TRACE_FORMATS[args.format](traceView(trace, config), options)].join('');
    } catch (error) {
      problems.onEvent(internalEvent(found.provenance, 'render', error));
    }
    if (text !== null) await writeOut(text);
    problems.finish();
    problems.close();
  },
};
