import type { StatsReport } from '../../engine/stats.js';
import { formatNames, jsonOutput, whole, styleOf, type FormatRegistry } from '../format.js';
import { statsText } from './stats.js';

/** The formats of `stats --format`. */
export type StatsFormat = 'text' | 'json';

/** `stats`' formats: tables for people, the counts as JSON. */
export const STATS_FORMATS: FormatRegistry<StatsFormat, StatsReport> = {
  text: (report, options) => whole(statsText(report, styleOf(options))),
  json: (report) => jsonOutput(report),
};

/** `stats --format` choices. */
export const STATS_FORMAT_NAMES = formatNames(STATS_FORMATS);
