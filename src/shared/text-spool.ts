/**
 * Texts put aside in order and read back in that order, as many times as needed: the engine's
 * temporary file (a `SpillLog`) when a run has one, so that what a format must say at its end (a
 * line per folded finding) is not held in memory; an array otherwise.
 */
export interface TextSpool extends Iterable<string> {
  /** Appends a text (any characters, line breaks included). */
  append(text: string): void;
  /** How many texts were appended. */
  readonly length: number;
}

/** A {@link TextSpool} in memory. */
export function memorySpool(): TextSpool {
  const texts: string[] = [];
  return {
    append: (text) => {
      texts.push(text);
    },
    get length() {
      return texts.length;
    },
    [Symbol.iterator]: () => texts[Symbol.iterator](),
  };
}
