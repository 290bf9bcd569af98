#!/usr/bin/env node
import { createRequire } from 'node:module';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { Argv, CommandModule } from 'yargs';
import { safeLines, safeText } from '../shared/escape/terminal.js';
import { QuerySyntaxError } from '../query/errors.js';
import { CliError, querySyntaxMessage } from './errors.js';
import { setColorFlag } from './color.js';
import { setOutputOptions } from './output-options.js';
import { setProgressFlag, stopProgress, writeErr, writeNote } from './progress.js';
import { missingInputs } from './id-inputs.js';
import { abortOutput, commitOutput, setOutputFile, STDIN_ARG } from './run-read.js';
import { setTestFault } from '../engine/read/guard.js';
import { boundHeapGrowth } from './heap.js';

// Before any input is read: V8 grows the heap at most 50% past what is live (src/cli/heap.ts).
boundHeapGrowth();

// For tests only: makes one named stage throw on one trace id, to reach the per-trace guard (docs/inputs.md).
setTestFault(process.env['TRACETRIAGE_TEST_FAULT']);

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** What the examples read, said under every command's examples (yargs shows the main epilogue only in the main --help). */
const EXAMPLES_NOTE =
  'Examples read samples/, the sample traces the package ships: run `tracetriage samples` to copy them here. A name in <angle brackets> (<export.json>, <dumps/>) stands for a file or folder of yours.';

