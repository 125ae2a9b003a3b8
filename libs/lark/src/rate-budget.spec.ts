import { LARK_RATE_LIMITS, pruneSentAt, rateBudget, requestsWithin, type RateLimits } from './rate-budget';

const T = 1_000_000;
const limits = { perSecond: 5, perMinute: 100, marginMs: 0 };

describe('rateBudget', () => {
  it.each([
    ['nothing sent', [], { availableNow: 5, nextAt: T }],
    ['two in this second', [T - 100, T - 200], { availableNow: 3, nextAt: T }],
    ['five in this second: wait for the oldest to leave', [T - 900, T - 700, T - 500, T - 300, T - 100], { availableNow: 0, nextAt: T + 100 }],
    ['five, one of them a second old: one slot', [T - 1_000, T - 700, T - 500, T - 300, T - 100], { availableNow: 1, nextAt: T }],
    ['requests older than a minute do not count', [T - 60_000, T - 70_000], { availableNow: 5, nextAt: T }],
  ])('%s', (_case, sentAt, expected) => {
    expect(rateBudget(sentAt, T, limits)).toEqual(expected);
  });

  it('a full minute waits for its oldest request to leave the minute, even with the second free', () => {
    const sentAt = Array.from({ length: 100 }, (_, i) => T - 50_000 + i * 400); // 100 over the last 50 s
    expect(rateBudget(sentAt, T + 5_000, limits)).toEqual({ availableNow: 0, nextAt: T - 50_000 + 60_000 });
  });

  it('with both windows full, waits for the later of the two', () => {
    const minute = Array.from({ length: 95 }, (_, i) => T - 59_000 + i * 10);
    const second = [T - 500, T - 400, T - 300, T - 200, T - 100];
    expect(rateBudget([...minute, ...second], T, limits)).toEqual({ availableNow: 0, nextAt: T - 59_000 + 60_000 });
  });

  it('orders the instants itself', () => {
    expect(rateBudget([T - 100, T - 900, T - 300, T - 700, T - 500], T, limits).nextAt).toBe(T + 100);
  });

  it('the margin stretches both windows', () => {
    const margin = { ...limits, marginMs: 250 };
    const five = [T - 1_100, T - 700, T - 500, T - 300, T - 100];
    expect(rateBudget(five, T, margin)).toEqual({ availableNow: 0, nextAt: T - 1_100 + 1_250 });
    const onePerMinute = { ...margin, perMinute: 1 };
    expect(rateBudget([T - 60_100], T, onePerMinute)).toEqual({ availableNow: 0, nextAt: T - 60_100 + 60_250 });
    expect(rateBudget([T - 60_100], T, { ...onePerMinute, marginMs: 0 })).toEqual({ availableNow: 1, nextAt: T });
  });

  it('never lets more than 5 in any second or 100 in any minute when followed greedily', () => {
    const sent: number[] = [];
    for (let now = 0; now < 180_000; now += 37) {
      const budget = rateBudget(sent, now, LARK_RATE_LIMITS);
      for (let i = 0; i < budget.availableNow; i++) sent.push(now);
    }
    for (const at of sent) {
      expect(sent.filter((other) => other >= at && other < at + 1_000).length).toBeLessThanOrEqual(5);
      expect(sent.filter((other) => other >= at && other < at + 60_000).length).toBeLessThanOrEqual(100);
    }
    expect(sent.length).toBe(300); // three full minutes
  });
});

describe('requestsWithin: the requests a span can carry, sent as early as the windows allow', () => {
  it.each([
    ['nothing sent, no span', [], 0, 0],
    ['nothing sent, 1 ms: what may go now', [], 1, 5],
    ['nothing sent, 10 s: five at each whole second, the end excluded', [], 10_000, 50],
    ['three sent this second: two now, then five a second', [T - 300, T - 200, T - 100], 2_000, 2 + 5 + 3],
    ['97 sent in the minute: three, then nothing until they leave it', Array.from({ length: 97 }, (_, i) => T - 30_000 + i * 100), 10_000, 3],
    ['the minute full: nothing until its oldest leaves', Array.from({ length: 100 }, (_, i) => T - 50_000 + i * 100), 10_000, 0],
    ['the minute full, a span past its oldest leaving', Array.from({ length: 100 }, (_, i) => T - 50_000 + i * 100), 10_001, 1],
    ['nothing sent, three minutes: three full minutes', [], 180_000, 300],
  ])('%s', (_case, sentAt, horizonMs, expected) => {
    expect(requestsWithin(sentAt, T, horizonMs, limits)).toBe(expected);
  });

  it('counts the margin: Lark\'s limits over 10 s carry 40 requests (a burst every 1.25 s)', () => {
    expect(requestsWithin([], T, 10_000, LARK_RATE_LIMITS)).toBe(40);
  });

  it('is what sending greedily millisecond by millisecond gets, for random histories and spans', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const greedy = (sentAt: number[], horizonMs: number, rates: RateLimits) => {
      const sent = [...sentAt];
      let count = 0;
      for (let at = T; at < T + horizonMs; at++) {
        const { availableNow } = rateBudget(sent, at, rates);
        for (let i = 0; i < availableNow; i++) sent.push(at);
        count += availableNow;
      }
      return count;
    };
    for (let run = 0; run < 25; run++) {
      const rates = { perSecond: 1 + Math.floor(random() * 6), perMinute: 5 + Math.floor(random() * 100), marginMs: Math.floor(random() * 300) };
      const sentAt = Array.from({ length: Math.floor(random() * 120) }, () => T - Math.floor(random() * 62_000));
      const horizonMs = Math.floor(random() * 15_000);
      expect(requestsWithin(sentAt, T, horizonMs, rates)).toBe(greedy(sentAt, horizonMs, rates));
    }
  });

  it('never shrinks as the span grows', () => {
    const sentAt = Array.from({ length: 60 }, (_, i) => T - 40_000 + i * 500);
    const counts = [0, 1, 500, 1_000, 5_000, 10_000, 20_000, 30_000, 60_000].map((span) => requestsWithin(sentAt, T, span, LARK_RATE_LIMITS));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });
});

describe('pruneSentAt', () => {
  it('keeps the last minute, oldest first', () => {
    expect(pruneSentAt([T - 10, T - 70_000, T - 30_000], T, limits)).toEqual([T - 30_000, T - 10]);
  });
});
