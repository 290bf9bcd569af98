import type { CommandModule } from 'yargs';
import { faultPoint, internalEvent, provenanceOf } from '../../engine/read/guard.js';
import { digestOptionsOf } from '../../engine/config.js';
import { readSession, sessionReport } from '../../engine/session-reader.js';
import { SESSION_FORMAT_NAMES, SESSION_FORMATS, type SessionFormat } from '../../report/session/formats.js';
import { safeText } from '../../shared/escape/terminal.js';
import { plural } from '../../shared/plural.js';
import { textOptions } from '../color.js';
import { configOption, loadConfig } from '../config.js';
import { ProblemReporter } from '../problems.js';
import { CliError } from '../errors.js';
import { idAndInputs, shellWord } from '../id-inputs.js';
import { INPUTS_DESCRIPTION, inputsOf, maxRecordOption, scannerOptions, traceProgressHooks, writeOut } from '../run-read.js';

interface Args {
  id?: string | undefined;
  inputs?: string[] | undefined;
  'session-id'?: string | undefined;
  full: boolean;
  format: SessionFormat;
  config?: string | undefined;
  'max-record-mb'?: number | undefined;
}

/** `tracetriage session <id> <inputs..>`: one conversation, turn by turn. */
export const sessionCommand: CommandModule<object, Args> = {
  command: 'session [id] [inputs..]',
  describe: 'Show one session turn by turn: what the user said, what the app answered, the I/O span and carrier, errors, assessments with rationale',
  builder: (y) =>
    configOption(
      maxRecordOption(
        y
          .positional('id', { type: 'string', describe: 'the session id, matched exactly (tracetriage sessions lists them); leave it out when the inputs hold one session' })
          .positional('inputs', { type: 'string', array: true, describe: INPUTS_DESCRIPTION })
          .option('session-id', { type: 'string', describe: 'the session id as a flag (then every word is an input)' }),
      ),
    )
      .option('full', { type: 'boolean', default: false, describe: 'show whole texts (by default long texts are cut with a marker)' })
      .option('format', {
        choices: SESSION_FORMAT_NAMES,
        default: 'text' as const,
        describe: 'text for people, json for machines (schemas/session-output.schema.json), markdown for a bug ticket',
      })
      .example('$0 session sess-refund-7f3a samples/', 'the refund conversation: the wrong answer of turn 3 and what it led to')
      .example('$0 session sess-wrapper-19c2 samples/traces/', 'turn I/O found below a wrapper root span')
      .example('$0 session sess-otel-44d1 samples/otel-genai.jsonl --format markdown > ticket.md', 'a session for a bug ticket')
      .example('$0 session samples/otel-genai.jsonl', 'the one session an input holds, without naming it'),
  handler: async (args) => {
    const config = await loadConfig(args.config);
    const asked = idAndInputs('session', args['session-id'], [...(args.id !== undefined ? [args.id] : []), ...(args.inputs ?? [])]);
    const inputs = inputsOf(asked.inputs);
    const problems = new ProblemReporter();
    const read = await readSession(inputs, asked.id, {
      stdin: process.stdin,
      ...scannerOptions(args),
      ...traceProgressHooks(inputs),
      full: args.full,
      onEvent: problems.onEvent,
      onTrace: problems.onTrace,
      digest: digestOptionsOf(config),
    });
    if (asked.id === null && read.sessionsSeen > 1) {
      problems.finish();
      throw new CliError(`the inputs hold ${read.sessionsSeen} sessions: name one (tracetriage sessions ${asked.inputs.map(shellWord).join(' ')} lists them)`, 'usage');
    }
    if (read.session === null) {
      problems.finish();
      if (asked.id === null) {
        problems.close({ missing: 'the inputs hold no session (no trace has a session id; tracetriage trace shows one trace)' });
        return;
      }
      const seen = plural(read.sessionsSeen, 'other session');
      problems.close({ missing: `session ${safeText(asked.id)} is not in the inputs (${seen} found; tracetriage sessions lists them)` });
      return;
    }
    const session = read.session;
    let text: string | null = null;
    try {
      for (const digest of session.turns) faultPoint('render', digest.traceId);
      text = [...SESSION_FORMATS[args.format](sessionReport({ ...read, session }, args.full), textOptions())].join('');
    } catch (error) {
      // The view is the session's, not one trace's: each of its traces gets the internal problem.
      for (const digest of session.turns) problems.onEvent(internalEvent(provenanceOf(digest.provenance ?? { source: '(no source)', index: 0, offset: 0, length: 0, line: 1 }), 'render', error));
    }
    if (text !== null) await writeOut(text);
    problems.finish();
    problems.close();
  },
};
