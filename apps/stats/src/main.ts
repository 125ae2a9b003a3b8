import 'reflect-metadata';
import { JsonLogger, bootstrapService, internalPort, parseEnv, runService } from '@alertlark/service-kit';
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
    internal: { port: internalPort(env.STATS_PORT, env.STATS_INTERNAL_PORT, 'STATS_INTERNAL_PORT'), host: env.INTERNAL_HOST },
    logger,
  });
}

runService('stats', main);
