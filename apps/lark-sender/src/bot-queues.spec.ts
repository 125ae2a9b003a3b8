import type { NotificationEvent } from '@alertlark/contracts';
import { BotQueues, queuedOf, type InboxEntry } from './bot-queues';

function pending(id: string, objectId: string, partition: number, receivedAt: number): InboxEntry {
  return { _id: id, partition, offset: '0', objectId, receivedAt: new Date(receivedAt), notification: { notificationId: id, objectId, groupKey: `g-${objectId}`, status: 'firing', alerts: [] } as unknown as NotificationEvent };
}

const stored = [pending('n2', 'bot-a', 0, 200), pending('n1', 'bot-a', 0, 100), pending('n3', 'bot-b', 1, 150), pending('n9', 'bot-z', 5, 50)];
/** What Kafka hands after an assignment: every unfinished notification of the topic, in any order. */
const handAll = (queues: BotQueues, rows: InboxEntry[] = stored) => rows.forEach((row) => queues.add(row));

describe('BotQueues: unfinished notifications of the owned partitions, per chatbot', () => {
  it('queues what the owned partitions hand, per bot, oldest first, and nothing of other partitions', () => {
    const queues = new BotQueues();
    queues.assign(new Set([0, 1]));
    handAll(queues);
    expect(queuedOf(queues.get('bot-a')!)).toEqual([
      { notificationId: 'n1', receivedAt: 100, groupKey: 'g-bot-a', replaceable: true },
      { notificationId: 'n2', receivedAt: 200, groupKey: 'g-bot-a', replaceable: true },
    ]);
    expect(queues.get('bot-b')!.entries.map((entry) => entry._id)).toEqual(['n3']);
    expect(queues.get('bot-z')).toBeUndefined();
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
    expect(queuedOf(queues.get('bot-a')!)).toEqual([
      { notificationId: 'r', receivedAt: 10, groupKey: 'g-bot-a', replaceable: false },
      { notificationId: 's', receivedAt: 20, groupKey: 'g-bot-a', replaceable: false },
      { notificationId: 'd', receivedAt: 30 },
    ]);
  });

  it('forgets the bots of given-away partitions and keeps those of partitions it still owns', () => {
    const queues = new BotQueues();
    queues.assign(new Set([0, 1]));
    handAll(queues);
    queues.assign(new Set([1, 5]));
    expect(queues.get('bot-a')).toBeUndefined();
    expect(queues.get('bot-b')!.entries).toHaveLength(1);
    // Kafka hands the partitions again from their committed offsets: nothing twice.
    handAll(queues);
    expect(queues.get('bot-b')!.entries).toHaveLength(1);
    expect(queues.get('bot-z')!.entries).toHaveLength(1);
  });

  it('ignores a redelivered notification and one of a partition it does not own', async () => {
    const queues = new BotQueues();
    queues.assign(new Set([0]));
    queues.add(pending('n1', 'bot-a', 0, 100));
    queues.add(pending('n1', 'bot-a', 0, 300));
    queues.add(pending('n7', 'bot-q', 3, 100));
    expect(queues.get('bot-a')!.entries.map((entry) => entry.receivedAt.getTime())).toEqual([100]);
    expect(queues.get('bot-q')).toBeUndefined();
  });

  it('forgets a bot once its last notification is finished, but not while its request is in flight', async () => {
    const queues = new BotQueues();
    queues.assign(new Set([0]));
    handAll(queues);
    const bot = queues.get('bot-a')!;
    bot.inFlight = true;
    bot.attempts.set('n1', 2);
    queues.remove('bot-a', ['n1', 'n2']);
    expect(queues.get('bot-a')).toBe(bot);
    expect(bot.attempts.size).toBe(0);
    queues.settle(bot);
    expect(queues.get('bot-a')).toBeUndefined();
    expect(bot.inFlight).toBe(false);
  });
});

describe('BotQueues across a rebalance with a request in flight', () => {
  it('never lets the rebuilt queue send while the old request is out, then hands it the request instants', async () => {
    const queues = new BotQueues();
    queues.assign(new Set([0]));
    handAll(queues);
    const old = queues.get('bot-a')!;
    queues.begin(old);
    old.sentAt = [100, 200];
    // A rebalance: everything dropped, then partition 0 assigned again and handed again by Kafka.
    queues.assign(new Set());
    queues.assign(new Set([0]));
    handAll(queues);
    const rebuilt = queues.get('bot-a')!;
    expect(rebuilt).not.toBe(old);
    expect(queues.canSend(rebuilt)).toBe(false);
    // The old request delivered n1: its settlement takes n1 off the rebuilt queue too.
    queues.remove('bot-a', ['n1']);
    queues.settle(old);
    expect(queues.canSend(rebuilt)).toBe(true);
    expect(rebuilt.entries.map((entry) => entry._id)).toEqual(['n2']);
    expect(rebuilt.sentAt).toEqual([100, 200]);
  });

  it('does not send for a bot whose partition it no longer owns', async () => {
    const queues = new BotQueues();
    queues.assign(new Set([0, 1]));
    handAll(queues);
    const bot = queues.get('bot-b')!;
    queues.assign(new Set([0]));
    expect(queues.canSend(bot)).toBe(false);
  });
});

describe('BotQueues: a bot whose queue ran empty', () => {
  it('keeps its request instants for its next notification, not the earlier ones saved in MongoDB', async () => {
    const queues = new BotQueues();
    queues.assign(new Set([0]));
    queues.add(pending('n1', 'bot-a', 0, Date.now()));
    const bot = queues.get('bot-a')!;
    const answeredAt = Date.now() - 10;
    bot.sentAt = [answeredAt];
    queues.remove('bot-a', ['n1']);
    expect(queues.get('bot-a')).toBeUndefined();
    queues.add(pending('n2', 'bot-a', 0, Date.now()));
    expect(queues.get('bot-a')!.sentAt).toEqual([answeredAt]);
  });

  it('forgets them when the partition is given away (the next owner reads MongoDB)', async () => {
    const queues = new BotQueues();
    queues.assign(new Set([0]));
    queues.add(pending('n1', 'bot-a', 0, Date.now()));
    queues.get('bot-a')!.sentAt = [Date.now()];
    queues.remove('bot-a', ['n1']);
    queues.assign(new Set([1]));
    queues.assign(new Set([0, 1]));
    queues.add(pending('n2', 'bot-a', 0, Date.now()));
    expect(queues.get('bot-a')!.sentAt).toBeUndefined();
  });
});
