// The one pluraliser. English only, and only the regular `s` unless told: every count the tool
// writes goes through here, so `1 traces` or `2 turn` cannot come back in one layer while fixed
// in another.

/** `1 trace`, `2 traces`; `many` for the nouns that do not take an `s` (`1 entry`, `2 entries`). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
