import { analyzeJsonChunks, analyzeTextChunks, type AnalyzeReport } from './analyze.js';
import { formatNames, styleOf, type FormatOptions, type Formatter } from '../format.js';
import { analyzeJunitChunks } from './junit.js';
import { analyzeParquetChunks } from './parquet.js';
import { analyzeSarifChunks, type SarifTool } from './sarif.js';

/** The text formats of `analyze --format`. */
export type AnalyzeTextFormat = 'text' | 'json' | 'junit' | 'sarif';

/** The formats of `analyze --format`: the text ones, and Parquet (bytes). */
export type AnalyzeFormat = AnalyzeTextFormat | 'parquet';

/** Options of the analyze formats: the SARIF log names the tool and the rules that ran. */
export interface AnalyzeFormatOptions extends FormatOptions {
  /** The tool's version and the metadata of `report.rules` (the engine's `sarifTool`). */
  tool: SarifTool;
}

/** The analyze registry's type: each format's formatter, giving bytes for Parquet and text for the others. */
export type AnalyzeRegistry = { readonly [F in AnalyzeFormat]: Formatter<AnalyzeReport, AnalyzeFormatOptions, F extends 'parquet' ? Uint8Array : string> };

/** `analyze`'s formats: terminal text, JSON, JUnit XML for CI, SARIF for code scanning, Parquet for data tools. */
export const ANALYZE_FORMATS: AnalyzeRegistry = {
  text: (report, options) => analyzeTextChunks(report, styleOf(options), options.verbosity),
  json: (report) => analyzeJsonChunks(report),
  junit: (report) => analyzeJunitChunks(report),
  sarif: (report, options) => analyzeSarifChunks(report, options.tool),
  parquet: (report, options) => analyzeParquetChunks(report, options.tool.version),
};

/** `analyze --format` choices. */
export const ANALYZE_FORMAT_NAMES = formatNames(ANALYZE_FORMATS);
