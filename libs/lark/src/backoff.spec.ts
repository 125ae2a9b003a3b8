import { backoffDelayMs } from './backoff';

describe('backoffDelayMs', () => {
  const opts = { baseMs: 500, maxMs: 30_000 };

  it('grows the cap exponentially with full jitter', () => {
    const top = (attempt: number) => backoffDelayMs(attempt, { ...opts, random: () => 0.999999 });
    expect([1, 2, 3, 4].map(top)).toEqual([499, 999, 1999, 3999]);
    expect(backoffDelayMs(3, { ...opts, random: () => 0.5 })).toBe(1000);
    expect(backoffDelayMs(3, { ...opts, random: () => 0 })).toBe(0);
  });

  it('never exceeds maxMs, even for huge attempts', () => {
    expect(backoffDelayMs(10, { ...opts, random: () => 0.999999 })).toBe(29_999);
    expect(backoffDelayMs(5000, { ...opts, random: () => 0.999999 })).toBe(29_999);
    expect(backoffDelayMs(Number.POSITIVE_INFINITY, { ...opts, random: () => 0.5 })).toBe(250);
  });

  it('treats attempts below 1 as the first', () => {
    expect(backoffDelayMs(0, { ...opts, random: () => 0.5 })).toBe(250);
    expect(backoffDelayMs(-3, { ...opts, random: () => 0.5 })).toBe(250);
  });

  it('honours minMs as a floor', () => {
    expect(backoffDelayMs(1, { ...opts, minMs: 1000, random: () => 0 })).toBe(1000);
    expect(backoffDelayMs(4, { ...opts, minMs: 1000, random: () => 0.5 })).toBe(2500);
  });

  it('stays within [0, cap) with the default random', () => {
    for (let i = 0; i < 100; i += 1) {
      const delay = backoffDelayMs(3, opts);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(2000);
    }
  });
});
