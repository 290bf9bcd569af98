/**
 * A query the user wrote that cannot be run: a filter string, an order-by clause, an
 * `--extract-fields` path, a JSONPath or a pipeline stage. `column` is 1-based in `text`, so the
 * CLI can point at the fault under the query it echoes.
 */
export class QuerySyntaxError extends Error {
  constructor(
    message: string,
    /** What was being parsed, as the user calls it: `filter`, `order-by`, `extract-fields`, `jsonpath`, `pipeline`, `jq`. */
    readonly what: 'filter' | 'order-by' | 'extract-fields' | 'jsonpath' | 'pipeline' | 'page-token' | 'jq',
    /** The text that was parsed. */
    readonly text: string,
    /** 1-based column of the fault in `text`, or null when the fault is the whole text. */
    readonly column: number | null,
  ) {
    super(message);
    this.name = 'QuerySyntaxError';
  }
}
