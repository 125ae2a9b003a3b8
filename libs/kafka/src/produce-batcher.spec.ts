import { z } from 'zod';
import type { PublishSend, TopicMessages } from './event.publisher';
import { MAX_MESSAGE_BYTES, MessageTooLargeError, RECORD_OVERHEAD_BYTES } from './message-size';
import { ProduceBacklogFullError, ProduceBatcher } from './produce-batcher';

const contract = { topic: 'test.numbers.v1', schema: z.object({ n: z.number() }), partitions: 3 } as const;
const send = (...ns: number[]): PublishSend[] => [{ contract, events: ns.map((n) => ({ key: `k${n}`, value: { n } })) }];

/** A publisher whose publishEncoded calls the test settles one by one. */
function fakePublisher() {
  const calls: { topics: readonly TopicMessages[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  return {
    calls,
    numbers: (index: number) => calls[index]!.topics.flatMap((topic) => topic.messages.map((message) => (JSON.parse(String(message.value)) as { n: number }).n)),
    publishEncoded: (topics: readonly TopicMessages[]) => new Promise<void>((resolve, reject) => calls.push({ topics, resolve, reject })),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ProduceBatcher', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('sends what arrives within the linger together, and resolves every caller once it is acknowledged', async () => {
    const publisher = fakePublisher();
    const batcher = new ProduceBatcher(publisher, { lingerMs: 5, maxPendingMessages: 100 });
    const settled: string[] = [];
    const a = batcher.add(send(1, 2)).then(() => settled.push('a'));
    jest.advanceTimersByTime(3);
    const b = batcher.add(send(3)).then(() => settled.push('b'));
    expect(publisher.calls).toHaveLength(0);
    jest.advanceTimersByTime(2);
    expect(publisher.calls).toHaveLength(1);
    expect(publisher.numbers(0)).toEqual([1, 2, 3]);
    await tick();
    expect(settled).toEqual([]);
    publisher.calls[0]!.resolve();
    await Promise.all([a, b]);
    expect(settled).toEqual(['a', 'b']);
  });

  it('fails exactly the callers of a failed batch, with its error', async () => {
    const publisher = fakePublisher();
    const batcher = new ProduceBatcher(publisher, { lingerMs: 5, maxPendingMessages: 100 });
    const a = batcher.add(send(1));
    const b = batcher.add(send(2));
    jest.advanceTimersByTime(5);
    const c = batcher.add(send(3)); // arrives while the first batch is in flight: the next batch
    jest.advanceTimersByTime(5);
    expect(publisher.calls).toHaveLength(1);
    const failure = Object.assign(new Error('broker down'), { name: 'KafkaJSConnectionError' });
    publisher.calls[0]!.reject(failure);
    await expect(a).rejects.toBe(failure);
    await expect(b).rejects.toBe(failure);
    // The next batch leaves as soon as the failed one is done (its linger has passed).
    expect(publisher.calls).toHaveLength(2);
    expect(publisher.numbers(1)).toEqual([3]);
    publisher.calls[1]!.resolve();
    await expect(c).resolves.toBeUndefined();
  });

  it('keeps one batch in flight; the next waits for it and for its own linger', async () => {
    const publisher = fakePublisher();
    const batcher = new ProduceBatcher(publisher, { lingerMs: 5, maxPendingMessages: 100 });
    void batcher.add(send(1));
    jest.advanceTimersByTime(5);
    void batcher.add(send(2));
    publisher.calls[0]!.resolve();
    await tick();
    expect(publisher.calls).toHaveLength(1); // the second batch's linger has not passed yet
    jest.advanceTimersByTime(5);
    expect(publisher.calls).toHaveLength(2);
    expect(publisher.numbers(1)).toEqual([2]);
  });

  it('refuses at once when too many messages are waiting for Kafka, and accepts again once they are sent', async () => {
    const publisher = fakePublisher();
    const batcher = new ProduceBatcher(publisher, { lingerMs: 5, maxPendingMessages: 3 });
    const first = batcher.add(send(1, 2));
    await expect(batcher.add(send(3, 4))).rejects.toBeInstanceOf(ProduceBacklogFullError);
    expect(batcher.pendingMessages()).toBe(2);
    jest.advanceTimersByTime(5);
    publisher.calls[0]!.resolve();
    await first;
    expect(batcher.pendingMessages()).toBe(0);
    // Alone, even a call larger than the limit is taken.
    void batcher.add(send(5, 6, 7, 8));
    expect(batcher.pendingMessages()).toBe(4);
  });

  it('takes whole callers up to maxBatch messages per batch; the rest leave next, and a full batch does not linger', async () => {
    const publisher = fakePublisher();
    const batcher = new ProduceBatcher(publisher, { lingerMs: 50, maxPendingMessages: 100, maxBatch: { maxMessages: 4 } });
    void batcher.add(send(1, 2));
    void batcher.add(send(3));
    expect(publisher.calls).toHaveLength(0); // 3 of 4: lingers
    void batcher.add(send(4, 5)); // 5 waiting: full, leaves now with the callers that fit
    expect(publisher.calls).toHaveLength(1);
    expect(publisher.numbers(0)).toEqual([1, 2, 3]);
    publisher.calls[0]!.resolve();
    await tick();
    expect(publisher.numbers(1)).toEqual([4, 5]);
    // One caller larger than a batch still goes, alone.
    publisher.calls[1]!.resolve();
    await tick();
    void batcher.add(send(6, 7, 8, 9, 10));
    expect(publisher.numbers(2)).toEqual([6, 7, 8, 9, 10]);
  });

  it('cuts batches by serialized bytes too, so a batch is one produce request', async () => {
    const publisher = fakePublisher();
    // Each message: key "kN" (2 bytes) + {"n":N} (7 bytes) + record overhead.
    const perMessage = 2 + 7 + RECORD_OVERHEAD_BYTES;
    const batcher = new ProduceBatcher(publisher, { lingerMs: 50, maxPendingMessages: 100, maxBatch: { maxBytes: 3 * perMessage } });
    void batcher.add(send(1, 2));
    void batcher.add(send(3, 4));
    expect(publisher.calls).toHaveLength(1);
    expect(publisher.numbers(0)).toEqual([1, 2]);
  });

  it('refuses a caller whose value fails its contract alone; the batch goes on', async () => {
    const publisher = fakePublisher();
    const batcher = new ProduceBatcher(publisher, { lingerMs: 5, maxPendingMessages: 100 });
    const good = batcher.add(send(1));
    await expect(batcher.add([{ contract, events: [{ key: 'bad', value: { n: 'one' as unknown as number } }] }])).rejects.toThrow();
    jest.advanceTimersByTime(5);
    expect(publisher.numbers(0)).toEqual([1]);
    publisher.calls[0]!.resolve();
    await expect(good).resolves.toBeUndefined();
  });

  it('refuses a caller with a message over MAX_MESSAGE_BYTES alone, at once; the batch goes on', async () => {
    const publisher = fakePublisher();
    const batcher = new ProduceBatcher(publisher, { lingerMs: 5, maxPendingMessages: 100 });
    const padded = { topic: 'test.padded.v1', schema: z.object({ pad: z.string() }), partitions: 1 } as const;
    const good = batcher.add(send(1));
    await expect(batcher.add([{ contract: padded, events: [{ key: 'huge', value: { pad: 'h'.repeat(MAX_MESSAGE_BYTES) } }] }])).rejects.toBeInstanceOf(MessageTooLargeError);
    expect(batcher.pendingMessages()).toBe(1);
    jest.advanceTimersByTime(5);
    expect(publisher.numbers(0)).toEqual([1]);
    publisher.calls[0]!.resolve();
    await expect(good).resolves.toBeUndefined();
  });

  it('resolves a call with nothing to send at once', async () => {
    const publisher = fakePublisher();
    await new ProduceBatcher(publisher, { lingerMs: 5, maxPendingMessages: 3 }).add([{ contract, events: [] }]);
    expect(publisher.calls).toHaveLength(0);
  });

  it('drains without lingering: what waits is sent at once, and drain resolves when all is settled', async () => {
    const publisher = fakePublisher();
    const batcher = new ProduceBatcher(publisher, { lingerMs: 1000, maxPendingMessages: 100 });
    const a = batcher.add(send(1));
    let drained = false;
    const draining = batcher.drain().then(() => (drained = true));
    expect(publisher.calls).toHaveLength(1);
    const b = batcher.add(send(2)); // still taken while draining, sent right after
    publisher.calls[0]!.resolve();
    await tick();
    expect(publisher.calls).toHaveLength(2);
    expect(drained).toBe(false);
    publisher.calls[1]!.resolve();
    await Promise.all([a, b, draining]);
    expect(drained).toBe(true);
  });
});
