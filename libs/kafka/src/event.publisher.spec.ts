import type { Kafka, ProducerBatch, ProducerConfig } from 'kafkajs';
import { z } from 'zod';
import { EventPublisher, PRODUCE_LIMITS, ProduceBatcher, planProduceRequests, type TopicMessages } from './event.publisher';
import { MAX_MESSAGE_BYTES, MessageTooLargeError, RECORD_OVERHEAD_BYTES, TOPIC_MAX_MESSAGE_BYTES, wireBytes } from './message-size';

const numbers = { topic: 'test.numbers.v1', schema: z.object({ n: z.number().int() }), partitions: 3 } as const;
const words = { topic: 'test.words.v1', schema: z.object({ word: z.string().min(1) }), partitions: 3 } as const;
const state = { topic: 'test.state.v1', schema: z.object({ n: z.number() }), partitions: 3, compacted: true } as const;
const letters = { topic: 'test.letters.v1', schema: z.object({ bot: z.string(), n: z.number().int(), payload: z.string() }), partitions: 1 } as const;
/** A v2 record batch's header: what one partition's batch weighs besides its records. */
const RECORD_BATCH_HEADER_BYTES = 61;

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

  it('splits 1,000 dead letters of 200 KB into requests whose every partition batch the topic takes, each sent once, in order per key', async () => {
    const { publisher, sent } = setup();
    await publisher.connect();
    const payload = 'p'.repeat(200_000);
    // Keyed by bot, no partition given: kafkajs may put any of them on one partition.
    const events = Array.from({ length: 1000 }, (_, n) => ({ key: `bot-${n % 7}`, value: { bot: `bot-${n % 7}`, n, payload } }));
    await publisher.publish(letters, events);
    for (const batch of sent()) {
      expect(batch.acks).toBe(-1);
      for (const { topic, messages } of batch.topicMessages!) {
        const bytes = messages.reduce((sum, message) => sum + wireBytes({ key: String(message.key), value: message.value as Buffer }), 0);
        expect(bytes).toBeLessThanOrEqual(PRODUCE_LIMITS.maxBytes);
        expect(bytes + RECORD_BATCH_HEADER_BYTES).toBeLessThanOrEqual(TOPIC_MAX_MESSAGE_BYTES);
        expect(topic).toBe(letters.topic);
      }
    }
    const received = sent().flatMap((batch) => batch.topicMessages![0]!.messages.map((message) => JSON.parse(String(message.value)) as { bot: string; n: number }));
    expect(received.map((letter) => letter.n).sort((a, b) => a - b)).toEqual(events.map((event) => event.value.n));
    for (let bot = 0; bot < 7; bot++) {
      const order = received.filter((letter) => letter.bot === `bot-${bot}`).map((letter) => letter.n);
      expect(order).toEqual(events.filter((event) => event.key === `bot-${bot}`).map((event) => event.value.n));
    }
  });

  it('fed by a ProduceBatcher, sends many callers\' large messages the same way: within the limit, each once', async () => {
    const { publisher, sent } = setup();
    await publisher.connect();
    const batcher = new ProduceBatcher(publisher, { lingerMs: 0, maxPendingMessages: 10_000 });
    const payload = 'p'.repeat(200_000);
    await Promise.all(Array.from({ length: 50 }, (_, caller) => batcher.add([{ contract: letters, events: Array.from({ length: 20 }, (_, n) => ({ key: `bot-${caller}`, value: { bot: `bot-${caller}`, n: caller * 20 + n, payload } })) }])));
    const requests = sent().map((batch) => batch.topicMessages!.flatMap((topic) => topic.messages));
    for (const messages of requests) expect(messages.reduce((sum, message) => sum + wireBytes({ key: String(message.key), value: message.value as Buffer }), 0)).toBeLessThanOrEqual(PRODUCE_LIMITS.maxBytes);
    expect(requests.flat().map((message) => (JSON.parse(String(message.value)) as { n: number }).n).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, n) => n));
  });

  it('refuses a message over MAX_MESSAGE_BYTES with MessageTooLargeError before sending any of its publish; the publisher goes on', async () => {
    const { publisher, producers, sent } = setup();
    await publisher.connect();
    const huge = { key: 'huge', value: { bot: 'b', n: 2, payload: 'h'.repeat(MAX_MESSAGE_BYTES) } };
    const before = publisher.publish(letters, [{ key: 'a', value: { bot: 'b', n: 0, payload: 'x' } }]);
    const refused = publisher.publish(letters, [{ key: 'b', value: { bot: 'b', n: 1, payload: 'x' } }, huge]);
    const after = publisher.publish(letters, [{ key: 'c', value: { bot: 'b', n: 3, payload: 'x' } }]);
    const error = await refused.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect(error).toMatchObject({ topic: letters.topic, key: 'huge', bytes: Buffer.byteLength(JSON.stringify(huge.value)) + 'huge'.length + RECORD_OVERHEAD_BYTES, limit: MAX_MESSAGE_BYTES });
    await Promise.all([before, after]);
    expect(sent().flatMap((batch) => batch.topicMessages![0]!.messages.map((message) => message.key))).toEqual(['a', 'c']);
    expect(producers).toHaveLength(1); // nothing failed at the broker: no new producer
  });

  it('takes a message up to MAX_MESSAGE_BYTES, in a request of its own', async () => {
    const { publisher, sent } = setup();
    await publisher.connect();
    const overhead = Buffer.byteLength(JSON.stringify({ bot: 'b', n: 1, payload: '' })) + 'big'.length + RECORD_OVERHEAD_BYTES;
    await publisher.publish(letters, [
      { key: 'small', value: { bot: 'b', n: 0, payload: 'x' } },
      { key: 'big', value: { bot: 'b', n: 1, payload: 'b'.repeat(MAX_MESSAGE_BYTES - overhead) } },
    ]);
    expect(sent().map((batch) => batch.topicMessages![0]!.messages.map((message) => message.key))).toEqual([['small'], ['big']]);
  });

  it('refuses limits whose requests the topics would not take', () => {
    expect(() => setup({ maxBytes: MAX_MESSAGE_BYTES + 1 })).toThrow(RangeError);
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
