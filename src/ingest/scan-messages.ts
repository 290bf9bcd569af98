/**
 * The wording of what the scanner reports: the problems it attaches to a record and the notes it
 * says about a source, each with the byte offset and line it concerns. Pure: the scanner decides
 * when, these say what.
 */
import { cut } from '../shared/text.js';
import type { RecordContainer } from './record.js';
import type { ScanNote, ScanProblem } from './scan-types.js';

/** Characters of a page token shown in the note. */
const TOKEN_SHOWN = 40;

/** A record nested deeper than `maxDepth` levels; `offset` is where the level past it opens. */
export function tooDeep(maxDepth: number, offset: number, line: number): ScanProblem {
  return { code: 'too-deep', message: `nested deeper than ${maxDepth} levels (no trace is); not parsed`, offset, line };
}

/** The input ended inside a record (`open`: brackets still open, unless it ended inside a string). */
export function endedInside(inString: boolean, open: number, offset: number, line: number): ScanProblem {
  return {
    code: 'truncated',
    message: inString ? 'input ended inside a string' : `input ended inside the value (${open} bracket(s) not closed)`,
    offset,
    line,
  };
}

/** A line break inside a top-level value that ends it early (the line feed at `offset`). */
export function cutShortLine(offset: number, line: number): ScanProblem {
  return { code: 'cut-short-line', message: 'the line ends before its JSON value is complete (a cut-short JSON line)', offset, line };
}

/** A raw line break inside a string of a top-level value. */
export function cutShortInString(offset: number, line: number): ScanProblem {
  return { code: 'cut-short-line', message: 'the line ends inside a string (a cut-short JSON line)', offset, line };
}

/** The input ended inside a top-level array or the search envelope. */
export function endedInContainer(container: RecordContainer, offset: number, line: number): ScanNote {
  return {
    code: 'unclosed-envelope',
    message:
      container === 'search'
        ? 'input ended inside the {"traces": [...]} envelope; every complete trace before that point was read'
        : 'input ended inside the top-level array; every complete element before that point was read',
    offset,
    line,
  };
}

/** A top-level array or the search envelope given up at a line that ends inside one of its elements. */
export function leftContainer(container: RecordContainer, offset: number, line: number): ScanNote {
  return {
    code: 'unclosed-envelope',
    message:
      container === 'search'
        ? 'the {"traces": [...]} envelope is not closed: a line ends inside one of its traces, and the next line is read on its own'
        : 'the top-level array is not closed: a line ends inside one of its elements, and the next line is read on its own',
    offset,
    line,
  };
}

export function utf8BomNote(): ScanNote {
  return { code: 'bom', message: 'a UTF-8 byte order mark was skipped', offset: 0, line: 1 };
}

export function utf16BomNote(): ScanNote {
  return {
    code: 'utf16',
    message: 'the input starts with a UTF-16 byte order mark; exports are UTF-8 (convert with iconv -f UTF-16 -t UTF-8)',
    offset: 0,
    line: 1,
  };
}

/** A page token as read: its first characters, and where its string starts. */
export interface PageToken {
  text: string;
  offset: number;
  line: number;
}

/** A non-empty `next_page_token` of the search envelope: the file is one page of a longer search. */
export function pageTokenNote(token: PageToken): ScanNote {
  return {
    code: 'next-page-token',
    message:
      `this file is one page of a search: more traces exist (next_page_token ${JSON.stringify(cut(token.text, TOKEN_SHOWN))}); ` +
      'fetch every page (mlflow traces search … --page-token <token>, until next_page_token is null, or a larger --max-results) and read them together',
    offset: token.offset,
    line: token.line,
    token: token.text,
  };
}
