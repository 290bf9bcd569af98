import type { Dirent } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { isFileStore } from '../store/file-store.js';
import { isSqlite } from './sniff.js';

/**
 * MLflow stores among the inputs: how a store is named on the command line, what in a folder
 * belongs to a store rather than being an input of its own, and a database told by its header.
 */

/**
 * `sqlite:///mlflow.db` and `sqlite:////abs/mlflow.db` (MLflow's tracking URIs) and `file:` URIs
 * name a path; anything else is a path already.
 */
export function storePath(input: string): string {
  if (input.startsWith('sqlite:///')) return input.slice('sqlite:///'.length) || '.';
  if (input.startsWith('file://')) return decodeURIComponent(new URL(input).pathname);
  return input;
}

/**
 * What in a directory belongs to a store rather than being an input of its own: file stores
 * (folders of experiments, read as one store), the `-wal`, `-shm` and `-journal` files of an
 * SQLite database (SQLite applies them when it reads the database), and `mlartifacts/` beside a
 * store (its artifact root, where the stores find `traces.json`; walking it would read every
 * trace's spans a second time, without their trace).
 */
export async function storesAmong(dir: string, entries: Dirent[]): Promise<{ fileStores: Set<string>; parts: Map<string, { note: string | null }> }> {
  const fileStores = new Set<string>();
  const parts = new Map<string, { note: string | null }>();
  const names = new Set(entries.map((e) => e.name));
  const SUFFIXES = ['-wal', '-shm', '-journal'];
  // A file's header is read here only where it decides something: a database with a -wal (or
  // -shm, -journal) beside it, or an mlartifacts/ folder beside it. Every other file's first
  // bytes are read once, by the walk itself.
  const artifacts = names.has('mlartifacts');
  let databases = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && (await isFileStore(path))) fileStores.add(entry.name);
    else if (entry.isFile() && (artifacts || SUFFIXES.some((s) => names.has(entry.name + s))) && (await isSqliteFile(path))) {
      databases++;
      for (const suffix of SUFFIXES) if (names.has(entry.name + suffix)) parts.set(entry.name + suffix, { note: null });
    }
  }
  if ((fileStores.size > 0 || databases > 0) && names.has('mlartifacts') && !fileStores.has('mlartifacts')) {
    parts.set('mlartifacts', { note: 'the artifact root of the MLflow store beside it: its traces.json files are read with their traces' });
  }
  return { fileStores, parts };
}

/** Whether a file starts with SQLite's header (the store reader says whether it is MLflow's). */
async function isSqliteFile(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
    const head = Buffer.alloc(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    return isSqlite(head.subarray(0, bytesRead));
  } catch {
    // Unreadable here means not a store part: the walk reads it as a file and reports the error.
    return false;
  } finally {
    await handle?.close();
  }
}
