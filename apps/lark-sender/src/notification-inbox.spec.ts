import type { Kafka } from 'kafkajs';
import type { LarkNotification, NotificationEvent } from '@alertlark/contracts';
import type { ConsumedBatch, EventPublisher } from '@alertlark/kafka';
import type { DeliveryLedgerRepository } from '@alertlark/persistence';
import type { JsonLogger, Readiness } from '@alertlark/service-kit';
import { BotQueues } from './bot-queues';
import type { DeliveryDispatcher } from './delivery-dispatcher';
import type { LarkSenderEnv } from './lark-sender.env';
import { NotificationInbox } from './notification-inbox';
import { PartitionProgress } from './partition-progress';

const notification = (id: string): NotificationEvent => ({
  notificationId: id,
  teamId: 't1',
  objectId: 'nobj_a',
  policyId: 'p1',
  groupKey: `p1:{alertname="${id}"}`,
  groupLabels: [{ name: 'alertname', value: id }],
  status: 'firing',
  alerts: [{ fingerprint: id, status: 'firing', labels: [{ name: 'alertname', value: id }], annotations: [], startsAt: '2026-12-06T10:00:00Z' }],
  createdAt: '2026-12-06T10:00:00Z',
});

function batch(partition: number, firstOffset: number, ids: string[], keyOf: (id: string) => string = () => 'wh_a'): ConsumedBatch<LarkNotification> {
  return {
    topic: 'alertlark.notifications.v1',
    partition,
    events: ids.map((id, i) => ({ offset: String(firstOffset + i), key: keyOf(id), value: notification(id) })),
    invalid: 0,
    nextOffset: String(firstOffset + ids.length),
    deadLetter: () => undefined,
    heartbeat: async () => undefined,
    isRunning: () => true,
    pause: () => () => undefined,
  } as unknown as ConsumedBatch<LarkNotification>;
}

/** An inbox whose ledger answers only when told to, with `finished` ids already delivered. */
function inbox(finished: Set<string>) {
  const answers: Array<() => void> = [];
  const ledger = {
    finishedAmong: (ids: readonly string[]) =>
      new Promise<Set<string>>((resolve) => answers.push(() => resolve(new Set(ids.filter((id) => finished.has(id)))))),
  };
  const queues = new BotQueues();
  const progress = new PartitionProgress();
  const wake = jest.fn();
  const kafka = { consumer: () => ({ on: () => undefined, events: {} }) };
  const subject = new NotificationInbox(
    kafka as unknown as Kafka,
    { ALERTLARK_CONSUMER_GROUP_PREFIX: 'test', ALERTLARK_CONSUMER_START: 'latest', LARK_SENDER_SESSION_TIMEOUT_MS: 10_000 } as LarkSenderEnv,
    {} as EventPublisher,
    ledger as unknown as DeliveryLedgerRepository,
    progress,
    queues,
    { wake } as unknown as DeliveryDispatcher,
    { event: () => undefined } as unknown as JsonLogger,
    { register: () => undefined } as unknown as Readiness,
  );
  const internals = subject as unknown as { store(batch: ConsumedBatch<LarkNotification>): Promise<void>; assign(partitions: ReadonlySet<number>): void };
  const settle = async () => {
    while (answers.length > 0) answers.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { internals, queues, progress, wake, answers, settle };
}

describe('NotificationInbox: the ledger lookup is off the fetch path', () => {
  it('hands the batch back before the ledger answers, and commits nothing of it meanwhile', async () => {
    const { internals, queues, progress, answers, settle, wake } = inbox(new Set(['n1']));
    internals.assign(new Set([0]));
    await internals.store(batch(0, 10, ['n0', 'n1', 'n2']));

    expect(answers).toHaveLength(1);
    expect(queues.pendingCount()).toBe(0);
    expect(progress.committable(0)).toBe('10');

    await settle();
    expect(queues.all().flatMap((bot) => bot.entries.map((entry) => entry._id))).toEqual(['n0', 'n2']);
    expect(progress.committable(0)).toBe('10');
    expect(wake).toHaveBeenCalled();
  });

  it('looks up one partition\'s batches in order, and never another partition behind them', async () => {
    const { internals, answers, settle } = inbox(new Set());
    internals.assign(new Set([0, 1]));
    await internals.store(batch(0, 0, ['a0']));
    await internals.store(batch(0, 1, ['a1']));
    await internals.store(batch(1, 0, ['b0']));
    // Partition 0's second lookup waits for its first; partition 1's goes at once.
    expect(answers).toHaveLength(2);
    await settle();
    await settle();
    expect(answers).toHaveLength(0);
  });

  it("looks up one bot's batches in order, and never another bot's on the same partition behind them", async () => {
    const { internals, queues, answers, settle } = inbox(new Set());
    internals.assign(new Set([0]));
    const keyOf = (id: string) => (id.startsWith('storm') ? 'wh_storm' : 'wh_quiet');
    await internals.store(batch(0, 0, ['storm0', 'storm1'], keyOf));
    await internals.store(batch(0, 2, ['storm2', 'quiet0'], keyOf));
    // The storm's second lookup waits for its first; the quiet bot's goes at once.
    expect(answers).toHaveLength(2);
    answers[1]!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(queues.all().flatMap((bot) => bot.entries.map((entry) => entry._id))).toEqual(['quiet0']);
    await settle();
    await settle();
    expect(answers).toHaveLength(0);
    const storm = queues.all().find((bot) => bot.botKey === 'wh_storm');
    expect(storm?.entries.map((entry) => entry._id)).toEqual(['storm0', 'storm1', 'storm2']);
  });

  it('drops a lookup that answers after the partition was reassigned: Kafka hands those again', async () => {
    const { internals, queues, settle } = inbox(new Set());
    internals.assign(new Set([0]));
    await internals.store(batch(0, 0, ['n0']));
    internals.assign(new Set([0]));
    await settle();
    expect(queues.pendingCount()).toBe(0);
  });
});
