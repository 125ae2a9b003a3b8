/**
 * A chatbot's request budget under Lark's limits (LARK.md, "Limits": 5 requests/second and 100
 * requests/minute per bot). Pure: the caller keeps the instants of its recent requests (durably,
 * so a replica taking over a bot knows what was sent in the last minute) and asks before each one.
 *
 * Lark counts when a request arrives and we count when we send it, so each window is stretched by
 * a margin: a request that took a while to arrive still falls in our window if it falls in Lark's.
 */

export interface RateLimits {
  perSecond: number;
  perMinute: number;
  /** Added to both windows. */
  marginMs: number;
}

export const LARK_RATE_LIMITS: RateLimits = { perSecond: 5, perMinute: 100, marginMs: 250 };

export interface RateBudget {
  /** Requests that may go out now without breaking either window. */
  availableNow: number;
  /** When the next request may go out (now if availableNow > 0). */
  nextAt: number;
}

/** `sentAt`: instants (ms) of earlier requests, any order, old ones ignored. */
export function rateBudget(sentAt: readonly number[], now: number, limits: RateLimits = LARK_RATE_LIMITS): RateBudget {
  const secondWindow = 1_000 + limits.marginMs;
  const minuteWindow = 60_000 + limits.marginMs;
  const inMinute = sentAt.filter((at) => at > now - minuteWindow).sort((a, b) => a - b);
  const inSecond = inMinute.filter((at) => at > now - secondWindow);
  const minuteRemaining = Math.max(0, limits.perMinute - inMinute.length);
  const secondRemaining = Math.max(0, limits.perSecond - inSecond.length);
  const availableNow = Math.min(minuteRemaining, secondRemaining);
  if (availableNow > 0) return { availableNow, nextAt: now };
  // The window frees a slot when the request that filled it leaves: the oldest one beyond the limit.
  const freesSecond = secondRemaining > 0 ? now : inSecond[inSecond.length - limits.perSecond]! + secondWindow;
  const freesMinute = minuteRemaining > 0 ? now : inMinute[inMinute.length - limits.perMinute]! + minuteWindow;
  return { availableNow: 0, nextAt: Math.max(freesSecond, freesMinute) };
}

/**
 * How many requests may go out from `now` until (not including) `now + horizonMs` under both
 * windows, each sent as early as `rateBudget` allows: the most cards a queue can get before any of
 * it waits `horizonMs` longer. Sending as early as allowed is what fits the most into any span.
 */
export function requestsWithin(sentAt: readonly number[], now: number, horizonMs: number, limits: RateLimits = LARK_RATE_LIMITS): number {
  let sent = pruneSentAt(sentAt, now, limits);
  let count = 0;
  let at = now;
  while (at < now + horizonMs) {
    const { availableNow, nextAt } = rateBudget(sent, at, limits);
    if (availableNow === 0) {
      at = nextAt;
      continue;
    }
    count += availableNow;
    // Pruned as it goes, so a long horizon does not make every step count its whole history.
    sent = pruneSentAt([...sent, ...new Array<number>(availableNow).fill(at)], at, limits);
  }
  return count;
}

/** The instants still worth keeping: those inside the minute window. */
export function pruneSentAt(sentAt: readonly number[], now: number, limits: RateLimits = LARK_RATE_LIMITS): number[] {
  return sentAt.filter((at) => at > now - (60_000 + limits.marginMs)).sort((a, b) => a - b);
}
