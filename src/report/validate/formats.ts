import type { ValidateResult } from '../../engine/validate.js';
import { formatNames, jsonOutput, whole, type FormatOptions, type FormatRegistry } from '../format.js';
import { validateJson, validateText } from './validate.js';

/** The formats of `validate --format`. */
export type ValidateFormat = 'text' | 'json';

/** What `validate` prints: the checks, and the status the run exits with (the JSON carries it). */
export interface ValidateView extends ValidateResult {
  exit: { code: number };
}

/** Options of the validate formats. */
export interface ValidateFormatOptions extends FormatOptions {
  /** List trace warnings (orphan spans, cycles, NaN tokens…) in the text form; default true. */
  warnings?: boolean;
}

/** `validate`'s formats: each rejected record for people, or JSON. */
export const VALIDATE_FORMATS: FormatRegistry<ValidateFormat, ValidateView, ValidateFormatOptions> = {
  text: (view, options) => whole(validateText(view, { warnings: options.warnings ?? true, width: options.width })),
  json: (view) => jsonOutput(validateJson(view, view.exit.code)),
};

/** `validate --format` choices. */
export const VALIDATE_FORMAT_NAMES = formatNames(VALIDATE_FORMATS);
