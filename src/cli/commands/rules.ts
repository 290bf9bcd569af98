import type { CommandModule } from 'yargs';
import { RULES } from '../../engine/rule-set.js';
import { rulesJson, rulesText, type RuleRow } from '../../report/rules.js';
import { configOption, loadConfig } from '../config.js';
import { stdoutStyle } from '../color.js';
import { writeOut } from '../run-read.js';

interface Args {
  format: 'text' | 'json';
  config?: string | boolean | undefined;
}

/** `tracetriage rules`: every rule with its description, severity and docs page. */
export const rulesCommand: CommandModule<object, Args> = {
  command: 'rules',
  describe: 'List the rules analyze runs: id, type, default severity (and the config\'s), description, docs page',
  builder: (y) =>
    configOption(y)
      .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'text for people, json for machines (schemas/rules-output.schema.json)' })
      .example('$0 rules', 'every rule and its docs page')
      .example('$0 rules --format json', 'rule metadata, message templates and option schemas as JSON'),
  handler: async (args) => {
    const config = await loadConfig(args.config);
    const rows: RuleRow[] = RULES.map((r) => ({ meta: r.meta, configured: config.rules[r.meta.id]?.severity ?? null }));
    await writeOut(args.format === 'json' ? JSON.stringify(rulesJson(rows), null, 2) + '\n' : rulesText(rows, stdoutStyle().width));
  },
};
