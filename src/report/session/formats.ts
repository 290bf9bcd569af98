import { formatNames, jsonOutput, whole, styleOf, type FormatRegistry } from '../format.js';
import { sessionJson } from './json.js';
import { sessionMarkdown, sessionText, type SessionReport } from './session.js';

/** The formats of `session --format`. */
export type SessionFormat = 'text' | 'json' | 'markdown';

/** `session`'s formats: turn by turn for people, JSON (schemas/session-output.schema.json), Markdown for a ticket. */
export const SESSION_FORMATS: FormatRegistry<SessionFormat, SessionReport> = {
  text: (report, options) => whole(sessionText(report, styleOf(options))),
  json: (report) => jsonOutput(sessionJson(report)),
  markdown: (report) => whole(sessionMarkdown(report)),
};

/** `session --format` choices. */
export const SESSION_FORMAT_NAMES = formatNames(SESSION_FORMATS);
