import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { z } from 'zod';
import { EventPublisher } from './event.publisher';
import { ensureTopics } from './topics.admin';

/**
 * The real broker (Kafka 4.1 from tools/stack, `message.max.bytes` 1 MiB by default) refuses a
 * request kafkajs did not split; the publisher's chunks get through, in order, with its idempotent
 * producer.
 */
describe('EventPublisher against the real broker', () => {
  const run = randomBytes(4).toString('hex');
  const records = { topic: `test.publisher-records.${run}`, schema: z.object({ n: z.number().int(), pad: z.string() }), partitions: 3 } as const;
  const state = { topic: `test.publisher-state.${run}`, schema: z.object({ n: z.number().int() }), partitions: 1, compacted: true } as const;
  const kafka = new Kafka({ clientId: `publisher-it-${run}`, brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
  const publisher = new EventPublisher(kafka);
  const pad = 'p'.repeat(500);
  // 3000 messages of ~540 bytes on one partition: about 1.6 MB, beyond what one request may carry.
  const events = Array.from({ length: 3000 }, (_, n) => ({ key: `key-${n % 10}`, value: { n, pad }, partition: 1 }));

  beforeAll(async () => {
    await ensureTopics(kafka, [records, state]);
    await publisher.connect();
  });

  afterAll(async () => {
    await publisher.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [records.topic, state.topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('would be refused in one request: the broker takes no record batch over 1 MiB', async () => {
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      const messages = events.map((event) => ({ key: event.key, value: JSON.stringify(event.value), partition: 1 }));
      await expect(producer.send({ topic: records.topic, acks: -1, messages })).rejects.toThrow(/too large|larger than/i);
    } finally {
      await producer.disconnect();
    }
  });

  it('publishes more than 1 MiB to one partition, and it arrives complete and in order', async () => {
    const bytes = events.reduce((sum, event) => sum + JSON.stringify(event.value).length + event.key.length, 0);
    expect(bytes).toBeGreaterThan(1024 * 1024);
    await publisher.publish(records, events);
    const received = await readAll(kafka, records.topic, events.length);
    expect(received.map((message) => message.partition)).toEqual(events.map(() => 1));
    expect(received.map((message) => (JSON.parse(message.value!) as { n: number }).n)).toEqual(events.map((event) => event.value.n));
  });

  it('fails a message the broker refuses, and the next publish goes through on a fresh producer', async () => {
    const failure = publisher.publish(records, [{ key: 'huge', value: { n: -1, pad: 'h'.repeat(1_200_000) }, partition: 0 }]);
    await expect(failure).rejects.toThrow(/too large|larger than/i);
    await publisher.publish(records, [{ key: 'after', value: { n: -2, pad }, partition: 0 }]);
    const received = await readAll(kafka, records.topic, events.length + 1);
    expect(received.filter((message) => message.partition === 0).map((message) => message.key)).toEqual(['after']);
  });

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

async function readAll(kafka: Kafka, topic: string, expected: number): Promise<Received[]> {
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
  const timeout = setTimeout(done, 30_000);
  await complete;
  clearTimeout(timeout);
  await consumer.disconnect();
  return received;
}
