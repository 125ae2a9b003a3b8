/**
 * Per-bot sliding-window rate limit: 5 requests per second AND 100 per minute.
 *
 * Counting choice: a request consumes quota when it reaches the rate check and passes it
 * (so requests rejected earlier for token, size, body or signature are free, and requests
 * rejected later for a missing keyword still count). Throttled requests do NOT consume quota,
 * so a client that backs off recovers as soon as the window slides past its earlier requests.
 * Windows are half-open: a request at time t counts against requests in (t - window, t].
 */

export interface RateWindow {
  windowMs: number;
  max: number;
}

export const LARK_RATE_WINDOWS: readonly RateWindow[] = [
  { windowMs: 1_000, max: 5 },
  { windowMs: 60_000, max: 100 },
];

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly longestMs: number;

  constructor(private readonly windows: readonly RateWindow[] = LARK_RATE_WINDOWS) {
    this.longestMs = Math.max(...windows.map((w) => w.windowMs));
  }

  /** Records the request and returns true when allowed; returns false (not recorded) when throttled. */
  tryAcquire(key: string, nowMs: number): boolean {
    const kept = (this.hits.get(key) ?? []).filter((t) => t > nowMs - this.longestMs);
    const allowed = this.windows.every(
      (w) => kept.filter((t) => t > nowMs - w.windowMs).length < w.max,
    );
    if (allowed) kept.push(nowMs);
    this.hits.set(key, kept);
    return allowed;
  }

  reset(): void {
    this.hits.clear();
  }
}
