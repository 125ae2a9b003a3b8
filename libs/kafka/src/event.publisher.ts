import type { Kafka, Producer } from 'kafkajs';
import type { z } from 'zod';
import type { EventContract } from '@alertlark/contracts';
import { MAX_MESSAGE_BYTES, MessageTooLargeError, wireBytes } from './message-size';

export const EVENT_PUBLISHER = Symbol('EVENT_PUBLISHER');

export interface OutgoingEvent<S extends z.ZodType, V = z.input<S>> {
  key: string;
  value: V;
  /** Set when the consumer must know which partition a key lands on (see partitionForKey). */
  partition?: number;
}

/** A compacted topic also takes `null`: a tombstone, which deletes the key's value. */
export type OutgoingValue<C extends EventContract> = z.input<C['schema']> | (C extends { readonly compacted: true } ? null : never);
export type OutgoingEventOf<C extends EventContract> = OutgoingEvent<C['schema'], OutgoingValue<C>>;

/** One topic's share of a `publishAll`. */
export interface PublishSend<C extends EventContract = EventContract> {
  contract: C;
  events: readonly OutgoingEventOf<C>[];
  /**
   * The values were built by code whose specs prove every one satisfies the contract (ingest's
   * intake: the request schema implies the event contract, `libs/routing/src/intake.spec.ts`), so
   * they are not parsed a second time on the hot path. Anything else leaves this unset.
   */
  valid?: true;
}

/**
 * What one produce request may carry: kafkajs never splits a request, and the broker refuses a
 * partition's record batch over the topic's `max.message.bytes` (TOPIC_MAX_MESSAGE_BYTES).
 */
export interface ProduceLimits {
  maxMessages: number;
  /**
   * `wireBytes` of the whole request, so of each partition's batch in it; at most MAX_MESSAGE_BYTES.
   * 512 KiB keeps every batch of several messages within the 1 MiB per partition that readers
   * declaring `maxBytesPerFetch` fetch (BatchConsumer): a larger batch is read only when it comes
   * first in a fetch. A lone message up to MAX_MESSAGE_BYTES still goes, in a request of its own.
   */
  maxBytes: number;
}

export const PRODUCE_LIMITS: ProduceLimits = { maxMessages: 1000, maxBytes: 512 * 1024 };

export interface WireMessage {
  key: string;
  /** UTF-8 JSON, serialized once: kafkajs would measure and encode a string three times over. */
  value: Buffer | null;
  partition?: number;
}

export interface TopicMessages {
  topic: string;
  messages: WireMessage[];
}

/**
 * Splits messages into produce requests within the limits, in the order given: each request is
 * sent after the one before it is acknowledged, so every partition receives its messages in order.
 * A message over `maxBytes` alone gets a request of its own (`encodeSend` refused any over
 * MAX_MESSAGE_BYTES, which the topics take).
 */
export function planProduceRequests(topics: readonly TopicMessages[], limits: ProduceLimits = PRODUCE_LIMITS): TopicMessages[][] {
  const requests: TopicMessages[][] = [];
  let current = new Map<string, WireMessage[]>();
  let count = 0;
  let bytes = 0;
  const close = () => {
    if (count === 0) return;
    requests.push([...current].map(([topic, messages]) => ({ topic, messages })));
    current = new Map();
    count = 0;
    bytes = 0;
  };
  for (const { topic, messages } of topics) {
    for (const message of messages) {
      const size = wireBytes(message);
      if (count > 0 && (count >= limits.maxMessages || bytes + size > limits.maxBytes)) close();
      let list = current.get(topic);
      if (!list) current.set(topic, (list = []));
      list.push(message);
      count += 1;
      bytes += size;
    }
  }
  close();
  return requests;
}

/**
 * Parses (unless `valid`) and serializes a send; throws before anything is sent, MessageTooLargeError
 * for a message no topic takes.
 */
export function encodeSend(send: PublishSend): TopicMessages {
  const { contract, events, valid } = send;
  const messages = events.map((event): WireMessage => {
    let value: Buffer | null;
    if (event.value === null) {
      if (!contract.compacted) throw new TypeError(`${contract.topic} is not compacted: a null value (tombstone) is only for compacted topics`);
      value = null;
    } else {
      value = Buffer.from(JSON.stringify(valid ? event.value : contract.schema.parse(event.value)), 'utf8');
    }
    const message = event.partition === undefined ? { key: event.key, value } : { key: event.key, value, partition: event.partition };
    const bytes = wireBytes(message);
    if (bytes > MAX_MESSAGE_BYTES) throw new MessageTooLargeError(contract.topic, event.key, bytes);
    return message;
  });
  return { topic: contract.topic, messages };
}

