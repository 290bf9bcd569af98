import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

/** What copying a folder would do, decided before anything is written. */
export interface CopyPlan {
  /** Every file of the source, relative to it, sorted (`/` between parts on every system). */
  readonly files: readonly string[];
  /** Files the destination already holds with the same bytes: nothing to do for them. */
  readonly same: readonly string[];
  /** Files the destination holds with other bytes: copying would replace the user's. */
  readonly differ: readonly string[];
}

/**
 * Compares the files under `from` with those at the same places under `to` (which may not exist).
 * Nothing is written: the caller decides, from the plan, whether to copy at all, so a folder of
 * the user's is never half-replaced.
 */
export async function planCopy(from: string, to: string): Promise<CopyPlan> {
  const files = (await filesUnder(from)).map((file) => relative(from, file).split('\\').join('/')).sort();
  const same: string[] = [];
  const differ: string[] = [];
  for (const file of files) {
    const there = await readFile(join(to, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (there === null) continue;
    if (there.equals(await readFile(join(from, file)))) same.push(file);
    else differ.push(file);
  }
  return { files, same, differ };
}

/** Copies `files` (relative paths from a {@link CopyPlan}) from `from` to `to`, making folders as needed. */
export async function copyPlanned(from: string, to: string, files: readonly string[]): Promise<void> {
  for (const file of files) {
    await mkdir(dirname(join(to, file)), { recursive: true });
    await copyFile(join(from, file), join(to, file));
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}
