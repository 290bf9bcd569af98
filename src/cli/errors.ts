import type { QuerySyntaxError } from '../query/errors.js';
import { safeText } from '../shared/escape/terminal.js';

/** A known failure: printed as one clean line, exit code 2. Unknown errors keep their stack (`--debug`). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: 'usage' | 'input' | 'output',
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * A query error as the CLI prints it: the message, then the query with a caret under the
 * faulty column, so a long filter string shows where it went wrong.
 */
export function querySyntaxMessage(error: QuerySyntaxError): string {
  const head = `tracetriage: invalid ${error.what}: ${safeText(error.message)}`;
  if (error.column === null) return head + '\n';
  const text = safeText(error.text);
  // The caret lines up only when escaping did not lengthen the text before the column.
  const before = safeText(error.text.slice(0, error.column - 1));
  return `${head} (column ${error.column})\n  ${text}\n  ${' '.repeat([...before].length)}^\n`;
}
