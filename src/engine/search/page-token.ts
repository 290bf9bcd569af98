import { createHash } from 'node:crypto';
import { QuerySyntaxError } from '../../query/errors.js';

/** What a search page depends on: a token made for one search must not resume another. */
export interface PageScope {
  inputs: readonly string[];
  filter: string;
  order: readonly string[];
  experimentIds: readonly string[];
  runId: string | null;
}

/**
 * An opaque page token: base64 of `{"offset": N, "scope": <digest>}`. MLflow's own file store
 * hands out base64 `{"offset": N}`; the scope digest is ours, so a token pasted into a different
 * search is refused instead of silently skipping the wrong traces.
 */
export function makePageToken(offset: number, scope: PageScope): string {
  return Buffer.from(JSON.stringify({ offset, scope: digest(scope) })).toString('base64');
}

/** The offset a token resumes at; throws QuerySyntaxError('page-token') on a foreign or damaged token. */
export function readPageToken(token: string, expected: PageScope): number {
  const bad = (why: string): never => {
    throw new QuerySyntaxError(`invalid page token: ${why}`, 'page-token', token, null);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return bad('it is not a token this tool wrote (not base64 JSON)');
  }
  if (typeof parsed !== 'object' || parsed === null) return bad('it is not a token this tool wrote');
  const { offset, scope } = parsed as { offset?: unknown; scope?: unknown };
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) return bad('no valid offset in it');
  if (scope !== digest(expected)) return bad('it was made for another search (other inputs, filter, order or scope)');
  return offset;
}

function digest(scope: PageScope): string {
  return createHash('sha256').update(JSON.stringify(scope)).digest('base64url').slice(0, 16);
}

/** What a search page is asked for: the scope a token belongs to, and the token it resumes from. */
export interface PageRequest extends PageScope {
  pageToken?: string | undefined;
}

/** A search's scope and the offset its page starts at (0 without a token; a foreign token throws). */
export function pageStart(request: PageRequest): { scope: PageScope; offset: number } {
  const scope: PageScope = { inputs: request.inputs, filter: request.filter, order: request.order, experimentIds: request.experimentIds, runId: request.runId };
  return { scope, offset: request.pageToken ? readPageToken(request.pageToken, scope) : 0 };
}

/** The next page's token, or null when the page was the last. */
export function nextPageToken(nextOffset: number | null, scope: PageScope): string | null {
  return nextOffset === null ? null : makePageToken(nextOffset, scope);
}
