import { extname } from 'node:path';
import type { CommandModule } from 'yargs';
import { reportInputsStreamed } from '../../engine/report/report.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_SESSIONS } from '../../engine/report/data.js';
import { writeTextFileAtomic } from '../../ingest/text-file.js';
import type { SessionGuard } from '../../report/ticket/session-guard.js';
import { TICKET_FORMAT_NAMES, type TicketFormat } from '../../report/ticket/names.js';
import { DUMP_SOURCE, faultPoint, internalRejection, provenanceOf } from '../../engine/read/guard.js';
import { reportOutcome } from '../../engine/analyze/view.js';
import { missingHint } from '../exit-code.js';
import { safeText } from '../../shared/escape/terminal.js';
import { analysisReading, ruleOption } from '../analysis-options.js';
import { configOption, loadConfig } from '../config.js';
import { CliError } from '../errors.js';
import { ProblemReporter } from '../problems.js';
import { stopProgress, writeNote } from '../progress.js';
import { inputsOf, inputsPositional, outputPath, parallelism, parallelOptions, writeOut, type ParallelArgs } from '../run-read.js';

type Format = TicketFormat;

interface Args extends ParallelArgs {
  inputs: string[];
  format?: Format | undefined;
  output?: string | undefined;
  'output-file'?: string | undefined;
  'max-bytes': number;
  'max-sessions': number;
  session?: string[] | undefined;
  rule?: string[] | undefined;
  'filter-string'?: string | undefined;
  config?: string | boolean | undefined;
  'max-record-mb'?: number | undefined;
}

/**
 * A session the renderer could not draw is said in its place in the report and, here, as an
 * internal problem of no one trace: on stderr with `--debug`'s stack, and exit 2.
 */
function sessionGuard(problems: ProblemReporter): SessionGuard {
  return {
    failed(sessionId, error) {
      const rejection = internalRejection(provenanceOf({ source: DUMP_SOURCE, index: 0, offset: 0, length: 0, line: 1 }), 'render', error);
      rejection.message = `${rejection.message} (session ${JSON.stringify(sessionId)} could not be drawn in the report; the report says so in its place)`;
      problems.onEvent({ type: 'rejected', rejection });
    },
    probe: (traceId) => faultPoint('render', traceId),
  };
}

/** The file the report goes to: `--output`, or `-o/--output-file` as every command takes it (`-`: stdout). */
function targetOf(args: Args): string | undefined {
  return outputPath(args.output ?? args['output-file']);
}

/** `--format`, else the output file's extension (`.html`/`.htm`, `.md`/`.markdown`), else Markdown. */
function formatOf(args: Args): Format {
  if (args.format !== undefined) return args.format;
  const target = targetOf(args);
  const ext = target === undefined ? '' : extname(target).toLowerCase();
  return ext === '.html' || ext === '.htm' ? 'html' : 'markdown';
}

/** `tracetriage report <inputs..>`: a ticket-ready report (Markdown or one self-contained HTML file). */
export const reportCommand: CommandModule<object, Args> = {
  command: 'report <inputs..>',
  describe:
    'Write a report for a bug ticket: summary, each session turn by turn with the root cause and its evidence, assessments with rationale, error spans, span waterfalls (HTML), and the commands that reproduce each view',
  builder: (y) =>
    ruleOption(
      configOption(parallelOptions(inputsPositional(y)))
        .option('format', { choices: TICKET_FORMAT_NAMES, describe: 'markdown (a ticket, within --max-bytes) or html (one self-contained file); default: from the -o extension, else markdown' })
        .option('output', { type: 'string', describe: 'the same as -o/--output-file: write to this file instead of stdout (replaced whole, never left half-written); - is stdout' })
        .option('max-bytes', {
          type: 'number',
          default: DEFAULT_MAX_BYTES,
          describe: 'Markdown only: the most bytes the report may take; excerpts are cut first, then turn details, then sessions',
        })
        .option('max-sessions', { type: 'number', default: DEFAULT_MAX_SESSIONS, describe: 'sessions shown turn by turn (most telling first); the others get one line in the overview' })
        .option('session', { type: 'string', describe: 'report only this session (repeat for more; ids matched exactly)', coerce: (v: string | string[]) => [v].flat().map(String) }),
      'run only this rule (repeat, or separate ids with commas)',
    )
      .option('filter-string', { type: 'string', describe: 'MLflow filter applied to traces first (docs/search-filters.md)' })
      .check((args) => {
        for (const key of ['max-bytes', 'max-sessions'] as const) {
          const value = args[key];
          if (!Number.isInteger(value) || value < 1) throw new Error(`--${key} must be a whole number of at least 1 (got ${String(value)})`);
        }
        return true;
      })
      .example('$0 report samples/ -o report.html', 'one HTML file: every session, turn strips, span waterfalls, findings linked to turns')
      .example('$0 report samples/ --session sess-refund-7f3a --format markdown', 'the refund conversation, ready to paste into an issue')
      .example('$0 report <export.json> --format markdown --max-bytes 20000 -o ticket.md', 'a smaller ticket: excerpts are cut before structure'),
  handler: async (args) => {
    const config = await loadConfig(args.config);
    const format = formatOf(args);
    const inputs = inputsOf(args.inputs);
    const problems = new ProblemReporter();
    // The other sessions' lines stay in the report's temporary file until the report is drawn.
    const { data, text, sessionsInDetail } = await reportInputsStreamed(
      inputs,
      {
        ...(await analysisReading(args, inputs, problems, config)),
        ...parallelism(args),
        maxSessions: args['max-sessions'],
        config: config.source,
        rejected: () => problems.rejectedCount,
        // Only the findings the report can show are held; the others are counted.
        findings: 'shown',
      },
      async (data) => {
        stopProgress();
        // The registry loads both renderers (some 50 kB of JavaScript each): only when a report is made.
        const { TICKET_FORMATS, ReportTooLargeError } = await import('../../report/ticket/formats.js');
        let sessionsInDetail = 0;
        let text = '';
        try {
          const options = { maxBytes: args['max-bytes'], guard: sessionGuard(problems), onRendered: (r: { sessionsInDetail: number }) => (sessionsInDetail = r.sessionsInDetail) };
          for (const chunk of TICKET_FORMATS[format](data, options)) text += chunk;
        } catch (error) {
          // Only the renderer's own error is --max-bytes' fault; anything else stays what it is.
          if (error instanceof ReportTooLargeError) throw new CliError(`--max-bytes: ${error.message}`, 'usage');
          throw error;
        }
        return { data, text, sessionsInDetail };
      },
    );
    const target = targetOf(args);
    if (target === undefined) await writeOut(text);
    else {
      // Written here, whole, with what it holds said; the shared -o writer is left unused.
      try {
        await writeTextFileAtomic(target, text);
      } catch (error) {
        throw new CliError(`cannot write ${safeText(target)}: ${safeText((error as Error).message)}`, 'output');
      }
      writeNote(`tracetriage: wrote ${safeText(target)} (${format}, ${Buffer.byteLength(text)} bytes, ${sessionsInDetail} of ${data.summary.sessions} sessions in detail)\n`);
    }
    problems.finish();
    // A report is not a gate (analyze --fail-on is): its findings leave the status alone.
    problems.close(missingHint(reportOutcome(data.summary.sessions, args.session), 'tracetriage sessions lists them'));
  },
};
