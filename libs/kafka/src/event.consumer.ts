import type { z } from 'zod';
import { EVENTS, type EventContract } from '@alertlark/contracts';
import { PermanentEventError } from './batch.consumer';
import { decodeEvent } from './decode';
import type { EventPublisher } from './event.publisher';

/** The parts of a Kafka message a consumer needs; Nest's KafkaContext and kafkajs both provide them. */
export interface ReceivedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | string | null;
  value: Buffer | string | null;
}


export interface ConsumeOptions {
  consumer: string;
  log: (level: 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;
  /** Stops the retry loop when the service shuts down; the uncommitted message is redelivered. */
  isStopping?: () => boolean;
  maxBackoffMs?: number;
  /** Kafka's heartbeat: called every few seconds while one message is being handled or retried. */
  heartbeat?: () => Promise<void>;
}

const asText = (value: Buffer | string | null): string | null => (value === null ? null : value.toString());

/**
 * Decode, handle, and never lose: a message that fails its schema (or that the handler rejects as
 * permanent) is published to the dead-letter topic with the reason; any other failure (database
 * or broker unavailable) is retried with backoff on the same message, holding the partition, so the
 * offset only advances past work that was done.
 */
export async function consumeEvent<S extends z.ZodType>(
  publisher: EventPublisher,
  contract: EventContract<S>,
  message: ReceivedMessage,
  handle: (event: z.output<S>) => Promise<void>,
  options: ConsumeOptions,
): Promise<void> {
  const deadLetter = (reason: string) =>
    publisher.publish(EVENTS.deadLetter, [
      {
        key: `${message.topic}/${message.partition}/${message.offset}`,
        value: {
          sourceTopic: message.topic,
          partition: message.partition,
          offset: message.offset,
          key: asText(message.key),
          value: asText(message.value),
          reason,
          consumer: options.consumer,
          at: new Date().toISOString(),
        },
      },
    ]);

  // A message may take longer than the session timeout (retries until a delivery deadline):
  // keep the group membership alive so the partition is not handed to another replica meanwhile.
  const beat = options.heartbeat;
  const timer = beat ? setInterval(() => void beat().catch(() => undefined), 3_000) : undefined;
  try {
    await handleDecoded();
  } finally {
    if (timer) clearInterval(timer);
  }

  async function handleDecoded(): Promise<void> {
    const decoded = decodeEvent(contract.schema, message.value);
    if (!decoded.ok) {
      options.log('warn', 'message sent to the dead-letter topic', { topic: message.topic, offset: message.offset, reason: decoded.reason });
      await deadLetter(decoded.reason);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await handle(decoded.value);
        return;
      } catch (error) {
        if (error instanceof PermanentEventError) {
          options.log('warn', 'message sent to the dead-letter topic', { topic: message.topic, offset: message.offset, reason: error.message });
          await deadLetter(error.message);
          return;
        }
        options.log('error', 'handling failed; retrying', { topic: message.topic, offset: message.offset, attempt, error: String(error) });
        if (options.isStopping?.()) throw error;
        const delay = Math.min(options.maxBackoffMs ?? 10_000, 100 * 2 ** Math.min(attempt, 10));
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
