/**
 * What an input is, told from its first bytes: a tar archive, an empty one (zero blocks), JSON,
 * or a known kind a user may pass by mistake that is not an export, named once for what it is,
 * with what to do instead, rather than read as a thousand invalid JSON records.
 */

const EXPORT_COMMAND = 'mlflow traces search --experiment-id <id> --output json';

/** What the head of an input is when it is a known kind that tracetriage does not read; else null. */
export function recognise(head: Buffer): string | null {
  if (isSqlite(head)) {
    // A database file is read as a store (open-stream.ts); one on stdin or inside an archive cannot be
    // opened by SQLite where it is.
    return 'an SQLite database on standard input or inside an archive: an MLflow store (mlflow.db) is read from a file; extract it and pass its path (`tracetriage analyze mlflow.db`)';
  }
  if (head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6) || (head[2] === 7 && head[3] === 8))) {
    return 'a zip archive, not a trace export: tracetriage reads gzip and tar archives, not zip; unzip it and pass the directory';
  }
  if (isMlflowTable(head)) {
    return `MLflow's table output (\`mlflow traces search\` without \`--output json\`), not a trace export: run \`${EXPORT_COMMAND}\``;
  }
  return null;
}

/**
 * The table `mlflow traces search` prints by default (mlflow/cli/traces.py, `_create_table` in
 * mlflow/utils/string_utils.py): a header of field paths (`info.trace_id  info.request_time ...`,
 * or the `--extract-fields` paths), then a line of dashes under each column, two spaces apart.
 */
function isMlflowTable(head: Buffer): boolean {
  const lines = head
    .toString('latin1', 0, Math.min(head.length, 64 * 1024))
    .replace(/^\s*\n/, '')
    .split('\n', 2);
  const [header, rule] = lines;
  if (header === undefined || rule === undefined) return false;
  return /^(info|data)\.\S*( {2,}\S+)*\s*$/.test(header) && /^-{4,}( {2}-{4,})*\s*$/.test(rule);
}

/** SQLite's header (`SQLite format 3` and a NUL): an MLflow SQLite store, or another database. */
export function isSqlite(head: Buffer): boolean {
  return head.length >= 16 && head.toString('latin1', 0, 16) === 'SQLite format 3\0';
}

/** A tar archive: the `ustar` magic of its first header. */
export function isTar(head: Buffer): boolean {
  return head.length >= 263 && head.toString('latin1', 257, 262) === 'ustar';
}

/** Whether the head starts (after a BOM and white space) with `{` or `[`, or is only white space. */
export function startsLikeJson(head: Buffer): boolean {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  return i === head.length || head[i] === 0x7b || head[i] === 0x5b;
}

/**
 * Whether some line of the head starts (after white space) with `{` or `[`: a JSON Lines file whose
 * first line is damaged still has one. A named file with none (Markdown, CSV, a log) is not a trace
 * export and is named once for that, not read as a rejected record per line.
 */
export function hasJsonLine(head: Buffer): boolean {
  let lineStart = true;
  for (let i = 0; i < head.length; i++) {
    const byte = head[i]!;
    if (byte === 0x0a) lineStart = true;
    else if (lineStart && (byte === 0x7b || byte === 0x5b)) return true;
    else if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) lineStart = false;
  }
  return false;
}

/** The first bytes of a head, printable, for a message. */
export function describeStart(head: Buffer): string {
  const text = head.toString('latin1', 0, 12).replace(/[^\x20-\x7e]/g, '.');
  return JSON.stringify(text);
}

const TAR_BLOCK = 512;
/** The most zero bytes an empty tar archive is believed to hold (a blocking factor of 2048). */
const MAX_EMPTY_TAR = 1 << 20;
const ZERO_BLOCK = Buffer.alloc(MAX_EMPTY_TAR);

/** Whether the head starts with a whole tar block of zeros. */
export function isZeroBlock(head: Buffer): boolean {
  return head.length >= TAR_BLOCK && head.subarray(0, TAR_BLOCK).equals(ZERO_BLOCK.subarray(0, TAR_BLOCK));
}

/**
 * Reads on while the input holds only zero bytes, up to 1 MiB: an input that ends there, a whole
 * number of tar blocks (at least the two that end an archive), is an empty tar archive. Otherwise
 * what was read is handed back as the head to read as usual.
 */
export async function readZeros(head: Buffer, iterator: AsyncIterator<Buffer>): Promise<{ empty: true; length: number } | { empty: false; head: Buffer }> {
  const pieces = [head];
  let length = head.length;
  let zero = head.equals(ZERO_BLOCK.subarray(0, Math.min(head.length, MAX_EMPTY_TAR)));
  while (zero && length <= MAX_EMPTY_TAR) {
    const { value, done } = await iterator.next();
    if (done === true) {
      if (length % TAR_BLOCK === 0 && length >= 2 * TAR_BLOCK) return { empty: true, length };
      break;
    }
    pieces.push(value);
    length += value.length;
    zero = value.length <= MAX_EMPTY_TAR && value.equals(ZERO_BLOCK.subarray(0, value.length));
  }
  return { empty: false, head: pieces.length === 1 ? head : Buffer.concat(pieces) };
}
