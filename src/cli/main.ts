#!/usr/bin/env node
import { createRequire } from 'node:module';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { analyzeCommand } from './commands/analyze.js';
import { getCommand } from './commands/get.js';
import { queryCommand } from './commands/query.js';
import { reportCommand } from './commands/report.js';
import { rulesCommand } from './commands/rules.js';
import { searchCommand } from './commands/search.js';
import { sessionCommand } from './commands/session.js';
import { sessionsCommand } from './commands/sessions.js';
import { statsCommand } from './commands/stats.js';
import { traceCommand } from './commands/trace.js';
import { validateCommand } from './commands/validate.js';
import { safeLines, safeText } from '../report/terminal.js';
import { QuerySyntaxError } from '../query/errors.js';
import { CliError, querySyntaxMessage } from './errors.js';
import { setColorFlag } from './color.js';
import { setProgressFlag, stopProgress, writeErr } from './progress.js';
import { STDIN_ARG } from './run-read.js';
import { setTestFault } from '../engine/guard.js';

// For tests only: makes one named stage throw on one trace id, to reach the per-trace guard (docs/inputs.md).
setTestFault(process.env['TRACETRIAGE_TEST_FAULT']);

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const EPILOGUE = `Inputs: files, directories (recursive, sorted), .gz, .tar, .tar.gz/.tgz (streamed, never extracted), - for stdin.
Colour: text output on a terminal is coloured; NO_COLOR=1 or --no-color turns it off, FORCE_COLOR=1 or --color turns it on for a pipe. A progress bar shows on stderr (a terminal only) for big or slow reads; --no-progress hides it.
Exit codes: 0 clean; 1 findings at or above --fail-on (analyze), rejected records, not found (session, trace, get, --session); 2 usage error, invalid query, unreadable input, no trace read at all, or an internal error.
Everything runs offline. Documentation: README.md and docs/ in the package.`;

async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('tracetriage')
    .usage('$0 <command> [options] <inputs..>\n\nOffline triage of exported MLflow traces: which sessions are in a dump, what was said, where it went wrong.')
    .command(analyzeCommand)
    .command(reportCommand)
    .command(sessionsCommand)
    .command(sessionCommand)
    .command(traceCommand)
    .command(searchCommand)
    .command(getCommand)
    .command(queryCommand)
    .command(validateCommand)
    .command(statsCommand)
    .command(rulesCommand)
    .example('$0 analyze samples/', 'where each conversation went wrong: root-cause turn, inherited failures, evidence')
    .example('$0 sessions samples/', 'every conversation in a dump: turns, errors, failing assessments, scorer errors')
    .example('$0 session sess-refund-7f3a samples/', 'one conversation turn by turn: what was said, assessments with rationale')
    .example('$0 stats samples/', 'what is in a dump: traces, sessions, formats, errors, assessments')
    .example('$0 validate export.json', 'every record that cannot be read, with file, line, byte offset and JSON path')
    .example("mlflow traces search -x 1 --output json | $0 stats -", 'read an export from standard input')
    .demandCommand(1, 'Name a command: analyze, report, sessions, session, trace, search, get, query, validate, stats or rules (see --help).')
    .option('debug', { type: 'boolean', describe: 'show stack traces of internal errors' })
    // No defaults: "not given" must stay apart from "false", so the environment decides then.
    .option('color', { type: 'boolean', describe: 'colour text output (--no-color: never); default: on a terminal, unless NO_COLOR is set (FORCE_COLOR forces)' })
    .option('progress', { type: 'boolean', describe: 'progress bar on stderr for big or slow reads (--no-progress: never); only ever on a terminal' })
    .middleware((argv) => {
      setColorFlag(argv.color);
      setProgressFlag(argv.progress);
    })
    .strict()
    .recommendCommands()
    .version(version)
    .help()
    .alias('h', 'help')
    .epilogue(EPILOGUE)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error, y) => {
      if (error) throw error;
      void y;
      writeErr(`tracetriage: ${safeLines(message)}\nRun 'tracetriage --help' for usage.\n`);
      process.exit(2);
    })
    .parseAsync();
}

// A reader that stops early (`| head`) closes the pipe: that ends the output, it is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    stopProgress();
    process.exit(process.exitCode ?? 0);
  }
  throw error;
});

main(hideBin(process.argv).map((arg) => (arg === '-' ? STDIN_ARG : arg))).catch((error: unknown) => {
  const debug = process.argv.includes('--debug');
  // A command that fails mid-read leaves its bar on screen: erase it before the message.
  stopProgress();
  if (error instanceof CliError) process.stderr.write(`tracetriage: ${safeText(error.message)}\n`);
  else if (error instanceof QuerySyntaxError) process.stderr.write(querySyntaxMessage(error));
  else if (debug && error instanceof Error) process.stderr.write(`${safeLines(error.stack ?? error.message)}\n`);
  else {
    const message = safeText(error instanceof Error ? error.message : String(error));
    process.stderr.write(`tracetriage: internal error: ${message} (run with --debug for the stack)\n`);
  }
  process.exitCode = 2;
});
