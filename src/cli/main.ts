#!/usr/bin/env node
import { createRequire } from 'node:module';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { statsCommand } from './commands/stats.js';
import { validateCommand } from './commands/validate.js';
import { CliError } from './errors.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const EPILOGUE = `Exit codes: 0 clean; 1 findings or rejected records; 2 usage error, unreadable input or internal error.
Inputs: files, directories (recursive, sorted), .gz, .tar, .tar.gz/.tgz (streamed, never extracted), - for stdin.
Docs: docs/ in the package; https://github.com/ is not needed — everything works offline.`;

async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  await yargs(argv)
    .scriptName('tracetriage')
    .usage('$0 <command> [options] <inputs..>\n\nOffline triage of exported MLflow traces: which sessions are in a dump, what was said, where it went wrong.')
    .command(validateCommand)
    .command(statsCommand)
    .demandCommand(1, 'Name a command: validate or stats (see --help).')
    .option('debug', { type: 'boolean', describe: 'show stack traces of internal errors' })
    .strict()
    .recommendCommands()
    .version(version)
    .help()
    .alias('h', 'help')
    .epilogue(EPILOGUE)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error, y) => {
      if (error) throw error;
      process.stderr.write(`${y.help === undefined ? '' : ''}tracetriage: ${message}\nRun 'tracetriage --help' for usage.\n`);
      process.exit(2);
    })
    .parseAsync();
  void debug;
}

main(hideBin(process.argv)).catch((error: unknown) => {
  const debug = process.argv.includes('--debug');
  if (error instanceof CliError) process.stderr.write(`tracetriage: ${error.message}\n`);
  else if (debug && error instanceof Error) process.stderr.write(`${error.stack ?? error.message}\n`);
  else process.stderr.write(`tracetriage: internal error: ${error instanceof Error ? error.message : String(error)} (run with --debug for the stack)\n`);
  process.exitCode = 2;
});
