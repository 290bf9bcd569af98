/**
 * How a failed read of the inputs is told: anything thrown made an `Error`, and a file-system error
 * worded for a person (the common codes in words, the rest as Node words them).
 */

/** A file-system error in words: what an error event of a source says. */
export function describeFsError(error: unknown): string {
  const e = asError(error) as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return e.message;
  }
}

/** What was thrown, as an `Error` (a non-Error throw made one with its text). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
