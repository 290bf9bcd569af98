import { fileURLToPath } from 'node:url';
import type { CommandModule } from 'yargs';
import { copyPlanned, planCopy } from '../../ingest/copy-files.js';
import { plural } from '../../shared/plural.js';
import { safeText } from '../../shared/escape/terminal.js';
import { CliError } from '../errors.js';
import { writeOut } from '../run-read.js';

interface Args {
  dir: string;
  force: boolean;
}

/** The samples the package ships (`files` in package.json), beside dist/: the same folder in a clone. */
const BUNDLED = fileURLToPath(new URL('../../../samples/', import.meta.url));

/** How many files a list names before "and N more". */
const LISTED = 3;

/**
 * `tracetriage samples [dir]`: copies the bundled samples into `./samples` (or `dir`), so that every
 * `--help` example, which reads `samples/`, runs from a global install in any folder. A file of the
 * user's that differs from a sample is never replaced unless `--force` says so; then nothing at all
 * is copied, so the folder is not left half-updated.
 */
export const samplesCommand: CommandModule<object, Args> = {
  command: 'samples [dir]',
  describe: 'Copy the bundled sample traces into ./samples (or dir), which the --help examples read',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', default: 'samples', describe: 'where to copy them' })
      .option('force', { type: 'boolean', default: false, describe: 'replace files of the same name that differ from the samples' })
      .example('$0 samples', 'copy them into ./samples, then try: tracetriage analyze samples/')
      .example('$0 samples my-samples', 'into ./my-samples instead (the examples then read my-samples/ where they say samples/)'),
  handler: async (args) => {
    const plan = await planCopy(BUNDLED, args.dir).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(`cannot copy the samples into ${args.dir}: ${error.message}`, 'output');
    });
    if (plan.files.length === 0) throw new CliError(`this installation holds no samples (looked in ${BUNDLED})`, 'input');
    const dir = safeText(args.dir);
    if (plan.differ.length > 0 && !args.force) {
      throw new CliError(
        `${dir} already holds ${plural(plan.differ.length, 'file')} of the same name as a sample but different (${listed(plan.differ)}): nothing copied; --force replaces ${plan.differ.length === 1 ? 'it' : 'them'}, or name another folder (tracetriage samples <dir>)`,
        'output',
      );
    }
    const toCopy = plan.files.filter((file) => !plan.same.includes(file));
    await copyPlanned(BUNDLED, args.dir, toCopy).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(`cannot copy the samples into ${args.dir}: ${error.message}`, 'output');
    });
    const replaced = plan.differ.length > 0 ? `, replacing ${plural(plan.differ.length, 'file')} that differed (${listed(plan.differ)})` : '';
    const done = toCopy.length === 0 ? `${dir} already holds the ${plural(plan.files.length, 'sample file')}; nothing copied` : `copied ${plural(toCopy.length, 'sample file')} into ${dir}${replaced}`;
    const folder = dir.replace(/\/+$/, '') || '/';
    const examples = folder === 'samples' ? ' (and every --help example, which reads samples/)' : '';
    await writeOut(`${done}\nTry: tracetriage analyze ${folder.endsWith('/') ? folder : `${folder}/`}${examples}\n`);
  },
};

function listed(files: readonly string[]): string {
  const shown = files.slice(0, LISTED).map(safeText).join(', ');
  return files.length > LISTED ? `${shown} and ${files.length - LISTED} more` : shown;
}