export interface EventPublisherOptions {
  limits?: Partial<ProduceLimits>;
}

/**
 * The one producer of a service. Values are parsed against their contract before they leave, and a
 * send resolves only once every in-sync replica has the write (acks = -1), so a caller that answers
 * 2xx after `publish` never loses what it accepted.
 *
 * Idempotent (kafkajs `idempotent: true`, which requires acks = -1; `maxInFlightRequests: 1` as
 * kafkajs documents for it): a request kafkajs retries after a timeout is not written twice.
 * Requests go one at a time, in call order. kafkajs gives up after `retries` (so a caller can answer
 * 503 instead of hanging; it warns that this "may invalidate EoS guarantees"): kafkajs has then
 * rolled back its sequence numbers although the broker may have written the request, and the next
 * request would reuse them and be dropped by the broker as a duplicate. So after any failed
 * request the publisher starts a new producer (a new producer id), as Java's client bumps its epoch.
 */
export class EventPublisher {
  private producer: Producer;
  private producerReady = false;
  private connected = false;
  private closed = false;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly limits: ProduceLimits;

  constructor(
    private readonly kafka: Pick<Kafka, 'producer'>,
    options: EventPublisherOptions = {},
  ) {
    this.limits = { ...PRODUCE_LIMITS, ...options.limits };
    if (this.limits.maxBytes > MAX_MESSAGE_BYTES) throw new RangeError(`limits.maxBytes ${this.limits.maxBytes} is over MAX_MESSAGE_BYTES (${MAX_MESSAGE_BYTES}): the broker would refuse such a batch`);
    this.producer = this.newProducer();
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.producerReady = true;
    this.connected = true;
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** One topic's events, in order, resolving once all are acknowledged. */
  publish<C extends EventContract>(contract: C, events: readonly OutgoingEventOf<C>[]): Promise<void> {
    return this.publishAll([{ contract, events }]);
  }

  /**
   * Several topics' events in as few produce requests as the limits allow (kafkajs `sendBatch`),
   * resolving only once everything is acknowledged. Nothing is sent if any value fails its contract
   * or is over MAX_MESSAGE_BYTES (MessageTooLargeError). On failure, requests before the failed one
   * may have been written (at-least-once).
   */
  publishAll<const T extends readonly EventContract[]>(sends: { readonly [K in keyof T]: PublishSend<T[K]> }): Promise<void> {
    let topics: TopicMessages[];
    try {
      topics = (sends as readonly PublishSend[]).map(encodeSend);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.publishEncoded(topics);
  }

  /** Messages `encodeSend` made (so parsed, or marked valid), chunked and sent like `publishAll`'s. */
  publishEncoded(topics: readonly TopicMessages[]): Promise<void> {
    const requests = planProduceRequests(topics, this.limits);
    if (requests.length === 0) return Promise.resolve();
    const run = this.tail.then(() => this.sendInOrder(requests));
    this.tail = run.catch(() => undefined);
    return run;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    this.closed = true;
    await this.tail;
    await this.producer.disconnect();
  }

  private async sendInOrder(requests: readonly TopicMessages[][]): Promise<void> {
    try {
      for (const topicMessages of requests) {
        const producer = await this.ready();
        await producer.sendBatch({ acks: -1, topicMessages });
      }
    } catch (error) {
      await this.replaceProducer();
      throw error;
    }
  }

  private async ready(): Promise<Producer> {
    // After disconnect() the producer stays down: kafkajs refuses the send ("disconnected").
    if (!this.producerReady && !this.closed) {
      await this.producer.connect();
      this.producerReady = true;
    }
    return this.producer;
  }

  private async replaceProducer(): Promise<void> {
    if (this.closed) return;
    const old = this.producer;
    this.producer = this.newProducer();
    this.producerReady = false;
    await old.disconnect().catch(() => undefined);
  }

  private newProducer(): Producer {
    return this.kafka.producer({ allowAutoTopicCreation: true, idempotent: true, maxInFlightRequests: 1, retry: { retries: 5 } });
  }
}

// Exported from here so `@alertlark/kafka` offers it without touching the library's index.
export { ProduceBatcher, ProduceBacklogFullError, type ProduceBatcherOptions } from './produce-batcher';
