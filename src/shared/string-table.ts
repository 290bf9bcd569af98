/**
 * Strings numbered in the order first seen, each held once: a column stores the number, and
 * {@link intern} gives back the one copy of a string seen before (ids repeated over many records).
 */
export class StringTable {
  private readonly strings: string[] = [];
  private readonly numbers = new Map<string, number>();

  /** The number of `text`, given it if new. */
  numberOf(text: string): number {
    let n = this.numbers.get(text);
    if (n === undefined) {
      n = this.strings.length;
      this.strings.push(text);
      this.numbers.set(text, n);
    }
    return n;
  }

  /** The copy of `text` this table holds (the first one it was given). */
  intern(text: string): string {
    return this.at(this.numberOf(text));
  }

  /** The string numbered `n`. */
  at(n: number): string {
    return this.strings[n]!;
  }

  /** Every string, in number order. */
  all(): readonly string[] {
    return this.strings;
  }
}

/**
 * Lists of strings numbered in the order first seen, each held once (by its JSON): a column of
 * sets of experiments, where nearly every session of a dump has the same one. The list given back
 * is shared: never change it.
 */
export class ListTable {
  private readonly numbers = new StringTable();
  private readonly lists: string[][] = [];

  /** The number of `list`, given it if new (the table keeps that array). */
  numberOf(list: string[]): number {
    const n = this.numbers.numberOf(JSON.stringify(list));
    if (n === this.lists.length) this.lists.push(list);
    return n;
  }

  at(n: number): string[] {
    return this.lists[n]!;
  }
}
