import type { CommandModule } from 'yargs';
import { findTrace } from '../../engine/search/get.js';
import { faultPoint, internalEvent } from '../../engine/read/guard.js';
import { extractFields, parseExtractFields, parseLossless, printLossless } from '../../query/extract-fields.js';
import { reindentJson } from '../../query/reindent.js';
import { safeText } from '../../shared/escape/terminal.js';
import { CliError } from '../errors.js';
import { ProblemReporter } from '../problems.js';
import { writeNote } from '../progress.js';
import { idAndInputs, shellWord } from '../id-inputs.js';
import { INPUTS_DESCRIPTION, inputsOf, maxRecordOption, readProgressHooks, scannerOptions, writeOut } from '../run-read.js';

interface Args {
  inputs?: string[] | undefined;
  'trace-id'?: string | undefined;
  'extract-fields'?: string | undefined;
  'max-record-mb'?: number | undefined;
}

/** `tracetriage get --trace-id <id> <inputs..>`: the offline twin of `mlflow traces get`. */
export const getCommand: CommandModule<object, Args> = {
  command: 'get [inputs..]',
  describe: 'Print one trace as `mlflow traces get` does: its original text laid out with indent 2, every digit kept',
  builder: (y) =>
    maxRecordOption(y.positional('inputs', { type: 'string', array: true, describe: INPUTS_DESCRIPTION }))
      .option('trace-id', {
        type: 'string',
        describe: 'the trace id (tr-… or a 2.x request id; also accepted as the first word); the first match in input order is printed; left out, the one trace the inputs hold',
      })
      .option('extract-fields', { type: 'string', describe: "comma-separated dot paths, e.g. 'info.assessments.*.feedback.value'" })
      .example('$0 get --trace-id tr-0db43d844574d1055d12ea28d4b290e6 samples/ > trace.json', 'one trace out of a dump: turn 3 of the refund session')
      .example("$0 get --trace-id tr-0db43d844574d1055d12ea28d4b290e6 samples/ --extract-fields 'info.state,data.spans.*.name'", 'two fields of it'),
  handler: async (args) => {
    const fields = args['extract-fields'] !== undefined ? parseExtractFields(args['extract-fields']) : null;
    const asked = idAndInputs('get', args['trace-id'], args.inputs ?? []);
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
      throw new CliError(`the inputs hold more than one trace: name one with --trace-id (tracetriage search ${asked.inputs.map(shellWord).join(' ')} --output table lists their ids)`, 'usage');
    }
    if (found === null) {
      problems.finish();
      problems.close({ missing: asked.id === null ? 'the inputs hold no trace' : `trace ${safeText(asked.id)} is not in the inputs` });
      return;
    }
    if (found.bytes.length === 0) throw new CliError(`trace ${found.trace.traceId} is too big to print from its text (read span by span)`, 'input');
    const text = found.bytes.toString('utf8');
    let out: string | null = null;
    let unmatched: number[] = [];
    // What this one trace breaks is its `internal` rejection, with its provenance: exit 2.
    try {
      faultPoint('render', found.trace.traceId);
      if (fields === null) out = reindentJson(text, 0) + '\n';
      else {
        const extracted = extractFields(parseLossless(text), fields);
        unmatched = extracted.unmatched;
        out = printLossless(extracted.value, 0) + '\n';
      }
    } catch (error) {
      problems.onEvent(internalEvent(found.provenance, 'render', error));
    }
    for (const i of unmatched) writeNote(`tracetriage: --extract-fields: ${safeText(fields![i]!.text)} matched nothing\n`);
    if (out !== null) await writeOut(out);
    problems.finish();
    problems.close();
  },
};
