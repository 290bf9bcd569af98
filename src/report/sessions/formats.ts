import { formatNames, whole, styleOf, type FormatOptions, type FormatRegistry } from '../format.js';
import { sessionsJsonChunks, sessionsText, type SessionsReport } from './sessions.js';

/** The formats of `sessions --format`. */
export type SessionsFormat = 'text' | 'json';

/** `sessions`' formats: one row per session for people, or JSON (schemas/sessions-output.schema.json). */
export const SESSIONS_FORMATS: FormatRegistry<SessionsFormat, SessionsReport> = {
  text: (report, options: FormatOptions) => whole(sessionsText(report, styleOf(options))),
  json: (report) => sessionsJsonChunks(report),
};

/** `sessions --format` choices. */
export const SESSIONS_FORMAT_NAMES = formatNames(SESSIONS_FORMATS);
