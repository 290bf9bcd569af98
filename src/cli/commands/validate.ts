import type { CommandModule } from 'yargs';
import { ValidateCollector } from '../../engine/validate.js';
import { VALIDATE_FORMAT_NAMES, VALIDATE_FORMATS, type ValidateFormat } from '../../report/validate/formats.js';
import { exitVerdict } from '../../engine/outcome.js';
import { applyVerdict } from '../exit-code.js';
import { forEachSummary, readingOptions, writeAll, type ReadArgs } from '../run-read.js';
import { textOptions } from '../color.js';

interface Args extends ReadArgs {
  format: ValidateFormat;
  warnings: boolean;
}

/** `tracetriage validate <inputs..>` */
export const validateCommand: CommandModule<object, Args> = {
  command: 'validate <inputs..>',
  describe: 'Check every record; report each rejected one with file, line, record, byte offset, JSON path and reason',
  builder: (y) =>
    readingOptions(y, VALIDATE_FORMAT_NAMES)
      .option('warnings', { type: 'boolean', default: true, describe: 'list trace warnings (orphan spans, cycles, NaN tokens…); --no-warnings hides them' })
      .example('$0 validate <export.json>', 'check one file')
      .example('$0 validate <dumps/> --format json', 'check a directory, machine-readable')
      .example('gunzip -c <dump.jsonl.gz> | $0 validate -', 'check what arrives on stdin'),
  handler: async (args) => {
    const collector = new ValidateCollector();
    const outcome = await forEachSummary(args, (event) => collector.add(event), { listsRejections: true });
    const verdict = exitVerdict(outcome);
    await writeAll(VALIDATE_FORMATS[args.format]({ ...collector.done(), exit: verdict }, { ...textOptions(), warnings: args.warnings }));
    applyVerdict(verdict);
  },
};
