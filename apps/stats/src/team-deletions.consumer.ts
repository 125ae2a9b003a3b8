import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { EVENTS } from '@alertlark/contracts';
import { BatchConsumer } from '@alertlark/kafka';
import { DailyStatsRepository } from '@alertlark/persistence';
import { JsonLogger, KAFKA, Readiness } from '@alertlark/service-kit';
import { STATS_ENV, type StatsEnv } from './stats.env';

/**
 * A deleted team's statistics go with it: on `team.deleted` the stats rows of the team are
 * deleted. A group of its own with committed offsets, unlike the config feed (which every replica
 * reads whole at each start), so each deletion is carried out once, not at every restart; doing it
 * twice (a redelivery) deletes nothing more. Config entries that fail the contract are the
 * console's to fix and every config reader logs them, so they are skipped here, not dead-lettered.
 */
@Injectable()
export class TeamDeletionsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: BatchConsumer<typeof EVENTS.config>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(STATS_ENV) env: StatsEnv,
    stats: DailyStatsRepository,
    logger: JsonLogger,
    private readonly readiness: Readiness,
  ) {
    this.consumer = new BatchConsumer(kafka, {
      name: 'stats.team-deletions',
      groupId: `${env.ALERTLARK_CONSUMER_GROUP_PREFIX}.stats-team-deletions`,
      contracts: [EVENTS.config],
      fromBeginning: env.ALERTLARK_CONSUMER_START === 'earliest',
      publisher: null,
      log: (level, message, fields) => logger.event(level, message, fields),
      handleBatch: async (batch) => {
        for (const { value } of batch.events) {
          if (value?.type !== 'team.deleted') continue;
          const deleted = await stats.deleteAllOfTeam(value.teamId);
          logger.event('info', "deleted team's statistics removed", { teamId: value.teamId, ...deleted });
        }
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('stats-team-deletions', () => this.consumer.hasJoined());
    await this.consumer.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
