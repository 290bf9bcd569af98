import type { RuleMeta } from '../../rules/api.js';
import { fitLines, table } from '../shared/terminal.js';
import { PLAIN_STYLE } from '../shared/style.js';

/** One row of `tracetriage rules`. */
export interface RuleRow {
  meta: RuleMeta;
  /** The severity the config sets, or `off`; null when the config says nothing. */
  configured: string | null;
}

/** Where a rule's docs page is, relative to the package root. */
export function docsPage(id: string): string {
  return `docs/rules/${id}.md`;
}

/** `tracetriage rules`: id, type, severity (default, and the config's when it differs), description, docs. */
export function rulesText(rows: readonly RuleRow[], width = 0): string {
  const body = rows.map(({ meta, configured }) => [
    meta.id,
    meta.type,
    configured === null || configured === meta.severity ? meta.severity : `${configured} (default ${meta.severity})`,
    meta.description,
    docsPage(meta.id),
  ]);
  // Within a width: the docs path goes first (it is docs/rules/<id>.md), then the type; the description is cut.
  const text = table(['RULE', 'TYPE', 'SEVERITY', 'DESCRIPTION', 'DOCS'], body, new Set(), PLAIN_STYLE, { width, drop: [4, 1] });
  return `${text}\n\n${fitLines(`${rows.length} rules; set severity and options in tracetriage.config.json (docs/config.md)`, width, 'wrap')}\n`;
}

/** `tracetriage rules --format json` (schemas/rules-output.schema.json). */
export function rulesJson(rows: readonly RuleRow[]): Record<string, unknown> {
  return {
    schema_version: 1,
    rules: rows.map(({ meta, configured }) => ({
      id: meta.id,
      type: meta.type,
      description: meta.description,
      default_severity: meta.severity,
      configured_severity: configured,
      messages: Object.entries(meta.messages).map(([id, text]) => ({
        id,
        text,
        severity: (meta.messageSeverity as Record<string, string | undefined> | undefined)?.[id] ?? meta.severity,
      })),
      options_schema: meta.schema ?? null,
      default_options: meta.defaultOptions ?? {},
      docs: docsPage(meta.id),
    })),
  };
}
