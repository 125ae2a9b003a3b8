import type { Kafka, ProducerBatch, ProducerConfig } from 'kafkajs';
import { z } from 'zod';
import { EventPublisher, PRODUCE_LIMITS, RECORD_OVERHEAD_BYTES, planProduceRequests, type TopicMessages } from './event.publisher';

const numbers = { topic: 'test.numbers.v1', schema: z.object({ n: z.number().int() }), partitions: 3 } as const;
const words = { topic: 'test.words.v1', schema: z.object({ word: z.string().min(1) }), partitions: 3 } as const;
const state = { topic: 'test.state.v1', schema: z.object({ n: z.number() }), partitions: 3, compacted: true } as const;

/** kafkajs' producer as far as the publisher uses it: every sendBatch is recorded and settled by the test. */
class FakeProducer {
  connects = 0;
  disconnected = false;
  readonly batches: ProducerBatch[] = [];
  /** How each sendBatch ends; by default at once, acknowledged. */
  answer: (batch: ProducerBatch) => Promise<void> = async () => undefined;
  constructor(readonly config: ProducerConfig | undefined) {}
  async connect() {
    this.connects += 1;
  }
  async disconnect() {
    this.disconnected = true;
  }
  async sendBatch(batch: ProducerBatch) {
    this.batches.push(batch);
    await this.answer(batch);
    return [];
  }
}

function setup(limits?: { maxMessages?: number; maxBytes?: number }) {
  const producers: FakeProducer[] = [];
  const kafka = {
    producer: (config?: ProducerConfig) => {
      const producer = new FakeProducer(config);
      producers.push(producer);
      return producer;
    },
  } as unknown as Pick<Kafka, 'producer'>;
  const publisher = new EventPublisher(kafka, limits ? { limits } : {});
  return { publisher, producers, sent: () => producers.flatMap((producer) => producer.batches) };
}

