/**
 * Reading the small files of a file store: UTF-8 text taken exactly as written (MLflow stores each
 * metadata value and tag as a file's whole content, no trailing newline, 0 bytes for an empty
 * string), YAML as PyYAML writes it, and one-value-per-file folders.
 *
 * The reads are synchronous behind async signatures: the files are a few bytes to a few KB, and a
 * promise round trip through libuv's thread pool (open, fstat, read, close) cost more than the
 * read itself (a 2,000-trace store read in about half the time without it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

// fatal: invalid UTF-8 is reported, not replaced; ignoreBOM: a BOM is part of the value, as in MLflow.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A file's text, or why it cannot be read (`missing` when there is no such file). */
export type TextResult = { text: string } | { error: string; missing: boolean };

/** Reads a whole small file as UTF-8. */
export async function readText(path: string): Promise<TextResult> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(error)})`, missing: code === 'ENOENT' };
  }
  try {
    return { text: utf8.decode(bytes) };
  } catch (error) {
    // TextDecoder throws a TypeError for invalid UTF-8 with fatal: true, and V8 refuses a string
    // over about 512 MB (a traces.json that large needs a streaming reader); anything else is a bug.
    if ((error as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG') {
      return { error: `is too large to read whole (${bytes.length} bytes, more than one string can hold)`, missing: false };
    }
    if (!(error instanceof TypeError)) throw error;
    return { error: 'is not UTF-8 text', missing: false };
  }
}

/**
 * Parses YAML with the YAML 1.1 schema: PyYAML (MLflow's writer) speaks 1.1, so `yes`, `0o17` and
 * the like mean what they meant to it. Aliases are capped by the parser (a hostile file cannot
 * expand a billion-laughs document). Errors name the line and column.
 */
export function parseYaml(text: string): { value: unknown } | { error: string } {
  const doc = parseDocument(text, { schema: 'yaml-1.1' });
  const first = doc.errors[0];
  if (first !== undefined) {
    const at = first.linePos?.[0];
    const where = at === undefined ? '' : ` at line ${at.line}, column ${at.col}`;
    return { error: `YAML error${where}: ${first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` };
  }
  return { value: doc.toJS({ maxAliasCount: 100 }) };
}

/**
 * The text of a plain YAML scalar at the top of a mapping, as written: for names that a YAML 1.1
 * reader would otherwise turn into numbers or dates (`1e5`, `2024-01-01`) where PyYAML kept text.
 */
export function plainScalarText(text: string, key: string): string | undefined {
  const doc = parseDocument(text, { schema: 'yaml-1.1', keepSourceTokens: false });
  const node = doc.get(key, true) as { source?: unknown; value?: unknown } | undefined;
  if (node === undefined) return undefined;
  if (typeof node.value === 'string') return node.value;
  return typeof node.source === 'string' ? node.source : undefined;
}

/** What a one-value-per-file folder holds: values by key, and one sentence per file that could not be read. */
export interface ValueFolder {
  values: Record<string, string>;
  problems: { key: string; problem: string }[];
}

/**
 * Reads every file under `dir` as one value, its key the path below `dir` (`/`-joined, as MLflow
 * lists nested keys). A missing folder is an empty one: a trace without tags has none.
 */
export async function readValueFolder(dir: string): Promise<ValueFolder> {
  const found: ValueFolder = { values: {}, problems: [] };
  const pairs: [string, string][] = [];
  await walk(dir, '', pairs, found.problems);
  // Sorted: directory order differs between file systems, the output must not.
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, value] of pairs) found.values[key] = value;
  return found;
}

async function walk(dir: string, prefix: string, pairs: [string, string][], problems: ValueFolder['problems']): Promise<void> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && prefix === '') return;
    problems.push({ key: prefix === '' ? '.' : prefix.slice(0, -1), problem: `folder cannot be listed (${code ?? String(error)})` });
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const key = prefix + entry.name;
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(path));
    if (isDir) {
      await walk(path, key + '/', pairs, problems);
      continue;
    }
    const read = await readText(path);
    if ('text' in read) pairs.push([key, read.text]);
    else problems.push({ key, problem: read.error });
  }
}

/** The names in a folder with whether each is a folder; null when there is no such folder; an error code otherwise. */
export async function listFolder(dir: string): Promise<{ name: string; isDir: boolean }[] | null | string> {
  try {
    const entries = readdirSync(dir, { withFileTypes: true });
    const out: { name: string; isDir: boolean }[] = [];
    for (const entry of entries) {
      const isDir = entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(join(dir, entry.name)));
      out.push({ name: entry.name, isDir });
    }
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return out;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? null : (code ?? String(error));
  }
}

/** Whether a symbolic link leads to a folder; a dangling one is not (it is then read as a file, and its error named). */
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (error) {
    // Not silent: the caller then reads the link as a file, and that read names the error.
    if (!(error instanceof Error)) throw error;
    return false;
  }
}
