import { namesInput } from '../ingest/sources.js';
import { CliError } from './errors.js';
import { STDIN_ARG } from './run-read.js';

/** What `trace`, `session` and `get` were asked for: an id (null: the only one there is) and the inputs. */
export interface IdAndInputs {
  id: string | null;
  inputs: string[];
}

/**
 * Reads an id and inputs the way MLflow's CLI and a shell user both write them: the id by its flag
 * (`--trace-id`, as `mlflow traces get` takes it) or as the first word, the inputs after it; or no
 * id at all when the first word already names an input (`trace file.json`), for an input that
 * holds one trace or one session. Inputs are still raw words (`-` as STDIN_ARG).
 */
export function idAndInputs(command: string, flag: string | undefined, words: readonly string[]): IdAndInputs {
  if (flag !== undefined) return { id: flag, inputs: needInputs(command, [...words]) };
  const [first, ...rest] = words;
  if (first === undefined) return { id: null, inputs: needInputs(command, []) };
  if (first === STDIN_ARG || namesInput(first)) return { id: null, inputs: [...words] };
  // Ids may hold anything (a session id with a slash): only a word that exists is an input. A
  // word alone that looks like a path and does not exist is most likely a mistyped input.
  if (rest.length === 0 && looksLikePath(first)) throw new CliError(`${missingInputs(command)}; no file or directory ${first} exists`, 'usage');
  return { id: first, inputs: needInputs(command, rest) };
}

/** A word that looks like a path: with a folder or an input's extension. */
function looksLikePath(word: string): boolean {
  return /[\\/]/.test(word) || /\.(?:jsonl?|json\.gz|jsonl\.gz|gz|tgz|tar|db|txt)$/i.test(word);
}

function needInputs(command: string, inputs: string[]): string[] {
  if (inputs.length === 0) throw new CliError(missingInputs(command), 'usage');
  return inputs;
}

/** The plain message for a command run without an input. */
export function missingInputs(command: string): string {
  return `${command} needs an input: a file, a directory, an MLflow store (mlflow.db, mlruns/), or - for standard input (e.g. tracetriage ${command} samples/)`;
}

/** A word as a user could paste it back into a shell: quoted when it holds anything but plain path characters. */
export function shellWord(word: string): string {
  const shown = word === STDIN_ARG ? '-' : word;
  return /^[\w./:@%+=,-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}
