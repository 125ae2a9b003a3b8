import type { Kafka } from 'kafkajs';
import { EVENTS } from '@alertlark/contracts';
import { BatchConsumer } from './batch.consumer';
import { ConfigView } from './config.view';

/**
 * Reads the whole compacted config topic into a ConfigView and keeps following it, through a
 * `BatchConsumer` in `catchUp` mode: each process uses a throwaway group of its own (every replica
 * needs every entry) and commits nothing, so it always starts from the beginning. `start()`
 * resolves once everything present at start is applied. An invalid entry is logged and skipped,
 * not dead-lettered: every replica reads it again at every start.
 */
export class ConfigFeed {
  readonly view = new ConfigView();
  private consumer: BatchConsumer<typeof EVENTS.config> | undefined;
  private ready = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly serviceName: string,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => void,
  ) {}

  isCaughtUp(): boolean {
    return this.ready;
  }

  async start(): Promise<void> {
    let markCaughtUp!: () => void;
    const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
    this.consumer = new BatchConsumer(this.kafka, {
      name: `${this.serviceName}.config`,
      groupId: `${this.serviceName}.config`,
      contracts: [EVENTS.config],
      fromBeginning: true,
      publisher: null,
      log: this.log,
      catchUp: {
        onCaughtUp: () => {
          this.ready = true;
          markCaughtUp();
        },
      },
      handleBatch: async (batch) => {
        // A tombstone (compaction's delete marker) carries no configuration.
        for (const event of batch.events) if (event.value !== null) this.view.apply(event.value);
      },
    });
    await this.consumer.run();
    await caughtUp;
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }
}
