import { cardsNeeded, planDispatch, type QueuedNotification } from './dispatch-plan';
import { LARK_RATE_LIMITS, rateBudget } from './rate-budget';

const T = 1_000_000;
const options = { digestAfterMs: 10_000, limits: LARK_RATE_LIMITS };
/** `count` notifications of groups of their own, the oldest received at `receivedAt`. */
const queued = (count: number, receivedAt = T - 100): QueuedNotification[] =>
  Array.from({ length: count }, (_, i) => ({ notificationId: `n${i}`, receivedAt: receivedAt + i, groupKey: `g${i}`, replaceable: true }));
const g = (id: string, groupKey: string, replaceable = true, receivedAt = T - 100): QueuedNotification => ({ notificationId: id, receivedAt, groupKey, replaceable });
const daily = (id: string): QueuedNotification => ({ notificationId: id, receivedAt: T - 100 });
/** A follow-up of group `groupKey` ("Alice claimed …"): never replaceable, a card of its own. */
const f = (id: string, groupKey: string, receivedAt = T - 100): QueuedNotification => ({ notificationId: id, receivedAt, groupKey, replaceable: false, followUp: true });
/** `count` requests spread over the last `spanMs`, none in the last second. */
const sentOver = (count: number, spanMs: number) => Array.from({ length: count }, (_, i) => T - 1_500 - (i * (spanMs - 1_500)) / count);
const ids = (queue: readonly QueuedNotification[]) => queue.map((entry) => entry.notificationId);

describe('planDispatch', () => {
  it.each([
    ['nothing queued', [], [], { kind: 'idle' }],
    ['no budget now: wait for the next slot', queued(2), [T - 900, T - 700, T - 500, T - 300, T - 100], { kind: 'wait', until: T - 900 + 1_250 }],
    ['one notification: its own card', queued(1), [], { kind: 'send', notificationIds: ['n0'], digest: false }],
    ['one, even when it waited long: a digest of one is just a card', queued(1, T - 60_000), sentOver(99, 50_000), { kind: 'send', notificationIds: ['n0'], digest: false }],
    ['three groups, a fresh budget: the oldest\'s card at once', queued(3), [], { kind: 'send', notificationIds: ['n0'], digest: false }],
    ['as many groups as the delay carries (40 with the margin): one card each', queued(40), [], { kind: 'send', notificationIds: ['n0'], digest: false }],
    ['one more than that: a digest of everything at once', queued(41), [], { kind: 'send', notificationIds: ids(queued(41)), digest: true }],
    ['four groups with three requests left in the minute: a digest', queued(4), sentOver(97, 50_000), { kind: 'send', notificationIds: ids(queued(4)), digest: true }],
    ['three groups with three left: one card each', queued(3), sentOver(97, 50_000), { kind: 'send', notificationIds: ['n0'], digest: false }],
    ['the oldest waited the digest delay: a digest', queued(2, T - 10_000), [], { kind: 'send', notificationIds: ['n0', 'n1'], digest: true }],
  ])('%s', (_case, queue, sentAt, expected) => {
    expect(planDispatch(queue, sentAt, T, options)).toEqual(expected);
  });

  it('500 groups queued with a fresh budget: a digest of all of them now', () => {
    const plan = planDispatch(queued(500), [], T, options);
    expect(plan).toEqual({ kind: 'send', notificationIds: ids(queued(500)), digest: true });
  });

  it('counts the backlog in cards, not notifications: a group\'s replaceable ones are one card', () => {
    // 300 notifications of 3 groups that fell behind: three cards of their newest, not a digest.
    const behind = Array.from({ length: 300 }, (_, i) => g(`${'abc'[i % 3]}${i}`, 'abc'[i % 3]!));
    expect(cardsNeeded(behind)).toBe(3);
    expect(planDispatch(behind, [], T, options)).toEqual({ kind: 'send', notificationIds: ids(behind.filter((entry) => entry.groupKey === 'a')), digest: false });
    // Notifications that tell a resolve are cards of their own: 41 of them are more than 10 s carry.
    const resolves = Array.from({ length: 41 }, (_, i) => g(`r${i}`, 'a', false));
    expect(planDispatch(resolves, [], T, options)).toMatchObject({ kind: 'send', digest: true });
  });

  it('a card of a group\'s newest notification supersedes its older replaceable ones', () => {
    const plan = (queue: QueuedNotification[]) => planDispatch(queue, [], T, options);
    expect(plan([g('a1', 'A'), g('b1', 'B'), g('a2', 'A'), g('a3', 'A')])).toEqual({ kind: 'send', notificationIds: ['a1', 'a2', 'a3'], digest: false });
    // A notification that told a resolve is sent, never superseded: the next one may not repeat it.
    expect(plan([g('a1', 'A'), g('a2', 'A', false), g('a3', 'A')])).toEqual({ kind: 'send', notificationIds: ['a1', 'a2'], digest: false });
    expect(plan([g('a1', 'A', false), g('a2', 'A')])).toEqual({ kind: 'send', notificationIds: ['a1'], digest: false });
    expect(plan([daily('daily'), g('a1', 'A')])).toEqual({ kind: 'send', notificationIds: ['daily'], digest: false });
  });

  it('a single card takes exactly one card off the backlog (random queues and budgets)', () => {
    let seed = 11;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let run = 0; run < 300; run++) {
      const queue = Array.from({ length: 1 + Math.floor(random() * 60) }, (_, i) =>
        random() < 0.1 ? daily(`d${i}`) : random() < 0.1 ? f(`f${i}`, `g${Math.floor(random() * 8)}`, T - 5_000 + i) : g(`n${i}`, `g${Math.floor(random() * 8)}`, random() < 0.7, T - 5_000 + i),
      );
      const plan = planDispatch(queue, sentOver(Math.floor(random() * 100), 55_000), T, options);
      if (plan.kind !== 'send') throw new Error(`expected a send, got ${plan.kind}`);
      if (plan.digest) {
        expect(plan.notificationIds).toEqual(ids(queue.filter((entry) => !entry.followUp)));
        continue;
      }
      expect(plan.notificationIds[0]).toBe(queue[0]!.notificationId);
      const left = queue.filter((entry) => !plan.notificationIds.includes(entry.notificationId));
      expect(cardsNeeded(left)).toBe(cardsNeeded(queue) - 1);
    }
  });

  it('drains a storm of 500 groups within Lark\'s limits, every group\'s newest shown within a minute', () => {
    // One bot; for a minute a notification arrives every 10 ms, each group's every 5 s. A digest's
    // card holds 200 group lines: the groups it shows are settled, the others stay queued.
    const LINES_PER_DIGEST = 200;
    let queue: QueuedNotification[] = [];
    const sent: number[] = [];
    const newestAt = new Map<string, number>();
    const shownAt = new Map<string, number>();
    for (let now = T; now < T + 180_000; now += 10) {
      if (now < T + 60_000) {
        const group = `g${((now - T) / 10) % 500}`;
        queue.push(g(`${group}@${now}`, group, true, now));
        newestAt.set(group, now);
      }
      const plan = planDispatch(queue, sent, now, options);
      if (plan.kind !== 'send') continue;
      expect(rateBudget(sent, now, LARK_RATE_LIMITS).availableNow).toBeGreaterThan(0);
      sent.push(now);
      const groups = [...new Set(queue.filter((entry) => plan.notificationIds.includes(entry.notificationId)).map((entry) => entry.groupKey!))];
      for (const group of groups.slice(0, plan.digest ? LINES_PER_DIGEST : 1)) {
        shownAt.set(group, now);
        queue = queue.filter((entry) => entry.groupKey !== group);
      }
    }
    expect(queue).toEqual([]);
    expect(shownAt.size).toBe(500);
    for (const [group, at] of newestAt) expect(shownAt.get(group)! - at).toBeLessThan(60_000);
  });
});

