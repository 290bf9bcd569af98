import { formatNames, jsonOutput, whole, type FormatRegistry } from '../format.js';
import { rulesJson, rulesText, type RuleRow } from './rules.js';

/** The formats of `rules --format`. */
export type RulesFormat = 'text' | 'json';

/** `rules`' formats: a list with docs pages, or the rule metadata as JSON. */
export const RULES_FORMATS: FormatRegistry<RulesFormat, readonly RuleRow[]> = {
  text: (rows, options) => whole(rulesText(rows, options.width)),
  json: (rows) => jsonOutput(rulesJson(rows)),
};

/** `rules --format` choices. */
export const RULES_FORMAT_NAMES = formatNames(RULES_FORMATS);
