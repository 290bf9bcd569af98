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
