import type { CommandModule } from 'yargs';
import { ValidateCollector } from '../../engine/validate.js';
import { closingLine, exitVerdict } from '../exit-code.js';
import { writeErr } from '../progress.js';
import { validateJson, validateText } from '../../report/validate.js';
import { forEachSummary, readingOptions, writeOut, type ReadArgs } from '../run-read.js';

interface Args extends ReadArgs {
  warnings: boolean;
}

/** `tracetriage validate <inputs..>` */
export const validateCommand: CommandModule<object, Args> = {
  command: 'validate <inputs..>',
  describe: 'Check every record; report each rejected one with file, line, record, byte offset, JSON path and reason',
  builder: (y) =>
    readingOptions(y)
      .option('warnings', { type: 'boolean', default: true, describe: 'list trace warnings (orphan spans, cycles, NaN tokens…); --no-warnings hides them' })
      .example('$0 validate <export.json>', 'check one file')
      .example('$0 validate <dumps/> --format json', 'check a directory, machine-readable')
      .example('gunzip -c <dump.jsonl.gz> | $0 validate -', 'check what arrives on stdin'),
  handler: async (args) => {
    const collector = new ValidateCollector();
    const outcome = await forEachSummary(args, (event) => collector.add(event), { listsRejections: true });
    const result = collector.done();
    const verdict = exitVerdict(outcome);
    if (args.format === 'json') await writeOut(JSON.stringify(validateJson(result, verdict.code), null, 2) + '\n');
    else await writeOut(validateText(result, { warnings: args.warnings }));
    if (verdict.code !== 0) writeErr(closingLine(verdict));
    process.exitCode = verdict.code;
  },
};
