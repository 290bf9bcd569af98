import { analyzeJsonChunks, analyzeTextChunks, type AnalyzeReport } from './analyze.js';
import { formatNames, styleOf, type FormatOptions, type FormatRegistry } from '../format.js';
import { analyzeJunitChunks } from './junit.js';
import { analyzeSarifChunks, type SarifTool } from './sarif.js';

/** The formats of `analyze --format`. */
export type AnalyzeFormat = 'text' | 'json' | 'junit' | 'sarif';

/** Options of the analyze formats: the SARIF log names the tool and the rules that ran. */
export interface AnalyzeFormatOptions extends FormatOptions {
  /** The tool's version and the metadata of `report.rules` (the engine's `sarifTool`). */
  tool: SarifTool;
}

/** `analyze`'s formats: terminal text, JSON, JUnit XML for CI, SARIF for code scanning. */
export const ANALYZE_FORMATS: FormatRegistry<AnalyzeFormat, AnalyzeReport, AnalyzeFormatOptions> = {
  text: (report, options) => analyzeTextChunks(report, styleOf(options), options.verbosity),
  json: (report) => analyzeJsonChunks(report),
  junit: (report) => analyzeJunitChunks(report),
  sarif: (report, options) => analyzeSarifChunks(report, options.tool),
};

/** `analyze --format` choices. */
export const ANALYZE_FORMAT_NAMES = formatNames(ANALYZE_FORMATS);
