import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { EVENTS, routerStateContract, routerStateKey, type DeadLetterEvent } from '@alertlark/contracts';
import { EventPublisher, ensureTopics } from '@alertlark/kafka';
import { DEFAULT_MAX_GROUP_MEMBERS, PartitionState } from './partition-state';
import { restorePartitions } from './restore-partitions';

/**
 * A new owner restores a partition from the router's changelog on the real broker: the state comes
 * back as it was written, tombstones applied, and a record failing its contract goes to the
 * dead-letter topic with the reason instead of crashing the restore.
 */
describe('restorePartitions against the real broker', () => {
  const run = randomBytes(4).toString('hex');
  const changelog = routerStateContract(`it-${run}`);
  const kafka = new Kafka({ clientId: `restore-it-${run}`, brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
  const publisher = new EventPublisher(kafka);
  const FP = '0123456789abcdef';
  const GROUP = 'p:{"alertname"="Disk"}';

  beforeAll(async () => {
    await ensureTopics(kafka, [changelog, EVENTS.deadLetter]);
    await publisher.connect();
  });

  afterAll(async () => {
    await publisher.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [changelog.topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('brings back what the live state wrote, skips nothing valid, and dead-letters a record that fails its contract', async () => {
    const live = new PartitionState(3);
    live.putAlert({ kind: 'alert', teamId: 't', fingerprint: FP, status: 'firing', labels: [{ name: 'alertname', value: 'Disk' }], annotations: [], startsAt: '2026-11-24T10:00:00.000Z', endsAt: null, source: 'alertmanager', lastEventId: 'e1', lastReceivedAt: '2026-11-24T10:00:00.000Z', offset: 7, groupKeys: [GROUP] });
    live.putAlert({ kind: 'alert', teamId: 't', fingerprint: 'ffffffffffffffff', status: 'firing', labels: [], annotations: [], startsAt: '2026-11-24T10:00:00.000Z', endsAt: null, source: 'alertmanager', lastEventId: 'e2', lastReceivedAt: '2026-11-24T10:00:00.000Z', offset: 8, groupKeys: [] });
    live.putGroup({ kind: 'group', groupKey: GROUP, teamId: 't', policyId: 'p', groupLabels: [], incarnation: 'i', flushAt: 123, lastFlushAt: null, notificationSeq: 2, lastNotification: null, incidentSeq: 0, incident: null, recentActions: [] });
    live.putMember({ kind: 'member', groupKey: GROUP, fingerprint: FP, status: 'firing', eventId: 'e1' });
    await publisher.publishAll([{ contract: changelog, events: live.takeChanges().records.map((record) => ({ key: record.key, value: record.value, partition: 3 })) }]);
    live.removeAlert('t', 'ffffffffffffffff');
    await publisher.publishAll([{ contract: changelog, events: live.takeChanges().records.map((record) => ({ key: record.key, value: record.value, partition: 3 })) }]);
    // What no producer of ours writes: a record that fails the contract, on the same partition.
    const producer = kafka.producer();
    await producer.connect();
    const badKey = routerStateKey.alert('t', 'not-a-fingerprint');
    await producer.send({ topic: changelog.topic, acks: -1, messages: [{ key: badKey, value: JSON.stringify({ kind: 'alert', teamId: 't' }), partition: 3 }] });
    await producer.disconnect();

    const warnings: string[] = [];
    const states = await restorePartitions(kafka, publisher, changelog, new Set([3, 4]), DEFAULT_MAX_GROUP_MEMBERS, (_level, message) => void warnings.push(message));
    const restored = states.get(3)!;
    expect(restored.counts()).toEqual({ alerts: 1, groups: 1, members: 1 });
    expect(restored.alert('t', FP)).toMatchObject({ offset: 7, groupKeys: [GROUP] });
    expect(restored.group(GROUP)).toMatchObject({ flushAt: 123, notificationSeq: 2 });
    expect(states.get(4)!.counts()).toEqual({ alerts: 0, groups: 0, members: 0 });

    const dead = await deadLettersFor(changelog.topic, badKey);
    expect(dead.reason).toMatch(/schema violation/);
    expect(dead.consumer).toBe('policy-router.restore');
    expect(warnings).toContain('message sent to the dead-letter topic');
  }, 60_000);

  async function deadLettersFor(topic: string, key: string): Promise<DeadLetterEvent> {
    const consumer = kafka.consumer({ groupId: `restore-it-dlq-${run}` });
    await consumer.connect();
    await consumer.subscribe({ topic: EVENTS.deadLetter.topic, fromBeginning: true });
    try {
      return await new Promise<DeadLetterEvent>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no dead letter within 30 s')), 30_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            const entry = JSON.parse(message.value!.toString()) as DeadLetterEvent;
            if (entry.sourceTopic === topic && entry.key === key) {
              clearTimeout(timer);
              resolve(entry);
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
  }
});
