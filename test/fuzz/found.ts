import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/make-inputs.js';
import { decodeValue, encodeValue } from './codec.js';

/** Where `make fuzz` writes what it finds: checked in once looked at, replayed by every `make test`. */
export const FOUND_DIR = join(REPO_ROOT, 'test', 'fuzz', 'found');

/** One failure found by a campaign, minimised by fast-check. */
export interface Found {
  property: string;
  /** The seed and path that make fast-check generate this case again (while the generator is unchanged). */
  seed: number;
  path: string | null;
  /** The first line of the error: what went wrong. */
  error: string;
  /** The minimal counterexample, tagged by codec.ts; the replay test runs the property's check on it. */
  counterexample: unknown;
  /** When it was found, and by which campaign. */
  found: string;
}

/** `<property>-<8 hex of the counterexample>.json`: the same case found twice is one file. */
export function foundFileName(property: string, counterexample: unknown): string {
  return `${property}-${createHash('sha256').update(encodeValue(counterexample)).digest('hex').slice(0, 8)}.json`;
}

/** Writes a failure; returns its file name. */
export function writeFound(found: Found, dir = FOUND_DIR): string {
  const name = foundFileName(found.property, found.counterexample);
  const file = { ...found, counterexample: JSON.parse(encodeValue(found.counterexample)) as unknown };
  writeFileSync(join(dir, name), JSON.stringify(file, null, 1) + '\n');
  return name;
}

/** Every failure in the directory, counterexamples decoded. */
export function readFound(dir = FOUND_DIR): Array<{ file: string } & Found> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Found;
      return { ...raw, file, counterexample: decodeValue(JSON.stringify(raw.counterexample)) };
    });
}
