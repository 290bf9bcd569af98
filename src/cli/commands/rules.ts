import type { CommandModule } from 'yargs';
import { ruleRows } from '../../engine/analyze/rule-set.js';
import { RULES_FORMAT_NAMES, RULES_FORMATS, type RulesFormat } from '../../report/rules/formats.js';
import { configOption, loadConfig } from '../config.js';
import { textOptions } from '../color.js';
import { writeAll } from '../run-read.js';

interface Args {
  format: RulesFormat;
  config?: string | boolean | undefined;
}

/** `tracetriage rules`: every rule with its description, severity and docs page. */
export const rulesCommand: CommandModule<object, Args> = {
  command: 'rules',
  describe: "List the rules analyze runs: id, type, default severity (and the config's), description, docs page",
  builder: (y) =>
    configOption(y)
      .option('format', { choices: RULES_FORMAT_NAMES, default: 'text' as const, describe: 'text for people, json for machines (schemas/rules-output.schema.json)' })
      .example('$0 rules', 'every rule and its docs page')
      .example('$0 rules --format json', 'rule metadata, message templates and option schemas as JSON'),
  handler: async (args) => {
    const config = await loadConfig(args.config);
    await writeAll(RULES_FORMATS[args.format](ruleRows(config.rules), textOptions()));
  },
};
