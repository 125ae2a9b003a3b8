import { PermanentEventError, type ConsumedBatch } from './batch.consumer';
import { eachEvent, eventBackoffMs } from './each-event';

function batchOf(values: string[], running: () => boolean = () => true) {
  const deadLettered: { offset: string; reason: string }[] = [];
  const batch: ConsumedBatch<string> = {
    topic: 't',
    partition: 2,
    events: values.map((value, index) => ({ topic: 't', partition: 2, offset: String(10 + index), key: null, value })),
    invalid: 0,
    deadLetter: (event, reason) => void deadLettered.push({ offset: event.offset, reason }),
    heartbeat: async () => undefined,
    isRunning: running,
  };
  return { batch, deadLettered };
}

describe('eachEvent: one message at a time inside a batch', () => {
  const logs: unknown[] = [];
  const log = (...entry: unknown[]) => void logs.push(entry);

  it('handles the events in offset order, each once', async () => {
    const seen: string[] = [];
    const { batch, deadLettered } = batchOf(['a', 'b', 'c']);
    await eachEvent<string>(async (event) => void seen.push(`${event.offset}:${event.value}`), { log })(batch);
    expect(seen).toEqual(['10:a', '11:b', '12:c']);
    expect(deadLettered).toEqual([]);
  });

  it('dead-letters the one event a handler rejects for good, with its reason, and goes on', async () => {
    const seen: string[] = [];
    const { batch, deadLettered } = batchOf(['a', 'bad', 'c']);
    await eachEvent<string>(
      async (event) => {
        if (event.value === 'bad') throw new PermanentEventError('bad is not a chatbot');
        seen.push(event.value);
      },
      { log },
    )(batch);
    expect(seen).toEqual(['a', 'c']);
    expect(deadLettered).toEqual([{ offset: '11', reason: 'bad is not a chatbot' }]);
  });

  it('retries a failing event with backoff without handling the ones before it again', async () => {
    const calls: string[] = [];
    let failures = 2;
    const { batch } = batchOf(['a', 'b', 'c']);
    await eachEvent<string>(
      async (event) => {
        calls.push(event.value);
        if (event.value === 'b' && failures-- > 0) throw new Error('MongoDB unavailable');
      },
      { log, maxBackoffMs: 1 },
    )(batch);
    expect(calls).toEqual(['a', 'b', 'b', 'b', 'c']);
  });

  it('gives up when the consumer stops or lost the partition: the batch fails and is redelivered', async () => {
    let running = true;
    const calls: string[] = [];
    const { batch } = batchOf(['a', 'b'], () => running);
    const handling = eachEvent<string>(
      async (event) => {
        calls.push(event.value);
        running = false;
        throw new Error('MongoDB unavailable');
      },
      { log, maxBackoffMs: 1 },
    )(batch);
    await expect(handling).rejects.toThrow('MongoDB unavailable');
    expect(calls).toEqual(['a']);
  });

  it('backs off from 200 ms, doubling, up to the maximum', () => {
    expect([1, 2, 3, 6, 7, 20].map((attempt) => eventBackoffMs(attempt))).toEqual([200, 400, 800, 6_400, 10_000, 10_000]);
    expect(eventBackoffMs(3, 500)).toBe(500);
  });
});
