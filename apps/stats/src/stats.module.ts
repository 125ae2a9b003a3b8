import { Module, type DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DAILY_STATS_COLLECTIONS, DailyStatsDataModule, DailyStatsRepository, MongoReadiness, RetentionSweeper, SummaryPostModule } from '@alertlark/persistence';
import { HealthModule, kafkaSettings, MessagingModule, type JsonLogger } from '@alertlark/service-kit';
import { DailySummaryScheduler } from './daily-summary.scheduler';
import { ProjectStatsBatchUseCase } from './project-stats-batch.usecase';
import { STATS_ENV, type StatsEnv } from './stats.env';
import { StatsEventsConsumer } from './stats-events.consumer';
import { TeamDeletionsConsumer } from './team-deletions.consumer';

/**
 * The daily-statistics service: projects alert notifications and deliveries into daily counts
 * (apps/stats/README.md) and posts each chatbot's summary at its configured times.
 */
@Module({})
export class StatsModule {
  static create(env: StatsEnv, logger: JsonLogger): DynamicModule {
    return {
      module: StatsModule,
      imports: [
        HealthModule.forService('stats'),
        MessagingModule.forService({ service: 'stats', kafka: kafkaSettings(env), configFeed: true }, logger),
        MongooseModule.forRoot(env.MONGO_URL, { serverSelectionTimeoutMS: 10_000 }),
        DailyStatsDataModule,
        SummaryPostModule,
      ],
      providers: [
        { provide: STATS_ENV, useValue: env },
        MongoReadiness,
        ProjectStatsBatchUseCase,
        StatsEventsConsumer,
        TeamDeletionsConsumer,
        DailySummaryScheduler,
        {
          provide: RetentionSweeper,
          inject: [DailyStatsRepository],
          useFactory: (stats: DailyStatsRepository) =>
            new RetentionSweeper(
              [
                { collection: DAILY_STATS_COLLECTIONS.notices, days: env.STATS_RETENTION_DAYS, deleteBatch: (cutoff, limit) => stats.deleteNoticesOlderThan(cutoff, limit) },
                { collection: DAILY_STATS_COLLECTIONS.cards, days: env.STATS_RETENTION_DAYS, deleteBatch: (cutoff, limit) => stats.deleteCardsOlderThan(cutoff, limit) },
              ],
              { intervalMs: env.ALERTLARK_RETENTION_SWEEP_MS },
              logger,
            ),
        },
      ],
    };
  }
}
