import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { BatchConsumer, EventPublisher } from '@alertlark/kafka';
import { JsonLogger, KAFKA, Readiness } from '@alertlark/service-kit';
import { ProjectStatsBatchUseCase, STATS_SOURCES, type StatsSource } from './project-stats-batch.usecase';
import { STATS_ENV, type StatsEnv } from './stats.env';

/**
 * The daily-statistics projection's input, in the `<prefix>.stats` group: alert notifications
 * (`alertlark.notifications.v1`, daily summaries skipped) and lark-sender's attempts
 * (`alertlark.deliveries.v1`), a batch at a time through `ProjectStatsBatchUseCase`, the handler
 * the rebuild runs too. A message that fails its schema, or whose timestamp is no time, is dead-lettered.
 */
@Injectable()
export class StatsEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: BatchConsumer<StatsSource>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(STATS_ENV) env: StatsEnv,
    publisher: EventPublisher,
    project: ProjectStatsBatchUseCase,
    logger: JsonLogger,
    private readonly readiness: Readiness,
  ) {
    this.consumer = new BatchConsumer(kafka, {
      name: 'stats',
      groupId: `${env.ALERTLARK_CONSUMER_GROUP_PREFIX}.stats`,
      contracts: STATS_SOURCES,
      fromBeginning: env.ALERTLARK_CONSUMER_START === 'earliest',
      publisher,
      log: (level, message, fields) => logger.event(level, message, fields),
      // Partitions are independent: while one waits on MongoDB, others go on.
      partitionsConsumedConcurrently: 3,
      handleBatch: async (batch) => {
        await project.execute(batch);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('stats-consumer', () => this.consumer.hasJoined());
    await this.consumer.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
