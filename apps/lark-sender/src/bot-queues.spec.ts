import type { NotificationEvent } from '@alertlark/contracts';
import { BotQueues, queuedOf, type InboxEntry } from './bot-queues';

/** A notification of chatbot `objectId`, keyed by its own bot (webhook) unless `botKey` says another. */
function pending(id: string, objectId: string, partition: number, receivedAt: number, botKey = objectId): InboxEntry {
  return { _id: id, partition, offset: '0', botKey, objectId, receivedAt: new Date(receivedAt), notification: { notificationId: id, objectId, groupKey: `g-${objectId}`, status: 'firing', alerts: [] } as unknown as NotificationEvent };
}

const stored = [pending('n2', 'bot-a', 0, 200), pending('n1', 'bot-a', 0, 100), pending('n3', 'bot-b', 1, 150), pending('n9', 'bot-z', 5, 50)];
/** What Kafka hands after an assignment: every unfinished notification of the topic, in any order. */
const handAll = (queues: BotQueues, rows: InboxEntry[] = stored) => rows.forEach((row) => queues.add(row));

describe('BotQueues: unfinished notifications of the owned partitions, per bot', () => {
  it('queues what the owned partitions hand, per bot, oldest first, and nothing of other partitions', () => {
    const queues = new BotQueues();
    queues.assign(new Set([0, 1]));
    handAll(queues);
    expect(queuedOf(queues.get(0, 'bot-a')!.entries)).toEqual([
      { notificationId: 'n1', receivedAt: 100, groupKey: 'bot-a\ng-bot-a', replaceable: true },
      { notificationId: 'n2', receivedAt: 200, groupKey: 'bot-a\ng-bot-a', replaceable: true },
    ]);
    expect(queues.get(1, 'bot-b')!.entries.map((entry) => entry._id)).toEqual(['n3']);
    expect(queues.get(5, 'bot-z')).toBeUndefined();
    expect(queues.pendingCount()).toBe(3);
  });

  it('a notification that tells a resolve, and a daily summary, are never replaceable', () => {
    const queues = new BotQueues();
    queues.assign(new Set([0]));
    const resolvedOne = pending('r', 'bot-a', 0, 10);
    resolvedOne.notification = { ...resolvedOne.notification, totals: { firing: 3, resolved: 1 } } as NotificationEvent;
    const allResolved = pending('s', 'bot-a', 0, 20);
    allResolved.notification = { ...allResolved.notification, status: 'resolved' } as NotificationEvent;
    const daily = pending('d', 'bot-a', 0, 30);
    daily.notification = { kind: 'daily-summary', notificationId: 'd', objectId: 'bot-a' } as unknown as NotificationEvent;
    [resolvedOne, allResolved, daily].forEach((row) => queues.add(row));
    expect(queuedOf(queues.get(0, 'bot-a')!.entries)).toEqual([
      { notificationId: 'r', receivedAt: 10, groupKey: 'bot-a\ng-bot-a', replaceable: false },
      { notificationId: 's', receivedAt: 20, groupKey: 'bot-a\ng-bot-a', replaceable: false },
      { notificationId: 'd', receivedAt: 30 },
    ]);
  });

  it('an escalation step\'s notification is never replaceable: the group\'s next card would not @-mention its people', () => {
    const queues = new BotQueues();
    queues.assign(new Set([0]));
    const escalated = pending('e', 'bot-a', 0, 10);
    escalated.notification = { ...escalated.notification, escalation: { when: 'unclaimed', for: '10m', mentions: ['ou_oncall'] } } as NotificationEvent;
    queues.add(escalated);
    expect(queuedOf(queues.get(0, 'bot-a')!.entries)).toEqual([{ notificationId: 'e', receivedAt: 10, groupKey: 'bot-a\ng-bot-a', replaceable: false }]);
  });

  it('a follow-up ("Alice claimed …") is never replaceable and is planned as one', () => {
    const queues = new BotQueues();
    queues.assign(new Set([0]));
    const followUp = pending('f', 'bot-a', 0, 10);
    followUp.notification = { ...followUp.notification, followUp: { action: 'claim', actor: { name: 'Alice', verified: true } } } as NotificationEvent;
    queues.add(followUp);
    expect(queuedOf(queues.get(0, 'bot-a')!.entries)).toEqual([{ notificationId: 'f', receivedAt: 10, groupKey: 'bot-a\ng-bot-a', replaceable: false, followUp: true }]);
  });

  it('forgets the bots of given-away partitions and keeps those of partitions it still owns', () => {
    const queues = new BotQueues();
    queues.assign(new Set([0, 1]));
    handAll(queues);
    queues.assign(new Set([1, 5]));
    expect(queues.get(0, 'bot-a')).toBeUndefined();
    expect(queues.get(1, 'bot-b')!.entries).toHaveLength(1);
    // Kafka hands the partitions again from their committed offsets: nothing twice.
    handAll(queues);
    expect(queues.get(1, 'bot-b')!.entries).toHaveLength(1);
    expect(queues.get(5, 'bot-z')!.entries).toHaveLength(1);
  });

  it('ignores a redelivered notification and one of a partition it does not own', async () => {
    const queues = new BotQueues();
    queues.assign(new Set([0]));
    queues.add(pending('n1', 'bot-a', 0, 100));
    queues.add(pending('n1', 'bot-a', 0, 300));
    queues.add(pending('n7', 'bot-q', 3, 100));
    expect(queues.get(0, 'bot-a')!.entries.map((entry) => entry.receivedAt.getTime())).toEqual([100]);
    expect(queues.get(3, 'bot-q')).toBeUndefined();
  });

  it('forgets a bot once its last notification is finished, but not while its request is in flight', async () => {
    const queues = new BotQueues();
    queues.assign(new Set([0]));
    handAll(queues);
    const bot = queues.get(0, 'bot-a')!;
    bot.inFlight = true;
    bot.attempts.set('n1', 2);
    queues.remove({ partition: 0, botKey: 'bot-a' }, ['n1', 'n2']);
    expect(queues.get(0, 'bot-a')).toBe(bot);
    expect(bot.attempts.size).toBe(0);
    queues.settle(bot);
    expect(queues.get(0, 'bot-a')).toBeUndefined();
    expect(bot.inFlight).toBe(false);
  });
});

