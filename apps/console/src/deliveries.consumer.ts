import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { EVENTS } from '@alertlark/contracts';
import { BatchConsumer, EventPublisher } from '@alertlark/kafka';
import { JsonLogger, KAFKA, Readiness } from '@alertlark/service-kit';
import { CONSOLE_ENV, type ConsoleEnv } from './console.env';
import { ProjectDeliveryUseCase } from './project-delivery.usecase';

/**
 * lark-sender's attempts (`alertlark.deliveries.v1`, keyed by objectId) into the console's audit,
 * in the `<prefix>.console` group, one insert per batch. A message that fails its schema is
 * dead-lettered.
 */
@Injectable()
export class DeliveriesConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: BatchConsumer<typeof EVENTS.deliveries>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(CONSOLE_ENV) env: ConsoleEnv,
    publisher: EventPublisher,
    project: ProjectDeliveryUseCase,
    logger: JsonLogger,
    private readonly readiness: Readiness,
  ) {
    this.consumer = new BatchConsumer(kafka, {
      name: 'console',
      groupId: `${env.ALERTLARK_CONSUMER_GROUP_PREFIX}.console`,
      contracts: [EVENTS.deliveries],
      fromBeginning: env.ALERTLARK_CONSUMER_START === 'earliest',
      publisher,
      log: (level, message, fields) => logger.event(level, message, fields),
      // Partitions are independent: while one waits on MongoDB, others go on.
      partitionsConsumedConcurrently: 3,
      handleBatch: (batch) => project.execute(batch.events.map((event) => event.value)),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('deliveries-consumer', () => this.consumer.hasJoined());
    await this.consumer.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
