import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { z } from 'zod';
import { deadLetterEventSchema } from '@alertlark/contracts';
import { EventPublisher } from './event.publisher';
import { MAX_MESSAGE_BYTES, MessageTooLargeError, TOPIC_MAX_MESSAGE_BYTES } from './message-size';
import { ensureTopics } from './topics.admin';

/**
 * The real broker (Kafka 4.1 from tools/stack; ensureTopics sets `max.message.bytes` to
 * TOPIC_MAX_MESSAGE_BYTES) refuses a request kafkajs did not split; the publisher's chunks get
 * through, in order, with its idempotent producer.
 */
describe('EventPublisher against the real broker', () => {
  const run = randomBytes(4).toString('hex');
  const records = { topic: `test.publisher-records.${run}`, schema: z.object({ n: z.number().int(), pad: z.string() }), partitions: 3 } as const;
  const state = { topic: `test.publisher-state.${run}`, schema: z.object({ n: z.number().int() }), partitions: 1, compacted: true } as const;
  // One partition, like the dead-letter topic: every entry of a publish lands in one partition.
  const letters = { topic: `test.publisher-dead-letters.${run}`, schema: deadLetterEventSchema, partitions: 1 } as const;
  const kafka = new Kafka({ clientId: `publisher-it-${run}`, brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
  const publisher = new EventPublisher(kafka);
  const pad = 'p'.repeat(1500);
  // 3000 messages of ~1.5 KB on one partition: about 4.6 MB, beyond what one request may carry.
  const events = Array.from({ length: 3000 }, (_, n) => ({ key: `key-${n % 10}`, value: { n, pad }, partition: 1 }));

  beforeAll(async () => {
    await ensureTopics(kafka, [records, state, letters]);
    await publisher.connect();
  });

  afterAll(async () => {
    await publisher.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [records.topic, state.topic, letters.topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('would be refused in one request: the broker takes no record batch over the topic\'s max.message.bytes', async () => {
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      const messages = events.map((event) => ({ key: event.key, value: JSON.stringify(event.value), partition: 1 }));
      await expect(producer.send({ topic: records.topic, acks: -1, messages })).rejects.toThrow(/too large|larger than/i);
    } finally {
      await producer.disconnect();
    }
  });

  it('publishes more than a batch may carry to one partition, and it arrives complete and in order', async () => {
    const bytes = events.reduce((sum, event) => sum + JSON.stringify(event.value).length + event.key.length, 0);
    expect(bytes).toBeGreaterThan(TOPIC_MAX_MESSAGE_BYTES);
    await publisher.publish(records, events);
    const received = await readAll(kafka, records.topic, events.length);
    expect(received.map((message) => message.partition)).toEqual(events.map(() => 1));
    expect(received.map((message) => (JSON.parse(message.value!) as { n: number }).n)).toEqual(events.map((event) => event.value.n));
  });

  it('refuses a message over MAX_MESSAGE_BYTES before sending it, takes one of 3 MB (over the broker default), and goes on', async () => {
    const failure = publisher.publish(records, [{ key: 'huge', value: { n: -1, pad: 'h'.repeat(MAX_MESSAGE_BYTES) }, partition: 0 }]);
    await expect(failure).rejects.toBeInstanceOf(MessageTooLargeError);
    await publisher.publish(records, [
      { key: 'large', value: { n: -2, pad: 'l'.repeat(3_000_000) }, partition: 0 },
      { key: 'after', value: { n: -3, pad }, partition: 0 },
    ]);
    const received = await readAll(kafka, records.topic, events.length + 2);
    expect(received.filter((message) => message.partition === 0).map((message) => [message.key, message.value!.length])).toEqual([
      ['large', 3_000_000 + '{"n":-2,"pad":""}'.length],
      ['after', JSON.stringify({ n: -3, pad }).length],
    ]);
  });

  it('writes 1,000 dead-letter entries of ~150 KB in one publish to one partition, and they all arrive, in order', async () => {
    const notification = JSON.stringify({ notificationId: 'n', alerts: Array.from({ length: 200 }, (_, n) => ({ fingerprint: `fp${n}`, labels: [{ name: 'alertname', value: 'HighCPU' }], pad: 'a'.repeat(640) })) });
    const entries = Array.from({ length: 1000 }, (_, n) => ({
      key: `alertlark.notifications.v1/0/${n}`,
      value: { sourceTopic: 'alertlark.notifications.v1', partition: 0, offset: String(n), key: 'nobj_1', value: notification, reason: 'delivery deadline passed', consumer: 'lark-sender', at: new Date().toISOString() },
    }));
    expect(JSON.stringify(entries[0]!.value).length).toBeGreaterThan(140_000);
    await publisher.publish(letters, entries);
    const received = await readAll(kafka, letters.topic, entries.length, 120_000);
    expect(received.map((message) => message.key)).toEqual(entries.map((entry) => entry.key));
    expect(received.every((message) => (JSON.parse(message.value!) as { value: string }).value === notification)).toBe(true);
  }, 180_000);

  it('publishAll sends two topics, tombstones included, and resolves once both are written', async () => {
    await publisher.publishAll([
      { contract: state, events: [{ key: 'a', value: { n: 1 } }, { key: 'b', value: { n: 2 } }, { key: 'a', value: null }] },
      { contract: records, events: [{ key: 'last', value: { n: 3000, pad }, partition: 2 }] },
    ]);
    const stateMessages = await readAll(kafka, state.topic, 3);
    expect(stateMessages.map((message) => [message.key, message.value])).toEqual([
      ['a', '{"n":1}'],
      ['b', '{"n":2}'],
      ['a', null],
    ]);
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(records.topic);
    await admin.disconnect();
    expect(offsets.find((offset) => offset.partition === 2)?.high).toBe('1');
  });
});

interface Received {
  partition: number;
  key: string | null;
  value: string | null;
}

async function readAll(kafka: Kafka, topic: string, expected: number, timeoutMs = 30_000): Promise<Received[]> {
  const consumer: Consumer = kafka.consumer({ groupId: `publisher-it-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
  const received: Received[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let done!: () => void;
  const complete = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      received.push({ partition, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null });
      if (received.length >= expected) done();
    },
  });
  const timeout = setTimeout(done, timeoutMs);
  await complete;
  clearTimeout(timeout);
  await consumer.disconnect();
  return received;
}
