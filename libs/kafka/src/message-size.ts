import type { WireMessage } from './event.publisher';

/**
 * The largest message a producer sends, measured as `wireBytes` (key, value, record overhead).
 * Sized from the largest legitimate message: a notification carries at most 200 alerts
 * (MAX_ALERTS_PER_NOTIFICATION), most of them 0.5–2 KB, so 100–400 KB; 4 MiB still holds 200
 * alerts of ~20 KB each (one 16 KB annotation at ingest's limit and ordinary labels), and their
 * dead-letter entry, the notification again as an escaped JSON string, 10–25 % larger, up to ~3.3 MB
 * of notification. What is larger can never be written: `encodeSend` refuses it with
 * MessageTooLargeError, and a dead letter is cut to fit (`fitDeadLetter`).
 */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * `max.message.bytes` of every topic `ensureTopics` creates or finds: the broker refuses a record
 * batch (per partition of a produce request) above it. A message of MAX_MESSAGE_BYTES alone is a
 * batch of it plus the 61-byte batch header; the headroom also covers RECORD_OVERHEAD_BYTES being
 * an estimate. Readers must fetch at least this much per partition (see libs/kafka/README.md).
 */
export const TOPIC_MAX_MESSAGE_BYTES = MAX_MESSAGE_BYTES + 64 * 1024;

/** A v2 record's own bytes besides key and value (length, attributes, deltas, key and value lengths, header count), rounded up. */
export const RECORD_OVERHEAD_BYTES = 24;

export function wireBytes(message: WireMessage): number {
  return Buffer.byteLength(message.key, 'utf8') + (message.value === null ? 0 : message.value.length) + RECORD_OVERHEAD_BYTES;
}

/**
 * A message over MAX_MESSAGE_BYTES: the broker would refuse it however often it is sent, so it is
 * refused before anything of its publish is sent. The caller truncates it or records it, and moves on.
 */
export class MessageTooLargeError extends Error {
  override readonly name = 'MessageTooLargeError';

  constructor(
    readonly topic: string,
    readonly key: string,
    readonly bytes: number,
    readonly limit: number = MAX_MESSAGE_BYTES,
  ) {
    super(`a message for ${topic} with key ${key} is ${bytes} bytes, over the ${limit}-byte limit: it can never be written`);
  }
}
