import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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

/**
 * Writes a report file whole: first to a temporary name beside it, then renamed over `path`, so
 * a run that fails half-way (disk full, killed) never leaves a half-written report that looks
 * whole. The temporary file is removed if the write fails.
 */
export async function writeTextFileAtomic(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
