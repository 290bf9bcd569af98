/**
 * The best `capacity` items seen so far under `compare` (smaller is better), in a binary heap
 * whose root is the worst kept item: a search over a dump of any size holds one page of traces,
 * not every match. Ties must be broken by the caller's comparator (e.g. input order) so the
 * result is deterministic.
 */
export class TopK<T> {
  private readonly heap: T[] = [];

  constructor(
    readonly capacity: number,
    private readonly compare: (a: T, b: T) => number,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  /** True when `item` would not be kept (the heap is full and `item` is not better than its worst). */
  rejects(item: T): boolean {
    if (this.capacity <= 0) return true;
    return this.heap.length >= this.capacity && this.compare(item, this.heap[0]!) >= 0;
  }

  /** Offers an item; returns true when it was kept. */
  offer(item: T): boolean {
    if (this.rejects(item)) return false;
    if (this.heap.length < this.capacity) {
      this.heap.push(item);
      this.up(this.heap.length - 1);
    } else {
      this.heap[0] = item;
      this.down(0);
    }
    return true;
  }

  /** The kept items, best first. */
  sorted(): T[] {
    return [...this.heap].sort(this.compare);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(h[i]!, h[parent]!) <= 0) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < h.length && this.compare(h[l]!, h[worst]!) > 0) worst = l;
      if (r < h.length && this.compare(h[r]!, h[worst]!) > 0) worst = r;
      if (worst === i) return;
      [h[i], h[worst]] = [h[worst]!, h[i]!];
      i = worst;
    }
  }
}
