import type { CommandModule } from 'yargs';
import { StatsCollector } from '../../engine/stats.js';
import { STATS_FORMAT_NAMES, STATS_FORMATS, type StatsFormat } from '../../report/stats/formats.js';
import { textOptions } from '../color.js';
import { exitVerdict } from '../../engine/outcome.js';
import { applyVerdict } from '../exit-code.js';
import { forEachSummary, readingOptions, writeAll, type ReadArgs } from '../run-read.js';

interface Args extends ReadArgs {
  format: StatsFormat;
}

/** `tracetriage stats <inputs..>` */
export const statsCommand: CommandModule<object, Args> = {
  command: 'stats <inputs..>',
  describe: 'Count traces, spans, sessions, formats, errors and assessments per source and in total, with MB/s',
  builder: (y) =>
    readingOptions(y, STATS_FORMAT_NAMES).example('$0 stats samples/', 'counts for the bundled samples').example('$0 stats <archive.tgz> --format json', 'counts for an archive, machine-readable'),
  handler: async (args) => {
    const collector = new StatsCollector();
    try {
      const outcome = await forEachSummary(args, (event) => collector.add(event));
      await writeAll(STATS_FORMATS[args.format](collector.report(), textOptions()));
      applyVerdict(exitVerdict(outcome));
    } finally {
      collector.close();
    }
  },
};
