import { formatNames, jsonOutput, whole, styleOf, type FormatOptions, type FormatRegistry } from '../format.js';
import { traceJson } from './json.js';
import { traceMarkdown } from './markdown.js';
import type { TraceReportInput, TraceReportOptions } from './view.js';
import { traceText } from './trace.js';

/** The formats of `trace --format`. */
export type TraceFormat = 'text' | 'json' | 'markdown';

/** Options of the trace formats. */
export interface TraceFormatOptions extends FormatOptions {
  /** Show each span's decoded attributes (`--attributes`). */
  attributes?: boolean;
  /** Do not cut long values, messages, stack traces or wide trees (`--full`). */
  full?: boolean;
}

function shown(options: TraceFormatOptions): TraceReportOptions {
  return { attributes: options.attributes === true, full: options.full === true };
}

/** `trace`'s formats: the span tree for people, JSON, Markdown for an issue. */
export const TRACE_FORMATS: FormatRegistry<TraceFormat, TraceReportInput, TraceFormatOptions> = {
  text: (input, options) => whole(traceText(input, shown(options), styleOf(options))),
  json: (input, options) => jsonOutput(traceJson(input, shown(options))),
  markdown: (input, options) => whole(traceMarkdown(input, shown(options))),
};

/** `trace --format` choices. */
export const TRACE_FORMAT_NAMES = formatNames(TRACE_FORMATS);
