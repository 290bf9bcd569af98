import { cut } from '../../shared/text.js';

/**
 * Names a set of 1-based turn numbers the way a person would say them: `turn 3`, `turns 1–2`,
 * `turns 1 and 3`, `turns 1–3, 5 and 7–8`. Consecutive turns collapse into a range with an en
 * dash, so a long window reads as one span, not a list; duplicates and order do not matter.
 */
export function turnList(turns: Iterable<number>): string {
  const sorted = [...new Set(turns)].sort((a, b) => a - b);
  if (sorted.length === 0) return 'no turns';
  const parts: string[] = [];
  let start = sorted[0]!;
  let end = start;
  for (const n of sorted.slice(1)) {
    if (n === end + 1) {
      end = n;
      continue;
    }
    parts.push(start === end ? `${start}` : `${start}–${end}`);
    start = n;
    end = n;
  }
  parts.push(start === end ? `${start}` : `${start}–${end}`);
  const noun = sorted.length === 1 ? 'turn' : 'turns';
  const last = parts.pop()!;
  return parts.length === 0 ? `${noun} ${last}` : `${noun} ${parts.join(', ')} and ${last}`;
}

/** A text cut to `max` code points (`…` included) on one line, in double quotes, for evidence labels. */
export function excerpt(text: string, max = 60): string {
  const line = text.replace(/\s+/gu, ' ').trim();
  return `"${cut(line, max)}"`;
}