const EPILOGUE = `Inputs: files, directories (recursive, sorted), .gz, .tar, .tar.gz/.tgz (streamed, never extracted), - for stdin, MLflow stores (mlflow.db, mlruns/); besides MLflow exports, OTLP/JSON, OpenTelemetry console output, Jaeger, Zipkin and Langfuse trace exports (docs/inputs.md).
Colour: text output on a terminal is coloured; NO_COLOR=1 or --no-color turns it off, FORCE_COLOR=1 or --color turns it on for a pipe. A progress bar shows on stderr (a terminal only) for big or slow reads; --no-progress hides it.
Exit codes: 0 clean; 1 findings at or above --fail-on (analyze), rejected records, not found (session, trace, get, --session); 2 usage error, invalid query, unreadable input, no trace read at all, or an internal error.
${EXAMPLES_NOTE}
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
  ['digest', async () => (await import('./commands/digest.js')).digestCommand as CommandModule<object, never>],
  ['reduce', async () => (await import('./commands/reduce.js')).reduceCommand as CommandModule<object, never>],
  ['merge', async () => (await import('./commands/merge.js')).mergeCommand as CommandModule<object, never>],
  ['rules', async () => (await import('./commands/rules.js')).rulesCommand as CommandModule<object, never>],
  ['samples', async () => (await import('./commands/samples.js')).samplesCommand as CommandModule<object, never>],
];

/**
 * The commands to register: only the one named when it is the first word (yargs then takes it
 * as the command whatever follows); all of them otherwise (the top-level help, a misspelt
 * command that yargs suggests a fix for, options before the command).
 */
async function commandsFor(argv: readonly string[]): Promise<Array<CommandModule<object, never>>> {
  const named = COMMANDS.find(([name]) => name === argv[0]);
  return Promise.all((named ? [named] : COMMANDS).map(async ([name, load]) => (name === 'rules' ? load() : withExamplesNote(await load()))));
}

/** A command whose --help ends with {@link EXAMPLES_NOTE} (`rules` reads no input, so it has no such examples). */
function withExamplesNote(command: CommandModule<object, never>): CommandModule<object, never> {
  const builder = command.builder;
  if (typeof builder !== 'function') return command;
  return { ...command, builder: (y) => (builder(y) as Argv<object>).epilogue(EXAMPLES_NOTE) as Argv<never> };
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

/**
 * `tracetriage help analyze` as `tracetriage analyze --help` (and `help` alone as `--help`):
 * the way git, npm and cargo take it. yargs alone took `help` for a misspelt command.
 */
function helpAsFlag(argv: string[]): string[] {
  if (argv[0] !== 'help') return argv;
  const named = COMMANDS.find(([name]) => name === argv[1]);
  return named ? [named[0], '--help'] : ['--help'];
}

/**
 * The help text's width: `--width` when given (yargs lays the help out before the middleware
 * sees options, so it is read from the words here; 0: no wrapping), else the terminal's up to
 * 110 columns, 100 on a pipe.
 */
function helpWidth(argv: readonly string[]): number | null {
  const at = argv.findIndex((word) => word === '--width' || word.startsWith('--width='));
  const given = at < 0 ? undefined : argv[at]!.includes('=') ? argv[at]!.slice('--width='.length) : argv[at + 1];
  const width = given === undefined ? Number.NaN : Number(given);
  if (Number.isFinite(width) && width >= 0) return width === 0 ? null : Math.floor(width);
  return Math.min(HELP_MAX_COLUMNS, process.stdout.columns || HELP_COLUMNS_NO_TTY);
}

/** yargs's words for a command run without its inputs, said plainly; a mistyped flag gets its nearest flag. */
function plainFailure(message: string, argv: readonly string[], known: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.*)$/su.exec(message);
  if (unknown !== null) {
    // yargs lists a dashed flag twice, as typed and camel-cased (`max-result, maxResult`): once here.
    const words = unknown[1]!.split(', ');
    const typed = words.filter((word) => !/[A-Z]/.test(word) || !words.includes(word.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)));
    const hints = [...new Set(typed.flatMap((word) => nearest(word, known) ?? []))];
    const said = `Unknown argument${typed.length === 1 ? '' : 's'}: ${typed.join(', ')}`;
    return hints.length === 0 ? said : `${said} (did you mean ${hints.map((h) => `--${h}`).join(' or ')}?)`;
  }
  const command = COMMANDS.find(([name]) => name === argv[0])?.[0];
  if (command === undefined || !/^Not enough non-option arguments/.test(message)) return message;
  if (command === 'query')
    return `query needs a query (a JSONPath, or --jq with a jq program) and an input: a file, a directory, an MLflow store, or - for standard input (e.g. tracetriage query '$.info.trace_id' samples/)`;
  return missingInputs(command);
}

/** `--help` is wrapped at the terminal's width, at most this wide (longer lines are hard to read). */
const HELP_MAX_COLUMNS = 110;
/** `--help`'s width when stdout is not a terminal (a pipe, a file). */
const HELP_COLUMNS_NO_TTY = 100;

/** A mistyped flag is taken for a known one at most this many edits away. */
const MAX_FLAG_EDITS = 2;
/** A prefix this long or longer of a known flag names it (`--fail` for `--fail-on`). */
const MIN_FLAG_PREFIX = 3;

/** The known flag closest to a mistyped one (at most two edits, or a prefix of it), or null. */
function nearest(word: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = MAX_FLAG_EDITS + 1;
  for (const candidate of known) {
    if (candidate.length <= 1) continue;
    const d = candidate.startsWith(word) && word.length >= MIN_FLAG_PREFIX ? 1 : editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance (short flag names: the quadratic table is nothing). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = row;
  }
  return previous[b.length]!;
}

async function main(given: string[]): Promise<void> {
  const argv = helpAsFlag(given);
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
    .example('$0 validate <export.json>', 'every record that cannot be read, with file, line, byte offset and JSON path')
    .example('mlflow traces search -x 1 --output json | $0 stats -', 'read an export from standard input')
    .demandCommand(1, 'Name a command: analyze, report, sessions, session, trace, search, get, query, validate, stats, rules or samples (see --help).')
    .option('debug', { type: 'boolean', describe: 'show stack traces of internal errors' })
    // No defaults: "not given" must stay apart from "false", so the environment decides then.
    .option('color', { type: 'boolean', describe: 'colour text output (--no-color: never); default: on a terminal, unless NO_COLOR is set (FORCE_COLOR forces)' })
    .option('progress', { type: 'boolean', describe: 'progress bar on stderr for big or slow reads (--no-progress: never); only ever on a terminal' })
    .option('width', {
      type: 'number',
      describe:
        "fit text output to this many columns (tables cut cells with … and drop columns, long lines are cut or wrapped); 0: no limit; default: the terminal's width, no limit on a pipe or file",
    })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'errors only: analyze prints error findings; stderr says errors only (no notes, warnings or progress)' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'say more: analyze prints every finding with its evidence; stderr lists every rejected record' })
    .conflicts('quiet', 'verbose')
    .option('output-file', { alias: 'o', type: 'string', describe: 'write the output to this file instead of stdout (put in place whole at the end, never left half-written); - is stdout' })
    .middleware((argv) => {
      setColorFlag(argv.color);
      setProgressFlag(argv.progress);
      setOutputFile(argv['output-file']);
      setOutputOptions({ width: argv.width, quiet: argv.quiet, verbose: argv.verbose });
    })
    .strict()
    .recommendCommands()
    .version(version)
    .help()
    .alias('h', 'help')
    .epilogue(EPILOGUE)
    .wrap(helpWidth(argv))
    .fail((message, error, usage) => {
      if (error) throw error;
      // The flags known where the failure happened (the command's own and the global ones).
      const known = Object.keys((usage as unknown as { getDescriptions?: () => Record<string, unknown> }).getDescriptions?.() ?? {});
      const command = COMMANDS.find(([name]) => name === argv[0])?.[0];
      writeErr(`tracetriage: ${safeLines(plainFailure(message, argv, known))}\nRun 'tracetriage ${command !== undefined ? `${command} ` : ''}--help' for usage.\n`);
      process.exit(2);
    })
    .parseAsync();
  const written = await commitOutput();
  if (written !== null) writeNote(`tracetriage: wrote ${safeText(written.path)} (${written.bytes} bytes)\n`);
}

// A reader that stops early (`| head`) closes the pipe: that ends the output, it is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    stopProgress();
    process.exit(process.exitCode ?? 0);
  }
  throw error;
});

main(hideBin(process.argv).map((arg) => (arg === '-' ? STDIN_ARG : arg))).catch(async (error: unknown) => {
  // A run that failed leaves no half-written output file (the one it replaces stays as it was).
  await abortOutput();
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
