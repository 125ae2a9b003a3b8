import 'reflect-metadata';
import { parseBrokers } from '@alertlark/kafka';
import { JsonLogger, bootstrapService, parseEnv, runService } from '@alertlark/service-kit';
import { StatsModule } from './stats.module';
import { statsEnvSchema } from './stats.env';

async function main(): Promise<void> {
  const logger = new JsonLogger('stats');
  const env = parseEnv(statsEnvSchema);
  await bootstrapService({
    name: 'stats',
    module: StatsModule.create(env, logger),
    port: env.STATS_PORT,
    host: env.HOST,
    logger,
    // The daily-statistics projection (`alertlark.notifications.v1`, `alertlark.deliveries.v1`) in its own group.
    kafkaConsumer: { brokers: parseBrokers(env.KAFKA_BROKERS), groupId: `${env.ALERTLARK_CONSUMER_GROUP_PREFIX}.stats`, fromBeginning: env.ALERTLARK_CONSUMER_START === 'earliest' },
  });
}

runService('stats', main);
