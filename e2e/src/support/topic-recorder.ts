import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { waitFor } from '@alertlark/testing';
import type { Fleet } from './fleet';

export interface TopicRecorder<T> {
  /** What has arrived so far that `keep` accepted. */
  values(): T[];
  /** Waits until `done` says the recorded values are complete, and returns them. */
  until(what: string, done: (values: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  stop(): Promise<void>;
}

export interface RecordTopicOptions {
  /**
   * Bytes fetched per partition (kafkajs' default 1 MiB). A record batch larger than that comes
   * back only when its partition is the first with data in a fetch: a topic carrying messages of
   * several MB (a notification of 200 large alerts, its dead letter) needs more.
   */
  maxBytesPerPartition?: number;
}

/** Follows a topic from its current end, keeping the JSON values `keep` accepts. */
export async function recordTopic<T>(fleet: Fleet, topic: string, keep: (value: T) => boolean, options: RecordTopicOptions = {}): Promise<TopicRecorder<T>> {
  const kafka = new Kafka({ clientId: 'e2e-recorder', brokers: fleet.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({
    groupId: `e2e-recorder-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 100,
    ...(options.maxBytesPerPartition ? { maxBytesPerPartition: options.maxBytesPerPartition, maxBytes: Math.max(options.maxBytesPerPartition * 2, 10 * 1024 * 1024) } : {}),
  });
  const found: T[] = [];
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const value = JSON.parse(message.value?.toString() ?? 'null') as T;
      if (value && keep(value)) found.push(value);
    },
  });
  await waitFor(`a recorder on ${topic} to join`, async () => joined || undefined, 30_000);
  return {
    values: () => [...found],
    until: (what, done, timeoutMs = 60_000) => waitFor(what, async () => (done(found) ? [...found] : undefined), timeoutMs),
    stop: () => consumer.disconnect(),
  };
}
