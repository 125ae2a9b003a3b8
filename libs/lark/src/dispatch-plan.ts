import type { RateBudget } from './rate-budget';

/** A notification waiting for its chatbot's next request, oldest first. */
export interface QueuedNotification {
  notificationId: string;
  /** When the sender first took it in (ms). */
  receivedAt: number;
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
  return { kind: 'send', notificationIds: [oldest.notificationId], digest: false };
}
