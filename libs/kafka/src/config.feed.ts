import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { EVENTS } from '@alertlark/contracts';
import { ConfigView } from './config.view';
import { decodeEvent } from './decode';

/**
 * Reads the whole compacted config topic into a ConfigView and keeps following it. Each process
 * uses its own consumer group (every replica needs every entry) and commits nothing: it always
 * starts from the beginning. `caughtUp()` resolves once everything present at start is applied.
 */
export class ConfigFeed {
  readonly view = new ConfigView();
  private consumer: Consumer | undefined;
  private ready = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly serviceName: string,
    private readonly log: (level: 'warn' | 'error', message: string, fields: Record<string, unknown>) => void,
  ) {}

  isCaughtUp(): boolean {
    return this.ready;
  }

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(EVENTS.config.topic);
    await admin.disconnect();
    const pending = new Map(ends.filter((end) => Number(end.high) > 0).map((end) => [end.partition, Number(end.high)]));
    let markCaughtUp!: () => void;
    const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
    const settle = () => {
      if (pending.size === 0 && !this.ready) {
        this.ready = true;
        markCaughtUp();
      }
    };
    settle();

    this.consumer = this.kafka.consumer({ groupId: `${this.serviceName}.config.${randomUUID()}`, maxWaitTimeInMs: 200 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: EVENTS.config.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const decoded = decodeEvent(EVENTS.config.schema, message.value);
        if (decoded.ok) this.view.apply(decoded.value);
        else this.log('warn', 'ignored an invalid config event', { offset: message.offset, reason: decoded.reason });
        const end = pending.get(partition);
        if (end !== undefined && Number(message.offset) + 1 >= end) {
          pending.delete(partition);
          settle();
        }
      },
    });
    await caughtUp;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
