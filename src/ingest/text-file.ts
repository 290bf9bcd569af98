import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
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

/**
 * A file written as a stream and put in place whole: chunks go to a temporary name beside `path`
 * (opened at the first chunk, so a command that writes nothing leaves nothing), renamed over
 * `path` by {@link AtomicFileWriter.commit}; {@link AtomicFileWriter.abort} removes it, so a run
 * that fails half-way never leaves a half-written file that looks whole.
 */
export class AtomicFileWriter {
  private handle: FileHandle | null = null;
  private readonly temporary: string;

  constructor(readonly path: string) {
    this.temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  }

  /** Bytes written so far. */
  bytes = 0;

  /** Appends text (as UTF-8) or bytes. */
  async write(chunk: string | Uint8Array): Promise<void> {
    this.handle ??= await open(this.temporary, 'w');
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    await this.handle.write(buffer);
    this.bytes += buffer.length;
  }

  /** Puts the file in place; false when nothing was written (no file is made). */
  async commit(): Promise<boolean> {
    const handle = this.handle;
    if (handle === null) return false;
    this.handle = null;
    try {
      await handle.close();
      await rename(this.temporary, this.path);
      return true;
    } catch (error) {
      await rm(this.temporary, { force: true });
      throw error;
    }
  }

  /** Removes what was written (the run failed); the target file is left as it was. */
  async abort(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    try {
      await handle?.close();
    } finally {
      await rm(this.temporary, { force: true });
    }
  }
}
