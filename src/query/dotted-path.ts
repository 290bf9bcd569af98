import { QuerySyntaxError } from './errors.js';

/** One step of a dotted path: a key (backticks make one key of `a.b`), or `*` over every item. */
export type PathSegment = { kind: 'key'; key: string; quoted: boolean; column: number } | { kind: 'wildcard'; column: number };

/**
 * Parses one MLflow-style dotted path — `info.trace_id`, ``info.tags.`mlflow.traceName` ``,
 * `data.spans.*.name` — into segments. A backticked segment is one key whatever it holds; an
 * unquoted `*` is a wildcard. `offset` is the path's 0-based position in `source` (the text the
 * user wrote), so errors point at the right column of the whole argument.
 */
export function parseDottedPath(path: string, what: QuerySyntaxError['what'], source: string = path, offset = 0): PathSegment[] {
  const segments: PathSegment[] = [];
  const fail = (message: string, at: number): never => {
    throw new QuerySyntaxError(message, what, source, offset + at + 1);
  };
  let i = 0;
  if (path.trim() === '') fail('empty path', 0);
  while (i <= path.length) {
    const start = i;
    if (path[i] === '`') {
      const close = path.indexOf('`', i + 1);
      if (close < 0) fail('unclosed backtick: a key in backticks needs a closing `', i);
      const key = path.slice(i + 1, close);
      if (key === '') fail('empty key in backticks', i);
      segments.push({ kind: 'key', key, quoted: true, column: offset + start + 1 });
      i = close + 1;
      if (i < path.length && path[i] !== '.') fail(`expected '.' after the backticked key, found '${path[i]}'`, i);
    } else {
      let end = path.indexOf('.', i);
      if (end < 0) end = path.length;
      const key = path.slice(i, end);
      if (key === '') fail(i === 0 ? 'a path cannot start with .' : 'empty key between dots', i);
      if (key.includes('`')) fail('a backtick must start a key: write `a.b` as one segment', i + key.indexOf('`'));
      segments.push(key === '*' ? { kind: 'wildcard', column: offset + start + 1 } : { kind: 'key', key, quoted: false, column: offset + start + 1 });
      i = end;
    }
    if (i >= path.length) break;
    i++; // the dot
    if (i === path.length) fail('a path cannot end with .', i - 1);
  }
  return segments;
}

/**
 * Splits a comma-separated list of dotted paths (`--extract-fields`, `pick(...)`), leaving commas
 * inside backticks alone. Each part comes with its 0-based offset in `text`.
 */
export function splitPathList(text: string): Array<{ path: string; offset: number }> {
  const parts: Array<{ path: string; offset: number }> = [];
  let start = 0;
  let inTicks = false;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '`') inTicks = !inTicks;
    if ((c === ',' && !inTicks) || i === text.length) {
      const raw = text.slice(start, i);
      const lead = raw.length - raw.trimStart().length;
      parts.push({ path: raw.trim(), offset: start + lead });
      start = i + 1;
    }
  }
  return parts;
}
