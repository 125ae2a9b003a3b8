import type { RateBudget } from './rate-budget';

/** A notification waiting for its chatbot's next request, oldest first. */
export interface QueuedNotification {
  notificationId: string;
  /** When the sender first took it in (ms). */
  receivedAt: number;
  /** The alert group it is about (absent for a daily summary). */
  groupKey?: string;
  /**
   * A later notification of its group tells all it tells: it is a firing one with no resolved
   * alert (the group's later notification counts every alert still firing; a resolve it told
   * could be missing from a later one).
   */
  replaceable?: boolean;
}

export interface DispatchOptions {
  /** A notification that has waited this long is merged with the rest rather than wait its turn. */
  digestAfterMs: number;
  /** Most notifications merged into one digest request (the rest wait for the next one). */
  maxDigest: number;
}

export type DispatchPlan =
  | { kind: 'idle' }
  | { kind: 'wait'; until: number }
  /**
   * `notificationIds` go in one request: a digest card of them all, or else a card of the last
   * one, which supersedes the others (older notifications of its group).
   */
  | { kind: 'send'; notificationIds: string[]; digest: boolean };

/**
 * What a chatbot's next request carries. One card per notification while the budget can carry the
 * queue; a digest of everything waiting as soon as it cannot — more notifications queued than
 * requests left in this minute, or the oldest kept waiting past `digestAfterMs` — so a storm costs a
 * few requests instead of a queue without end.
 */
export function planDispatch(queue: readonly QueuedNotification[], budget: RateBudget, now: number, options: DispatchOptions): DispatchPlan {
  if (queue.length === 0) return { kind: 'idle' };
  if (budget.availableNow === 0) return { kind: 'wait', until: budget.nextAt };
  const oldest = queue[0]!;
  const short = queue.length > budget.minuteRemaining || now - oldest.receivedAt >= options.digestAfterMs;
  if (queue.length > 1 && short) {
    return { kind: 'send', notificationIds: queue.slice(0, options.maxDigest).map((entry) => entry.notificationId), digest: true };
  }
  return { kind: 'send', notificationIds: supersededWith(queue), digest: false };
}

/**
 * The oldest notification, or, when its group has newer ones queued and everything before the
 * newest is replaceable, all of the group's up to the newest: the chat gets the group's latest
 * count now instead of a card per group interval it fell behind by.
 */
function supersededWith(queue: readonly QueuedNotification[]): string[] {
  const oldest = queue[0]!;
  if (!oldest.replaceable || oldest.groupKey === undefined) return [oldest.notificationId];
  const group = queue.filter((entry) => entry.groupKey === oldest.groupKey);
  const firstFinal = group.findIndex((entry) => !entry.replaceable);
  const through = firstFinal === -1 ? group.length : firstFinal + 1;
  return group.slice(0, through).map((entry) => entry.notificationId);
}
