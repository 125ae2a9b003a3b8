import { planDispatch, type QueuedNotification } from './dispatch-plan';
import { rateBudget } from './rate-budget';

const T = 1_000_000;
const options = { digestAfterMs: 10_000, maxDigest: 3 };
const queued = (count: number, receivedAt = T - 100): QueuedNotification[] =>
  Array.from({ length: count }, (_, i) => ({ notificationId: `n${i}`, receivedAt: receivedAt + i }));
const budget = (availableNow: number, minuteRemaining: number, nextAt = T) => ({ availableNow, minuteRemaining, nextAt });

describe('planDispatch', () => {
  it.each([
    ['nothing queued', [], budget(5, 100), { kind: 'idle' }],
    ['no budget now: wait for the next slot', queued(2), budget(0, 50, T + 300), { kind: 'wait', until: T + 300 }],
    ['one notification: its own card', queued(1), budget(5, 100), { kind: 'send', notificationIds: ['n0'], digest: false }],
    ['one, even when it waited long: a digest of one is just a card', queued(1, T - 60_000), budget(1, 1), { kind: 'send', notificationIds: ['n0'], digest: false }],
    ['a queue the minute can carry: oldest first, one card each', queued(3), budget(5, 3), { kind: 'send', notificationIds: ['n0'], digest: false }],
    ['more queued than the minute has left: a digest', queued(4), budget(5, 3), { kind: 'send', notificationIds: ['n0', 'n1', 'n2'], digest: true }],
    ['the oldest waited too long: a digest', queued(2, T - 10_000), budget(5, 100), { kind: 'send', notificationIds: ['n0', 'n1'], digest: true }],
    ['a digest takes at most maxDigest, oldest first', queued(10, T - 20_000), budget(1, 1), { kind: 'send', notificationIds: ['n0', 'n1', 'n2'], digest: true }],
  ])('%s', (_case, queue, rate, expected) => {
    expect(planDispatch(queue, rate, T, options)).toEqual(expected);
  });

  it('a card of a group\'s newest notification supersedes its older replaceable ones', () => {
    const g = (id: string, groupKey: string, replaceable = true): QueuedNotification => ({ notificationId: id, receivedAt: T - 100, groupKey, replaceable });
    const plan = (queue: QueuedNotification[]) => planDispatch(queue, budget(5, 100), T, options);
    expect(plan([g('a1', 'A'), g('b1', 'B'), g('a2', 'A'), g('a3', 'A')])).toEqual({ kind: 'send', notificationIds: ['a1', 'a2', 'a3'], digest: false });
    // A notification that told a resolve is sent, never superseded: the next one may not repeat it.
    expect(plan([g('a1', 'A'), g('a2', 'A', false), g('a3', 'A')])).toEqual({ kind: 'send', notificationIds: ['a1', 'a2'], digest: false });
    expect(plan([g('a1', 'A', false), g('a2', 'A')])).toEqual({ kind: 'send', notificationIds: ['a1'], digest: false });
    expect(plan([{ notificationId: 'daily', receivedAt: T - 100 }, g('a1', 'A')])).toEqual({ kind: 'send', notificationIds: ['daily'], digest: false });
  });

  it('drains a storm of 500 within Lark limits in a few requests, everything accounted for', () => {
    // One bot, 500 notifications arriving together; follow the plan with the real rate budget.
    let queue = queued(500, T);
    const sent: number[] = [];
    const carried: string[][] = [];
    let now = T;
    while (queue.length > 0 && now < T + 600_000) {
      const plan = planDispatch(queue, rateBudget(sent, now), now, { digestAfterMs: 10_000, maxDigest: 1_000 });
      if (plan.kind === 'send') {
        sent.push(now);
        carried.push(plan.notificationIds);
        queue = queue.filter((entry) => !plan.notificationIds.includes(entry.notificationId));
      } else if (plan.kind === 'wait') now = plan.until;
      now += 20; // the request's own time
    }
    expect(carried.flat().sort()).toEqual(queued(500, T).map((entry) => entry.notificationId).sort());
    expect(sent.length).toBe(1); // 500 > 100 left in the minute: one digest at once
  });
});
