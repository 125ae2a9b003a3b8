import { HttpException, HttpStatus } from '@nestjs/common';
import { LARK_RATE_LIMITS, pruneSentAt, rateBudget, type RateLimits } from '@alertlark/lark';

/**
 * Test sends count in the bot's rate budget (Lark: 5 requests/second and 100/minute per bot,
 * whichever chatbot posts to its webhook). They go from the console straight to Lark, not through
 * lark-sender, whose per-bot budget lives in the memory of the replica owning the bot's partition:
 * the console cannot take from it, so it keeps its own, per webhook (`webhookKey`), under the same
 * limits, and refuses rather than waits. A click on "Send test" is answered at once (429 naming the
 * limit) and a script cannot make the console post past Lark's limit. What lark-sender sends in
 * the same second is not counted here, nor are other console replicas' test sends: Lark refusing
 * one of those (11232) is retried by lark-sender.
 */
export class TestSendLimiter {
  private readonly sentAt = new Map<string, number[]>();

  constructor(
    private readonly limits: RateLimits = LARK_RATE_LIMITS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts one request to the webhook now, or throws a 429 naming the limit when there is no room. */
  take(webhookKey: string): void {
    const now = this.clock();
    const recent = pruneSentAt(this.sentAt.get(webhookKey) ?? [], now, this.limits);
    const budget = rateBudget(recent, now, this.limits);
    if (budget.availableNow === 0) {
      this.sentAt.set(webhookKey, recent);
      const retryAfterMs = budget.nextAt - now;
      throw new HttpException(
        {
          error: 'rate_limited',
          message: `a chatbot's webhook takes at most ${this.limits.perSecond} requests a second and ${this.limits.perMinute} a minute (Lark's limit); try again in ${Math.ceil(retryAfterMs / 1000)} s`,
          details: { perSecond: this.limits.perSecond, perMinute: this.limits.perMinute, retryAfterMs },
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    this.sentAt.set(webhookKey, [...recent, now]);
    // Webhooks nobody tests any more are forgotten: the map stays as small as the last minute.
    for (const [key, instants] of this.sentAt) if (instants.every((at) => at <= now - 60_000 - this.limits.marginMs)) this.sentAt.delete(key);
  }
}