describe('follow-ups ("Alice claimed …"): never replaceable, a card of their own', () => {
  const plan = (queue: QueuedNotification[], sentAt: number[] = []) => planDispatch(queue, sentAt, T, options);

  it('never collapsed into the group\'s newest card, and never the card that replaces the group\'s', () => {
    // Without the rule the follow-up, not replaceable, would end the group's card: a1's alerts told by F's card.
    expect(plan([g('a1', 'A'), f('F', 'A')])).toEqual({ kind: 'send', notificationIds: ['a1'], digest: false });
    // The group's card goes past it, and it waits for its own.
    expect(plan([g('a1', 'A'), f('F', 'A'), g('a2', 'A')])).toEqual({ kind: 'send', notificationIds: ['a1', 'a2'], digest: false });
    expect(plan([f('F', 'A'), g('a1', 'A')])).toEqual({ kind: 'send', notificationIds: ['F'], digest: false });
    expect(plan([f('F1', 'A'), f('F2', 'A')])).toEqual({ kind: 'send', notificationIds: ['F1'], digest: false });
  });

  it('counts as a card, and leaves its group\'s cards as they are', () => {
    expect(cardsNeeded([g('a1', 'A'), f('F', 'A'), g('a2', 'A')])).toBe(2);
    expect(cardsNeeded([f('F1', 'A'), f('F2', 'A')])).toBe(2);
  });

  it('never in a digest: the digest lists the rest, and the follow-up goes when it is the oldest', () => {
    const storm = [...queued(20), f('F', 'g3', T - 50), ...queued(30).map((entry, i) => ({ ...entry, notificationId: `m${i}`, groupKey: `h${i}`, receivedAt: T - 40 + i }))];
    const digest = plan(storm);
    expect(digest).toMatchObject({ kind: 'send', digest: true });
    expect(digest.kind === 'send' && digest.notificationIds).toEqual(ids(storm).filter((id) => id !== 'F'));
    expect(plan(storm.slice(20))).toEqual({ kind: 'send', notificationIds: ['F'], digest: false });
  });

  it('goes before the next digest once it has waited the digest delay, wherever it stands', () => {
    const storm = [...queued(20, T - 20_000), f('F', 'g3', T - 10_000), ...queued(30).map((entry, i) => ({ ...entry, notificationId: `m${i}`, groupKey: `h${i}` }))];
    expect(plan(storm)).toEqual({ kind: 'send', notificationIds: ['F'], digest: false });
  });

  it('a digest of one card\'s worth besides follow-ups is just that card', () => {
    expect(plan([g('a1', 'A', true, T - 20_000), f('F', 'A', T - 100)])).toEqual({ kind: 'send', notificationIds: ['a1'], digest: false });
  });
});

describe('cardsNeeded', () => {
  it.each([
    ['nothing', [], 0],
    ['a daily summary is a card of its own', [daily('d1'), daily('d2')], 2],
    ['a group\'s replaceable ones collapse into one', [g('a1', 'A'), g('a2', 'A'), g('a3', 'A')], 1],
    ['a resolve ends its card: the replaceable before it go with it', [g('a1', 'A'), g('a2', 'A', false), g('a3', 'A')], 2],
    ['resolves are a card each', [g('a1', 'A', false), g('a2', 'A', false)], 2],
    ['groups apart', [g('a1', 'A'), g('b1', 'B'), g('a2', 'A'), g('b2', 'B', false), g('c1', 'C')], 3],
  ])('%s', (_case, queue, expected) => {
    expect(cardsNeeded(queue)).toBe(expected);
  });
});
