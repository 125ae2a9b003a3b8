import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { z } from 'zod';
import { EVENTS, type DeadLetterEvent } from '@alertlark/contracts';
import { BatchConsumer, type ConsumedBatch, type ConsumerDeclaration } from './batch.consumer';
import { EventPublisher } from './event.publisher';
import { MAX_MESSAGE_BYTES } from './message-size';
import { ensureTopics } from './topics.admin';

/**
 * The one consumer primitive against the real broker: contracts enforced with dead letters,
 * commits only after the handler succeeded, a run to the end offsets present at start, and a
 * throwaway reader that reports when it caught up and keeps following.
 */
describe('BatchConsumer against the real broker', () => {
  const run = randomBytes(4).toString('hex');
  const kafka = new Kafka({ clientId: `batch-consumer-it-${run}`, brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
  const publisher = new EventPublisher(kafka);
  const schema = z.object({ n: z.number().int() });
  const contract = (name: string, partitions = 1) => ({ topic: `test.batch-consumer-${name}.${run}`, schema, partitions }) as const;
  const topics = { invalid: contract('invalid'), retry: contract('retry'), held: contract('held'), handover: contract('handover'), shutdown: contract('shutdown'), end: contract('end', 2), follow: contract('follow'), large: contract('large') };
  type TestContract = ReturnType<typeof contract>;
  const consumers: BatchConsumer<TestContract>[] = [];
  const log = () => undefined;
  let admin: Admin;

  /** Raw bytes, as a producer that skipped the contract would send them. */
  async function produceRaw(topic: string, values: string[], partition = 0): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: values.map((value, index) => ({ key: `k${index}`, value, partition })) });
    await producer.disconnect();
  }

  function consumer(declaration: Omit<ConsumerDeclaration<TestContract>, 'publisher' | 'log' | 'fromBeginning'> & { publisher?: EventPublisher | null; fromBeginning?: boolean }) {
    const created = new BatchConsumer(kafka, { publisher, log, fromBeginning: true, ...declaration });
    consumers.push(created);
    return created;
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const committed = async (groupId: string, topic: string) => {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return entry!.partitions.map((partition) => partition.offset);
  };

  beforeAll(async () => {
    await ensureTopics(kafka, [...Object.values(topics), EVENTS.deadLetter]);
    await publisher.connect();
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    for (const created of consumers) await created.stop().catch(() => undefined);
    await publisher.disconnect();
    await admin.deleteTopics({ topics: Object.values(topics).map((entry) => entry.topic) }).catch(() => undefined);
    await admin.deleteGroups(consumers.map((created) => created.groupId)).catch(() => undefined);
    await admin.disconnect();
  });

  it('never commits past what `committable` allows, and commits further once it allows more', async () => {
    const topic = topics.held.topic;
    const groupId = `test.batch-consumer-held.${run}`;
    await publisher.publish(topics.held, [0, 1, 2, 3, 4].map((n) => ({ key: `k${n}`, value: { n }, partition: 0 })));
    let finishedUpTo: string | null = null;
    let handled = 0;
    consumer({
      name: `it-held-${run}`,
      groupId,
      contracts: [topics.held],
      committable: () => finishedUpTo,
      handleBatch: async (batch) => void (handled += batch.events.length),
    }).run();
    await until('every message handled', () => (handled >= 5 ? true : undefined));
    // Handled but not finished: the only commit is where the member started.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await committed(groupId, topic)).toEqual(['0']);
    finishedUpTo = '3';
    await until('a commit up to 3', async () => ((await committed(groupId, topic))[0] === '3' ? true : undefined));
    finishedUpTo = '5';
    await until('a commit up to 5', async () => ((await committed(groupId, topic))[0] === '5' ? true : undefined));
  });

  it('dead-letters a message that fails its contract, with the reason, and hands the next valid one to the handler', async () => {
    const topic = topics.invalid.topic;
    const [deadLetterEnd] = await admin.fetchTopicOffsets(EVENTS.deadLetter.topic);
    await produceRaw(topic, ['not json', JSON.stringify({ n: 'one' }), JSON.stringify({ n: 2 })]);
    const handled: { offset: string; value: unknown }[] = [];
    const batches: ConsumedBatch<unknown>[] = [];
    const reader = consumer({
      name: `it-invalid-${run}`,
      groupId: `test.batch-consumer-invalid.${run}`,
      contracts: [topics.invalid],
      handleBatch: async (batch) => {
        batches.push(batch);
        for (const event of batch.events) handled.push({ offset: event.offset, value: event.value });
      },
    });
    await reader.run();
    await until('the valid message', () => (handled.length > 0 ? true : undefined));
    expect(handled).toEqual([{ offset: '2', value: { n: 2 } }]);
    expect(batches.reduce((sum, batch) => sum + batch.invalid, 0)).toBe(2);
    // Past the last message, invalid ones included: a handler that commits through `committable` moves past them too.
    expect(batches.at(-1)!.nextOffset).toBe('3');

    const letters = await readDeadLetters(Number(deadLetterEnd!.high), topic, 2);
    expect(letters.map((letter) => [letter.offset, letter.consumer, letter.value])).toEqual([
      ['0', `it-invalid-${run}`, 'not json'],
      ['1', `it-invalid-${run}`, '{"n":"one"}'],
    ]);
    expect(letters[0]!.reason).toMatch(/^value is not JSON/);
    expect(letters[1]!.reason).toMatch(/^schema violation: n: /);
    // The dead letters count as handled: the group moves past them.
    await until('the offsets to be committed', async () => ((await committed(reader.groupId, topic))[0] === '3' ? true : undefined));
  }, 90_000);

  it('dead-letters a message too large to carry whole in an entry with its value cut, and goes on', async () => {
    const topic = topics.large.topic;
    const [deadLetterEnd] = await admin.fetchTopicOffsets(EVENTS.deadLetter.topic);
    // Nearly the largest message there is, and a third larger once its quotes are escaped into an entry.
    const large = JSON.stringify(Array.from({ length: Math.floor((MAX_MESSAGE_BYTES - 1_000) / 6) }, () => 'abc'));
    await produceRaw(topic, [large, JSON.stringify({ n: 1 })]);
    const handled: unknown[] = [];
    const reader = consumer({
      name: `it-large-${run}`,
      groupId: `test.batch-consumer-large.${run}`,
      contracts: [topics.large],
      handleBatch: async (batch) => void handled.push(...batch.events.map((event) => event.value)),
    });
    await reader.run();
    await until('the valid message', () => (handled.length > 0 ? true : undefined));
    expect(handled).toEqual([{ n: 1 }]);
    const [letter] = await readDeadLetters(Number(deadLetterEnd!.high), topic, 1);
    expect(letter!.reason).toBe(`schema violation: (root): Invalid input: expected object, received array [value truncated to fit in one Kafka message; it was ${large.length} bytes]`);
    expect(large.startsWith(letter!.value!)).toBe(true);
    expect(letter!.value!.length).toBeGreaterThan(MAX_MESSAGE_BYTES * 0.7);
    await until('the offsets to be committed', async () => ((await committed(reader.groupId, topic))[0] === '2' ? true : undefined));
  }, 90_000);

  it('retries a failing handler on the same batch and commits past it only once it succeeded', async () => {
    const topic = topics.retry.topic;
    await publisher.publish(topics.retry, [1, 2, 3].map((n) => ({ key: `k${n}`, value: { n } })));
    let failing = true;
    const attempts: string[][] = [];
    const reader = consumer({
      name: `it-retry-${run}`,
      groupId: `test.batch-consumer-retry.${run}`,
      contracts: [topics.retry],
      commitIntervalMs: 100,
      maxBackoffMs: 200,
      handleBatch: async (batch) => {
        attempts.push(batch.events.map((event) => event.offset));
        if (failing) throw new Error('MongoDB unavailable');
      },
    });
    await reader.run();
    await until('three failed attempts', () => (attempts.length >= 3 ? true : undefined));
    // Well past several commit intervals, the group stays where the member started (its first
    // offset, committed before anything was handled, so a successor would not skip the batch).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await committed(reader.groupId, topic)).toEqual(['0']);
    failing = false;
    await until('the offsets to be committed', async () => ((await committed(reader.groupId, topic))[0] === '3' ? true : undefined));
    // Every attempt was the same batch, from its first message.
    expect(new Set(attempts.map((offsets) => offsets.join(',')))).toEqual(new Set(['0,1,2']));
  }, 90_000);

  it('a member that dies before its first interval commit leaves its successor where it started, not at the log end', async () => {
    const groupId = `test.batch-consumer-handover.${run}`;
    let die!: (error: Error) => void;
    const dying = new Promise<never>((_, reject) => (die = reject));
    const taken: string[] = [];
    const doomed = consumer({
      name: `it-handover-${run}`,
      groupId,
      contracts: [topics.handover],
      fromBeginning: false,
      commitIntervalMs: 60_000,
      handleBatch: async (batch) => {
        taken.push(...batch.events.map((event) => event.offset));
        await dying;
      },
    });
    await doomed.run();
    // The group is new and starts at the log's end, which kafkajs looks up at its first fetch: send
    // until the member holds a batch (that it never finishes).
    let n = 0;
    await until('the member to take a batch', async () => {
      if (taken.length > 0) return true;
      await publisher.publish(topics.handover, [{ key: `k${n}`, value: { n: n++ } }]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return undefined;
    });
    die(new Error('killed'));
    await doomed.stop();
    const next: string[] = [];
    const successor = consumer({
      name: `it-handover-${run}`,
      groupId,
      contracts: [topics.handover],
      fromBeginning: false,
      handleBatch: async (batch) => void next.push(...batch.events.map((event) => event.offset)),
    });
    await successor.run();
    await until('the successor to handle the batch', () => (taken.every((offset) => next.includes(offset)) ? true : undefined));
    expect(next[0]).toBe(taken[0]);
  }, 90_000);

  it('stop() lets the batch in flight finish and commits everything handled before leaving the group', async () => {
    const topic = topics.shutdown.topic;
    await publisher.publish(topics.shutdown, [1, 2].map((n) => ({ key: `k${n}`, value: { n } })));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const handled: number[] = [];
    const reader = consumer({
      name: `it-shutdown-${run}`,
      groupId: `test.batch-consumer-shutdown.${run}`,
      contracts: [topics.shutdown],
      commitIntervalMs: 60_000,
      handleBatch: async (batch) => {
        for (const event of batch.events) handled.push(event.value.n);
        if (handled.includes(3)) await held;
      },
    });
    await reader.run();
    await until('the first batch', () => (handled.length >= 2 ? true : undefined));
    await publisher.publish(topics.shutdown, [{ key: 'k3', value: { n: 3 } }]);
    await until('the batch held in flight', () => (handled.includes(3) ? true : undefined));
    const stopped = reader.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await stopped;
    // No interval commit ran: both batches were committed by the stop.
    expect(await committed(reader.groupId, topic)).toEqual(['3']);
  }, 90_000);

  it('untilEnd reads to the end offsets present at start and stops, leaving out what arrived later, in a group that commits nothing', async () => {
    const topic = topics.end.topic;
    await publisher.publish(topics.end, [
      ...[0, 1, 2, 3].map((n) => ({ key: `a${n}`, value: { n }, partition: 0 })),
      ...[10, 11].map((n) => ({ key: `b${n}`, value: { n }, partition: 1 })),
    ]);
    // More messages arrive after the end offsets were taken but before the consumer's first fetch:
    // they are in the log it reads, past the end.
    const late = Object.create(kafka) as Kafka;
    late.admin = (...args) => {
      const created = kafka.admin(...args);
      const disconnect = created.disconnect.bind(created);
      created.disconnect = async () => {
        await disconnect();
        await publisher.publish(topics.end, [
          { key: 'late0', value: { n: 100 }, partition: 0 },
          { key: 'late1', value: { n: 101 }, partition: 1 },
        ]);
      };
      return created;
    };
    const handled: string[] = [];
    const rebuild = new BatchConsumer(late, {
      name: `it-end-${run}`,
      groupId: `test.batch-consumer-end.${run}`,
      contracts: [topics.end],
      fromBeginning: false,
      publisher,
      log,
      untilEnd: {},
      handleBatch: async (batch) => {
        for (const event of batch.events) handled.push(`${event.partition}:${event.offset}:${event.value.n}`);
      },
    });
    consumers.push(rebuild);
    await rebuild.run();
    expect(handled.sort()).toEqual(['0:0:0', '0:1:1', '0:2:2', '0:3:3', '1:0:10', '1:1:11']);
    const ends = await admin.fetchTopicOffsets(topic);
    expect(ends.map((end) => end.high).sort()).toEqual(['3', '5']);
    expect(rebuild.groupId).toMatch(new RegExp(`^test\\.batch-consumer-end\\.${run}\\.`));
    expect(await committed(rebuild.groupId, topic)).toEqual(['-1', '-1']);
  }, 90_000);

  it('catchUp reports once the end offsets present at start are handled, keeps following, and commits nothing', async () => {
    const topic = topics.follow.topic;
    await publisher.publish(topics.follow, [1, 2, 3].map((n) => ({ key: `k${n}`, value: { n } })));
    const handled: number[] = [];
    let caughtUpWith: number[] | undefined;
    const feed = consumer({
      name: `it-follow-${run}`,
      groupId: `test.batch-consumer-follow.${run}`,
      contracts: [topics.follow],
      publisher: null,
      catchUp: { onCaughtUp: () => (caughtUpWith = [...handled]) },
      handleBatch: async (batch) => {
        for (const event of batch.events) handled.push(event.value.n);
      },
    });
    await feed.run();
    expect(await until('catching up', () => caughtUpWith)).toEqual([1, 2, 3]);
    await publisher.publish(topics.follow, [{ key: 'k4', value: { n: 4 } }]);
    await until('the next message', () => (handled.includes(4) ? true : undefined));
    expect(handled).toEqual([1, 2, 3, 4]);
    expect(await committed(feed.groupId, topic)).toEqual(['-1']);
  }, 90_000);

  /** The dead letters of one source topic, from the dead-letter topic's offset given on. */
  async function readDeadLetters(from: number, sourceTopic: string, expected: number): Promise<DeadLetterEvent[]> {
    const letters: DeadLetterEvent[] = [];
    const reader = new BatchConsumer(kafka, {
      name: `it-dead-letters-${run}`,
      groupId: `test.batch-consumer-dead-letters.${run}`,
      contracts: [EVENTS.deadLetter],
      fromBeginning: false,
      publisher: null,
      log,
      catchUp: { onCaughtUp: () => undefined },
      handleBatch: async (batch) => {
        for (const event of batch.events) if (Number(event.offset) >= from && event.value.sourceTopic === sourceTopic) letters.push(event.value);
      },
    });
    try {
      await reader.run();
      return await until('the dead letters', () => (letters.length >= expected ? letters : undefined));
    } finally {
      await reader.stop();
      await admin.deleteGroups([reader.groupId]).catch(() => undefined);
    }
  }
});
