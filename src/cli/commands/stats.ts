import type { CommandModule } from 'yargs';
import { StatsCollector } from '../../engine/stats.js';
import { statsText } from '../../report/stats.js';
import { stdoutStyle } from '../color.js';
import { closingLine, exitVerdict } from '../exit-code.js';
import { writeErr } from '../progress.js';
import { forEachSummary, readingOptions, writeOut, type ReadArgs } from '../run-read.js';

type Args = ReadArgs;

/** `tracetriage stats <inputs..>` */
export const statsCommand: CommandModule<object, Args> = {
  command: 'stats <inputs..>',
  describe: 'Count traces, spans, sessions, formats, errors and assessments per source and in total, with MB/s',
  builder: (y) =>
    readingOptions(y)
      .example('$0 stats samples/', 'counts for the bundled samples')
      .example('$0 stats <archive.tgz> --format json', 'counts for an archive, machine-readable'),
  handler: async (args) => {
    const collector = new StatsCollector();
    const outcome = await forEachSummary(args, (event) => collector.add(event));
    const report = collector.report();
    if (args.format === 'json') await writeOut(JSON.stringify(report, null, 2) + '\n');
    else await writeOut(statsText(report, stdoutStyle()));
    const verdict = exitVerdict(outcome);
    if (verdict.code !== 0) writeErr(closingLine(verdict));
    process.exitCode = verdict.code;
  },
};
