import type { Kafka } from 'kafkajs';
import type { DeliveryEvent, LarkNotification, NotificationEvent } from '@alertlark/contracts';
import type { ConsumedBatch, EventPublisher } from '@alertlark/kafka';
import type { DeliveryLedgerEntry, DeliveryLedgerRepository } from '@alertlark/persistence';
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

/** The ledger row of a notification delivered in a digest by an earlier owner. */
const ledgerRow = (id: string): DeliveryLedgerEntry => ({ _id: id, teamId: 't1', objectId: 'nobj_a', outcome: 'delivered', digestId: 'dg_1', attempts: 2, finishedAt: new Date('2026-12-06T10:00:07Z') });

/**
 * An inbox whose ledger answers only when told to, with `finished` ids already delivered, and whose
 * publisher records what it publishes (failing while `publishFails` says so).
 */
function inbox(finished: Set<string>) {
  const answers: Array<() => void> = [];
  const ledger = {
    finishedAmong: (ids: readonly string[]) =>
      new Promise<Map<string, DeliveryLedgerEntry>>((resolve) => answers.push(() => resolve(new Map(ids.filter((id) => finished.has(id)).map((id) => [id, ledgerRow(id)]))))),
  };
  const published: { key: string; value: DeliveryEvent }[] = [];
  const publishing = { fails: false };
  const publisher = {
    publish: async (contract: { topic: string }, events: { key: string; value: DeliveryEvent }[]) => {
      if (publishing.fails) throw new Error('broker away');
      expect(contract.topic).toBe('alertlark.deliveries.v1');
      published.push(...events);
    },
  };
  const queues = new BotQueues();
  const progress = new PartitionProgress();
  const wake = jest.fn();
  const kafka = { consumer: () => ({ on: () => undefined, events: {} }) };
  const subject = new NotificationInbox(
    kafka as unknown as Kafka,
    { ALERTLARK_CONSUMER_GROUP_PREFIX: 'test', ALERTLARK_CONSUMER_START: 'latest', LARK_SENDER_SESSION_TIMEOUT_MS: 10_000 } as LarkSenderEnv,
    publisher as unknown as EventPublisher,
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
  return { internals, queues, progress, wake, answers, settle, published, publishing };
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

  it('publishes again the outcome the ledger holds for a finished notification before counting it finished, retrying until it goes', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const { internals, queues, progress, answers, settle, published, publishing } = inbox(new Set(['n1']));
      internals.assign(new Set([0]));
      publishing.fails = true;
      await internals.store(batch(0, 10, ['n1', 'n2']));
      await settle();
      // Kafka refused the outcome: n1 is not finished (nothing past it may be committed), n2 waits too.
      expect(published).toEqual([]);
      expect(progress.committable(0)).toBe('10');
      expect(queues.pendingCount()).toBe(0);

      publishing.fails = false;
      await jest.advanceTimersByTimeAsync(300);
      while (answers.length > 0) await settle();
      expect(published).toEqual([
        {
          key: 'nobj_a',
          value: {
            deliveryId: 'delivered-n1',
            notificationId: 'n1',
            teamId: 't1',
            objectId: 'nobj_a',
            attempt: 2,
            outcome: 'delivered',
            digestId: 'dg_1',
            alertCount: 1,
            at: '2026-12-06T10:00:07.000Z',
            durationMs: 0,
          },
        },
      ]);
      expect(queues.all().flatMap((bot) => bot.entries.map((entry) => entry._id))).toEqual(['n2']);
      expect(progress.committable(0)).toBe('11');
    } finally {
      jest.useRealTimers();
    }
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
