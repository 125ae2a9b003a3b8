import 'reflect-metadata';
import { JsonLogger, bootstrapService, parseEnv } from '@alertlark/service-kit';
import { StatsModule } from './stats.module';
import { statsEnvSchema } from './stats.env';

async function main(): Promise<void> {
  const logger = new JsonLogger('stats');
  const env = parseEnv(statsEnvSchema);
  await bootstrapService({ name: 'stats', module: StatsModule.create(env, logger), port: env.STATS_PORT, host: env.HOST, logger });
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'stats', level: 'fatal', message: String(error) })}\n`);
  process.exit(1);
});