describe('BotQueues: chatbots sharing a webhook', () => {
  it('queues the notifications of every chatbot on one webhook together, under one budget', () => {
    const queues = new BotQueues();
    queues.assign(new Set([2]));
    queues.add(pending('a1', 'nobj_a', 2, 100, 'wh_1'));
    queues.add(pending('b1', 'nobj_b', 2, 150, 'wh_1'));
    queues.add(pending('a2', 'nobj_a', 2, 200, 'wh_1'));
    const bot = queues.get(2, 'wh_1')!;
    expect(bot.entries.map((entry) => [entry._id, entry.objectId])).toEqual([
      ['a1', 'nobj_a'],
      ['b1', 'nobj_b'],
      ['a2', 'nobj_a'],
    ]);
    expect(queues.all()).toEqual([bot]);
  });

  it('plans each chatbot\'s groups apart, even of one policy: no notification supersedes another chatbot\'s', () => {
    const queues = new BotQueues();
    queues.assign(new Set([2]));
    const a = pending('a1', 'nobj_a', 2, 100, 'wh_1');
    const b = pending('b1', 'nobj_b', 2, 150, 'wh_1');
    b.notification = { ...b.notification, groupKey: 'g-nobj_a' } as NotificationEvent;
    [a, b].forEach((row) => queues.add(row));
    expect(queuedOf(queues.get(2, 'wh_1')!.entries).map((queued) => queued.groupKey)).toEqual(['nobj_a\ng-nobj_a', 'nobj_b\ng-nobj_a']);
  });

  it('keeps a notification replayed on its partition under its chatbot\'s key in a queue of its own', () => {
    const queues = new BotQueues();
    queues.assign(new Set([2]));
    queues.add(pending('a1', 'nobj_a', 2, 100, 'wh_1'));
    queues.add(pending('a0', 'nobj_a', 2, 50, 'nobj_a'));
    expect(queues.get(2, 'wh_1')!.entries.map((entry) => entry._id)).toEqual(['a1']);
    expect(queues.get(2, 'nobj_a')!.entries.map((entry) => entry._id)).toEqual(['a0']);
  });
});

describe('BotQueues across a rebalance with a request in flight', () => {
  it('never lets the rebuilt queue send while the old request is out, then hands it the request instants', async () => {
    const queues = new BotQueues();
    queues.assign(new Set([0]));
    handAll(queues);
    const old = queues.get(0, 'bot-a')!;
    queues.begin(old);
    old.sentAt = [100, 200];
    // A rebalance: everything dropped, then partition 0 assigned again and handed again by Kafka.
    queues.assign(new Set());
    queues.assign(new Set([0]));
    handAll(queues);
    const rebuilt = queues.get(0, 'bot-a')!;
    expect(rebuilt).not.toBe(old);
    expect(queues.canSend(rebuilt)).toBe(false);
    // The old request delivered n1: its settlement takes n1 off the rebuilt queue too.
    queues.remove({ partition: 0, botKey: 'bot-a' }, ['n1']);
    queues.settle(old);
    expect(queues.canSend(rebuilt)).toBe(true);
    expect(rebuilt.entries.map((entry) => entry._id)).toEqual(['n2']);
    expect(rebuilt.sentAt).toEqual([100, 200]);
  });

  it('does not send for a bot whose partition it no longer owns', async () => {
    const queues = new BotQueues();
    queues.assign(new Set([0, 1]));
    handAll(queues);
    const bot = queues.get(1, 'bot-b')!;
    queues.assign(new Set([0]));
    expect(queues.canSend(bot)).toBe(false);
  });
});

describe('BotQueues: a bot whose queue ran empty', () => {
  it('keeps its request instants for its next notification, not the earlier ones saved in MongoDB', async () => {
    const queues = new BotQueues();
    queues.assign(new Set([0]));
    queues.add(pending('n1', 'bot-a', 0, Date.now()));
    const bot = queues.get(0, 'bot-a')!;
    const answeredAt = Date.now() - 10;
    bot.sentAt = [answeredAt];
    queues.remove({ partition: 0, botKey: 'bot-a' }, ['n1']);
    expect(queues.get(0, 'bot-a')).toBeUndefined();
    queues.add(pending('n2', 'bot-a', 0, Date.now()));
    expect(queues.get(0, 'bot-a')!.sentAt).toEqual([answeredAt]);
  });

  it('forgets them when the partition is given away (the next owner reads MongoDB)', async () => {
    const queues = new BotQueues();
    queues.assign(new Set([0]));
    queues.add(pending('n1', 'bot-a', 0, Date.now()));
    queues.get(0, 'bot-a')!.sentAt = [Date.now()];
    queues.remove({ partition: 0, botKey: 'bot-a' }, ['n1']);
    queues.assign(new Set([1]));
    queues.assign(new Set([0, 1]));
    queues.add(pending('n2', 'bot-a', 0, Date.now()));
    expect(queues.get(0, 'bot-a')!.sentAt).toBeUndefined();
  });
});
