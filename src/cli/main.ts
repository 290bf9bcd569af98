#!/usr/bin/env node
import { createRequire } from 'node:module';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { CommandModule } from 'yargs';
import { safeLines, safeText } from '../shared/escape/terminal.js';
import { QuerySyntaxError } from '../query/errors.js';
import { CliError, querySyntaxMessage } from './errors.js';
import { setColorFlag } from './color.js';
import { setProgressFlag, stopProgress, writeErr } from './progress.js';
import { STDIN_ARG } from './run-read.js';
import { setTestFault } from '../engine/guard.js';

// For tests only: makes one named stage throw on one trace id, to reach the per-trace guard (docs/inputs.md).
setTestFault(process.env['TRACETRIAGE_TEST_FAULT']);

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const EPILOGUE = `Inputs: files, directories (recursive, sorted), .gz, .tar, .tar.gz/.tgz (streamed, never extracted), - for stdin, MLflow stores (mlflow.db, mlruns/); besides MLflow exports, OTLP/JSON, OpenTelemetry console output, Jaeger, Zipkin and Langfuse trace exports (docs/inputs.md).
Colour: text output on a terminal is coloured; NO_COLOR=1 or --no-color turns it off, FORCE_COLOR=1 or --color turns it on for a pipe. A progress bar shows on stderr (a terminal only) for big or slow reads; --no-progress hides it.
Exit codes: 0 clean; 1 findings at or above --fail-on (analyze), rejected records, not found (session, trace, get, --session); 2 usage error, invalid query, unreadable input, no trace read at all, or an internal error.
Everything runs offline. Documentation: README.md and docs/ in the package.`;

/**
 * Every command, in the order `--help` lists them, loaded on demand: a run loads the one it names
 * and not the other ten (their engines, jq's WebAssembly, the JSONPath and regex libraries), which
 * takes about a third off every start.
 */
const COMMANDS: ReadonlyArray<[string, () => Promise<CommandModule<object, never>>]> = [
  ['analyze', async () => (await import('./commands/analyze.js')).analyzeCommand as CommandModule<object, never>],
  ['report', async () => (await import('./commands/report.js')).reportCommand as CommandModule<object, never>],
  ['sessions', async () => (await import('./commands/sessions.js')).sessionsCommand as CommandModule<object, never>],
  ['session', async () => (await import('./commands/session.js')).sessionCommand as CommandModule<object, never>],
  ['trace', async () => (await import('./commands/trace.js')).traceCommand as CommandModule<object, never>],
  ['search', async () => (await import('./commands/search.js')).searchCommand as CommandModule<object, never>],
  ['get', async () => (await import('./commands/get.js')).getCommand as CommandModule<object, never>],
  ['query', async () => (await import('./commands/query.js')).queryCommand as CommandModule<object, never>],
  ['validate', async () => (await import('./commands/validate.js')).validateCommand as CommandModule<object, never>],
  ['stats', async () => (await import('./commands/stats.js')).statsCommand as CommandModule<object, never>],
  ['rules', async () => (await import('./commands/rules.js')).rulesCommand as CommandModule<object, never>],
];

/**
 * The commands to register: only the one named when it is the first word (yargs then takes it
 * as the command whatever follows); all of them otherwise (the top-level help, a misspelt
 * command that yargs suggests a fix for, options before the command).
 */
async function commandsFor(argv: readonly string[]): Promise<Array<CommandModule<object, never>>> {
  const named = COMMANDS.find(([name]) => name === argv[0]);
  return Promise.all((named ? [named] : COMMANDS).map(([, load]) => load()));
}

/**
 * yargs renders the whole help text of a command each time it runs one, and keeps it in case the
 * handler later asks for help (ours never does: `--help` and usage errors are handled before the
 * handler runs, and a failure inside it goes to `.fail`, which prints no help). Laying out that
 * text (cliui, string-width over every line) is about a tenth of a short run's start, so the cache
 * is left empty; yargs renders the help afresh if it is ever asked for. The hook is internal to
 * yargs 18: where it is missing, nothing changes but the time.
 */
function skipHelpCache(cli: object): void {
  const internal = (cli as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } } }).getInternalMethods?.();
  const usage = internal?.getUsageInstance?.();
  if (usage !== undefined && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
}

async function main(argv: string[]): Promise<void> {
  const commands = await commandsFor(argv);
  let cli = yargs(argv)
    .scriptName('tracetriage')
    .usage('$0 <command> [options] <inputs..>\n\nOffline triage of exported MLflow traces: which sessions are in a dump, what was said, where it went wrong.');
  for (const command of commands) cli = cli.command(command);
  skipHelpCache(cli);
  await cli
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
