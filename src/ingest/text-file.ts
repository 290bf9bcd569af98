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

/**
 * Reads a small UTF-8 file if it exists: its text, or null when there is no such file (the
 * optional ./tracetriage.config.json). Any other failure (a directory, no permission) throws.
 */
export async function readOptionalTextFile(path: string): Promise<string | null> {
  try {
    return await readTextFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
