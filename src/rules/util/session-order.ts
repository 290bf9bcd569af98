import type { SessionInput } from '../api.js';
import { compareNullable } from '../../model/sessions.js';

/**
 * Where a session stands in the order the session phase visits sessions (first time, then id):
 * what lets state gathered over parts of the sessions be merged as if one run had gathered it.
 */
export interface SessionOrder {
  first: number | null;
  id: string;
}

/** A session's {@link SessionOrder}. */
export function sessionOrder(session: SessionInput): SessionOrder {
  return { first: session.session.summary.firstTimeMs, id: session.id };
}

/** The visiting order: first time (a missing one last), then id. */
export function compareSessionOrder(a: SessionOrder, b: SessionOrder): number {
  return compareNullable(a.first, b.first) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** An item gathered from a session, with that session's place. */
export interface Ordered<T> {
  order: SessionOrder;
  value: T;
}

/**
 * The first `cap` items of lists each kept in session order (a run's own first items): the
 * same items one run over every session would have kept first. Items of one session keep their
 * order.
 */
export function firstOfMerged<T>(lists: ReadonlyArray<readonly Ordered<T>[]>, cap: number): Ordered<T>[] {
  // A stable sort keeps the items of one session in the order they were gathered.
  return lists
    .flat()
    .sort((a, b) => compareSessionOrder(a.order, b.order))
    .slice(0, cap);
}

/**
 * Adds an item to a list kept in session order and bounded to the first `cap` items, whatever order
 * the sessions are visited in (`reduce` visits a part's sessions in bucket order): after the items
 * of its own and earlier sessions, and only if it is among the first `cap`.
 */
export function keepFirst<T>(list: Array<Ordered<T>>, item: Ordered<T>, cap: number): void {
  let at = list.length;
  while (at > 0 && compareSessionOrder(list[at - 1]!.order, item.order) > 0) at--;
  if (at >= cap) return;
  list.splice(at, 0, item);
  if (list.length > cap) list.length = cap;
}

/** The earlier of two items by session order (the first when they are of one session). */
export function earlier<T>(a: Ordered<T>, b: Ordered<T>): Ordered<T> {
  return compareSessionOrder(b.order, a.order) < 0 ? b : a;
}
