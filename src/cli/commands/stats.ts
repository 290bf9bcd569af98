import type { CommandModule } from 'yargs';
import { StatsCollector } from '../../engine/stats.js';
import { statsText } from '../../report/stats.js';
import { forEachSummary, writeOut, type ReadArgs } from '../run-read.js';

interface Args extends ReadArgs {
  format: 'text' | 'json';
}

/** `tracetriage stats <inputs..>` */
export const statsCommand: CommandModule<object, Args> = {
  command: 'stats <inputs..>',
  describe: 'Count traces, spans, sessions, formats, errors and assessments per source and in total, with MB/s',
  builder: (y) =>
    y
      .positional('inputs', { type: 'string', array: true, demandOption: true, default: undefined, describe: 'files, directories, .gz, .tar(.gz), or - for stdin' })
      .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'output format' })
      .option('jobs', { type: 'number', describe: 'worker threads (default: 1 on up to 2 cores, else one per core up to 4); big JSON Lines files are read by ranges in parallel' })
      .option('max-record-mb', { type: 'number', describe: 'records larger than this are parsed span by span (default 268)', hidden: true })
      .example('$0 stats samples/', 'counts for the bundled samples')
      .example('$0 stats archive.tgz --format json', 'counts for an archive, machine-readable'),
  handler: async (args) => {
    const collector = new StatsCollector();
    await forEachSummary(args, (event) => collector.add(event));
    const report = collector.report();
    if (args.format === 'json') await writeOut(JSON.stringify(report, null, 2) + '\n');
    else await writeOut(statsText(report));
    process.exitCode = report.notes.some((n) => n.kind === 'read-error') ? 2 : 0;
  },
};
