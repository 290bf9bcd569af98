import { readFile } from 'node:fs/promises';

/**
 * Reads a small UTF-8 file whole (a config file, a schema shipped with the package). Trace inputs
 * never come through here: they are streamed by `openInputs`. A leading byte order mark is
 * dropped, as editors on Windows write one.
 */
export async function readTextFile(path: string | URL): Promise<string> {
  const text = await readFile(path, 'utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