const values = (batch: ProducerBatch | undefined) => batch?.topicMessages?.flatMap((topic) => topic.messages.map((message) => `${topic.topic}:${String(message.value)}`)) ?? [];

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('EventPublisher', () => {
  it('is an idempotent producer with one request in flight, acks from all in-sync replicas', async () => {
    const { publisher, producers, sent } = setup();
    await publisher.connect();
    await publisher.publish(numbers, [{ key: 'k', value: { n: 1 } }]);
    expect(producers[0]!.config).toMatchObject({ idempotent: true, maxInFlightRequests: 1 });
    expect(sent()[0]).toMatchObject({ acks: -1, topicMessages: [{ topic: numbers.topic, messages: [{ key: 'k', value: Buffer.from('{"n":1}') }] }] });
  });

  it('parses every value against its contract and sends nothing when one fails', async () => {
    const { publisher, sent } = setup();
    await publisher.connect();
    await expect(publisher.publish(numbers, [{ key: 'a', value: { n: 1 } }, { key: 'b', value: { n: 1.5 } }])).rejects.toThrow(/integer|int/i);
    await expect(publisher.publishAll([{ contract: numbers, events: [{ key: 'a', value: { n: 1 } }] }, { contract: words, events: [{ key: 'b', value: { word: '' } }] }])).rejects.toThrow();
    expect(sent()).toEqual([]);
  });

  it('sends values marked valid without parsing them (what the contract would strip stays)', async () => {
    const { publisher, sent } = setup();
    await publisher.connect();
    const value = { n: 1, extra: true } as unknown as { n: number };
    await publisher.publishAll([{ contract: numbers, events: [{ key: 'a', value }], valid: true }]);
    await publisher.publish(numbers, [{ key: 'b', value }]);
    expect(values(sent()[0])).toEqual([`${numbers.topic}:{"n":1,"extra":true}`]);
    expect(values(sent()[1])).toEqual([`${numbers.topic}:{"n":1}`]);
  });

  it('chunks a large publish into requests of at most 1000 messages, sent one after the other, in order', async () => {
    const { publisher, producers, sent } = setup();
    await publisher.connect();
    const inFlight: string[] = [];
    let concurrent = 0;
    producers[0]!.answer = async () => {
      concurrent += 1;
      inFlight.push(`start ${concurrent}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      concurrent -= 1;
    };
    const events = Array.from({ length: 2500 }, (_, n) => ({ key: `k${n % 7}`, value: { n }, partition: n % 3 }));
    await publisher.publish(numbers, events);
    expect(sent().map((batch) => batch.topicMessages![0]!.messages.length)).toEqual([1000, 1000, 500]);
    expect(inFlight.every((entry) => entry === 'start 1')).toBe(true);
    for (let partition = 0; partition < 3; partition++) {
      const order = sent().flatMap((batch) => batch.topicMessages![0]!.messages.filter((message) => message.partition === partition).map((message) => JSON.parse(String(message.value)).n as number));
      expect(order).toEqual(events.filter((event) => event.partition === partition).map((event) => event.value.n));
    }
  });

  it('keeps every request under the byte limit, measured on the serialized messages', async () => {
    const { publisher, sent } = setup({ maxBytes: 10_000 });
    await publisher.connect();
    const word = 'é'.repeat(1000); // 2000 bytes in UTF-8, 1000 characters
    await publisher.publish(words, Array.from({ length: 12 }, (_, n) => ({ key: `key-${n}`, value: { word } })));
    const sizes = sent().map((batch) => batch.topicMessages!.flatMap((topic) => topic.messages).reduce((sum, message) => sum + Buffer.byteLength(String(message.key)) + Buffer.byteLength(String(message.value)) + RECORD_OVERHEAD_BYTES, 0));
    expect(sizes.length).toBe(3);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10_000);
    expect(sent().flatMap((batch) => batch.topicMessages![0]!.messages.map((message) => message.key))).toEqual(Array.from({ length: 12 }, (_, n) => `key-${n}`));
  });

  it('sends one message larger than the limit in a request of its own', () => {
    const small = { key: 'a', value: Buffer.from('x') };
    const huge = { key: 'b', value: Buffer.alloc(PRODUCE_LIMITS.maxBytes) };
    const requests = planProduceRequests([{ topic: 't', messages: [small, huge, small] }]);
    expect(requests.map((request) => request[0]!.messages)).toEqual([[small], [huge], [small]]);
  });

  it('publishAll puts several topics in one request and resolves only when it is acknowledged', async () => {
    const { publisher, producers, sent } = setup();
    await publisher.connect();
    const ack = deferred();
    producers[0]!.answer = () => ack.promise;
    let resolved = false;
    const done = publisher
      .publishAll([
        { contract: numbers, events: [{ key: 'a', value: { n: 1 } }] },
        { contract: words, events: [{ key: 'b', value: { word: 'hi' } }] },
        { contract: numbers, events: [{ key: 'c', value: { n: 2 } }] },
      ])
      .then(() => (resolved = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent()).toHaveLength(1);
    expect(values(sent()[0])).toEqual([`${numbers.topic}:{"n":1}`, `${numbers.topic}:{"n":2}`, `${words.topic}:{"word":"hi"}`]);
    expect(resolved).toBe(false);
    ack.resolve();
    await done;
    expect(resolved).toBe(true);
  });

  it('publishAll across topics chunks the same way: 1500 + 1500 messages are 3 requests', async () => {
    const { publisher, sent } = setup();
    await publisher.connect();
    await publisher.publishAll([
      { contract: numbers, events: Array.from({ length: 1500 }, (_, n) => ({ key: `n${n}`, value: { n } })) },
      { contract: words, events: Array.from({ length: 1500 }, (_, n) => ({ key: `w${n}`, value: { word: `w${n}` } })) },
    ]);
    expect(sent().map((batch) => batch.topicMessages!.map((topic) => [topic.topic, topic.messages.length]))).toEqual([
      [[numbers.topic, 1000]],
      [
        [numbers.topic, 500],
        [words.topic, 500],
      ],
      [[words.topic, 1000]],
    ]);
  });

  it('sends a null value on a compacted topic as a tombstone, and refuses it on any other', async () => {
    const { publisher, sent } = setup();
    await publisher.connect();
    await publisher.publish(state, [
      { key: 'gone', value: null },
      { key: 'kept', value: { n: 1 } },
    ]);
    expect(sent()[0]!.topicMessages![0]!.messages).toEqual([
      { key: 'gone', value: null },
      { key: 'kept', value: Buffer.from('{"n":1}') },
    ]);
    // @ts-expect-error a tombstone on a topic that is not compacted does not typecheck either
    await expect(publisher.publish(numbers, [{ key: 'x', value: null }])).rejects.toThrow(/not compacted/);
    expect(sent()).toHaveLength(1);
  });

  it('runs concurrent calls one after the other, in call order', async () => {
    const { publisher, producers, sent } = setup();
    await publisher.connect();
    const first = deferred();
    producers[0]!.answer = (batch) => (values(batch)[0]?.includes('"n":1') ? first.promise : Promise.resolve());
    const a = publisher.publish(numbers, [{ key: 'a', value: { n: 1 } }]);
    const b = publisher.publish(numbers, [{ key: 'b', value: { n: 2 } }]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent()).toHaveLength(1);
    first.resolve();
    await Promise.all([a, b]);
    expect(sent().map((batch) => values(batch)[0])).toEqual([`${numbers.topic}:{"n":1}`, `${numbers.topic}:{"n":2}`]);
  });

  it('fails a call with the error kafkajs gave up with, and sends the next one with a new producer (new producer id)', async () => {
    const { publisher, producers, sent } = setup();
    await publisher.connect();
    const failure = Object.assign(new Error('Request timed out'), { name: 'KafkaJSRequestTimeoutError' });
    producers[0]!.answer = async () => {
      throw failure;
    };
    const events = Array.from({ length: 1500 }, (_, n) => ({ key: `k${n}`, value: { n } }));
    await expect(publisher.publish(numbers, events)).rejects.toBe(failure);
    expect(sent()).toHaveLength(1); // the second chunk is not attempted
    expect(producers).toHaveLength(2);
    expect(producers[0]!.disconnected).toBe(true);
    await publisher.publish(numbers, [{ key: 'next', value: { n: 1 } }]);
    expect(producers[1]!.connects).toBe(1);
    expect(producers[1]!.batches).toHaveLength(1);
  });

  it('disconnects after what is in flight is acknowledged', async () => {
    const { publisher, producers } = setup();
    await publisher.connect();
    const ack = deferred();
    producers[0]!.answer = () => ack.promise;
    const sending = publisher.publish(numbers, [{ key: 'a', value: { n: 1 } }]);
    await new Promise((resolve) => setImmediate(resolve));
    const closing = publisher.disconnect();
    await new Promise((resolve) => setImmediate(resolve));
    expect(producers[0]!.disconnected).toBe(false);
    expect(publisher.isConnected()).toBe(false);
    ack.resolve();
    await Promise.all([sending, closing]);
    expect(producers[0]!.disconnected).toBe(true);
  });
});

describe('planProduceRequests', () => {
  it('plans nothing for nothing', () => {
    expect(planProduceRequests([{ topic: 't', messages: [] }])).toEqual([]);
  });

  it('packs messages of several topics greedily, in the order given', () => {
    const topics: TopicMessages[] = [
      { topic: 'a', messages: [{ key: '1', value: Buffer.from('x') }, { key: '2', value: Buffer.from('x') }] },
      { topic: 'b', messages: [{ key: '3', value: Buffer.from('x') }] },
    ];
    expect(planProduceRequests(topics, { maxMessages: 2, maxBytes: 1_000_000 })).toEqual([[{ topic: 'a', messages: topics[0]!.messages }], [{ topic: 'b', messages: topics[1]!.messages }]]);
  });
});
