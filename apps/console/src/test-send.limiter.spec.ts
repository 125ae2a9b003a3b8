import { HttpException } from '@nestjs/common';
import { TestSendLimiter } from './test-send.limiter';

describe('TestSendLimiter', () => {
  let now = 1_000_000;
  const limiter = () => new TestSendLimiter(undefined, () => now);
  const refusal = (take: () => void) => {
    try {
      take();
    } catch (error) {
      return error as HttpException;
    }
    throw new Error('not refused');
  };

  it("takes 5 a second per webhook, as Lark does; the sixth is a 429 naming the limit and when to retry", () => {
    const limits = limiter();
    for (let i = 0; i < 5; i++) limits.take('wh_a');
    now += 900;
    const error = refusal(() => limits.take('wh_a'));
    expect(error.getStatus()).toBe(429);
    expect(error.getResponse()).toEqual({
      error: 'rate_limited',
      message: "a chatbot's webhook takes at most 5 requests a second and 100 a minute (Lark's limit); try again in 1 s",
      details: { perSecond: 5, perMinute: 100, retryAfterMs: 350 },
    });
    limits.take('wh_b');
    // The refused one did not count: the window frees when the first five leave it (1 s and the margin).
    now += 350;
    limits.take('wh_a');
  });

  it('takes 100 a minute', () => {
    const limits = limiter();
    for (let i = 0; i < 100; i++) {
      limits.take('wh_a');
      now += 300;
    }
    expect(refusal(() => limits.take('wh_a')).getStatus()).toBe(429);
    now += 30_250;
    limits.take('wh_a');
  });
});
