import { PermanentEventError, type ConsumedBatch, type ConsumedEvent } from './batch.consumer';

export interface EachEventOptions {
  log: (level: 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;
  maxBackoffMs?: number;
}

/** The wait before retry `attempt` (1, 2, …): 200 ms doubling, at most `maxBackoffMs`. */
export function eventBackoffMs(attempt: number, maxBackoffMs = 10_000): number {
  return Math.min(maxBackoffMs, 100 * 2 ** Math.min(attempt, 10));
}

/**
 * A batch handler for a use-case that takes one message at a time: the batch's events in offset
 * order, each handled before the next. A `PermanentEventError` dead-letters that message alone,
 * with the error's message as the reason; any other failure (database or broker unavailable) is
 * retried with backoff on the same message, so the messages before it are not handled again. The
 * retries end when the consumer stops or loses the partition: the batch's offsets are then not
 * committed, and its messages are redelivered to whoever owns the partition next.
 */
export function eachEvent<T>(handle: (event: ConsumedEvent<T>) => Promise<void>, options: EachEventOptions): (batch: ConsumedBatch<T>) => Promise<void> {
  return async (batch) => {
    for (const event of batch.events) {
      for (let attempt = 1; ; attempt++) {
        try {
          await handle(event);
          break;
        } catch (error) {
          if (error instanceof PermanentEventError) {
            batch.deadLetter(event, error.message);
            break;
          }
          options.log('error', 'handling failed; retrying', { topic: event.topic, partition: event.partition, offset: event.offset, attempt, error: String(error) });
          if (!batch.isRunning()) throw error;
          await new Promise((resolve) => setTimeout(resolve, eventBackoffMs(attempt, options.maxBackoffMs)));
        }
      }
    }
  };
}
