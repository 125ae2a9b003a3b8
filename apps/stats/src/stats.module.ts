import { Module, type DynamicModule } from '@nestjs/common';
import { parseBrokers } from '@alertlark/kafka';
import { HealthModule, MessagingModule, type JsonLogger } from '@alertlark/service-kit';
import type { StatsEnv } from './stats.env';

/**
 * The daily-statistics service. So far it only joins the fleet (health, metrics, Kafka); the
 * projection and the scheduled summaries are the daily-statistics issue's work.
 */
@Module({})
export class StatsModule {
  static create(env: StatsEnv, logger: JsonLogger): DynamicModule {
    return {
      module: StatsModule,
      imports: [
        HealthModule.forService('stats'),
        MessagingModule.forService({ service: 'stats', brokers: parseBrokers(env.KAFKA_BROKERS), configFeed: true }, logger),
      ],
    };
  }
}
