import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import { z } from 'zod';
import { BatchConsumer } from './batch.consumer';

const contract = { topic: 'test.crash.v1', schema: z.object({ n: z.number() }), partitions: 1 } as const;
const EVENTS = { GROUP_JOIN: 'consumer.group_join', REBALANCING: 'consumer.rebalancing', STOP: 'consumer.stop', CRASH: 'consumer.crash' };

/** A kafkajs consumer that counts its starts and lets the test emit its instrumentation events. */
function fakeKafka() {
  const emitter = new EventEmitter();
  const consumer = {
    events: EVENTS,
    on: (event: string, listener: (payload: unknown) => void) => emitter.on(event, listener),
    connect: jest.fn(async () => undefined),
    subscribe: jest.fn(async () => undefined),
    run: jest.fn(async () => undefined),
    stop: jest.fn(async () => undefined),
    disconnect: jest.fn(async () => undefined),
    commitOffsets: jest.fn(async () => undefined),
  };
  return {
    kafka: { consumer: () => consumer } as unknown as Kafka,
    consumer,
    crash: (restart: boolean) => emitter.emit(EVENTS.CRASH, { payload: { error: new Error('Failed to find group coordinator'), groupId: 'g', restart } }),
    join: () => emitter.emit(EVENTS.GROUP_JOIN, { payload: { memberAssignment: { [contract.topic]: [0] } } }),
  };
}

describe('BatchConsumer after a crash', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const declare = (kafka: Kafka, log = jest.fn()) =>
    new BatchConsumer(kafka, { name: 'test', groupId: 'g', contracts: [contract], fromBeginning: false, publisher: null, log, handleBatch: async () => undefined, maxBackoffMs: 4_000 });

  it('starts consuming again, with growing backoff, when kafkajs gives up on a non-retriable error', async () => {
    const fake = fakeKafka();
    const log = jest.fn();
    const consumer = declare(fake.kafka, log);
    await consumer.run();
    expect(fake.consumer.run).toHaveBeenCalledTimes(1);

    fake.crash(false);
    expect(log).toHaveBeenCalledWith('error', expect.stringContaining('starting it again'), expect.objectContaining({ consumer: 'test', delayMs: 500 }));
    await jest.advanceTimersByTimeAsync(499);
    expect(fake.consumer.run).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(fake.consumer.connect).toHaveBeenCalledTimes(2);
    expect(fake.consumer.run).toHaveBeenCalledTimes(2);
    // Subscriptions outlive a crash in kafkajs: they are not made again.
    expect(fake.consumer.subscribe).toHaveBeenCalledTimes(1);

    // Crashing again before joining waits longer, up to maxBackoffMs; joining resets the backoff.
    fake.crash(false);
    await jest.advanceTimersByTimeAsync(999);
    expect(fake.consumer.run).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(fake.consumer.run).toHaveBeenCalledTimes(3);
    fake.join();
    fake.crash(false);
    await jest.advanceTimersByTimeAsync(500);
    expect(fake.consumer.run).toHaveBeenCalledTimes(4);
    await consumer.stop();
  });

  it('tries again when starting again fails (the broker still away)', async () => {
    const fake = fakeKafka();
    const consumer = declare(fake.kafka);
    await consumer.run();
    fake.consumer.connect.mockRejectedValueOnce(new Error('Connection error: connect ECONNREFUSED'));
    fake.crash(false);
    await jest.advanceTimersByTimeAsync(500);
    expect(fake.consumer.run).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(fake.consumer.run).toHaveBeenCalledTimes(2);
    await consumer.stop();
  });

  it('leaves a restart kafkajs makes itself alone, and starts nothing once stopped', async () => {
    const fake = fakeKafka();
    const consumer = declare(fake.kafka);
    await consumer.run();
    fake.crash(true);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(fake.consumer.run).toHaveBeenCalledTimes(1);

    fake.crash(false);
    await consumer.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(fake.consumer.run).toHaveBeenCalledTimes(1);
  });
});
