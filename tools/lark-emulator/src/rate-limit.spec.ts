import { RateLimiter } from './rate-limit';

describe('RateLimiter (5/s and 100/min per bot)', () => {
  it('allows 5 requests within a second and throttles the 6th', () => {
    const rl = new RateLimiter();
    const t0 = 1_000_000;
    for (let i = 0; i < 5; i++) expect(rl.tryAcquire('a', t0 + i * 100)).toBe(true);
    expect(rl.tryAcquire('a', t0 + 999)).toBe(false);
    // the window slides: at t0 + 1000 the first request has left it
    expect(rl.tryAcquire('a', t0 + 1000)).toBe(true);
  });

  it('keeps separate windows per bot', () => {
    const rl = new RateLimiter();
    for (let i = 0; i < 5; i++) rl.tryAcquire('a', 0);
    expect(rl.tryAcquire('a', 0)).toBe(false);
    expect(rl.tryAcquire('b', 0)).toBe(true);
  });

  it('allows 100 requests within a minute and throttles the 101st', () => {
    const rl = new RateLimiter();
    // 4 requests per second for 25 seconds = 100 requests, never over 5/s
    for (let i = 0; i < 100; i++) expect(rl.tryAcquire('a', i * 250)).toBe(true);
    expect(rl.tryAcquire('a', 100 * 250)).toBe(false);
    expect(rl.tryAcquire('a', 59_999)).toBe(false);
    // the first request (t=0) leaves the minute window at t=60000
    expect(rl.tryAcquire('a', 60_000)).toBe(true);
    expect(rl.tryAcquire('a', 60_001)).toBe(false);
  });

  it('does not count throttled requests against the quota', () => {
    const rl = new RateLimiter();
    for (let i = 0; i < 5; i++) rl.tryAcquire('a', 0);
    for (let i = 0; i < 50; i++) expect(rl.tryAcquire('a', 500)).toBe(false);
    expect(rl.tryAcquire('a', 1000)).toBe(true);
  });

  it('reset() empties every window', () => {
    const rl = new RateLimiter();
    for (let i = 0; i < 5; i++) rl.tryAcquire('a', 0);
    rl.reset();
    expect(rl.tryAcquire('a', 0)).toBe(true);
  });
});
