import type { Kafka, Producer } from 'kafkajs';
import type { z } from 'zod';
import type { EventContract } from '@alertlark/contracts';

export const EVENT_PUBLISHER = Symbol('EVENT_PUBLISHER');

export interface OutgoingEvent<S extends z.ZodType> {
  key: string;
  value: z.input<S>;
  /** Set when the consumer must know which partition a key lands on (see partitionForKey). */
  partition?: number;
}

/**
 * The one producer of a service. Values are parsed against their contract before they leave, and a
 * send resolves only once every in-sync replica has the write (acks = -1), so a caller that answers
 * 2xx after `publish` never loses what it accepted.
 */
export class EventPublisher {
  private readonly producer: Producer;
  private connected = false;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({ allowAutoTopicCreation: true });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  isConnected(): boolean {
    return this.connected;
  }

  async publish<S extends z.ZodType>(contract: EventContract<S>, events: readonly OutgoingEvent<S>[]): Promise<void> {
    if (events.length === 0) return;
    const messages = events.map((event) => ({
      key: event.key,
      value: JSON.stringify(contract.schema.parse(event.value)),
      ...(event.partition === undefined ? {} : { partition: event.partition }),
    }));
    await this.producer.send({ topic: contract.topic, acks: -1, messages });
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await this.producer.disconnect();
  }
}
