import type { ReportData } from '../../engine/report/data.js';
import type { FormatOptions, FormatRegistry } from '../format.js';
import { reportHtml } from './html/report.js';
import { reportMarkdownWithPlan } from './markdown/report.js';
import type { SessionGuard } from './session-guard.js';
import type { TicketFormat } from './names.js';

export { TICKET_FORMAT_NAMES, type TicketFormat } from './names.js';
export { ReportTooLargeError } from './markdown/report.js';

/** Options of the report formats. */
export interface TicketFormatOptions extends FormatOptions {
  /** Markdown only: the most bytes the report may take (`--max-bytes`); over it even at its smallest, `ReportTooLargeError` is thrown. */
  maxBytes: number;
  /** Told of a session the renderer could not draw; the report says so in its place. */
  guard?: SessionGuard;
  /** Told how many sessions the output shows in detail (Markdown's budget may detail fewer than chosen). */
  onRendered?(rendered: { sessionsInDetail: number }): void;
}

/** `report`'s formats, pure functions of the report data. */
export const TICKET_FORMATS: FormatRegistry<TicketFormat, ReportData, TicketFormatOptions> = {
  markdown: (data, options) => {
    const { text, sessionsInDetail } = reportMarkdownWithPlan(data, { maxBytes: options.maxBytes, ...(options.guard !== undefined ? { guard: options.guard } : {}) });
    options.onRendered?.({ sessionsInDetail });
    return [text];
  },
  // The HTML report has no byte budget: every session chosen is shown in detail.
  html: (data, options) => {
    const text = reportHtml(data, options.guard);
    options.onRendered?.({ sessionsInDetail: data.sessions.length });
    return [text];
  },
};
