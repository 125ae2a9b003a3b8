import { Module, type DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DailyStatsDataModule, MongoReadiness, SummaryPostModule } from '@alertlark/persistence';
import { HealthModule, kafkaSettings, MessagingModule, type JsonLogger } from '@alertlark/service-kit';
import { DailySummaryScheduler } from './daily-summary.scheduler';
import { ProjectStatsBatchUseCase } from './project-stats-batch.usecase';
import { STATS_ENV, type StatsEnv } from './stats.env';
import { StatsEventsConsumer } from './stats-events.consumer';

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
      providers: [{ provide: STATS_ENV, useValue: env }, MongoReadiness, ProjectStatsBatchUseCase, StatsEventsConsumer, DailySummaryScheduler],
    };
  }
}
