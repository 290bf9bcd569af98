// Apart from the registry so the CLI can offer the choices without loading the two renderers
// (some 50 kB of JavaScript each), which it imports only when `report` runs.

/** The formats of `report --format`: a Markdown ticket or one self-contained HTML file. */
export const TICKET_FORMAT_NAMES = ['markdown', 'html'] as const;

/** A format of `report --format`. */
export type TicketFormat = (typeof TICKET_FORMAT_NAMES)[number];
