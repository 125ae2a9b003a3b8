import { rateBudget, requestsWithin, type RateLimits } from './rate-budget';

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
  /**
   * Tells the chat what someone did to its group's incident: always a card of its own. It never
   * joins a group's card, so it neither supersedes nor is superseded, and never goes in a digest
   * (a digest lists the rest of the queue). It goes when it is the oldest waiting, or once it has
   * waited the digest delay, before the next digest.
   */
  followUp?: boolean;
}

export interface DispatchOptions {
  /**
   * The digest delay: how long a notification may wait for a card of its own. A backlog the budget
   * cannot carry one card each within it, or a notification that already waited it, goes out as a
   * digest at once.
   */
  digestAfterMs: number;
  limits: RateLimits;
}

export type DispatchPlan =
  | { kind: 'idle' }
  | { kind: 'wait'; until: number }
  /**
   * `notificationIds` go in one request: a digest of them all (the card settles those whose lines
   * fit; the rest stay queued for the next one), or else a card of the last one, which supersedes
   * the others (older notifications of its group).
   */
  | { kind: 'send'; notificationIds: string[]; digest: boolean };

/** The group whose card a notification may join: none for a daily summary or a follow-up. */
const groupOf = (entry: QueuedNotification): string | undefined => (entry.followUp ? undefined : entry.groupKey);

/**
 * What a chatbot's next request carries, given the instants of its recent requests. The queue's
 * cards (`cardsNeeded`) go one at a time, the first at once, while the budget can carry them all
 * within the digest delay; as soon as it cannot, or once the oldest has waited that long, a digest
 * of everything waiting goes at once, so a storm spends its requests on cards that show every group
 * instead of on single cards while hundreds wait.
 */
export function planDispatch(queue: readonly QueuedNotification[], sentAt: readonly number[], now: number, options: DispatchOptions): DispatchPlan {
  if (queue.length === 0) return { kind: 'idle' };
  const budget = rateBudget(sentAt, now, options.limits);
  if (budget.availableNow === 0) return { kind: 'wait', until: budget.nextAt };
  // A follow-up's turn: when it is the oldest, or once it has waited the digest delay (a storm's
  // digests, which never carry it, do not hold it back longer). A card of its own either way.
  const followUp = queue.find((entry, index) => entry.followUp && (index === 0 || now - entry.receivedAt >= options.digestAfterMs));
  if (followUp) return { kind: 'send', notificationIds: [followUp.notificationId], digest: false };
  const cards = cardsNeeded(queue);
  const waitedTooLong = now - queue[0]!.receivedAt >= options.digestAfterMs;
  const digestable = queue.filter((entry) => !entry.followUp);
  // A digest of one card's worth would only be a poorer card.
  if (cardsNeeded(digestable) > 1 && (waitedTooLong || cards > requestsWithin(sentAt, now, options.digestAfterMs, options.limits))) {
    return { kind: 'send', notificationIds: digestable.map((entry) => entry.notificationId), digest: true };
  }
  return { kind: 'send', notificationIds: supersededWith(queue), digest: false };
}

/**
 * Requests the queue takes at one card each, as `supersededWith` makes them: a group's replaceable
 * notifications collapse into the next one of the group (the card of the newest tells them all),
 * a notification that tells a resolve ends its own card, and a follow-up is a card of its own that
 * leaves its group's cards as they are.
 */
export function cardsNeeded(queue: readonly QueuedNotification[]): number {
  /** Groups whose card so far is one of replaceable notifications: a later one joins it. */
  const open = new Set<string>();
  let cards = 0;
  for (const entry of queue) {
    const group = groupOf(entry);
    if (group === undefined) {
      cards += 1;
      continue;
    }
    if (!open.has(group)) cards += 1;
    if (entry.replaceable) open.add(group);
    else open.delete(group);
  }
  return cards;
}

/**
 * The oldest notification, or, when its group has newer ones queued and everything before the
 * newest is replaceable, all of the group's up to the newest: the chat gets the group's latest
 * count now instead of a card per group interval it fell behind by.
 */
function supersededWith(queue: readonly QueuedNotification[]): string[] {
  const oldest = queue[0]!;
  const key = groupOf(oldest);
  if (!oldest.replaceable || key === undefined) return [oldest.notificationId];
  const group = queue.filter((entry) => groupOf(entry) === key);
  const firstFinal = group.findIndex((entry) => !entry.replaceable);
  const through = firstFinal === -1 ? group.length : firstFinal + 1;
  return group.slice(0, through).map((entry) => entry.notificationId);
}
